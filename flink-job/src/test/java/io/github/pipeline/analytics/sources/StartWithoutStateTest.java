package io.github.pipeline.analytics.sources;

import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer.PartitionOffsetsRetriever;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StartWithoutStateTest {
    private static final TopicPartition P0 = new TopicPartition("events.raw", 0);
    private static final TopicPartition P1 = new TopicPartition("events.raw", 1);

    /** A broker whose raw topic begins at offset 7 (older records deleted) with the given committed offsets. */
    private static PartitionOffsetsRetriever broker(Map<TopicPartition, Long> committed) {
        return new PartitionOffsetsRetriever() {
            @Override public Map<TopicPartition, Long> committedOffsets(Collection<TopicPartition> partitions) {
                return committed;
            }
            @Override public Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions) {
                throw new AssertionError("not asked");
            }
            @Override public Map<TopicPartition, Long> beginningOffsets(Collection<TopicPartition> partitions) {
                Map<TopicPartition, Long> out = new HashMap<>();
                for (TopicPartition p : partitions) out.put(p, 7L);
                return out;
            }
            @Override public Map<TopicPartition, OffsetAndTimestamp> offsetsForTimes(Map<TopicPartition, Long> times) {
                throw new AssertionError("not asked");
            }
        };
    }

    @Test
    void aFirstStartReadsFromTheBeginning() {
        var start = new StartWithoutState("analytics-flink", false);
        assertEquals(Map.of(P0, 7L, P1, 7L), start.getPartitionOffsets(List.of(P0, P1), broker(Map.of())));
    }

    @Test
    void aStartWithoutStateAfterCommittedOffsetsIsRefused() {
        var start = new StartWithoutState("analytics-flink", false);
        var e = assertThrows(IllegalStateException.class,
                () -> start.getPartitionOffsets(List.of(P0, P1), broker(Map.of(P1, 42L))));
        assertTrue(e.getMessage().contains("analytics-flink") && e.getMessage().contains("events.raw-1=42"), e.getMessage());
        assertTrue(e.getMessage().contains("START_OVER=true") && e.getMessage().contains("RESTORE_FROM"), e.getMessage());
    }

    @Test
    void startOverReadsEverythingTheTopicStillHolds() {
        var start = new StartWithoutState("analytics-flink", true);
        assertEquals(Map.of(P0, 7L, P1, 7L), start.getPartitionOffsets(List.of(P0, P1), broker(Map.of(P1, 42L))));
    }
}
