package io.github.pipeline.analytics.functions;

import io.github.pipeline.analytics.model.Event;

import java.util.List;

/**
 * Everything {@link SessionizeOperator} keeps for one user, in one value state so that an event or a timer
 * costs one state lookup, not one per piece. Flink POJO; {@code List<Event>} (interface type, concrete
 * element type) gets Flink's own list serializer, not Kryo.
 */
public class UserSessionState {
    /** The open session, or null. */
    public SessionState session;
    /** Events whose ts the watermark has not passed yet, sorted by ts (arrival order within a ts); null = none. */
    public List<Event> buffer;
    /**
     * The pending event-time timer registered for the earliest buffered event, 0 = none. Later timers
     * registered before an earlier event arrived stay in the timer service and fire harmlessly.
     */
    public long drainTimer;

    public UserSessionState() {}

    boolean isEmpty() {
        return session == null && (buffer == null || buffer.isEmpty());
    }
}
