package io.github.pipeline.analytics.watermarks;

import io.github.pipeline.analytics.model.Event;
import io.github.pipeline.analytics.model.ParsedRecord;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkOutputMultiplexer;
import org.apache.flink.util.clock.RelativeClock;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IdleFlushWatermarkGeneratorTest {
    private static final long OOO = 5_000, IDLE = 5_000, IDLE_AT_START = 30_000;
    private static final long HISTORY = 1_511_544_070_000L; // 2017
    private final AtomicLong clock = new AtomicLong(1_764_000_000_000L); // 2025
    /** Flink's input activity clock: stands still while the source is back-pressured. */
    private final AtomicLong active = new AtomicLong(0);
    private final RelativeClock activity = new RelativeClock() {
        @Override public long relativeTimeMillis() { return active.get(); }
        @Override public long relativeTimeNanos() { return active.get() * 1_000_000; }
    };
    private final List<Long> emitted = new ArrayList<>();
    private final List<String> status = new ArrayList<>();
    private final WatermarkOutput output = new WatermarkOutput() {
        @Override public void emitWatermark(Watermark w) { emitted.add(w.getTimestamp()); }
        @Override public void markIdle() { status.add("idle"); }
        @Override public void markActive() { status.add("active"); }
    };

    private static ParsedRecord event(long ts) {
        return ParsedRecord.valid(new Event("e" + ts, "u", "click", "", ts, null));
    }

    private IdleFlushWatermarkGenerator generator(long idleFlushMs) {
        return new IdleFlushWatermarkGenerator(OOO, idleFlushMs, IDLE_AT_START, clock::get, activity);
    }

    /** Time passes while the source can read. */
    private void advance(long ms) {
        clock.addAndGet(ms);
        active.addAndGet(ms);
    }

    private long last() {
        return emitted.get(emitted.size() - 1);
    }

    @Test
    void boundedOutOfOrdernessWhileEventsArrive() {
        IdleFlushWatermarkGenerator g = generator(IDLE);
        g.onEvent(event(HISTORY), HISTORY, output);
        g.onPeriodicEmit(output);
        assertEquals(HISTORY - OOO - 1, last());
        advance(4_999);
        g.onEvent(event(HISTORY - 3_000), HISTORY - 3_000, output); // out of order: no change
        g.onPeriodicEmit(output);
        assertEquals(1, emitted.size());
        g.onEvent(event(HISTORY + 10_000), HISTORY + 10_000, output);
        g.onPeriodicEmit(output);
        assertEquals(HISTORY + 10_000 - OOO - 1, last());
    }

    @Test
    void idleFlushMovesToWallClockAndNeverBack() {
        IdleFlushWatermarkGenerator g = generator(IDLE);
        g.onEvent(event(HISTORY), HISTORY, output);
        advance(IDLE - 1);
        g.onPeriodicEmit(output);
        assertEquals(HISTORY - OOO - 1, last(), "not idle yet");
        advance(1);
        g.onPeriodicEmit(output);
        assertEquals(clock.get() - OOO - 1, last(), "idle: wall clock - out-of-orderness");
        advance(1_000);
        g.onPeriodicEmit(output);
        assertEquals(clock.get() - OOO - 1, last(), "keeps following the wall clock while idle");
        long flushed = last();
        g.onEvent(event(HISTORY + 1), HISTORY + 1, output); // old data again: watermark does not go back
        g.onPeriodicEmit(output);
        assertEquals(flushed, last());
        for (int i = 1; i < emitted.size(); i++) assertTrue(emitted.get(i) > emitted.get(i - 1));
    }

    @Test
    void partitionWithoutDataIsMarkedIdleButDoesNotFlush() {
        IdleFlushWatermarkGenerator g = generator(IDLE);
        g.onPeriodicEmit(output);
        advance(IDLE_AT_START - 1);
        g.onPeriodicEmit(output);
        assertTrue(status.isEmpty(), "waited for longer than IDLE_FLUSH: its first records may still come");
        advance(1);
        g.onPeriodicEmit(output);
        g.onPeriodicEmit(output);
        assertEquals(List.of("idle"), status, "idle, so it does not hold other partitions back");
        assertTrue(emitted.isEmpty(), "no wall-clock watermark: history sent later must not be late");
        g.onEvent(event(HISTORY), HISTORY, output);
        assertEquals(List.of("idle", "active"), status);
        assertEquals(List.of(Long.MIN_VALUE + 1), emitted, "active, and holding every window back");
        g.onPeriodicEmit(output);
        advance(IDLE - 1);
        g.onEvent(event(HISTORY + 1_000), HISTORY + 1_000, output);
        g.onPeriodicEmit(output);
        assertEquals(List.of(Long.MIN_VALUE + 1), emitted, "held back while other partitions leave idleness too");
        advance(1);
        g.onPeriodicEmit(output);
        assertEquals(List.of(Long.MIN_VALUE + 1, HISTORY + 1_000 - OOO - 1), emitted);
    }

    /**
     * Through Flink's own multiplexer of a source subtask's partitions: when its partitions leave
     * idleness, the subtask must be active downstream at once, or another subtask's watermark would
     * overtake its records (at parallelism 2, replayed history sent 30 s after the start was late).
     */
    @Test
    void aSubtaskWhosePartitionLeavesIdlenessIsActiveDownstreamAtOnce() {
        List<String> downstream = new ArrayList<>();
        WatermarkOutputMultiplexer subtask = new WatermarkOutputMultiplexer(new WatermarkOutput() {
            @Override public void emitWatermark(Watermark w) { downstream.add("watermark " + w.getTimestamp()); }
            @Override public void markIdle() { downstream.add("idle"); }
            @Override public void markActive() { downstream.add("active"); }
        });
        subtask.registerNewOutput("p0");
        subtask.registerNewOutput("p1");
        IdleFlushWatermarkGenerator p0 = generator(IDLE), p1 = generator(IDLE);
        advance(IDLE_AT_START);
        p0.onPeriodicEmit(subtask.getDeferredOutput("p0"));
        p1.onPeriodicEmit(subtask.getDeferredOutput("p1"));
        subtask.onPeriodicEmit();
        assertEquals(List.of("idle"), downstream, "both partitions idle: the subtask is idle");

        p0.onEvent(event(HISTORY), HISTORY, subtask.getImmediateOutput("p0"));
        assertEquals(List.of("idle", "watermark " + (Long.MIN_VALUE + 1)), downstream,
                "active downstream with its first record, before any watermark of history");
        p1.onEvent(event(HISTORY + 2_000), HISTORY + 2_000, subtask.getImmediateOutput("p1"));
        advance(IDLE - 1);
        p0.onEvent(event(HISTORY + 1_000), HISTORY + 1_000, subtask.getImmediateOutput("p0"));
        p1.onEvent(event(HISTORY + 3_000), HISTORY + 3_000, subtask.getImmediateOutput("p1"));
        advance(1);
        p0.onPeriodicEmit(subtask.getDeferredOutput("p0"));
        p1.onPeriodicEmit(subtask.getDeferredOutput("p1"));
        subtask.onPeriodicEmit();
        assertEquals("watermark " + (HISTORY + 1_000 - OOO - 1), downstream.get(downstream.size() - 1),
                "then the slower partition's watermark");
    }

    @Test
    void invalidRecordsAreNotActivityAndDisabledFlush() {
        IdleFlushWatermarkGenerator g = generator(IDLE);
        g.onEvent(event(HISTORY), HISTORY, output);
        advance(IDLE);
        g.onEvent(ParsedRecord.invalid("invalid_json", "x"), Long.MIN_VALUE, output);
        g.onPeriodicEmit(output);
        assertEquals(clock.get() - OOO - 1, last());

        emitted.clear();
        IdleFlushWatermarkGenerator off = generator(0);
        off.onEvent(event(HISTORY), HISTORY, output);
        advance(3_600_000);
        off.onPeriodicEmit(output);
        assertEquals(List.of(HISTORY - OOO - 1), emitted);
    }

    @Test
    void backPressureIsNotIdleness() {
        IdleFlushWatermarkGenerator g = generator(IDLE);
        g.onEvent(event(HISTORY), HISTORY, output);
        g.onPeriodicEmit(output);
        clock.addAndGet(60_000); // a minute of wall clock, all of it back-pressured: the activity clock stands
        g.onPeriodicEmit(output);
        assertEquals(List.of(HISTORY - OOO - 1), emitted, "the backlog is not made late");
        advance(IDLE);            // then truly nothing to read
        g.onPeriodicEmit(output);
        assertEquals(clock.get() - OOO - 1, last(), "idle flush, to the wall clock");
    }
}
