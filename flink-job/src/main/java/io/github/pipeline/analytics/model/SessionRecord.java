package io.github.pipeline.analytics.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.github.pipeline.analytics.sinks.JsonOut;
import java.util.Objects;

/** A user session ({@code analytics.sessions}); provisional while open, final once closed. */
public class SessionRecord implements OutputRecord {
    @JsonProperty("session_id")
    public String sessionId;
    @JsonProperty("user_id")
    public String userId;
    @JsonProperty("session_start_ms")
    public long sessionStartMs;
    @JsonProperty("session_end_ms")
    public long sessionEndMs;
    @JsonProperty("events")
    public long events;
    @JsonProperty("page_views")
    public long pageViews;
    @JsonProperty("purchased")
    public int purchased;
    @JsonProperty("funnel_step")
    public int funnelStep;
    @JsonProperty("version")
    public long version;

    public SessionRecord() {}

    public SessionRecord(String sessionId, String userId, long sessionStartMs, long sessionEndMs, long events, long pageViews, int purchased, int funnelStep, long version) {
        this.sessionId = sessionId;
        this.userId = userId;
        this.sessionStartMs = sessionStartMs;
        this.sessionEndMs = sessionEndMs;
        this.events = events;
        this.pageViews = pageViews;
        this.purchased = purchased;
        this.funnelStep = funnelStep;
        this.version = version;
    }

    @Override
    public void writeJson(JsonOut out) {
        out.begin()
                .field("session_id", sessionId)
                .field("user_id", userId)
                .field("session_start_ms", sessionStartMs)
                .field("session_end_ms", sessionEndMs)
                .field("events", events)
                .field("page_views", pageViews)
                .field("purchased", purchased)
                .field("funnel_step", funnelStep)
                .field("version", version);
    }

    @Override
    public String key() {
        return sessionId;
    }

    @Override
    public long version() {
        return version;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof SessionRecord)) return false;
        SessionRecord r = (SessionRecord) o;
        return Objects.equals(sessionId, r.sessionId) && Objects.equals(userId, r.userId) && sessionStartMs == r.sessionStartMs && sessionEndMs == r.sessionEndMs && events == r.events && pageViews == r.pageViews && purchased == r.purchased && funnelStep == r.funnelStep && version == r.version;
    }

    @Override
    public int hashCode() {
        return Objects.hash(sessionId, userId, sessionStartMs, sessionEndMs, events, pageViews, purchased, funnelStep, version);
    }

    @Override
    public String toString() {
        return "SessionRecord{" + "session_id=" + sessionId + ", user_id=" + userId + ", session_start_ms=" + sessionStartMs + ", session_end_ms=" + sessionEndMs + ", events=" + events + ", page_views=" + pageViews + ", purchased=" + purchased + ", funnel_step=" + funnelStep + ", version=" + version+ "}";
    }
}
