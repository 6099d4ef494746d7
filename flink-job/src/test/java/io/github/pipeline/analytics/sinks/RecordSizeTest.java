package io.github.pipeline.analytics.sinks;

import io.github.pipeline.analytics.model.DeadLetter;
import io.github.pipeline.analytics.model.LateEvent;
import io.github.pipeline.analytics.model.OutputRecord;
import io.github.pipeline.analytics.sources.EventParser;
import io.github.pipeline.analytics.sources.EventRules;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** No output record is larger than its topic takes (the producer's max.request.size). */
class RecordSizeTest {
    private final JsonRecordSerializationSchema<OutputRecord> schema =
            new JsonRecordSerializationSchema<>("events.late", "events.deadletter");

    /** n chars that JsonOut writes as six bytes each (\u0001). */
    private static String worst(int n) {
        return "\u0001".repeat(n);
    }

    @Test
    void theLargestLateEventTheRulesAllowFits() {
        LateEvent late = new LateEvent(worst(EventRules.EVENT_ID_MAX_BYTES), worst(EventRules.USER_ID_MAX_BYTES),
                "a".repeat(64), worst(EventRules.PAGE_MAX_BYTES), Long.MIN_VALUE,
                worst(EventRules.SESSION_ID_MAX_BYTES), Long.MIN_VALUE);
        ProducerRecord<byte[], byte[]> r = schema.serialize(late, null, null);
        assertEquals("events.late", r.topic());
        assertTrue(r.value().length + r.key().length <= JsonRecordSerializationSchema.MAX_RECORD_BYTES);
    }

    @Test
    void theLargestDeadLetterFits() {
        String payload = EventParser.truncate(worst(100_000));
        DeadLetter letter = new DeadLetter(Long.MIN_VALUE, "record_too_large:" + "t".repeat(255), payload, "flink",
                "flink:" + "t".repeat(255) + ":" + worst(EventRules.EVENT_ID_MAX_BYTES) + ":" + Long.MIN_VALUE);
        assertTrue(schema.serialize(letter, null, null).value().length <= JsonRecordSerializationSchema.MAX_RECORD_BYTES);
    }

    /** What a restart loop was made of: a late event with ~350 KB of emoji as its session id (12 bytes each). */
    @Test
    void aRecordOverTheLimitBecomesADeadLetter() {
        String session = "\uD83D\uDE00".repeat(90_000);
        LateEvent late = new LateEvent("e1", "u1", "page_view", "/", 1_500_000_000_000L, session, 1_700_000_000_000L);
        ProducerRecord<byte[], byte[]> r = schema.serialize(late, null, null);
        assertEquals("events.deadletter", r.topic());
        String json = new String(r.value(), StandardCharsets.UTF_8);
        assertTrue(json.contains("\"reason\":\"record_too_large:events.late\""), json.substring(0, 200));
        assertTrue(json.contains("\"id\":\"flink:events.late:e1:0\""), json.substring(json.length() - 200));
        assertTrue(json.contains("\"payload\":\"{\\\"event_id\\\":\\\"e1\\\""), json.substring(0, 200));
        assertTrue(r.value().length <= JsonRecordSerializationSchema.MAX_RECORD_BYTES);
    }
}
