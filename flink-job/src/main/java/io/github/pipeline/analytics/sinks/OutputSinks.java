package io.github.pipeline.analytics.sinks;

import io.github.pipeline.analytics.model.OutputRecord;
import org.apache.flink.api.connector.sink2.Sink;

import java.io.Serializable;

/** Creates the sink of each output; the job gets one (Kafka in production, collecting sinks in tests). */
public interface OutputSinks extends Serializable {
    <T extends OutputRecord> Sink<T> sink(Output output);
}
