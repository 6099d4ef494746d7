package io.github.pipeline.analytics.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.github.pipeline.analytics.sinks.JsonOut;
import java.util.Objects;

/** Retention input: a user's events on one UTC day and the user's first day ({@code analytics.user_days}). */
public class UserDayRecord implements OutputRecord {
    @JsonProperty("user_id")
    public String userId;
    @JsonProperty("day_ms")
    public long dayMs;
    @JsonProperty("first_day_ms")
    public long firstDayMs;
    @JsonProperty("events")
    public long events;
    @JsonProperty("version")
    public long version;

    public UserDayRecord() {}

    public UserDayRecord(String userId, long dayMs, long firstDayMs, long events, long version) {
        this.userId = userId;
        this.dayMs = dayMs;
        this.firstDayMs = firstDayMs;
        this.events = events;
        this.version = version;
    }

    @Override
    public void writeJson(JsonOut out) {
        out.begin()
                .field("user_id", userId)
                .field("day_ms", dayMs)
                .field("first_day_ms", firstDayMs)
                .field("events", events)
                .field("version", version);
    }

    @Override
    public String key() {
        return userId + "|" + dayMs;
    }

    @Override
    public long version() {
        return version;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof UserDayRecord)) return false;
        UserDayRecord r = (UserDayRecord) o;
        return Objects.equals(userId, r.userId) && dayMs == r.dayMs && firstDayMs == r.firstDayMs && events == r.events && version == r.version;
    }

    @Override
    public int hashCode() {
        return Objects.hash(userId, dayMs, firstDayMs, events, version);
    }

    @Override
    public String toString() {
        return "UserDayRecord{" + "user_id=" + userId + ", day_ms=" + dayMs + ", first_day_ms=" + firstDayMs + ", events=" + events + ", version=" + version+ "}";
    }
}
