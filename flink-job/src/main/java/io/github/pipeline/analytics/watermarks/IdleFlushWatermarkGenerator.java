package io.github.pipeline.analytics.watermarks;

import io.github.pipeline.analytics.model.ParsedRecord;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.util.clock.RelativeClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounded out-of-orderness with an idle flush, one instance per Kafka partition (split).
 *
 * <ul>
 *   <li>While events arrive: watermark = max ts - outOfOrderness - 1 (Flink's convention, so an event
 *       exactly {@code outOfOrderness} behind the newest one is still on time).</li>
 *   <li>When the partition has been silent for {@code idleFlush}: watermark = the time of the silence -
 *       outOfOrderness - 1, i.e. as if an event stamped with that time had arrived. Replayed history then
 *       becomes final and the partition does not hold the combined watermark back.</li>
 *   <li>A partition that has had no event at all for {@code idleAtStart} (after start or restore; at least
 *       {@code idleFlush}, on the input activity clock) is marked idle instead, so it does not hold the others
 *       back either, but it does not turn history that has not been sent yet into late data. It becomes active
 *       again with its first event, and then holds its watermark back (emits none) for another {@code idleFlush}:
 *       when a replay starts, every partition leaves idleness within moments, but the first one must not race
 *       ahead of the others and make their first events late while they are still marked idle.</li>
 *   <li>The emitted watermark never goes backwards.</li>
 * </ul>
 * Invalid records (dead letters) do not count as events and carry no event time.
 *
 * <p><b>What counts as silence</b> ({@code IDLE_CLOCK}). With heartbeats (the default), only a silence the
 * gateway vouches for: the gateway writes a heartbeat into every raw partition each second, carrying its wall
 * time and whether it is <em>quiet</em> (up for longer than its clients' reconnect grace, and reading its
 * sockets: not held back by a full producer queue). A heartbeat follows in the partition every event the
 * gateway wrote before it, so a run of quiet heartbeats with no event between them, spanning {@code idleFlush}
 * of gateway time, means that nothing was written, nothing was waiting to be written and no client was locked
 * out for that long. The flush then moves the watermark to the newest of those heartbeats' time (at most this
 * machine's wall clock). While the gateway or the broker is down no heartbeat arrives, so an outage is never
 * silence, and events that clients hold back during it and resend afterwards are not late; heartbeats further
 * apart than {@code heartbeatGap} (a gap: they stopped in between) start the silence again. The decision
 * depends only on what the partition holds, so a restarted job that reads the same records again decides the
 * same (or later, never earlier).
 *
 * <p>With the input activity clock ({@code IDLE_CLOCK=input}, for a raw topic written without the gateway),
 * silence is time during which the source could read and no event came (Flink stops that clock while the
 * source is back-pressured, so a job catching up on a backlog is not idle), and the flush moves the watermark
 * to this machine's wall clock. An outage upstream then counts as silence.
 */
public class IdleFlushWatermarkGenerator implements WatermarkGenerator<ParsedRecord> {
    private static final Logger LOG = LoggerFactory.getLogger(IdleFlushWatermarkGenerator.class);
    private static final long NONE = Long.MIN_VALUE;
    /** After this much input activity time with events but no heartbeat, say why nothing becomes final. */
    private static final long NO_HEARTBEAT_WARNING_MS = 60_000;

    private final long outOfOrdernessMs;
    private final long idleFlushMs;
    private final long idleAtStartMs;
    private final boolean onHeartbeats;
    private final long heartbeatGapMs;
    private final WallClock clock;
    private final RelativeClock activity;

    private long maxTs = NONE;
    private long lastActivityMs;
    private long emitted = NONE;
    private boolean idle;
    /** Activity-clock time until which no watermark is emitted after leaving idleness; 0 = none. */
    private long holdUntilMs;

    /** Gateway time of the newest heartbeat; NONE before the first. */
    private long lastHeartbeatMs = NONE;
    /** Gateway time of the first and of the newest quiet heartbeat since the last event or gap; NONE = no silence. */
    private long quietSinceMs = NONE;
    private long quietUntilMs = NONE;
    private long firstEventActivityMs = NONE;
    private boolean warnedNoHeartbeat;

    /**
     * @param idleFlushMs    0 disables the idle flush (and idleness)
     * @param idleAtStartMs  how long a partition that has delivered nothing since start is waited for
     * @param onHeartbeats   silence is measured on the gateway's heartbeats (else on the input activity clock)
     * @param heartbeatGapMs heartbeats further apart than this start the silence again
     * @param clock          the wall clock: the value of an idle-flush watermark (at most)
     * @param activity       time during which the source could read (Flink's input activity clock)
     */
    public IdleFlushWatermarkGenerator(long outOfOrdernessMs, long idleFlushMs, long idleAtStartMs,
                                       boolean onHeartbeats, long heartbeatGapMs, WallClock clock,
                                       RelativeClock activity) {
        this.outOfOrdernessMs = outOfOrdernessMs;
        this.idleFlushMs = idleFlushMs;
        this.idleAtStartMs = Math.max(idleFlushMs, idleAtStartMs);
        this.onHeartbeats = onHeartbeats;
        this.heartbeatGapMs = heartbeatGapMs;
        this.clock = clock;
        this.activity = activity;
        this.lastActivityMs = activity.relativeTimeMillis();
    }

    @Override
    public void onEvent(ParsedRecord record, long eventTimestamp, WatermarkOutput output) {
        if (record.heartbeat) {
            onHeartbeat(record.sentMs, record.quiet);
            return;
        }
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
        quietSinceMs = NONE;
        if (idleFlushMs > 0) {
            lastActivityMs = activity.relativeTimeMillis();
            if (firstEventActivityMs == NONE) firstEventActivityMs = lastActivityMs;
        }
    }

    private void onHeartbeat(long sentMs, boolean quiet) {
        // Further apart than the gap (or back in time: another gateway's clock): the gateway or the broker was
        // down in between, and that is no silence.
        boolean gap = lastHeartbeatMs == NONE || sentMs - lastHeartbeatMs > heartbeatGapMs || sentMs < lastHeartbeatMs;
        lastHeartbeatMs = sentMs;
        if (!quiet) {
            quietSinceMs = NONE;
            return;
        }
        if (gap || quietSinceMs == NONE) {
            quietSinceMs = sentMs;
        }
        quietUntilMs = sentMs;
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        if (maxTs == NONE) {
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
            long silence = silenceEnd(active);
            if (silence != NONE) {
                candidate = Math.max(candidate, silence - outOfOrdernessMs - 1);
            }
        }
        if (candidate > emitted) {
            emitted = candidate;
            output.emitWatermark(new Watermark(candidate));
        }
    }

    /** The time up to which the partition has been silent for at least idleFlush, or NONE. */
    private long silenceEnd(long active) {
        if (!onHeartbeats) {
            return active - lastActivityMs >= idleFlushMs ? clock.nowMs() : NONE;
        }
        if (lastHeartbeatMs == NONE && !warnedNoHeartbeat && active - firstEventActivityMs >= NO_HEARTBEAT_WARNING_MS) {
            warnedNoHeartbeat = true;
            LOG.warn("A raw-topic partition has had events but no gateway heartbeat for {} ms: with IDLE_CLOCK=heartbeat"
                    + " its watermark moves only with its events. If the topic is written without the gateway, set"
                    + " IDLE_CLOCK=input.", active - firstEventActivityMs);
        }
        if (quietSinceMs == NONE || quietUntilMs - quietSinceMs < idleFlushMs) {
            return NONE;
        }
        return Math.min(quietUntilMs, clock.nowMs());
    }

    /** The last emitted watermark (for tests). */
    public long currentWatermark() {
        return emitted;
    }
}
