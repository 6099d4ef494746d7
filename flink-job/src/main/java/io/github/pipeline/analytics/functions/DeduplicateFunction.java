package io.github.pipeline.analytics.functions;

import io.github.pipeline.analytics.model.Event;
import io.github.pipeline.analytics.model.LateEvent;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
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
 * <p>The event_id is remembered until the watermark passes max(ts, watermark at arrival) + retention
 * (event-time timer), with a processing-time TTL as a safety net. Run it through {@link DeduplicateOperator},
 * which also restores the watermark floor after a restore.
 */
public class DeduplicateFunction extends KeyedProcessFunction<String, Event, Event> {
    private static final long serialVersionUID = 1L;
    public static final OutputTag<LateEvent> LATE = new OutputTag<>("late-events", TypeInformation.of(LateEvent.class));

    private final long retentionMs;
    private final long ttlMs;
    private transient ValueState<Boolean> seen;
    /** Watermark reached before the last restore; lateness uses max(current watermark, floor). */
    private long watermarkFloor = Long.MIN_VALUE;

    /** @param ttlMs processing-time TTL of the state; 0 disables */
    public DeduplicateFunction(long retentionMs, long ttlMs) {
        this.retentionMs = retentionMs;
        this.ttlMs = ttlMs;
    }

    void setWatermarkFloor(long floor) {
        this.watermarkFloor = floor;
    }

    @Override
    public void open(OpenContext openContext) {
        ValueStateDescriptor<Boolean> desc = new ValueStateDescriptor<>("seen", Types.BOOLEAN);
        if (ttlMs > 0) {
            desc.enableTimeToLive(StateTtlConfig.newBuilder(Duration.ofMillis(ttlMs))
                    .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                    .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                    .build());
        }
        seen = getRuntimeContext().getState(desc);
    }

    @Override
    public void processElement(Event event, Context ctx, Collector<Event> out) throws Exception {
        if (seen.value() != null) {
            return; // duplicate: the first copy already decided everything
        }
        seen.update(Boolean.TRUE);
        long watermark = Math.max(ctx.timerService().currentWatermark(), watermarkFloor);
        long base = Math.max(event.ts, watermark);
        long cleanup = base > Long.MAX_VALUE - retentionMs ? Long.MAX_VALUE : base + retentionMs;
        ctx.timerService().registerEventTimeTimer(cleanup);
        if (event.ts <= watermark) {
            ctx.output(LATE, new LateEvent(event.eventId, event.userId, event.type, event.page, event.ts,
                    event.clientSessionId, watermark));
        } else {
            out.collect(event);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Event> out) {
        seen.clear();
    }
}
