package io.github.pipeline.analytics.functions;

import io.github.pipeline.analytics.model.Event;
import io.github.pipeline.analytics.model.LateEvent;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.github.pipeline.analytics.functions.Harnesses.ev;
import static io.github.pipeline.analytics.functions.Harnesses.side;
import static org.junit.jupiter.api.Assertions.assertEquals;

class DeduplicateOperatorTest {
    private static final long TTL = 2 * 86_400_000L;

    private static KeyedOneInputStreamOperatorTestHarness<String, Event, Event> harness() throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new DeduplicateOperator(new DeduplicateFunction(TTL)), e -> e.eventId, Types.STRING);
    }

    @Test
    void firstCopyWinsAndIdsAreForgottenAfterTheTtlWithoutAnyTimer() throws Exception {
        var h = harness();
        h.open();
        h.setProcessingTime(0);
        Event first = ev("e1", "u1", "click", "/a", 10_000);
        h.processElement(first, 10_000);
        h.processElement(ev("e1", "u1", "purchase", "/b", 10_000), 10_000);
        h.processElement(ev("e2", "u1", "click", "/a", 20_000), 20_000);
        assertEquals(List.of(first, ev("e2", "u1", "click", "/a", 20_000)), h.extractOutputValues());
        assertEquals(0, h.numEventTimeTimers(), "no timer per id");
        assertEquals(0, h.numProcessingTimeTimers(), "no timer per id");

        h.setProcessingTime(TTL - 1);
        h.processElement(ev("e1", "u1", "click", "/a", 10_000), 10_000); // still remembered: dropped
        assertEquals(2, h.extractOutputValues().size());

        h.setProcessingTime(TTL);
        h.processElement(ev("e1", "u1", "click", "/a", 20_000), 20_000); // forgotten: a new event again
        assertEquals(3, h.extractOutputValues().size());
        h.close();
    }

    @Test
    void expiredIdsLeaveMemoryInTheSweepAndOnlyThen() throws Exception {
        var h = harness();
        h.open();   // at processing time 0: the first sweep is due at 1 sweep interval
        long sweep = TTL / DeduplicateOperator.SWEEPS_PER_TTL;
        h.setProcessingTime(2);
        h.processElement(ev("old", "u1", "click", "", 10_000), 10_000);
        h.setProcessingTime(TTL - sweep + 1);   // the first sweep runs (nothing expired); the next is due at TTL + 1
        h.processElement(ev("new", "u1", "click", "", 20_000), 20_000);
        assertEquals(2, h.numKeyedStateEntries());

        h.setProcessingTime(TTL + 1);   // a sweep 1 ms before "old" (seen at 2) expires: it stays
        assertEquals(2, h.numKeyedStateEntries(), "an id is not swept before it expires");
        h.setProcessingTime(TTL + 1 + sweep);   // the next sweep: "old" has expired, "new" has not
        assertEquals(1, h.numKeyedStateEntries(), "the expired id is swept");
        h.processElement(ev("new", "u1", "click", "", 20_000), 20_000);   // still a duplicate
        assertEquals(2, h.extractOutputValues().size());
        h.setProcessingTime(2 * TTL);   // "new" (seen at TTL - sweep + 1) has expired too
        assertEquals(0, h.numKeyedStateEntries());
        assertEquals(0, h.numProcessingTimeTimers(), "no keyed timer, only the operator's sweep");
        h.close();
    }

    @Test
    void idsSurviveAWatermarkJumpForTheTtl() throws Exception {
        var h = harness();
        h.open();
        h.setProcessingTime(1_000);
        h.processElement(ev("e1", "u1", "click", "", 10_000), 10_000);
        h.processWatermark(1_764_000_000_000L); // idle flush: the replayed history is final
        h.setProcessingTime(1_000 + TTL - 1);
        h.processElement(ev("e1", "u1", "click", "", 10_000), 10_000); // second replay: a duplicate, not late
        assertEquals(0, side(h, DeduplicateFunction.LATE).size());
        assertEquals(1, h.extractOutputValues().size());
        h.setProcessingTime(1_000 + TTL);
        h.processElement(ev("e1", "u1", "click", "", 10_000), 10_000); // after the TTL: forgotten, now late
        assertEquals(1, side(h, DeduplicateFunction.LATE).size());
        h.close();
    }

    @Test
    void lateEventsGoToSideOutputOnceAndDuplicatesOfThemAreDropped() throws Exception {
        var h = harness();
        h.open();
        h.processWatermark(50_000);
        h.processElement(ev("late", "u1", "click", "/p", 50_000), 50_000);    // ts == watermark: late
        h.processElement(ev("ontime", "u1", "click", "/p", 50_001), 50_001);  // just above: on time
        h.processElement(ev("late", "u1", "click", "/p", 50_000), 50_000);    // re-sent: nothing at all
        assertEquals(List.of(ev("ontime", "u1", "click", "/p", 50_001)), h.extractOutputValues());
        assertEquals(List.of(new LateEvent("late", "u1", "click", "/p", 50_000, "", 50_000)),
                side(h, DeduplicateFunction.LATE));
        h.close();
    }

    @Test
    void restoreKeepsSeenIdsAndTheWatermarkFloor() throws Exception {
        var h = harness();
        h.open();
        h.processElement(ev("e1", "u1", "click", "", 100_000), 100_000);
        h.processWatermark(200_000);
        OperatorSubtaskState snapshot = h.snapshot(1, 1);
        h.close();

        var restored = harness();
        restored.initializeState(snapshot);
        restored.open();
        // the restored operator has seen no watermark yet, but its window of ts <= 200000 is final downstream
        restored.processElement(ev("e1", "u1", "click", "", 100_000), 100_000);
        restored.processElement(ev("old", "u1", "click", "", 150_000), 150_000);
        restored.processElement(ev("new", "u1", "click", "", 200_001), 200_001);
        assertEquals(List.of(ev("new", "u1", "click", "", 200_001)), restored.extractOutputValues());
        assertEquals(List.of(new LateEvent("old", "u1", "click", "", 150_000, "", 200_000)),
                side(restored, DeduplicateFunction.LATE));
        restored.close();
    }
}
