package io.github.pipeline.analytics.functions;

import io.github.pipeline.analytics.model.Event;
import io.github.pipeline.analytics.model.LateEvent;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.io.IOException;

/**
 * Keyed by event_id. The first copy of an event wins, later copies are dropped (whether the first was late
 * or not). Then, once, the lateness decision: {@code ts <= watermark} goes to {@link #LATE} and is never
 * counted; everything else is forwarded and, since watermarks only grow, has ts above every downstream
 * watermark.
 *
 * <p>An event_id is remembered for {@code ttl} of wall-clock time after its first copy: the id's state holds
 * the processing time of that first copy, and a copy that comes {@code ttl} or more later counts as new
 * ({@link #expired}). The SPEC asks for at least 24 h of <em>event</em> time; a TTL of 48 h gives that
 * whenever event time advances at least half as fast as the wall clock, which live traffic always does
 * (the idle flush ties the watermark to the wall clock) and so does any replay at half speed or faster. A
 * second replay of the same history within the TTL is recognised too, even after an idle flush made that
 * history final. No timers: per-id timers cost two timer-heap operations per event and double the
 * checkpointed state (the largest cost of this operator in the catch-up profile). Not Flink's state TTL
 * either: its wrapper (a second object per id, a clock read and an incremental-cleanup step per access)
 * was most of the rest. Expired ids leave memory in {@link DeduplicateOperator}'s periodic sweep.
 *
 * <p>Run it through {@link DeduplicateOperator}, which also restores the watermark floor after a restore.
 */
public class DeduplicateFunction extends KeyedProcessFunction<String, Event, Event> {
    private static final long serialVersionUID = 1L;
    public static final OutputTag<LateEvent> LATE = new OutputTag<>("late-events", TypeInformation.of(LateEvent.class));
    /** Name of the keyed state (one entry per remembered id), also used by the operator's sweep. */
    static final String SEEN_STATE = "seen-at";

    private final long ttlMs;
    /** Processing time of the id's first copy (or of the first copy after the id had expired). */
    private transient ValueState<Long> seenAt;
    /** The boxed value last stored: events of the same millisecond share one object instead of one each. */
    private transient Long lastSeenAt;
    /** Watermark reached before the last restore; lateness uses max(current watermark, floor). */
    private long watermarkFloor = Long.MIN_VALUE;

    /** @param ttlMs how long (wall clock) an id is remembered after its first copy; > 0 */
    public DeduplicateFunction(long ttlMs) {
        if (ttlMs <= 0) {
            throw new IllegalArgumentException("the de-duplication TTL must be > 0");
        }
        this.ttlMs = ttlMs;
    }

    void setWatermarkFloor(long floor) {
        this.watermarkFloor = floor;
    }

    long ttlMs() {
        return ttlMs;
    }

    /** Whether an id first seen at {@code seenAtMs} is forgotten at {@code nowMs} (same boundary as Flink's TTL). */
    static boolean expired(long seenAtMs, long nowMs, long ttlMs) {
        return nowMs - seenAtMs >= ttlMs;
    }

    /** Whether the current key's id is remembered but expired at {@code nowMs} (for the sweep). */
    boolean currentKeyExpired(long nowMs) throws IOException {
        Long seen = seenAt.value();
        return seen != null && expired(seen, nowMs, ttlMs);
    }

    void clearCurrentKey() {
        seenAt.clear();
    }

    @Override
    public void open(OpenContext openContext) {
        seenAt = getRuntimeContext().getState(new ValueStateDescriptor<>(SEEN_STATE, Types.LONG));
    }

    @Override
    public void processElement(Event event, Context ctx, Collector<Event> out) throws Exception {
        long now = ctx.timerService().currentProcessingTime();
        Long seen = seenAt.value();
        if (seen != null && !expired(seen, now, ttlMs)) {
            return; // duplicate: the first copy already decided everything
        }
        if (lastSeenAt == null || lastSeenAt != now) {
            lastSeenAt = now;
        }
        seenAt.update(lastSeenAt);
        long watermark = Math.max(ctx.timerService().currentWatermark(), watermarkFloor);
        if (event.ts <= watermark) {
            ctx.output(LATE, new LateEvent(event.eventId, event.userId, event.type, event.page, event.ts,
                    event.clientSessionId == null ? "" : event.clientSessionId, watermark));
        } else {
            out.collect(event);
        }
    }
}
