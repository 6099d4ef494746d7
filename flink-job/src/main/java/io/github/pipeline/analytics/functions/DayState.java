package io.github.pipeline.analytics.functions;

/** A user's current UTC day, the retention input (part of {@link UserSessionState}). */
public class DayState {
    public long day;
    /** The user's first day (a copy, so that publishing the day needs no second state lookup). */
    public long firstDay;
    public long events;
    public boolean dirty;
    /** When the waiting provisional publication is due (the user is in the provisional queue), 0 = none. */
    public long timer;
    /** Until when (processing time) the last provisional publication holds the next one back. */
    public long quietUntil;

    public DayState() {}

    /** The last ms of the day: the day is final once the watermark reaches it. */
    long lastMs() {
        return day + TimeBuckets.DAY_MS - 1;
    }
}
