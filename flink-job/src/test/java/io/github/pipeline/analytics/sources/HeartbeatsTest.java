package io.github.pipeline.analytics.sources;

import io.github.pipeline.analytics.functions.RouteInvalidFunction;
import io.github.pipeline.analytics.model.ParsedRecord;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HeartbeatsTest {
    private static List<ParsedRecord> deserialize(String value, boolean withHeader) throws Exception {
        RecordHeaders headers = new RecordHeaders();
        if (withHeader) headers.add(Heartbeats.HEADER, "1".getBytes(StandardCharsets.UTF_8));
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("events.raw", 0, 0L, 0L, TimestampType.CREATE_TIME,
                -1, -1, null, value.getBytes(StandardCharsets.UTF_8), headers, Optional.empty());
        List<ParsedRecord> out = new ArrayList<>();
        new RawEventDeserializer().deserialize(record, new org.apache.flink.util.Collector<>() {
            @Override public void collect(ParsedRecord r) { out.add(r); }
            @Override public void close() {}
        });
        return out;
    }

    @Test
    void aRecordWithTheHeaderIsAHeartbeat() throws Exception {
        ParsedRecord r = deserialize("{\"gateway\":\"h:1:2\",\"sent_ms\":1764000000000,\"quiet\":true}", true).get(0);
        assertTrue(r.heartbeat);
        assertEquals(1_764_000_000_000L, r.sentMs);
        assertTrue(r.quiet);
        assertEquals(Long.MIN_VALUE, r.timestamp(), "no event time");
        assertFalse(deserialize("{\"sent_ms\":1,\"quiet\":false}", true).get(0).quiet);
    }

    @Test
    void theSameTextWithoutTheHeaderIsNoHeartbeat() throws Exception {
        ParsedRecord r = deserialize("{\"sent_ms\":1764000000000,\"quiet\":true}", false).get(0);
        assertFalse(r.heartbeat, "a client cannot make one: the gateway writes events without headers");
        assertEquals("missing_field:event_id", r.reason);
    }

    @Test
    void aBrokenHeartbeatIsADeadLetter() throws Exception {
        assertEquals("invalid_heartbeat", deserialize("{\"sent_ms\":\"soon\",\"quiet\":true}", true).get(0).reason);
        assertEquals("invalid_heartbeat", deserialize("not json", true).get(0).reason);
    }

    @Test
    void heartbeatsGoNoFurtherThanTheWatermarks() throws Exception {
        var h = ProcessFunctionTestHarnesses.forProcessFunction(new RouteInvalidFunction());
        h.processElement(ParsedRecord.heartbeat(1, true), 0);
        assertTrue(h.extractOutputValues().isEmpty());
        assertTrue(h.getSideOutput(RouteInvalidFunction.DEAD_LETTERS) == null
                || h.getSideOutput(RouteInvalidFunction.DEAD_LETTERS).isEmpty(), "not a dead letter either");
        h.close();
    }
}
