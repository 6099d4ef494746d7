package io.github.pipeline.analytics.sources;

import io.github.pipeline.analytics.config.JobConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RawTopicParallelismTest {

    @Test
    void aParallelismThatDividesThePartitionsNeedsNoAdvice() {
        for (int p : new int[] {1, 2, 3, 6}) {
            assertTrue(RawTopicParallelism.advice("events.raw", 6, p).isEmpty(), "parallelism " + p);
        }
    }

    @Test
    void aboveThePartitionsTheAdviceSaysWhatIsIdleAndTheWayOut() {
        String one = RawTopicParallelism.advice("events.raw", 6, 7).orElseThrow();
        assertTrue(one.startsWith("PARALLELISM=7 is more than the 6 partitions of the raw topic events.raw:"), one);
        assertTrue(one.contains("1 source subtask reads nothing and holds event time back until marked idle"), one);
        assertTrue(one.contains("Reading and parsing use 6 subtasks, de-duplication, windows and sessions all 7."), one);
        assertTrue(one.contains("give events.raw at least 7 partitions"), one);
        String three = RawTopicParallelism.advice("raw", 1, 4).orElseThrow();
        assertTrue(three.startsWith("PARALLELISM=4 is more than the 1 partition of the raw topic raw:"), three);
        assertTrue(three.contains("3 source subtasks read nothing and hold event time back"), three);
    }

    @Test
    void aboveThePartitionsWithIdlenessOffIsRefused() {
        assertTrue(RawTopicParallelism.refusal("events.raw", 6, 7, 5_000).isEmpty(), "idleness on: only advice");
        assertTrue(RawTopicParallelism.refusal("events.raw", 6, 6, 0).isEmpty(), "within the partitions");
        String refusal = RawTopicParallelism.refusal("events.raw", 1, 2, 0).orElseThrow();
        assertTrue(refusal.startsWith("PARALLELISM=2 is more than the 1 partition of the raw topic events.raw, and"
                + " IDLE_FLUSH=0 turns idleness off: the 1 source subtask without a partition would hold event time"
                + " back for good"), refusal);
        assertTrue(refusal.contains("Use PARALLELISM <= 1, or an IDLE_FLUSH above 0"), refusal);
    }

    @Test
    void anUnevenSpreadIsNamed() {
        assertEquals("6 partitions of the raw topic events.raw over PARALLELISM=4 source subtasks: 2 of them read 2"
                        + " partitions, the others 1 (a parallelism that divides the partition count spreads the"
                        + " reading evenly)",
                RawTopicParallelism.advice("events.raw", 6, 4).orElseThrow());
    }

    @Test
    void aKafkaThatDoesNotAnswerLeavesTheJobUnchecked() {
        // Nothing listens on port 1: the check gives up after its timeout and the job starts.
        JobConfig config = JobConfig.of(Map.of("KAFKA_BOOTSTRAP", "127.0.0.1:1", "PARALLELISM", "64"));
        assertTrue(RawTopicParallelism.check(config, Duration.ofMillis(500)).isEmpty());
    }
}
