package io.github.pipeline.analytics.functions;

import io.github.pipeline.analytics.model.Event;
import io.github.pipeline.analytics.model.UniqueUsersRecord;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;

/** Per (minute, page): distinct users with a page_view (feed it page_view events only). Key: {@code windowStart|page}. */
public class UniqueUsersPerPageFunction extends ProvisionalWindowFunction<Event, UniqueUsersRecord> {
    private static final long serialVersionUID = 1L;
    private transient MapState<String, Boolean> users;
    private transient ValueState<Long> count;

    public UniqueUsersPerPageFunction(long provisionalIntervalMs) {
        super(provisionalIntervalMs);
    }

    public static String keyOf(Event e) {
        return key(TimeBuckets.minuteStart(e.ts), e.page);
    }

    @Override
    protected void openState() {
        users = getRuntimeContext().getMapState(new MapStateDescriptor<>("users", Types.STRING, Types.BOOLEAN));
        count = getRuntimeContext().getState(new ValueStateDescriptor<>("count", Types.LONG));
    }

    @Override
    protected int add(Event event) throws Exception {
        if (users.contains(event.userId)) {
            return UNCHANGED;
        }
        users.put(event.userId, Boolean.TRUE);
        Long c = count.value();
        count.update(c == null ? 1L : c + 1);
        return c == null ? OPENED : CHANGED;
    }

    @Override
    protected UniqueUsersRecord result(long windowStartMs, String page) throws Exception {
        Long c = count.value();
        return c == null ? null : new UniqueUsersRecord(windowStartMs, page, c, Versions.ofCount(c));
    }

    @Override
    protected void clearState() {
        users.clear();
        count.clear();
    }
}
