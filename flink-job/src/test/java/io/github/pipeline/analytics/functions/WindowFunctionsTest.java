package io.github.pipeline.analytics.functions;

import io.github.pipeline.analytics.model.ConversionRecord;
import io.github.pipeline.analytics.model.EventsPerTypeRecord;
import io.github.pipeline.analytics.model.PageViewsRecord;
import io.github.pipeline.analytics.model.UniqueUsersRecord;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.github.pipeline.analytics.functions.Harnesses.assertNothingLeft;
import static io.github.pipeline.analytics.functions.Harnesses.ev;
import static io.github.pipeline.analytics.functions.Harnesses.keyed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WindowFunctionsTest {
    private static final long W = 1_511_544_060_000L; // a minute boundary
    private static final long END = W + 59_999;

    @Test
    void provisionalValuesAreTotalsWithGrowingVersionsThenFinal() throws Exception {
        var h = keyed(new EventsPerTypeFunction(2_000), EventsPerTypeFunction::keyOf);
        h.setProcessingTime(1_000);
        h.processElement(ev("a", "u1", "click", "", W + 1), W + 1);
        h.processElement(ev("b", "u2", "click", "", W + 2), W + 2);
        h.processElement(ev("c", "u2", "purchase", "", W + 3), W + 3);
        assertTrue(h.extractOutputValues().isEmpty());
        h.setProcessingTime(3_000);
        assertEquals(List.of(new EventsPerTypeRecord(W, "click", 2, 3_000), new EventsPerTypeRecord(W, "purchase", 1, 3_000)),
                sorted(h.extractOutputValues()));
        h.setProcessingTime(4_000); // unchanged: nothing new
        assertEquals(2, h.extractOutputValues().size());

        h.processElement(ev("d", "u3", "click", "", W + 59_999), W + 59_999);
        h.setProcessingTime(6_000);
        List<EventsPerTypeRecord> out = h.extractOutputValues();
        assertEquals(new EventsPerTypeRecord(W, "click", 3, 6_000), out.get(2), "a total, not a delta");

        h.processElement(ev("e", "u3", "click", "", W + 10), W + 10);
        h.processWatermark(END); // final before the provisional timer: same processing ms -> version + 1 still newer
        out = h.extractOutputValues();
        assertEquals(new EventsPerTypeRecord(W, "click", 4, 6_001), out.get(3));
        assertEquals(4, out.size(), "purchase unchanged since its last emission");
        assertNothingLeft(h);
        h.close();
    }

    @Test
    void finalValueWithoutProvisional() throws Exception {
        var h = keyed(new PageViewsFunction(2_000), PageViewsFunction::keyOf);
        h.setProcessingTime(500);
        h.processElement(ev("a", "u1", "page_view", "/x", W), W);
        h.processElement(ev("b", "u1", "page_view", "/x", W + 5), W + 5);
        h.processElement(ev("c", "u1", "page_view", "/y", W + 60_000), W + 60_000); // next window
        h.processWatermark(END);
        assertEquals(List.of(new PageViewsRecord(W, "/x", 2, 500)), h.extractOutputValues());
        h.processWatermark(END + 60_000);
        assertEquals(new PageViewsRecord(W + 60_000, "/y", 1, 500), h.extractOutputValues().get(1));
        assertNothingLeft(h);
        h.close();
    }

    @Test
    void uniqueUsersOnlyChangeOnNewUsers() throws Exception {
        var h = keyed(new UniqueUsersPerPageFunction(2_000), UniqueUsersPerPageFunction::keyOf);
        h.setProcessingTime(0);
        h.processElement(ev("a", "u1", "page_view", "/x", W + 1), W + 1);
        h.processElement(ev("b", "u1", "page_view", "/x", W + 2), W + 2);
        h.setProcessingTime(2_000);
        h.processElement(ev("c", "u1", "page_view", "/x", W + 3), W + 3);
        h.setProcessingTime(10_000);
        assertEquals(List.of(new UniqueUsersRecord(W, "/x", 1, 2_000)), h.extractOutputValues());
        h.processElement(ev("d", "u2", "page_view", "/x", W + 4), W + 4);
        h.processWatermark(END);
        assertEquals(new UniqueUsersRecord(W, "/x", 2, 10_000), h.extractOutputValues().get(1));
        assertNothingLeft(h);
        h.close();
    }

    @Test
    void conversionCountsDistinctUsers() throws Exception {
        var h = keyed(new ConversionFunction(2_000), ConversionFunction::keyOf);
        h.setProcessingTime(0);
        h.processElement(ev("1", "a", "page_view", "/x", W + 1), W + 1);
        h.processElement(ev("2", "a", "page_view", "/y", W + 2), W + 2);
        h.processElement(ev("3", "a", "purchase", "", W + 3), W + 3);
        h.processElement(ev("4", "b", "page_view", "/x", W + 4), W + 4);
        h.processElement(ev("5", "c", "purchase", "", W + 5), W + 5);
        h.processElement(ev("6", "c", "purchase", "", W + 6), W + 6);
        h.processElement(ev("7", "d", "click", "", W + 60_001), W + 60_001); // another window, irrelevant type
        h.processWatermark(END + 60_000);
        assertEquals(List.of(new ConversionRecord(W, 2, 2, 1, 1)), h.extractOutputValues());
        assertNothingLeft(h);
        h.close();
    }

    private static <T> List<T> sorted(List<T> in) {
        in.sort((a, b) -> a.toString().compareTo(b.toString()));
        return in;
    }
}
