package io.github.pipeline.analytics.sinks;

import io.github.pipeline.analytics.model.OutputRecord;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;

/**
 * An output record as one JSON object (fields only, all times epoch ms), keyed by {@link OutputRecord#key()}.
 * Each record writes itself ({@link OutputRecord#writeJson}) into one reused {@link JsonOut}.
 */
public class JsonRecordSerializationSchema<T extends OutputRecord> implements KafkaRecordSerializationSchema<T> {
    private static final long serialVersionUID = 1L;
    private final String topic;
    private transient JsonOut out;

    public JsonRecordSerializationSchema(String topic) {
        this.topic = topic;
    }

    @Override
    public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
        out = new JsonOut();
    }

    public byte[] toJson(T record) {
        if (out == null) {
            out = new JsonOut();
        }
        record.writeJson(out);
        return out.end();
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(T record, KafkaSinkContext context, Long timestamp) {
        String key = record.key();
        return new ProducerRecord<>(topic, null, null,
                key == null ? null : key.getBytes(StandardCharsets.UTF_8), toJson(record));
    }
}
