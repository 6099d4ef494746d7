package io.github.pipeline.analytics.sinks;

import io.github.pipeline.analytics.model.DeadLetter;
import io.github.pipeline.analytics.model.OutputRecord;
import io.github.pipeline.analytics.sources.EventParser;
import io.github.pipeline.analytics.sources.EventRules;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;

/**
 * An output record as one JSON object (fields only, all times epoch ms), keyed by {@link OutputRecord#key()}.
 * Each record writes itself ({@link OutputRecord#writeJson}) into one reused {@link JsonOut}.
 *
 * <p>No record may be larger than its topic takes: the producer would fail the task, the job would restore,
 * meet the same record again and fail again, for ever. The event rules bound every field of every output, so
 * this does not happen; should a record still be over {@link #MAX_RECORD_BYTES} (with its key), it goes to the
 * dead-letter topic instead, with reason {@code record_too_large:<topic>} and its start as payload.
 */
public class JsonRecordSerializationSchema<T extends OutputRecord> implements KafkaRecordSerializationSchema<T> {
    private static final long serialVersionUID = 1L;
    /** Key plus value; the rest of the producer's max.request.size is left for the record's framing. */
    public static final int MAX_RECORD_BYTES = EventRules.KAFKA_MAX_MESSAGE_BYTES - 1024;

    private final String topic;
    private final String deadletterTopic;
    private transient JsonOut out;

    /** @param deadletterTopic where a record too large for {@code topic} goes */
    public JsonRecordSerializationSchema(String topic, String deadletterTopic) {
        this.topic = topic;
        this.deadletterTopic = deadletterTopic;
    }

    @Override
    public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
        out = new JsonOut();
    }

    public byte[] toJson(OutputRecord record) {
        if (out == null) {
            out = new JsonOut();
        }
        record.writeJson(out);
        return out.end();
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(T record, KafkaSinkContext context, Long timestamp) {
        String key = record.key();
        byte[] keyBytes = key == null ? null : key.getBytes(StandardCharsets.UTF_8);
        byte[] value = toJson(record);
        if (value.length + (keyBytes == null ? 0 : keyBytes.length) > MAX_RECORD_BYTES) {
            return tooLarge(key, record.version(), value);
        }
        return new ProducerRecord<>(topic, null, null, keyBytes, value);
    }

    private ProducerRecord<byte[], byte[]> tooLarge(String key, long version, byte[] value) {
        String payload = EventParser.truncate(new String(value, StandardCharsets.UTF_8));
        // The id is the record's own (topic, key, version): a replay of the same record counts once.
        DeadLetter letter = new DeadLetter(System.currentTimeMillis(), "record_too_large:" + topic, payload,
                "flink", "flink:" + topic + ":" + key + ":" + version);
        return new ProducerRecord<>(deadletterTopic, null, null, null, toJson(letter));
    }
}
