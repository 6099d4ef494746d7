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
 *   <li>When no valid event has arrived for {@code idleFlush} of wall-clock time (also right after start on
 *       a partition that never gets data): watermark = wall-clock now - outOfOrderness - 1, i.e. as if an
 *       event stamped "now" had arrived. Replayed history then becomes final and an idle partition does
 *       not hold the combined watermark back.</li>
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
        if (eventTimestamp > maxTs) {
            maxTs = eventTimestamp;
        }
        if (idleFlushMs > 0) {
            lastActivityMs = clock.nowMs();
        }
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        long candidate = maxTs == Long.MIN_VALUE ? Long.MIN_VALUE : maxTs - outOfOrdernessMs - 1;
        if (idleFlushMs > 0) {
            long now = clock.nowMs();
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
