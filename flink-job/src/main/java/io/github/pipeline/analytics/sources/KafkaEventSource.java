package io.github.pipeline.analytics.sources;

import io.github.pipeline.analytics.config.JobConfig;
import io.github.pipeline.analytics.model.ParsedRecord;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;

import java.util.regex.Pattern;

/** The Kafka source of raw events. */
public final class KafkaEventSource {
    private KafkaEventSource() {}

    public static KafkaSource<ParsedRecord> create(JobConfig config) {
        return builder(config).build();
    }

    /** The configured builder, for callers that change it (the catch-up benchmark bounds it). */
    public static KafkaSourceBuilder<ParsedRecord> builder(JobConfig config) {
        return KafkaSource.<ParsedRecord>builder()
                .setBootstrapServers(config.kafkaBootstrap)
                // a pattern subscription tolerates a topic that does not exist yet (found by discovery)
                .setTopicPattern(Pattern.compile(Pattern.quote(config.rawTopic)))
                .setGroupId(config.consumerGroup)
                .setStartingOffsets(new StartWithoutState(config.consumerGroup, config.startOver))
                .setDeserializer(new RawEventDeserializer())
                .setProperty("partition.discovery.interval.ms", "10000")
                // The consumer hands out one partition's fetched data before the next one's. With the default
                // 1 MiB per partition and fetch, a backlog is read in chunks of ~4000 events per partition, i.e.
                // minutes of event time, and a partition whose first chunk comes last can be taken for idle at
                // start: the others' watermark then runs ahead and its first events are late. Small chunks keep
                // every partition's data arriving within moments of the others'.
                .setProperty("max.partition.fetch.bytes", "65536")
                .setProperty("commit.offsets.on.checkpoint", "true")
                .setProperty("client.id.prefix", config.consumerGroup);
    }
}
