package io.github.pipeline.analytics.model;

import org.apache.flink.api.common.typeinfo.TypeInfo;

import java.util.Objects;

/**
 * A valid event as parsed from {@code events.raw}. Public fields, no-arg constructor; Flink serializes it
 * with {@link EventSerializer} (faster than its POJO serializer), which must change with the fields.
 */
@TypeInfo(EventTypeInfo.Factory.class)
public class Event {
    public String eventId;
    public String userId;
    public String type;
    /** Page, {@code ""} when the client sent none. */
    public String page;
    /** Event time, epoch milliseconds. */
    public long ts;
    /** The client's session id, or null. Kept for the late-events topic. */
    public String clientSessionId;

    public Event() {}

    public Event(String eventId, String userId, String type, String page, long ts, String clientSessionId) {
        this.eventId = eventId;
        this.userId = userId;
        this.type = type;
        this.page = page == null ? "" : page;
        this.ts = ts;
        this.clientSessionId = clientSessionId;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof Event)) return false;
        Event e = (Event) o;
        return ts == e.ts && Objects.equals(eventId, e.eventId) && Objects.equals(userId, e.userId)
                && Objects.equals(type, e.type) && Objects.equals(page, e.page)
                && Objects.equals(clientSessionId, e.clientSessionId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(eventId, userId, type, page, ts, clientSessionId);
    }

    @Override
    public String toString() {
        return "Event{" + eventId + ", " + userId + ", " + type + ", " + page + ", " + ts + "}";
    }
}
