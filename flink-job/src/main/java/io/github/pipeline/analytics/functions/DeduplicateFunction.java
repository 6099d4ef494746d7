package io.github.pipeline.analytics.functions;

import io.github.pipeline.analytics.model.Event;
import io.github.pipeline.analytics.model.LateEvent;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.time.Duration;

/**
 * Keyed by event_id. The first copy of an event wins, later copies are dropped (whether the first was late
 * or not). Then, once, the lateness decision: {@code ts <= watermark} goes to {@link #LATE} and is never
 * counted; everything else is forwarded and, since watermarks only grow, has ts above every downstream
 * watermark.
 *
 * <p>An event_id is remembered for {@code retention} in BOTH time domains: until the watermark reaches
 * max(ts, watermark at arrival) + retention (event-time timer) and, after that, until {@code retention} of
 * wall-clock time has passed since it was first seen (processing-time timer). The second condition matters
 * after an idle flush: the watermark then jumps from replayed history to "now", and without it a second
 * replay of the same history minutes later would no longer be recognised as duplicates (it would show up as
 * late events). A processing-time state TTL ({@code ttl}, 0 = none) is an upper bound, for a watermark that
 * never advances.
 *
 * <p>Run it through {@link DeduplicateOperator}, which also restores the watermark floor after a restore.
 */
public class DeduplicateFunction extends KeyedProcessFunction<String, Event, Event> {
    private static final long serialVersionUID = 1L;
    public static final OutputTag<LateEvent> LATE = new OutputTag<>("late-events", TypeInformation.of(LateEvent.class));

    private final long retentionMs;
    private final long ttlMs;
    /** Processing time when the id was first seen. */
    private transient ValueState<Long> seenAt;
    /** Watermark reached before the last restore; lateness uses max(current watermark, floor). */
    private long watermarkFloor = Long.MIN_VALUE;

    /** @param ttlMs processing-time TTL of the state (upper bound); 0 disables */
    public DeduplicateFunction(long retentionMs, long ttlMs) {
        this.retentionMs = retentionMs;
        this.ttlMs = ttlMs;
    }

    void setWatermarkFloor(long floor) {
        this.watermarkFloor = floor;
    }

    @Override
    public void open(OpenContext openContext) {
        ValueStateDescriptor<Long> desc = new ValueStateDescriptor<>("seen-at", Types.LONG);
        if (ttlMs > 0) {
            desc.enableTimeToLive(StateTtlConfig.newBuilder(Duration.ofMillis(ttlMs))
                    .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                    .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                    .build());
        }
        seenAt = getRuntimeContext().getState(desc);
    }

    @Override
    public void processElement(Event event, Context ctx, Collector<Event> out) throws Exception {
        if (seenAt.value() != null) {
            return; // duplicate: the first copy already decided everything
        }
        seenAt.update(ctx.timerService().currentProcessingTime());
        long watermark = Math.max(ctx.timerService().currentWatermark(), watermarkFloor);
        ctx.timerService().registerEventTimeTimer(plus(Math.max(event.ts, watermark), retentionMs));
        if (event.ts <= watermark) {
            ctx.output(LATE, new LateEvent(event.eventId, event.userId, event.type, event.page, event.ts,
                    event.clientSessionId == null ? "" : event.clientSessionId, watermark));
        } else {
            out.collect(event);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Event> out) throws Exception {
        Long seen = seenAt.value();
        if (seen == null) {
            return;
        }
        if (ctx.timeDomain() == TimeDomain.EVENT_TIME) {
            long due = plus(seen, retentionMs);
            if (ctx.timerService().currentProcessingTime() < due) {
                ctx.timerService().registerProcessingTimeTimer(due);
                return;
            }
        }
        seenAt.clear();
    }

    private static long plus(long a, long b) {
        return a > Long.MAX_VALUE - b ? Long.MAX_VALUE : a + b;
    }
}
