package io.github.pipeline.analytics.watermarks;

import io.github.pipeline.analytics.model.Event;
import io.github.pipeline.analytics.model.ParsedRecord;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IdleFlushWatermarkGeneratorTest {
    private static final long OOO = 5_000, IDLE = 5_000;
    private static final long HISTORY = 1_511_544_070_000L; // 2017
    private final AtomicLong clock = new AtomicLong(1_764_000_000_000L); // 2025
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

    private long last() {
        return emitted.get(emitted.size() - 1);
    }

    @Test
    void boundedOutOfOrdernessWhileEventsArrive() {
        IdleFlushWatermarkGenerator g = new IdleFlushWatermarkGenerator(OOO, IDLE, clock::get);
        g.onEvent(event(HISTORY), HISTORY, output);
        g.onPeriodicEmit(output);
        assertEquals(HISTORY - OOO - 1, last());
        clock.addAndGet(4_999);
        g.onEvent(event(HISTORY - 3_000), HISTORY - 3_000, output); // out of order: no change
        g.onPeriodicEmit(output);
        assertEquals(1, emitted.size());
        g.onEvent(event(HISTORY + 10_000), HISTORY + 10_000, output);
        g.onPeriodicEmit(output);
        assertEquals(HISTORY + 10_000 - OOO - 1, last());
    }

    @Test
    void idleFlushMovesToWallClockAndNeverBack() {
        IdleFlushWatermarkGenerator g = new IdleFlushWatermarkGenerator(OOO, IDLE, clock::get);
        g.onEvent(event(HISTORY), HISTORY, output);
        clock.addAndGet(IDLE - 1);
        g.onPeriodicEmit(output);
        assertEquals(HISTORY - OOO - 1, last(), "not idle yet");
        clock.addAndGet(1);
        g.onPeriodicEmit(output);
        assertEquals(clock.get() - OOO - 1, last(), "idle: wall clock - out-of-orderness");
        clock.addAndGet(1_000);
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
        IdleFlushWatermarkGenerator g = new IdleFlushWatermarkGenerator(OOO, IDLE, clock::get);
        g.onPeriodicEmit(output);
        clock.addAndGet(IDLE - 1);
        g.onPeriodicEmit(output);
        assertTrue(status.isEmpty());
        clock.addAndGet(1);
        g.onPeriodicEmit(output);
        g.onPeriodicEmit(output);
        assertEquals(List.of("idle"), status, "idle, so it does not hold other partitions back");
        assertTrue(emitted.isEmpty(), "no wall-clock watermark: history sent later must not be late");
        g.onEvent(event(HISTORY), HISTORY, output);
        assertEquals(List.of("idle", "active"), status);
        g.onPeriodicEmit(output);
        clock.addAndGet(IDLE - 1);
        g.onEvent(event(HISTORY + 1_000), HISTORY + 1_000, output);
        g.onPeriodicEmit(output);
        assertTrue(emitted.isEmpty(), "held back while other partitions leave idleness too");
        clock.addAndGet(1);
        g.onPeriodicEmit(output);
        assertEquals(List.of(HISTORY + 1_000 - OOO - 1), emitted);
    }

    @Test
    void invalidRecordsAreNotActivityAndDisabledFlush() {
        IdleFlushWatermarkGenerator g = new IdleFlushWatermarkGenerator(OOO, IDLE, clock::get);
        g.onEvent(event(HISTORY), HISTORY, output);
        clock.addAndGet(IDLE);
        g.onEvent(ParsedRecord.invalid("invalid_json", "x"), Long.MIN_VALUE, output);
        g.onPeriodicEmit(output);
        assertEquals(clock.get() - OOO - 1, last());

        emitted.clear();
        IdleFlushWatermarkGenerator off = new IdleFlushWatermarkGenerator(OOO, 0, clock::get);
        off.onEvent(event(HISTORY), HISTORY, output);
        clock.addAndGet(3_600_000);
        off.onPeriodicEmit(output);
        assertEquals(List.of(HISTORY - OOO - 1), emitted);
    }
}
