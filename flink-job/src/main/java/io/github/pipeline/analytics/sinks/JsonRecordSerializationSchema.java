package io.github.pipeline.analytics.sinks;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.github.pipeline.analytics.model.OutputRecord;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;

/** An output record as one JSON object (fields only, all times epoch ms), keyed by {@link OutputRecord#key()}. */
public class JsonRecordSerializationSchema<T extends OutputRecord> implements KafkaRecordSerializationSchema<T> {
    private static final long serialVersionUID = 1L;
    private final String topic;
    private transient ObjectWriter writer;

    public JsonRecordSerializationSchema(String topic) {
        this.topic = topic;
    }

    /** The JSON mapper used for all outputs: public fields with their @JsonProperty names, no getters. */
    public static ObjectMapper mapper() {
        ObjectMapper m = new ObjectMapper();
        m.setVisibility(PropertyAccessor.ALL, JsonAutoDetect.Visibility.NONE);
        m.setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.PUBLIC_ONLY);
        return m;
    }

    @Override
    public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
        writer = mapper().writer();
    }

    public byte[] toJson(T record) {
        if (writer == null) {
            writer = mapper().writer();
        }
        try {
            return writer.writeValueAsBytes(record);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + record, e);
        }
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(T record, KafkaSinkContext context, Long timestamp) {
        String key = record.key();
        return new ProducerRecord<>(topic, null, null,
                key == null ? null : key.getBytes(StandardCharsets.UTF_8), toJson(record));
    }
}
