package io.github.pipeline.analytics.model;

/**
 * The result of parsing one raw record, produced once by the source: a valid {@link #event}; or a gateway
 * {@link #heartbeat} (its wall time {@link #sentMs} and whether the gateway was {@link #quiet}), which only the
 * watermarks read; or else the dead-letter {@link #reason} and the (truncated) raw {@link #payload}.
 */
public class ParsedRecord {
    public Event event;
    public String reason;
    public String payload;
    public boolean heartbeat;
    public long sentMs;
    public boolean quiet;
    /**
     * Where an invalid record came from ({@code topic:partition:offset}) and its Kafka timestamp: the dead
     * letter's id and time, the same however often a restore replays the record (ClickHouse keeps one row per
     * id). Null and 0 when not read from Kafka.
     */
    public String sourceId;
    public long sourceTimestampMs;

    public ParsedRecord() {}

    public static ParsedRecord valid(Event event) {
        ParsedRecord r = new ParsedRecord();
        r.event = event;
        return r;
    }

    public static ParsedRecord heartbeat(long sentMs, boolean quiet) {
        ParsedRecord r = new ParsedRecord();
        r.heartbeat = true;
        r.sentMs = sentMs;
        r.quiet = quiet;
        return r;
    }

    public static ParsedRecord invalid(String reason, String payload) {
        ParsedRecord r = new ParsedRecord();
        r.reason = reason;
        r.payload = payload;
        return r;
    }

    public boolean isValid() {
        return event != null;
    }

    /** Event time for the source's timestamp assigner; heartbeats and invalid records get Long.MIN_VALUE. */
    public long timestamp() {
        return event != null ? event.ts : Long.MIN_VALUE;
    }

    @Override
    public String toString() {
        if (heartbeat) return "ParsedRecord{heartbeat " + sentMs + (quiet ? " quiet}" : "}");
        return event != null ? "ParsedRecord{" + event + "}" : "ParsedRecord{invalid " + reason + "}";
    }
}
