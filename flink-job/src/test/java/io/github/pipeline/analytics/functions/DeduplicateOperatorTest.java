package io.github.pipeline.analytics.functions;

import io.github.pipeline.analytics.model.Event;
import io.github.pipeline.analytics.model.LateEvent;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static io.github.pipeline.analytics.functions.Harnesses.ev;
import static io.github.pipeline.analytics.functions.Harnesses.side;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Both state backends run the lifetime tests: the ids must leave RocksDB as they leave the heap. */
class DeduplicateOperatorTest {
    private static final long TTL = 2 * 86_400_000L;
    private static final int MAX_PARALLELISM = 128;

    private static KeyedOneInputStreamOperatorTestHarness<String, Event, Event> harness(long ttl, String backend)
            throws Exception {
        return harness(ttl, backend, 1, 0);
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, Event, Event> harness(
            long ttl, String backend, int parallelism, int subtask) throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<String, Event, Event>(
                new DeduplicateOperator(ttl), e -> e.eventId, Types.STRING, MAX_PARALLELISM, parallelism, subtask);
        Harnesses.useBackend(h, backend);
        return h;
    }

    private static DeduplicateOperator op(KeyedOneInputStreamOperatorTestHarness<String, Event, Event> h) {
        return (DeduplicateOperator) h.getOperator();
    }

    /** Ids the operator remembers (entries of its seen-at state). */
    private static long remembered(KeyedOneInputStreamOperatorTestHarness<String, Event, Event> h) {
        try (Stream<String> ids = op(h).<String>getKeyedStateBackend()
                .getKeys(DeduplicateOperator.SEEN_STATE, VoidNamespace.INSTANCE)) {
            return ids.count();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void firstCopyWinsAndIdsAreForgottenExactlyAtTheTtl(String backend) throws Exception {
        var h = harness(TTL, backend);
        h.open();
        h.setProcessingTime(0);
        Event first = ev("e1", "u1", "click", "/a", 10_000);
        h.processElement(first, 10_000);
        h.processElement(ev("e1", "u1", "purchase", "/b", 10_000), 10_000);
        h.processElement(ev("e2", "u1", "click", "/a", 20_000), 20_000);
        assertEquals(List.of(first, ev("e2", "u1", "click", "/a", 20_000)), h.extractOutputValues());
        Set<Integer> groups = new HashSet<>();
        for (int i = 0; i < 500; i++) {   // more ids of the same bucket
            h.processElement(ev("more-" + i, "u1", "click", "/a", 20_000), 20_000);
            groups.add(KeyGroupRangeAssignment.assignToKeyGroup("more-" + i, MAX_PARALLELISM));
        }
        groups.add(KeyGroupRangeAssignment.assignToKeyGroup("e1", MAX_PARALLELISM));
        groups.add(KeyGroupRangeAssignment.assignToKeyGroup("e2", MAX_PARALLELISM));
        assertEquals(0, h.numEventTimeTimers());
        assertEquals(groups.size(), h.numProcessingTimeTimers(),
                "one expiry timer per key group and bucket of first copies, not one per id");

        h.setProcessingTime(TTL - 1);
        h.processElement(ev("e1", "u1", "click", "/a", 10_000), 10_000); // still remembered: dropped
        assertEquals(502, h.extractOutputValues().size());

        h.setProcessingTime(TTL);
        h.processElement(ev("e1", "u1", "click", "/a", 20_000), 20_000); // forgotten: a new event again
        assertEquals(503, h.extractOutputValues().size());
        h.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void idsLeaveTheStateWithinOneBucketAfterTheyExpire(String backend) throws Exception {
        var h = harness(TTL, backend);
        h.open();
        long bucket = op(h).bucketMs();
        assertEquals(DeduplicateOperator.MAX_BUCKET_MS, bucket, "a 64th of 48 h, capped at a minute");
        h.setProcessingTime(2);
        h.processElement(ev("old", "u1", "click", "", 10_000), 10_000);
        h.setProcessingTime(bucket + 5);   // the next bucket
        h.processElement(ev("new", "u1", "click", "", 20_000), 20_000);
        assertEquals(2, remembered(h));
        assertEquals(2, h.numProcessingTimeTimers(), "one timer per bucket");

        h.setProcessingTime(2 + TTL);   // "old" has expired, its bucket is not over yet
        assertEquals(2, remembered(h), "it leaves with its bucket");
        h.setProcessingTime(bucket - 1 + TTL);   // the last id of the first bucket has expired: the bucket goes
        assertEquals(1, remembered(h), "the expired id left");
        h.processElement(ev("new", "u1", "click", "", 20_000), 20_000);   // still a duplicate
        assertEquals(2, h.extractOutputValues().size());
        h.setProcessingTime(2 * bucket - 1 + TTL);
        Harnesses.assertNothingLeft(h);
        h.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void anIdSeenAgainAfterItExpiredStaysForItsNewTtl(String backend) throws Exception {
        var h = harness(TTL, backend);
        h.open();
        long bucket = op(h).bucketMs();
        h.setProcessingTime(0);
        h.processElement(ev("e", "u1", "click", "", 10_000), 10_000);
        h.setProcessingTime(TTL);   // expired, still in the state: a new first copy, remembered from now
        h.processElement(ev("e", "u1", "click", "", 10_000), 10_000);
        h.setProcessingTime(bucket - 1 + TTL);   // the first bucket's timer finds the id renewed
        assertEquals(1, remembered(h));
        h.processElement(ev("e", "u1", "click", "", 10_000), 10_000);
        assertEquals(2, h.extractOutputValues().size(), "a duplicate of the renewed copy");
        h.setProcessingTime(TTL + bucket - 1 + TTL);   // the renewed copy's bucket is over
        Harnesses.assertNothingLeft(h);
        h.close();
    }

    /**
     * The lifetime of remembered ids under steady traffic, with a horizon of seconds: for six horizons, 100
     * new ids per 100 ms (1 000 per second) and copies of ids sent 4.9 s and 5.2 s before. The number of
     * remembered ids must plateau at rate x horizon (plus at most one bucket), a copy inside the horizon is
     * dropped, one outside it counts; after the traffic stops, the state drains to nothing.
     */
    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void rememberedIdsPlateauAtRateTimesHorizonAndDrainWhenTrafficStops(String backend) throws Exception {
        long ttl = 5_000, step = 100;
        int perStep = 100;
        long ratePerS = perStep * 1_000 / step;
        var h = harness(ttl, backend);
        h.open();
        long bucket = op(h).bucketMs();
        List<Long> plateau = new ArrayList<>();
        int sent = 0, inside = 0, outside = 0;
        for (long now = 0; now < 6 * ttl; now += step) {
            h.setProcessingTime(now);
            for (int i = 0; i < perStep; i++) {
                h.processElement(ev(now + ":" + i, "u", "click", "", 1), 1);
                sent++;
            }
            if (now >= 4_900) {   // inside the horizon: dropped
                h.processElement(ev((now - 4_900) + ":0", "u", "click", "", 1), 1);
                inside++;
            }
            if (now >= 5_200) {   // outside: a new first copy
                h.processElement(ev((now - 5_200) + ":1", "u", "click", "", 1), 1);
                outside++;
            }
            if (now >= 2 * ttl && now % 500 == 0) {
                plateau.add(remembered(h));
            }
        }
        assertEquals(sent + outside, h.extractOutputValues().size(),
                inside + " copies inside the horizon dropped, " + outside + " outside it counted");
        long least = plateau.stream().mapToLong(Long::longValue).min().orElseThrow();
        long most = plateau.stream().mapToLong(Long::longValue).max().orElseThrow();
        assertTrue(least >= ratePerS * ttl / 1_000, "at least rate x horizon: " + least);
        // each step adds perStep new ids and, after 5.2 s, one id counted again (outside the horizon)
        assertTrue(most <= (perStep + 1) * (ttl + bucket + step) / step,
                "at most rate x (horizon + one bucket): " + most);

        long last = 6 * ttl - step;
        h.setProcessingTime(last + ttl - 1);
        assertTrue(remembered(h) > 0, "the last ids are still remembered one ms before they expire");
        h.setProcessingTime(last + ttl + bucket);
        Harnesses.assertNothingLeft(h);
        h.close();
    }

    @Test
    void idsSurviveAWatermarkJumpForTheTtl() throws Exception {
        var h = harness(TTL, "hashmap");
        h.open();
        h.setProcessingTime(1_000);
        h.processElement(ev("e1", "u1", "click", "", 10_000), 10_000);
        h.processWatermark(1_764_000_000_000L); // idle flush: the replayed history is final
        h.setProcessingTime(1_000 + TTL - 1);
        h.processElement(ev("e1", "u1", "click", "", 10_000), 10_000); // second replay: a duplicate, not late
        assertEquals(0, side(h, DeduplicateOperator.LATE).size());
        assertEquals(1, h.extractOutputValues().size());
        h.setProcessingTime(1_000 + TTL);
        h.processElement(ev("e1", "u1", "click", "", 10_000), 10_000); // after the TTL: forgotten, now late
        assertEquals(1, side(h, DeduplicateOperator.LATE).size());
        h.close();
    }

    @Test
    void lateEventsGoToSideOutputOnceAndDuplicatesOfThemAreDropped() throws Exception {
        var h = harness(TTL, "hashmap");
        h.open();
        h.processWatermark(50_000);
        h.processElement(ev("late", "u1", "click", "/p", 50_000), 50_000);    // ts == watermark: late
        h.processElement(ev("ontime", "u1", "click", "/p", 50_001), 50_001);  // just above: on time
        h.processElement(ev("late", "u1", "click", "/p", 50_000), 50_000);    // re-sent: nothing at all
        assertEquals(List.of(ev("ontime", "u1", "click", "/p", 50_001)), h.extractOutputValues());
        assertEquals(List.of(new LateEvent("late", "u1", "click", "/p", 50_000, "", 50_000)),
                side(h, DeduplicateOperator.LATE));
        h.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void restoreKeepsSeenIdsTheirExpiryAndTheWatermarkFloor(String backend) throws Exception {
        var h = harness(TTL, backend);
        h.open();
        h.setProcessingTime(0);
        h.processElement(ev("e1", "u1", "click", "", 100_000), 100_000);
        h.processWatermark(200_000);
        OperatorSubtaskState snapshot = h.snapshot(1, 1);
        h.close();

        var restored = harness(TTL, backend);
        restored.initializeState(snapshot);
        restored.open();
        restored.setProcessingTime(1);
        // the restored operator has seen no watermark yet, but its window of ts <= 200000 is final downstream
        restored.processElement(ev("e1", "u1", "click", "", 100_000), 100_000);
        restored.processElement(ev("old", "u1", "click", "", 150_000), 150_000);
        restored.processElement(ev("new", "u1", "click", "", 200_001), 200_001);
        assertEquals(List.of(ev("new", "u1", "click", "", 200_001)), restored.extractOutputValues());
        assertEquals(List.of(new LateEvent("old", "u1", "click", "", 150_000, "", 200_000)),
                side(restored, DeduplicateOperator.LATE));
        restored.setProcessingTime(1 + TTL + DeduplicateOperator.MAX_BUCKET_MS);   // the restored id expires too
        Harnesses.assertNothingLeft(restored);
        restored.close();
    }

    /**
     * A snapshot taken at parallelism 1 restored into 2 subtasks: each id stays remembered in the subtask
     * that owns its key group, and leaves it on time, since its expiry list moved with it.
     */
    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void idsAndTheirExpiryMoveWithTheirKeyGroupsOnRescale(String backend) throws Exception {
        var h = harness(TTL, backend);
        h.open();
        h.setProcessingTime(0);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            ids.add("id-" + i);
            h.processElement(ev("id-" + i, "u", "click", "", 1_000), 1_000);
        }
        OperatorSubtaskState snapshot = h.snapshot(1, 1);
        h.close();

        Set<String> seenBySubtasks = new HashSet<>();
        for (int subtask = 0; subtask < 2; subtask++) {
            var part = harness(TTL, backend, 2, subtask);
            part.initializeState(AbstractStreamOperatorTestHarness.repartitionOperatorState(
                    snapshot, MAX_PARALLELISM, 1, 2, subtask));
            part.open();
            part.setProcessingTime(TTL - 1);
            List<String> mine = new ArrayList<>();
            for (String id : ids) {
                int group = KeyGroupRangeAssignment.assignToKeyGroup(id, MAX_PARALLELISM);
                if (KeyGroupRangeAssignment.computeOperatorIndexForKeyGroup(MAX_PARALLELISM, 2, group) == subtask) {
                    mine.add(id);
                    part.processElement(ev(id, "u", "click", "", 2_000), 2_000);
                }
            }
            assertTrue(!mine.isEmpty() && mine.size() < ids.size(), "both subtasks own some ids: " + mine.size());
            assertEquals(List.of(), part.extractOutputValues(), "every id is still remembered after the rescale");
            assertEquals(mine.size(), remembered(part));
            seenBySubtasks.addAll(mine);
            part.setProcessingTime(DeduplicateOperator.MAX_BUCKET_MS - 1 + TTL);
            Harnesses.assertNothingLeft(part);
            part.close();
        }
        assertEquals(new HashSet<>(ids), seenBySubtasks);
    }

    @Test
    void expiryKeysFallIntoEveryKeyGroupAndAreNoValidEventId() {
        for (int maxParallelism : new int[] {1, 128, 4096}) {
            String[] keys = DeduplicateOperator.expiryKeys(maxParallelism);
            for (int group = 0; group < maxParallelism; group++) {
                assertEquals(group, KeyGroupRangeAssignment.assignToKeyGroup(keys[group], maxParallelism));
                assertTrue(keys[group].codePointCount(0, keys[group].length()) > 64, "longer than any event_id");
            }
        }
    }
}
