package io.github.pipeline.analytics;

import io.github.pipeline.analytics.config.JobConfig;
import io.github.pipeline.analytics.it.CollectingSinks;
import io.github.pipeline.analytics.model.ParsedRecord;
import io.github.pipeline.analytics.model.Utf8StringSerializer;
import io.github.pipeline.analytics.sources.EventParser;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** The job graph itself, without running it. */
class AnalyticsJobGraphTest {
    private static StreamGraph graph() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        DataGeneratorSource<ParsedRecord> source = new DataGeneratorSource<>(
                i -> EventParser.parse("{}"), 1, RateLimiterStrategy.noOp(), TypeInformation.of(ParsedRecord.class));
        AnalyticsJob.build(env, JobConfig.of(Map.of()), source, new CollectingSinks());
        return env.getStreamGraph();
    }

    private static StreamNode node(StreamGraph g, String namePrefix) {
        StreamNode found = null;
        for (StreamNode n : g.getStreamNodes()) {
            if (n.getOperatorName().startsWith(namePrefix)) {
                found = n;
            }
        }
        assertNotNull(found, namePrefix);
        return found;
    }

    @Test
    void everyKeyedStateWritesItsKeysInOneCall() {
        StreamGraph g = graph();
        for (String name : new String[] {"De-duplicate", "Sessions and user days", "Events per type", "Page views",
                "Unique users per page", "Conversion"}) {
            assertInstanceOf(Utf8StringSerializer.class, node(g, name).getStateKeySerializer(), name);
        }
    }
}
