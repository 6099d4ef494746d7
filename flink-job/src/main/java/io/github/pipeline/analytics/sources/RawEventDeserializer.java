package io.github.pipeline.analytics.sources;

import io.github.pipeline.analytics.model.ParsedRecord;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Kafka value bytes to {@link ParsedRecord}: the only place raw JSON is parsed (heartbeats by {@link Heartbeats}). */
public class RawEventDeserializer implements KafkaRecordDeserializationSchema<ParsedRecord> {
    private static final long serialVersionUID = 1L;

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<ParsedRecord> out) {
        ParsedRecord parsed = Heartbeats.isHeartbeat(record.headers()) ? Heartbeats.parse(record.value())
                : EventParser.parse(record.value());
        if (!parsed.isValid() && !parsed.heartbeat) {
            parsed.sourceId = record.topic() + ":" + record.partition() + ":" + record.offset();
            parsed.sourceTimestampMs = record.timestamp();
        }
        out.collect(parsed);
    }

    @Override
    public TypeInformation<ParsedRecord> getProducedType() {
        return TypeInformation.of(ParsedRecord.class);
    }
}
