package io.github.pipeline.analytics.watermarks;

import io.github.pipeline.analytics.model.ParsedRecord;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;

/**
 * Bounded out-of-orderness with an idle flush, one instance per Kafka partition (split).
 *
 * <ul>
 *   <li>While events arrive: watermark = max ts - outOfOrderness - 1 (Flink's convention, so an event
 *       exactly {@code outOfOrderness} behind the newest one is still on time).</li>
 *   <li>When no valid event has arrived for {@code idleFlush} of wall-clock time after at least one did:
 *       watermark = wall-clock now - outOfOrderness - 1, i.e. as if an event stamped "now" had arrived.
 *       Replayed history then becomes final and the partition does not hold the combined watermark back.</li>
 *   <li>A partition that has had no event at all for {@code idleFlush} (after start or restore) is marked
 *       idle instead, so it does not hold the others back either, but it does not turn history that has
 *       not been sent yet into late data. It becomes active again with its first event, and then holds
 *       its watermark back (emits none) for another {@code idleFlush}: when a replay starts, every partition
 *       leaves idleness within moments, but the first one must not race ahead of the others and make
 *       their first events late while they are still marked idle.</li>
 *   <li>The emitted watermark never goes backwards.</li>
 * </ul>
 * Invalid records (dead letters) do not count as activity and carry no event time.
 */
public class IdleFlushWatermarkGenerator implements WatermarkGenerator<ParsedRecord> {
    private final long outOfOrdernessMs;
    private final long idleFlushMs;
    private final WallClock clock;

    private long maxTs = Long.MIN_VALUE;
    private long lastActivityMs;
    private long emitted = Long.MIN_VALUE;
    private boolean idle;
    /** Wall-clock time until which no watermark is emitted after leaving idleness; 0 = none. */
    private long holdUntilMs;

    /** @param idleFlushMs 0 disables the idle flush */
    public IdleFlushWatermarkGenerator(long outOfOrdernessMs, long idleFlushMs, WallClock clock) {
        this.outOfOrdernessMs = outOfOrdernessMs;
        this.idleFlushMs = idleFlushMs;
        this.clock = clock;
        this.lastActivityMs = clock.nowMs();
    }

    @Override
    public void onEvent(ParsedRecord record, long eventTimestamp, WatermarkOutput output) {
        if (record.event == null) {
            return;
        }
        if (idle) {
            idle = false;
            holdUntilMs = clock.nowMs() + idleFlushMs;
            output.markActive();
        }
        if (eventTimestamp > maxTs) {
            maxTs = eventTimestamp;
        }
        if (idleFlushMs > 0) {
            lastActivityMs = clock.nowMs();
        }
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        if (maxTs == Long.MIN_VALUE) {
            if (idleFlushMs > 0 && !idle && clock.nowMs() - lastActivityMs >= idleFlushMs) {
                idle = true;
                output.markIdle();
            }
            return;
        }
        long candidate = maxTs - outOfOrdernessMs - 1;
        if (idleFlushMs > 0) {
            long now = clock.nowMs();
            if (holdUntilMs != 0) {
                if (now < holdUntilMs) {
                    return;
                }
                holdUntilMs = 0;
            }
            if (now - lastActivityMs >= idleFlushMs) {
                candidate = Math.max(candidate, now - outOfOrdernessMs - 1);
            }
        }
        if (candidate > emitted) {
            emitted = candidate;
            output.emitWatermark(new Watermark(candidate));
        }
    }

    /** The last emitted watermark (for tests). */
    public long currentWatermark() {
        return emitted;
    }
}
