package io.github.pipeline.analytics.functions;

import io.github.pipeline.analytics.model.ConversionRecord;
import io.github.pipeline.analytics.model.EventsPerTypeRecord;
import io.github.pipeline.analytics.model.PageViewsRecord;
import io.github.pipeline.analytics.model.UniqueUsersRecord;
import io.github.pipeline.analytics.model.WindowCount;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static io.github.pipeline.analytics.functions.Harnesses.assertNothingLeft;
import static io.github.pipeline.analytics.functions.Harnesses.ev;
import static io.github.pipeline.analytics.functions.Harnesses.keyed;
import static io.github.pipeline.analytics.functions.Harnesses.one;
import static io.github.pipeline.analytics.functions.Harnesses.useBackend;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WindowFunctionsTest {
    private static final long W = 1_511_544_060_000L; // a minute boundary
    private static final long END = W + 59_999;

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void provisionalValuesAreThrottledTotalsWithGrowingVersionsThenFinal(String backend) throws Exception {
        var h = keyed(new EventsPerTypeFunction(2_000), (WindowCount c) -> c.key, backend);
        h.setProcessingTime(1_000);
        h.processElement(one(EventsPerTypeFunction::keyOf, ev("a", "u1", "click", "", W + 1)), W + 1);
        h.processElement(one(EventsPerTypeFunction::keyOf, ev("b", "u2", "click", "", W + 2)), W + 2);
        h.processElement(one(EventsPerTypeFunction::keyOf, ev("c", "u2", "purchase", "", W + 3)), W + 3);
        // leading edge: each key's first change is published at once; "b" waits for the interval
        assertEquals(List.of(new EventsPerTypeRecord(W, "click", 1, 1), new EventsPerTypeRecord(W, "purchase", 1, 1)),
                sorted(h.extractOutputValues()));
        h.setProcessingTime(2_999);
        assertEquals(2, h.extractOutputValues().size(), "throttled: at most one value per 2 s and key");
        h.setProcessingTime(3_000); // trailing edge
        assertEquals(new EventsPerTypeRecord(W, "click", 2, 2), h.extractOutputValues().get(2));
        h.setProcessingTime(6_000); // unchanged: nothing new
        assertEquals(3, h.extractOutputValues().size());

        h.processElement(one(EventsPerTypeFunction::keyOf, ev("d", "u3", "click", "", W + 59_999)), W + 59_999);
        List<EventsPerTypeRecord> out = h.extractOutputValues();
        assertEquals(new EventsPerTypeRecord(W, "click", 3, 3), out.get(3), "quiet for 2 s: at once, a total, not a delta");

        h.processElement(one(EventsPerTypeFunction::keyOf, ev("e", "u3", "click", "", W + 10)), W + 10);
        h.processWatermark(END); // final right after a provisional value, in the same ms: it counts more
        out = h.extractOutputValues();
        assertEquals(new EventsPerTypeRecord(W, "click", 4, 4), out.get(4));
        assertEquals(5, out.size(), "purchase unchanged since its last emission");
        assertNothingLeft(h);
        h.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void theWindowEndTimerComesWithTheWindowsStateNotWithEveryElement(String backend) throws Exception {
        var h = keyed(new ConversionFunction(2_000), ConversionFunction::keyOf, backend);
        h.processElement(ev("a", "u1", "click", "", W), W);   // changes nothing: no state, so no timer either
        assertEquals(0, Harnesses.keyedEntries(h));
        assertEquals(0, h.numEventTimeTimers(), "no timer for a window without state");
        h.processElement(ev("b", "u1", "page_view", "/x", W + 1), W + 1);   // opens the window
        h.processElement(ev("c", "u2", "page_view", "/x", W + 2), W + 2);
        assertEquals(1, h.numEventTimeTimers());
        h.processWatermark(END);
        assertEquals(new ConversionRecord(W, 2, 0, 0, 2),
                h.extractOutputValues().get(1));
        assertNothingLeft(h);
        h.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void aNewPageIsPublishedAtOnceAndItsFinalValueAtTheWindowEnd(String backend) throws Exception {
        var h = keyed(new PageViewsFunction(2_000), (WindowCount c) -> c.key, backend);
        h.setProcessingTime(500);
        h.processElement(one(PageViewsFunction::keyOf, ev("a", "u1", "page_view", "/x", W)), W);
        h.processElement(one(PageViewsFunction::keyOf, ev("b", "u1", "page_view", "/x", W + 5)), W + 5);
        h.processElement(one(PageViewsFunction::keyOf, ev("c", "u1", "page_view", "/y", W + 60_000)), W + 60_000); // next window
        assertEquals(List.of(new PageViewsRecord(W, "/x", 1, 1), new PageViewsRecord(W + 60_000, "/y", 1, 1)),
                h.extractOutputValues());
        h.processWatermark(END);
        assertEquals(new PageViewsRecord(W, "/x", 2, 2), h.extractOutputValues().get(2));
        h.processWatermark(END + 60_000);
        assertEquals(3, h.extractOutputValues().size(), "/y unchanged since it was published");
        assertNothingLeft(h);
        h.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void uniqueUsersOnlyChangeOnNewUsers(String backend) throws Exception {
        var h = keyed(new UniqueUsersPerPageFunction(2_000), UniqueUsersPerPageFunction::keyOf, backend);
        h.setProcessingTime(10_000);
        h.processElement(ev("a", "u1", "page_view", "/x", W + 1), W + 1);
        h.processElement(ev("b", "u1", "page_view", "/x", W + 2), W + 2);
        h.setProcessingTime(12_000);
        h.processElement(ev("c", "u1", "page_view", "/x", W + 3), W + 3);
        h.setProcessingTime(20_000);
        assertEquals(List.of(new UniqueUsersRecord(W, "/x", 1, 1)), h.extractOutputValues());
        h.processElement(ev("d", "u2", "page_view", "/x", W + 4), W + 4);
        assertEquals(new UniqueUsersRecord(W, "/x", 2, 2), h.extractOutputValues().get(1));
        h.processWatermark(END);
        assertEquals(2, h.extractOutputValues().size(), "nothing changed since: no final copy");
        assertNothingLeft(h);
        h.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void conversionCountsDistinctUsers(String backend) throws Exception {
        var h = keyed(new ConversionFunction(2_000), ConversionFunction::keyOf, backend);
        h.setProcessingTime(10_000);
        h.processElement(ev("1", "a", "page_view", "/x", W + 1), W + 1);
        h.processElement(ev("2", "a", "page_view", "/y", W + 2), W + 2);
        h.processElement(ev("3", "a", "purchase", "", W + 3), W + 3);
        h.processElement(ev("4", "b", "page_view", "/x", W + 4), W + 4);
        h.processElement(ev("5", "c", "purchase", "", W + 5), W + 5);
        h.processElement(ev("6", "c", "purchase", "", W + 6), W + 6);
        h.processElement(ev("7", "d", "click", "", W + 60_001), W + 60_001); // another window, irrelevant type
        h.processWatermark(END + 60_000);
        assertEquals(List.of(new ConversionRecord(W, 1, 0, 0, 1), new ConversionRecord(W, 2, 2, 1, 5)),
                h.extractOutputValues(), "the first viewer at once, then the final value");
        assertNothingLeft(h);
        h.close();
    }

    /**
     * What ClickHouse keeps of a key, ReplacingMergeTree(version): the row with the highest version, the last
     * written of equal ones (equal versions mean equal rows).
     */
    private static EventsPerTypeRecord kept(List<EventsPerTypeRecord> written) {
        EventsPerTypeRecord best = null;
        for (EventsPerTypeRecord r : written) {
            if (best == null || r.version >= best.version) best = r;
        }
        return best;
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void theCompleteRowWinsAfterARestoreEvenWithTheClockSteppedBack(String backend) throws Exception {
        var h = keyed(new EventsPerTypeFunction(2_000), (WindowCount c) -> c.key, backend);
        h.setProcessingTime(100_000);
        h.processElement(one(EventsPerTypeFunction::keyOf, ev("a", "u1", "click", "", W + 1)), W + 1);
        OperatorSubtaskState checkpoint = h.snapshot(1, 100_000);
        h.processElement(one(EventsPerTypeFunction::keyOf, ev("b", "u1", "click", "", W + 2)), W + 2);
        h.setProcessingTime(102_000);   // published: 2 clicks
        List<EventsPerTypeRecord> written = new ArrayList<>(h.extractOutputValues());
        assertEquals(2, written.get(written.size() - 1).events);
        h.close();   // the crash

        // The job restarts from the checkpoint on a machine whose clock is 90 s behind, and reads b and c.
        var restored = new KeyedOneInputStreamOperatorTestHarness<String, WindowCount, EventsPerTypeRecord>(
                new KeyedProcessOperator<>(new EventsPerTypeFunction(2_000)), (WindowCount c) -> c.key, Types.STRING);
        useBackend(restored, backend);
        restored.setProcessingTime(10_000);
        restored.initializeState(checkpoint);
        restored.open();
        restored.processElement(one(EventsPerTypeFunction::keyOf, ev("b", "u1", "click", "", W + 2)), W + 2);
        restored.processElement(one(EventsPerTypeFunction::keyOf, ev("c", "u1", "click", "", W + 3)), W + 3);
        restored.processWatermark(END);
        written.addAll(restored.extractOutputValues());
        assertEquals(new EventsPerTypeRecord(W, "click", 3, 3), kept(written),
                "the final row counts all three clicks and outranks every row written before the crash");
        restored.close();
    }

    private static <T> List<T> sorted(List<T> in) {
        in.sort((a, b) -> a.toString().compareTo(b.toString()));
        return in;
    }
}
