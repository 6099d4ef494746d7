package io.github.pipeline.analytics.model;

/** A record written to an output topic: its Kafka key (may be null) and its version (0 when unversioned). */
public interface OutputRecord {
    /** The record key: also the Kafka message key. */
    String key();

    /** Strictly growing per key; the newest version replaces older ones downstream. */
    long version();
}
