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
    private static final long OOO = 5_000, IDLE = 5_000, IDLE_AT_START = 30_000, GAP = 3_000;
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

    private static ParsedRecord heartbeat(long sentMs, boolean quiet) {
        return ParsedRecord.heartbeat(sentMs, quiet);
    }

    /** IDLE_CLOCK=input: silence on Flink's input activity clock. */
    private IdleFlushWatermarkGenerator generator(long idleFlushMs) {
        return new IdleFlushWatermarkGenerator(OOO, idleFlushMs, IDLE_AT_START, false, GAP, clock::get, activity);
    }

    /** IDLE_CLOCK=heartbeat (the default): silence vouched for by the gateway's heartbeats. */
    private IdleFlushWatermarkGenerator onHeartbeats() {
        return new IdleFlushWatermarkGenerator(OOO, IDLE, IDLE_AT_START, true, GAP, clock::get, activity);
    }

    /** One heartbeat per second of wall clock from now, for `seconds` seconds, each one read at once. */
    private void heartbeats(IdleFlushWatermarkGenerator g, int seconds, boolean quiet) {
        for (int i = 0; i < seconds; i++) {
            advance(1_000);
            g.onEvent(heartbeat(clock.get(), quiet), Long.MIN_VALUE, output);
            g.onPeriodicEmit(output);
        }
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

    @Test
    void anOutageIsNoSilence() {
        IdleFlushWatermarkGenerator g = onHeartbeats();
        g.onEvent(event(HISTORY), HISTORY, output);
        heartbeats(g, 2, true);
        advance(60_000);          // gateway or broker down: nothing arrives, not even heartbeats
        g.onPeriodicEmit(output);
        assertEquals(List.of(HISTORY - OOO - 1), emitted, "the events clients hold back meanwhile are not made late");
        g.onEvent(event(HISTORY + 1_000), HISTORY + 1_000, output);   // resent after the outage
        g.onPeriodicEmit(output);
        assertEquals(HISTORY + 1_000 - OOO - 1, last());
    }

    @Test
    void quietHeartbeatsSpanningIdleFlushFlushToTheirTime() {
        IdleFlushWatermarkGenerator g = onHeartbeats();
        g.onEvent(event(HISTORY), HISTORY, output);
        heartbeats(g, 5, true);   // quiet from the first to the fifth: 4 s
        assertEquals(List.of(HISTORY - OOO - 1), emitted, "silent for 4 s of gateway time only");
        heartbeats(g, 1, true);   // 5 s
        assertEquals(clock.get() - OOO - 1, last(), "the heartbeat's time - out-of-orderness");
        heartbeats(g, 1, true);
        assertEquals(clock.get() - OOO - 1, last(), "follows the heartbeats while silent");
    }

    @Test
    void aGapInTheHeartbeatsStartsTheSilenceAgain() {
        IdleFlushWatermarkGenerator g = onHeartbeats();
        g.onEvent(event(HISTORY), HISTORY, output);
        heartbeats(g, 4, true);   // 3 s of silence
        advance(GAP);             // one heartbeat missing: more than GAP between two
        heartbeats(g, 5, true);   // 4 s since the gap (7 s of wall clock since the first)
        assertEquals(List.of(HISTORY - OOO - 1), emitted, "the outage in between is no silence");
        heartbeats(g, 1, true);
        assertEquals(clock.get() - OOO - 1, last());
    }

    @Test
    void heartbeatsThatAreNotQuietAreNoSilence() {
        IdleFlushWatermarkGenerator g = onHeartbeats();
        g.onEvent(event(HISTORY), HISTORY, output);
        heartbeats(g, 20, false);  // a gateway within its reconnect grace, or not reading its sockets
        assertEquals(List.of(HISTORY - OOO - 1), emitted);
        heartbeats(g, 5, true);
        assertEquals(List.of(HISTORY - OOO - 1), emitted, "silent since the first quiet one: 4 s");
        heartbeats(g, 1, true);
        assertEquals(clock.get() - OOO - 1, last());
    }

    @Test
    void anEventEndsTheSilence() {
        IdleFlushWatermarkGenerator g = onHeartbeats();
        g.onEvent(event(HISTORY), HISTORY, output);
        heartbeats(g, 5, true);
        g.onEvent(event(HISTORY + 1_000), HISTORY + 1_000, output);
        heartbeats(g, 5, true);
        assertEquals(HISTORY + 1_000 - OOO - 1, last(), "two silences of 4 s are not one of 8");
        g.onEvent(ParsedRecord.invalid("invalid_json", "x"), Long.MIN_VALUE, output);   // not an event
        heartbeats(g, 1, true);
        assertEquals(clock.get() - OOO - 1, last());
    }

    @Test
    void aBacklogOfHeartbeatsFlushesToTheirTimeNotToNow() {
        IdleFlushWatermarkGenerator g = onHeartbeats();
        long sent = clock.get() - 3_600_000;   // written an hour ago, read now (a restarted job catching up)
        g.onEvent(event(sent), sent, output);
        for (int i = 1; i <= 10; i++) g.onEvent(heartbeat(sent + i * 1_000L, true), Long.MIN_VALUE, output);
        g.onPeriodicEmit(output);
        assertEquals(List.of(sent + 10_000 - OOO - 1), emitted,
                "as far as the silence went, as it did live: what was written after it is not late");
    }

    @Test
    void theFlushIsNeverAheadOfThisMachinesClock() {
        IdleFlushWatermarkGenerator g = onHeartbeats();
        g.onEvent(event(HISTORY), HISTORY, output);
        long ahead = clock.get() + 60_000;   // a gateway whose clock runs a minute ahead
        for (int i = 0; i <= 5; i++) g.onEvent(heartbeat(ahead + i * 1_000L, true), Long.MIN_VALUE, output);
        g.onPeriodicEmit(output);
        assertEquals(clock.get() - OOO - 1, last());
    }

    @Test
    void heartbeatsAreNotEventsForAPartitionWithoutData() {
        IdleFlushWatermarkGenerator g = onHeartbeats();
        heartbeats(g, (int) (IDLE_AT_START / 1_000), true);
        assertEquals(List.of("idle"), status, "heartbeats alone: idle, not holding the others back");
        assertTrue(emitted.isEmpty());
    }
}
