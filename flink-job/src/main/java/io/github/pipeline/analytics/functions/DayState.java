package io.github.pipeline.analytics.functions;

/** A user's current UTC day (part of {@link UserDaysState}). */
public class DayState {
    public long day;
    public long events;
    public boolean dirty;
    public long version;
    /** Pending provisional processing-time timer, 0 = none. */
    public long timer;
    /** Until when (processing time) the last provisional publication holds the next one back. */
    public long quietUntil;

    public DayState() {}
}
