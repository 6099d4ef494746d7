package io.github.pipeline.analytics.model;

import io.github.pipeline.analytics.sinks.JsonOut;

/** A record written to an output topic: its Kafka key (may be null) and its version (0 when unversioned). */
public interface OutputRecord {
    /** The record key: also the Kafka message key. */
    String key();

    /** Strictly growing per key; the newest version replaces older ones downstream. */
    long version();

    /**
     * Writes the record's JSON value: its {@code @JsonProperty} fields in declaration order, as Jackson
     * would (the annotations stay the schema's documentation and what the tests compare with).
     */
    void writeJson(JsonOut out);
}
