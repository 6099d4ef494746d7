package io.github.pipeline.analytics.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.github.pipeline.analytics.sinks.JsonOut;
import java.util.Objects;

/** Events per (1-minute window, type) ({@code analytics.events_per_type}). */
public class EventsPerTypeRecord implements OutputRecord {
    @JsonProperty("window_start_ms")
    public long windowStartMs;
    @JsonProperty("type")
    public String type;
    @JsonProperty("events")
    public long events;
    @JsonProperty("version")
    public long version;

    public EventsPerTypeRecord() {}

    public EventsPerTypeRecord(long windowStartMs, String type, long events, long version) {
        this.windowStartMs = windowStartMs;
        this.type = type;
        this.events = events;
        this.version = version;
    }

    @Override
    public void writeJson(JsonOut out) {
        out.begin()
                .field("window_start_ms", windowStartMs)
                .field("type", type)
                .field("events", events)
                .field("version", version);
    }

    @Override
    public String key() {
        return windowStartMs + "|" + type;
    }

    @Override
    public long version() {
        return version;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof EventsPerTypeRecord)) return false;
        EventsPerTypeRecord r = (EventsPerTypeRecord) o;
        return windowStartMs == r.windowStartMs && Objects.equals(type, r.type) && events == r.events && version == r.version;
    }

    @Override
    public int hashCode() {
        return Objects.hash(windowStartMs, type, events, version);
    }

    @Override
    public String toString() {
        return "EventsPerTypeRecord{" + "window_start_ms=" + windowStartMs + ", type=" + type + ", events=" + events + ", version=" + version+ "}";
    }
}
