package io.github.pipeline.analytics.functions;

/**
 * Output versions: how much of the input a row accounts for, computed from the row's own values.
 *
 * <p>ClickHouse keeps the row with the highest version per key ({@code ReplacingMergeTree(version)}), so the
 * version must rank the right row first whoever wrote it and whenever. A row's values only grow as the input
 * it counts grows (counts, distinct users, a session's events, a user's day), so each version below is a
 * measure that
 * <ul>
 *   <li>strictly grows with every change of the row within one run (every provisional value replaces the one
 *       before it, the final value replaces them all), and</li>
 *   <li>is never higher for a row computed from part of the input than for the row computed from all of it,
 *       and reaches the highest only with all of it (a restored job that reads in another order may re-emit
 *       partial rows of equal or lower versions on the way; the complete row outranks them).</li>
 * </ul>
 * No clock is involved: a wall clock that steps backwards, a restore that re-emits rows emitted before a crash,
 * and a job that starts over from the beginning of the raw topic after its state was lost (reading less of the
 * history when retention has deleted its oldest part) can never make a less complete row win.
 */
public final class Versions {
    /** Days between a user's first day and the day of a user-day row fit in this many low bits. */
    private static final int DAY_BITS = 16;
    private static final long MAX_DAYS = (1L << DAY_BITS) - 1;

    private Versions() {}

    /** Events per type, page views, unique users: the count itself. */
    public static long ofCount(long count) {
        return count;
    }

    /** Conversion: each of the three counts only grows, so their sum grows with every change of any. */
    public static long ofConversion(long viewers, long purchasers, long converted) {
        return viewers + purchasers + converted;
    }

    /** A session changes only when an event joins it. */
    public static long ofSession(long events) {
        return events;
    }

    /**
     * A user's day: its events first, then how far back the user's first day lies (a run that missed the
     * user's earliest events sees a later first day).
     */
    public static long ofUserDay(long events, long dayMs, long firstDayMs) {
        long days = Math.min(MAX_DAYS, Math.max(0, (dayMs - firstDayMs) / TimeBuckets.DAY_MS));
        return (events << DAY_BITS) | days;
    }

    /**
     * A clean event is written once per run; what can differ between runs is its session, and a run that saw
     * more of the session's start sees it start earlier.
     */
    public static long ofEvent(long tsMs, long sessionStartMs) {
        return tsMs - sessionStartMs;
    }
}
