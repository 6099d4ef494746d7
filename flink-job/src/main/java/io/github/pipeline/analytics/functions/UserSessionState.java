package io.github.pipeline.analytics.functions;

import io.github.pipeline.analytics.model.Event;

import java.util.List;

/**
 * Everything {@link SessionizeOperator} keeps for one user, in one value state so that an event or a timer
 * costs one state lookup, not one per piece (sessions and user days used to be two keyed operators with a
 * state each). Flink POJO; {@code List<Event>} (interface type, concrete element type) gets Flink's own list
 * serializer, not Kryo.
 *
 * <p>Never cleared once the user has a first day: retention needs it for good, so a user without an open
 * session, buffered events or an open day keeps this object with only {@link #firstDay} set.
 */
public class UserSessionState {
    /** {@link #firstDay} before the user's first event has been processed. */
    static final long NO_DAY = Long.MIN_VALUE;

    /** The open session, or null. */
    public SessionState session;
    /** Events whose ts the watermark has not passed yet, sorted by ts (arrival order within a ts); null = none. */
    public List<Event> buffer;
    /**
     * The pending drain wake-up (event time) for the earliest buffered event, 0 = none. Later wake-ups
     * queued before an earlier event arrived stay in the drain queue and wake the user harmlessly.
     */
    public long drainTimer;
    /** UTC day of the user's earliest event (the first one processed, hence final), {@link #NO_DAY} = none yet. */
    public long firstDay = NO_DAY;
    /** The user's current UTC day (retention input), or null once it is final. */
    public DayState day;

    public UserSessionState() {}
}
