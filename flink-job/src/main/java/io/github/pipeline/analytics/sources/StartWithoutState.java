package io.github.pipeline.analytics.sources;

import io.github.pipeline.analytics.config.JobConfig;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.TopicPartition;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Where the raw topic is read from when the job starts without state (no checkpoint or savepoint restored):
 * from its beginning, and only when that is safe.
 *
 * <p>A first start (the consumer group has committed no offset) reads from the beginning. A start without
 * state after the group has committed offsets means an earlier run's state is gone (RESTORE_FROM=none, a
 * deleted checkpoint directory). Resuming from the committed offsets would count only the rest of every open
 * window, session and day, and its rows would replace complete ones; it would also take the first day it sees
 * of a returning user for the user's first day. So such a start is refused, unless {@code START_OVER} asks to
 * read the whole raw topic again: every row is then computed again from all the input the topic still holds,
 * and the versions ({@code functions/Versions}) keep a less complete row from replacing a complete one.
 *
 * <p>The Kafka source asks this only on a start without state: a restored source resumes from its checkpointed
 * offsets, and partitions it discovers later start from their beginning. Refusing fails the job with the
 * reason; {@code AnalyticsJobMain} checks the same before it starts a local cluster, so {@code java -jar}
 * exits at once instead.
 */
public final class StartWithoutState implements OffsetsInitializer {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(StartWithoutState.class);

    private final String group;
    private final boolean startOver;

    public StartWithoutState(String group, boolean startOver) {
        this.group = group;
        this.startOver = startOver;
    }

    @Override
    public Map<TopicPartition, Long> getPartitionOffsets(Collection<TopicPartition> partitions,
                                                         PartitionOffsetsRetriever offsets) {
        if (!startOver) {
            refuseIfCommitted(group, offsets.committedOffsets(partitions));
        }
        return offsets.beginningOffsets(partitions);
    }

    @Override
    @SuppressWarnings("deprecation")
    public OffsetResetStrategy getAutoOffsetResetStrategy() {
        return OffsetResetStrategy.EARLIEST;
    }

    /**
     * The same check before a local start without state, with the broker asked directly. A broker that does not
     * answer within 30 s leaves the decision to the source (which asks again once the job runs).
     */
    public static void checkBeforeStart(JobConfig config) {
        if (config.startOver) {
            LOG.info("START_OVER=true: reading {} from its beginning", config.rawTopic);
            return;
        }
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        Map<TopicPartition, Long> committed = new HashMap<>();
        try (Admin admin = Admin.create(props)) {
            Map<TopicPartition, OffsetAndMetadata> all = admin.listConsumerGroupOffsets(config.consumerGroup)
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            all.forEach((partition, offset) -> {
                if (partition.topic().equals(config.rawTopic) && offset != null) {
                    committed.put(partition, offset.offset());
                }
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (Exception e) {
            LOG.warn("Could not read the committed offsets of consumer group '{}' ({}); the source checks them once"
                    + " the job runs", config.consumerGroup, e.toString());
            return;
        }
        refuseIfCommitted(config.consumerGroup, committed);
    }

    /** Throws {@link IllegalStateException} with the reason and the way out when any offset was committed. */
    public static void refuseIfCommitted(String group, Map<TopicPartition, Long> committed) {
        Map<String, Long> found = new TreeMap<>();
        committed.forEach((partition, offset) -> {
            if (offset != null && offset >= 0) found.put(partition.toString(), offset);
        });
        if (!found.isEmpty()) {
            throw new IllegalStateException(refusal(group, found));
        }
    }

    static String refusal(String group, Map<String, Long> committed) {
        return "refusing to start without state: consumer group '" + group + "' has committed offsets " + committed
                + ", so an earlier run's state is lost, and resuming from those offsets would replace complete rows with"
                + " partial ones. Restore a checkpoint or savepoint (RESTORE_FROM=<path>), or start over from the"
                + " beginning of the raw topic with START_OVER=true (see flink-job/README.md, Recovery).";
    }
}
