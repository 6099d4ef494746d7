package io.github.pipeline.analytics.functions;

/** Epoch-aligned UTC buckets. */
public final class TimeBuckets {
    public static final long MINUTE_MS = 60_000L;
    public static final long DAY_MS = 86_400_000L;

    private TimeBuckets() {}

    public static long minuteStart(long ts) {
        return Math.floorDiv(ts, MINUTE_MS) * MINUTE_MS;
    }

    public static long dayStart(long ts) {
        return Math.floorDiv(ts, DAY_MS) * DAY_MS;
    }
}
