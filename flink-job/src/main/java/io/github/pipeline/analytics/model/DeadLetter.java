package io.github.pipeline.analytics.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.github.pipeline.analytics.sinks.JsonOut;
import java.util.Objects;

/** An unparseable or invalid raw record ({@code events.deadletter}). */
public class DeadLetter implements OutputRecord {
    @JsonProperty("received_at_ms")
    public long receivedAtMs;
    @JsonProperty("reason")
    public String reason;
    @JsonProperty("payload")
    public String payload;
    @JsonProperty("source")
    public String source;
    /** Unique per rejected record, stable across replays: ClickHouse's dead_letters keeps one row per id. */
    @JsonProperty("id")
    public String id;

    public DeadLetter() {}

    public DeadLetter(long receivedAtMs, String reason, String payload, String source, String id) {
        this.receivedAtMs = receivedAtMs;
        this.reason = reason;
        this.payload = payload;
        this.source = source;
        this.id = id;
    }

    @Override
    public void writeJson(JsonOut out) {
        out.begin()
                .field("received_at_ms", receivedAtMs)
                .field("reason", reason)
                .field("payload", payload)
                .field("source", source)
                .field("id", id);
    }

    @Override
    public String key() {
        return null;
    }

    @Override
    public long version() {
        return 0;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof DeadLetter)) return false;
        DeadLetter r = (DeadLetter) o;
        return receivedAtMs == r.receivedAtMs && Objects.equals(reason, r.reason) && Objects.equals(payload, r.payload) && Objects.equals(source, r.source) && Objects.equals(id, r.id);
    }

    @Override
    public int hashCode() {
        return Objects.hash(receivedAtMs, reason, payload, source, id);
    }

    @Override
    public String toString() {
        return "DeadLetter{" + "received_at_ms=" + receivedAtMs + ", reason=" + reason + ", payload=" + payload + ", source=" + source + ", id=" + id + "}";
    }
}
