package io.github.pipeline.analytics.functions;

import io.github.pipeline.analytics.model.Event;
import io.github.pipeline.analytics.model.WindowCount;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;

import java.util.ArrayList;
import java.util.List;

final class Harnesses {
    private Harnesses() {}

    static <IN, OUT> KeyedOneInputStreamOperatorTestHarness<String, IN, OUT> keyed(
            KeyedProcessFunction<String, IN, OUT> fn, KeySelector<IN, String> key) throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, IN, OUT> h =
                new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(fn), key, Types.STRING);
        h.open();
        return h;
    }

    static Event ev(String id, String user, String type, String page, long ts) {
        return new Event(id, user, type, page, ts, null);
    }

    /** The partial count of a single event, as {@link LocalWindowCountOperator} would send it. */
    static WindowCount one(KeySelector<Event, String> keyOf, Event e) throws Exception {
        return new WindowCount(keyOf.getKey(e), TimeBuckets.minuteStart(e.ts), 1);
    }

    static <T> List<T> side(KeyedOneInputStreamOperatorTestHarness<?, ?, ?> h, OutputTag<T> tag) {
        List<T> out = new ArrayList<>();
        if (h.getSideOutput(tag) != null) {
            for (StreamRecord<T> r : h.getSideOutput(tag)) out.add(r.getValue());
        }
        return out;
    }

    static void assertNothingLeft(KeyedOneInputStreamOperatorTestHarness<?, ?, ?> h) {
        org.junit.jupiter.api.Assertions.assertEquals(0, h.numKeyedStateEntries(), "keyed state entries left");
        org.junit.jupiter.api.Assertions.assertEquals(0, h.numEventTimeTimers(), "event-time timers left");
        org.junit.jupiter.api.Assertions.assertEquals(0, h.numProcessingTimeTimers(), "processing-time timers left");
    }
}
