package io.github.pipeline.analytics.functions;

/**
 * Everything {@link UserDaysFunction} keeps for one user, in one value state: an event then costs one state
 * lookup and one write instead of two lookups and a write (first day and current day were apart).
 */
public class UserDaysState {
    /** UTC day of the user's first event; kept for good (retention needs it). */
    public long firstDay;
    /** The user's current day, or null once it is final. */
    public DayState current;

    public UserDaysState() {}
}
