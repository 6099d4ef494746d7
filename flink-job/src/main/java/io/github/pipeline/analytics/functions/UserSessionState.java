package io.github.pipeline.analytics.functions;

import io.github.pipeline.analytics.model.Event;

import java.util.List;

/**
 * Everything {@link SessionizeOperator} keeps for one user while something is open, in one value state so
 * that an event or a timer costs one state lookup, not one per piece. Written and read by
 * {@link UserSessionStateSerializer}.
 *
 * <p>Cleared once the user has no open session, no buffered events and no open day; the first day, which
 * retention needs for good, is a state of its own (8 bytes per user).
 */
public class UserSessionState {
    /** The open session, or null. */
    public SessionState session;
    /** Events whose ts the watermark has not passed yet, sorted by ts (arrival order within a ts); null = none. */
    public List<Event> buffer;
    /**
     * The pending drain wake-up (event time) for the earliest buffered event, 0 = none. Later wake-ups
     * queued before an earlier event arrived stay in the drain queue and wake the user harmlessly.
     */
    public long drainTimer;
    /** The user's current UTC day (retention input), or null once it is final. */
    public DayState day;

    public UserSessionState() {}
}
