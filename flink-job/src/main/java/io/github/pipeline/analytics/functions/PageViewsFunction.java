package io.github.pipeline.analytics.functions;

import io.github.pipeline.analytics.model.Event;
import io.github.pipeline.analytics.model.WindowCount;
import io.github.pipeline.analytics.model.PageViewsRecord;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;

/** Per (minute, page): the number of page_view events, summed from partial counts of page_view events only. Key: {@code windowStart|page}. */
public class PageViewsFunction extends ProvisionalWindowFunction<WindowCount, PageViewsRecord> {
    private static final long serialVersionUID = 1L;
    private transient ValueState<Long> views;

    public PageViewsFunction(long provisionalIntervalMs) {
        super(provisionalIntervalMs);
    }

    public static String keyOf(Event e) {
        return key(TimeBuckets.minuteStart(e.ts), e.page);
    }

    @Override
    protected void openState() {
        views = getRuntimeContext().getState(new ValueStateDescriptor<>("views", Types.LONG));
    }

    @Override
    protected int add(WindowCount partial) throws Exception {
        Long c = views.value();
        views.update(c == null ? partial.count : c + partial.count);
        return c == null ? OPENED : CHANGED;
    }

    @Override
    protected PageViewsRecord result(long windowStartMs, String page) throws Exception {
        Long c = views.value();
        return c == null ? null : new PageViewsRecord(windowStartMs, page, c, Versions.ofCount(c));
    }

    @Override
    protected void clearState() {
        views.clear();
    }
}
