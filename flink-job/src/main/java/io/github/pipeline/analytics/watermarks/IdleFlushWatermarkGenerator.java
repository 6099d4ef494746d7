package io.github.pipeline.analytics.watermarks;

import io.github.pipeline.analytics.model.ParsedRecord;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.util.clock.RelativeClock;

/**
 * Bounded out-of-orderness with an idle flush, one instance per Kafka partition (split).
 *
 * <ul>
 *   <li>While events arrive: watermark = max ts - outOfOrderness - 1 (Flink's convention, so an event
 *       exactly {@code outOfOrderness} behind the newest one is still on time).</li>
 *   <li>When no valid event has arrived for {@code idleFlush} of wall-clock time after at least one did:
 *       watermark = wall-clock now - outOfOrderness - 1, i.e. as if an event stamped "now" had arrived.
 *       Replayed history then becomes final and the partition does not hold the combined watermark back.</li>
 *   <li>A partition that has had no event at all for {@code idleAtStart} (after start or restore; at least
 *       {@code idleFlush}) is marked idle instead, so it does not hold the others back either, but it does not turn history that has
 *       not been sent yet into late data. It becomes active again with its first event, and then holds
 *       its watermark back (emits none) for another {@code idleFlush}: when a replay starts, every partition
 *       leaves idleness within moments, but the first one must not race ahead of the others and make
 *       their first events late while they are still marked idle.</li>
 *   <li>The emitted watermark never goes backwards.</li>
 * </ul>
 * Invalid records (dead letters) do not count as activity and carry no event time.
 *
 * <p>"No event for {@code idleFlush}" is measured on the source's <em>input activity clock</em>, which
 * Flink stops while the source is back-pressured or paused; only the new watermark's value comes from the
 * wall clock. Measured on the wall clock, a job catching up on a backlog would take a few seconds of
 * back-pressure for idleness, jump the watermark to now and turn the rest of the backlog into late events
 * (the catch-up benchmark lost 80 % of its events that way). {@code idleAtStart} is longer than
 * {@code idleFlush} for the same reason: while a backlog is read, a partition's first records can come
 * seconds after the others' (the consumer serves partitions in turn), and taking it for idle meanwhile
 * would let the others' watermark run ahead of its first events.
 */
public class IdleFlushWatermarkGenerator implements WatermarkGenerator<ParsedRecord> {
    private final long outOfOrdernessMs;
    private final long idleFlushMs;
    private final long idleAtStartMs;
    private final WallClock clock;
    private final RelativeClock activity;

    private long maxTs = Long.MIN_VALUE;
    private long lastActivityMs;
    private long emitted = Long.MIN_VALUE;
    private boolean idle;
    /** Activity-clock time until which no watermark is emitted after leaving idleness; 0 = none. */
    private long holdUntilMs;

    /**
     * @param idleFlushMs   0 disables the idle flush (and idleness)
     * @param idleAtStartMs how long a partition that has delivered nothing since start is waited for
     * @param clock       the wall clock: the value of an idle-flush watermark
     * @param activity    measures idleness: time during which the source could read (Flink's input activity clock)
     */
    public IdleFlushWatermarkGenerator(long outOfOrdernessMs, long idleFlushMs, long idleAtStartMs,
                                       WallClock clock, RelativeClock activity) {
        this.outOfOrdernessMs = outOfOrdernessMs;
        this.idleFlushMs = idleFlushMs;
        this.idleAtStartMs = Math.max(idleFlushMs, idleAtStartMs);
        this.clock = clock;
        this.activity = activity;
        this.lastActivityMs = activity.relativeTimeMillis();
    }

    @Override
    public void onEvent(ParsedRecord record, long eventTimestamp, WatermarkOutput output) {
        if (record.event == null) {
            return;
        }
        if (idle) {
            idle = false;
            holdUntilMs = activity.relativeTimeMillis() + idleFlushMs;
            output.markActive();
            // Flink passes a partition's return from idleness on to the operators downstream only with a
            // watermark above the one its source subtask sent last (WatermarkOutputMultiplexer): markActive
            // alone leaves the whole subtask idle for them until the hold ends, and at parallelism > 1 another
            // subtask's watermark then overtakes this one's first records and makes them late. The lowest
            // watermark above the start value makes the subtask active at once and holds every window back
            // until this partition's own watermark follows.
            if (emitted == Long.MIN_VALUE) {
                emitted = Long.MIN_VALUE + 1;
                output.emitWatermark(new Watermark(emitted));
            }
        }
        if (eventTimestamp > maxTs) {
            maxTs = eventTimestamp;
        }
        if (idleFlushMs > 0) {
            lastActivityMs = activity.relativeTimeMillis();
        }
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        if (maxTs == Long.MIN_VALUE) {
            if (idleFlushMs > 0 && !idle && activity.relativeTimeMillis() - lastActivityMs >= idleAtStartMs) {
                idle = true;
                output.markIdle();
            }
            return;
        }
        long candidate = maxTs - outOfOrdernessMs - 1;
        if (idleFlushMs > 0) {
            long active = activity.relativeTimeMillis();
            if (holdUntilMs != 0) {
                if (active < holdUntilMs) {
                    return;
                }
                holdUntilMs = 0;
            }
            if (active - lastActivityMs >= idleFlushMs) {
                candidate = Math.max(candidate, clock.nowMs() - outOfOrdernessMs - 1);
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
