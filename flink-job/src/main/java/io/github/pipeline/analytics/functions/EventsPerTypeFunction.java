package io.github.pipeline.analytics.functions;

import io.github.pipeline.analytics.model.Event;
import io.github.pipeline.analytics.model.WindowCount;
import io.github.pipeline.analytics.model.EventsPerTypeRecord;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;

/** Per (minute, type): the number of events, summed from partial counts ({@link LocalWindowCountOperator}). Key: {@code windowStart|type}. */
public class EventsPerTypeFunction extends ProvisionalWindowFunction<WindowCount, EventsPerTypeRecord> {
    private static final long serialVersionUID = 1L;
    private transient ValueState<Long> count;

    public EventsPerTypeFunction(long provisionalIntervalMs) {
        super(provisionalIntervalMs);
    }

    public static String keyOf(Event e) {
        return key(TimeBuckets.minuteStart(e.ts), e.type);
    }

    @Override
    protected void openState() {
        count = getRuntimeContext().getState(new ValueStateDescriptor<>("events", Types.LONG));
    }

    @Override
    protected int add(WindowCount partial) throws Exception {
        Long c = count.value();
        count.update(c == null ? partial.count : c + partial.count);
        return c == null ? OPENED : CHANGED;
    }

    @Override
    protected EventsPerTypeRecord result(long windowStartMs, String type) throws Exception {
        Long c = count.value();
        return c == null ? null : new EventsPerTypeRecord(windowStartMs, type, c, Versions.ofCount(c));
    }

    @Override
    protected void clearState() {
        count.clear();
    }
}
