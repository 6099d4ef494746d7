package io.github.pipeline.analytics.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.github.pipeline.analytics.sinks.JsonOut;
import java.util.Objects;

/** An event behind the watermark ({@code events.late}); never counted. */
public class LateEvent implements OutputRecord {
    @JsonProperty("event_id")
    public String eventId;
    @JsonProperty("user_id")
    public String userId;
    @JsonProperty("type")
    public String type;
    @JsonProperty("page")
    public String page;
    @JsonProperty("ts_ms")
    public long tsMs;
    @JsonProperty("session_id")
    public String sessionId;
    @JsonProperty("watermark_ms")
    public long watermarkMs;

    public LateEvent() {}

    public LateEvent(String eventId, String userId, String type, String page, long tsMs, String sessionId, long watermarkMs) {
        this.eventId = eventId;
        this.userId = userId;
        this.type = type;
        this.page = page;
        this.tsMs = tsMs;
        this.sessionId = sessionId;
        this.watermarkMs = watermarkMs;
    }

    @Override
    public void writeJson(JsonOut out) {
        out.begin()
                .field("event_id", eventId)
                .field("user_id", userId)
                .field("type", type)
                .field("page", page)
                .field("ts_ms", tsMs)
                .field("session_id", sessionId)
                .field("watermark_ms", watermarkMs);
    }

    @Override
    public String key() {
        return eventId;
    }

    @Override
    public long version() {
        return 0;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof LateEvent)) return false;
        LateEvent r = (LateEvent) o;
        return Objects.equals(eventId, r.eventId) && Objects.equals(userId, r.userId) && Objects.equals(type, r.type) && Objects.equals(page, r.page) && tsMs == r.tsMs && Objects.equals(sessionId, r.sessionId) && watermarkMs == r.watermarkMs;
    }

    @Override
    public int hashCode() {
        return Objects.hash(eventId, userId, type, page, tsMs, sessionId, watermarkMs);
    }

    @Override
    public String toString() {
        return "LateEvent{" + "event_id=" + eventId + ", user_id=" + userId + ", type=" + type + ", page=" + page + ", ts_ms=" + tsMs + ", session_id=" + sessionId + ", watermark_ms=" + watermarkMs+ "}";
    }
}
