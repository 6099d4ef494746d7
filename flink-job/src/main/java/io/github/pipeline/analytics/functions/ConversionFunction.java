package io.github.pipeline.analytics.functions;

import io.github.pipeline.analytics.model.ConversionRecord;
import io.github.pipeline.analytics.model.Event;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;

/**
 * Per minute: viewers (distinct users with a page_view), purchasers (distinct users with a purchase) and
 * converted (users with both). Key: {@code windowStart|}. Other event types change nothing; a window that
 * only saw other types has no state and publishes nothing (feed it page_view and purchase events only).
 */
public class ConversionFunction extends ProvisionalWindowFunction<Event, ConversionRecord> {
    private static final long serialVersionUID = 1L;
    public static final String PAGE_VIEW = "page_view";
    public static final String PURCHASE = "purchase";
    private static final int VIEWED = 1;
    private static final int PURCHASED = 2;

    private transient MapState<String, Integer> userFlags;
    private transient ValueState<long[]> counts; // viewers, purchasers, converted

    public ConversionFunction(long provisionalIntervalMs) {
        super(provisionalIntervalMs);
    }

    public static String keyOf(Event e) {
        return key(TimeBuckets.minuteStart(e.ts), "");
    }

    public static boolean relevant(Event e) {
        return PAGE_VIEW.equals(e.type) || PURCHASE.equals(e.type);
    }

    @Override
    protected void openState() {
        userFlags = getRuntimeContext().getMapState(new MapStateDescriptor<>("user-flags", Types.STRING, Types.INT));
        counts = getRuntimeContext().getState(new ValueStateDescriptor<>("counts",
                TypeInformation.of(long[].class)));
    }

    @Override
    protected int add(Event event) throws Exception {
        int flag = PAGE_VIEW.equals(event.type) ? VIEWED : PURCHASE.equals(event.type) ? PURCHASED : 0;
        if (flag == 0) {
            return UNCHANGED;
        }
        Integer old = userFlags.get(event.userId);
        int before = old == null ? 0 : old;
        int after = before | flag;
        if (after == before) {
            return UNCHANGED;
        }
        userFlags.put(event.userId, after);
        long[] c = counts.value();
        boolean opened = c == null;
        if (opened) {
            c = new long[3];
        }
        if (flag == VIEWED) c[0]++;
        else c[1]++;
        if (after == (VIEWED | PURCHASED)) c[2]++;
        counts.update(c);
        return opened ? OPENED : CHANGED;
    }

    @Override
    protected ConversionRecord result(long windowStartMs, String ignored) throws Exception {
        long[] c = counts.value();
        if (c == null || (c[0] == 0 && c[1] == 0 && c[2] == 0)) {
            return null;
        }
        return new ConversionRecord(windowStartMs, c[0], c[1], c[2], Versions.ofConversion(c[0], c[1], c[2]));
    }

    @Override
    protected void clearState() {
        userFlags.clear();
        counts.clear();
    }
}
