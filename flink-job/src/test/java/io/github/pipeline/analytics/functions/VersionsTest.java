package io.github.pipeline.analytics.functions;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A row computed from part of the input never outranks the row computed from all of it. */
class VersionsTest {
    private static final long DAY = TimeBuckets.DAY_MS;
    private static final long D = 17_500 * DAY;

    @Test
    void aUserDayRanksByItsEventsThenByHowEarlyTheUserBegan() {
        long complete = Versions.ofUserDay(5, D, D - 3 * DAY);
        assertTrue(complete > Versions.ofUserDay(4, D, D - 3 * DAY), "fewer events");
        assertTrue(complete > Versions.ofUserDay(5, D, D - DAY), "the same events, a first day seen later");
        assertTrue(Versions.ofUserDay(6, D, D) > complete, "within a run only the events grow");
        assertEquals(complete, Versions.ofUserDay(5, D, D - 3 * DAY));
    }

    @Test
    void anEventRanksByHowEarlyItsSessionBegan() {
        long ts = 1_511_544_070_000L;
        assertTrue(Versions.ofEvent(ts, ts - 600_000) > Versions.ofEvent(ts, ts - 60_000));
        assertEquals(0, Versions.ofEvent(ts, ts));
    }

    @Test
    void conversionGrowsWithEachOfItsCounts() {
        long v = Versions.ofConversion(3, 2, 1);
        assertTrue(Versions.ofConversion(4, 2, 1) > v);
        assertTrue(Versions.ofConversion(3, 3, 1) > v);
        assertTrue(Versions.ofConversion(3, 2, 2) > v);
    }
}
