package io.github.pipeline.analytics.sources;

import io.github.pipeline.analytics.config.JobConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The rule between the raw topic's partitions and the job's parallelism, checked at start-up.
 *
 * <p>Every operator of the job runs at {@code PARALLELISM}, the Kafka source included, and each
 * partition of the raw topic is read by exactly one source subtask. So reading and parsing, the
 * source's work, spread over at most as many subtasks as there are partitions: that is the highest
 * useful parallelism of the source. A source subtask beyond it gets no partition and reads nothing.
 * It holds the event-time watermark of everything downstream back until the job's watermark
 * generator marks it idle, after {@code IDLE_AT_START} as for any partition that delivered nothing;
 * from then on the job runs exactly, and the keyed operators after the source (de-duplication,
 * windows, sessions) use every subtask. With {@code IDLE_FLUSH=0}, which turns idleness off, it
 * would hold event time back for good (no window, session or day would become final): that
 * combination is refused. A parallelism that does not divide the partition count leaves some source
 * subtasks with one partition more than others.
 */
public final class RawTopicParallelism {
    private static final Logger LOG = LoggerFactory.getLogger(RawTopicParallelism.class);
    /** How long start-up waits for Kafka to describe the raw topic before it goes on unchecked. */
    static final Duration DESCRIBE_TIMEOUT = Duration.ofSeconds(10);

    private RawTopicParallelism() {}

    /** Why the job cannot run: PARALLELISM above the partitions while idleness is off; or empty. */
    public static Optional<String> refusal(String topic, int partitions, int parallelism, long idleFlushMs) {
        if (parallelism <= partitions || idleFlushMs > 0) {
            return Optional.empty();
        }
        int idle = parallelism - partitions;
        return Optional.of(String.format(
                "PARALLELISM=%d is more than the %d partition%s of the raw topic %s, and IDLE_FLUSH=0 turns"
                        + " idleness off: the %d source subtask%s without a partition would hold event time back for"
                        + " good, and no window, session or day would become final. Use PARALLELISM <= %d, or an"
                        + " IDLE_FLUSH above 0, or first give %s at least %d partitions (kafka-topics --alter"
                        + " --partitions N; RAW_PARTITIONS for a new stack).",
                parallelism, partitions, plural(partitions), topic, idle, plural(idle), partitions, topic,
                parallelism));
    }

    /** What a parallelism leaves unused or uneven on {@code partitions} partitions (a warning), or empty. */
    public static Optional<String> advice(String topic, int partitions, int parallelism) {
        if (parallelism > partitions) {
            int idle = parallelism - partitions;
            return Optional.of(String.format(
                    "PARALLELISM=%d is more than the %d partition%s of the raw topic %s: each partition is read by one"
                            + " source subtask, so %d source subtask%s read%s nothing and hold%s event time back until"
                            + " marked idle (IDLE_AT_START after the start). Reading and parsing use %d subtask%s,"
                            + " de-duplication, windows and sessions all %d. To spread the reading too, give %s at"
                            + " least %d partitions, a multiple of PARALLELISM (kafka-topics --alter --partitions N;"
                            + " RAW_PARTITIONS for a new stack).",
                    parallelism, partitions, plural(partitions), topic, idle, plural(idle), idle == 1 ? "s" : "",
                    idle == 1 ? "s" : "", partitions, plural(partitions), parallelism, topic, parallelism));
        }
        if (partitions % parallelism != 0) {
            return Optional.of(String.format(
                    "%d partitions of the raw topic %s over PARALLELISM=%d source subtasks: %d of them read %d partitions,"
                            + " the others %d (a parallelism that divides the partition count spreads the reading evenly)",
                    partitions, topic, parallelism, partitions % parallelism, partitions / parallelism + 1,
                    partitions / parallelism));
        }
        return Optional.empty();
    }

    private static String plural(int n) {
        return n == 1 ? "" : "s";
    }

    /**
     * Refuses (IllegalArgumentException, like an invalid setting) what {@link #refusal} names, logs the
     * advice as a warning, or that the partitions fit. When Kafka does not describe the topic in time
     * (down, or the topic does not exist yet, which the source tolerates), the job starts unchecked and
     * says so.
     */
    public static void check(JobConfig config) {
        check(config, DESCRIBE_TIMEOUT);
    }

    static Optional<String> check(JobConfig config, Duration timeout) {
        OptionalInt partitions = partitions(config, timeout);
        if (partitions.isEmpty()) {
            LOG.warn("Could not read the partitions of {} within {}: PARALLELISM={} is not checked against them",
                    config.rawTopic, timeout, config.parallelism);
            return Optional.empty();
        }
        Optional<String> refusal = refusal(config.rawTopic, partitions.getAsInt(), config.parallelism,
                config.idleFlushMs);
        if (refusal.isPresent()) {
            throw new IllegalArgumentException(refusal.get());
        }
        Optional<String> advice = advice(config.rawTopic, partitions.getAsInt(), config.parallelism);
        if (advice.isPresent()) {
            LOG.warn(advice.get());
        } else {
            LOG.info("{} has {} partitions: PARALLELISM={} reads them evenly", config.rawTopic, partitions.getAsInt(),
                    config.parallelism);
        }
        return advice;
    }

    private static OptionalInt partitions(JobConfig config, Duration timeout) {
        Map<String, Object> props = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        Admin admin = Admin.create(props);
        try {
            TopicDescription topic = admin.describeTopics(List.of(config.rawTopic)).allTopicNames()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(config.rawTopic);
            return topic == null ? OptionalInt.empty() : OptionalInt.of(topic.partitions().size());
        } catch (ExecutionException | TimeoutException e) {
            return OptionalInt.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OptionalInt.empty();
        } finally {
            admin.close(Duration.ZERO);  // nothing pending matters any more; do not wait for a dead broker
        }
    }
}
