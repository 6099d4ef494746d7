package io.github.pipeline.analytics.sources;

import io.github.pipeline.analytics.model.Event;
import io.github.pipeline.analytics.model.ParsedRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventParserTest {

    @Test
    void parsesGatewayEvent() {
        ParsedRecord r = EventParser.parse("{\"event_id\":\"e1\",\"user_id\":\"u1\",\"type\":\"page_view\","
                + "\"ts\":1511544070000,\"page\":\"/item/1\",\"session_id\":\"client-sess\","
                + "\"props\":{\"category_id\":\"2520377\",\"n\":3,\"b\":true},\"received_at_ms\":1764110000000,"
                + "\"unknown\":{\"nested\":[1]}}");
        assertTrue(r.isValid());
        assertEquals(new Event("e1", "u1", "page_view", "/item/1", 1511544070000L, "client-sess"), r.event);
        assertEquals(1511544070000L, r.timestamp());
    }

    @Test
    void optionalFieldsDefault() {
        ParsedRecord r = EventParser.parse("{\"event_id\":\"e1\",\"user_id\":\"u1\",\"type\":\"click\",\"ts\":946684800000}");
        assertTrue(r.isValid());
        assertEquals("", r.event.page);
        assertNull(r.event.clientSessionId);
        assertTrue(EventParser.parse("{\"event_id\":\"e1\",\"user_id\":\"u1\",\"type\":\"click\",\"ts\":946684800000,"
                + "\"page\":null,\"props\":null}").isValid());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "not json|invalid_json",
            "{\"event_id\":|invalid_json",
            "[1,2]|not_an_object",
            "42|not_an_object",
            "{}|missing_field:event_id",
            "{\"event_id\":\"\",\"user_id\":\"u\",\"type\":\"click\",\"ts\":946684800000}|invalid_field:event_id",
            "{\"event_id\":5,\"user_id\":\"u\",\"type\":\"click\",\"ts\":946684800000}|invalid_field:event_id",
            "{\"event_id\":\"e\",\"type\":\"click\",\"ts\":946684800000}|missing_field:user_id",
            "{\"event_id\":\"e\",\"user_id\":\"u\",\"ts\":946684800000}|missing_field:type",
            "{\"event_id\":\"e\",\"user_id\":\"u\",\"type\":\"Click\",\"ts\":946684800000}|invalid_field:type",
            "{\"event_id\":\"e\",\"user_id\":\"u\",\"type\":\"1click\",\"ts\":946684800000}|invalid_field:type",
            "{\"event_id\":\"e\",\"user_id\":\"u\",\"type\":\"click\"}|missing_field:ts",
            "{\"event_id\":\"e\",\"user_id\":\"u\",\"type\":\"click\",\"ts\":946684799999}|ts_out_of_range",
            "{\"event_id\":\"e\",\"user_id\":\"u\",\"type\":\"click\",\"ts\":\"946684800000\"}|invalid_field:ts",
            "{\"event_id\":\"e\",\"user_id\":\"u\",\"type\":\"click\",\"ts\":946684800000.5}|invalid_field:ts",
            "{\"event_id\":\"e\",\"user_id\":\"u\",\"type\":\"click\",\"ts\":946684800000,\"page\":7}|invalid_field:page",
            "{\"event_id\":\"e\",\"user_id\":\"u\",\"type\":\"click\",\"ts\":946684800000,\"session_id\":1}|invalid_field:session_id",
            "{\"event_id\":\"e\",\"user_id\":\"u\",\"type\":\"click\",\"ts\":946684800000,\"props\":[]}|invalid_field:props",
            "{\"event_id\":\"e\",\"user_id\":\"u\",\"type\":\"click\",\"ts\":946684800000,\"props\":{\"a\":{}}}|invalid_props",
    })
    void rejectsWithReason(String json, String reason) {
        ParsedRecord r = EventParser.parse(json);
        assertFalse(r.isValid(), json);
        assertEquals(reason, r.reason);
        assertEquals(json, r.payload);
    }

    @Test
    void lengthLimits() {
        String id64 = "e".repeat(64);
        String ok = "{\"event_id\":\"" + id64 + "\",\"user_id\":\"" + "u".repeat(128)
                + "\",\"type\":\"t" + "x".repeat(63) + "\",\"ts\":946684800000,\"page\":\"" + "p".repeat(2048) + "\"}";
        assertTrue(EventParser.parse(ok).isValid());
        assertEquals("invalid_field:event_id", EventParser.parse(ok.replace(id64, id64 + "e")).reason);
        assertEquals("invalid_field:page",
                EventParser.parse(ok.replace("p".repeat(2048), "p".repeat(2049))).reason);
        // bytes of UTF-8, not code points: 16 emoji are 64 bytes, 17 are 68
        String emoji = "\uD83D\uDE00";
        assertTrue(EventParser.parse(ok.replace(id64, emoji.repeat(16))).isValid());
        assertEquals("invalid_field:event_id", EventParser.parse(ok.replace(id64, emoji.repeat(17))).reason);
    }

    @Test
    void payloadTruncatedTo4KiBOnACharacterBoundary() {
        String big = "x" + "\u00e9".repeat(5000); // 1 + 10000 bytes
        ParsedRecord r = EventParser.parse(big);
        assertEquals("invalid_json", r.reason);
        byte[] bytes = r.payload.getBytes(StandardCharsets.UTF_8);
        assertTrue(bytes.length <= 4096 && bytes.length >= 4094, "length " + bytes.length);
        assertTrue(big.startsWith(r.payload));
    }

    @Test
    void bytesEntryPoint() {
        assertEquals("invalid_json", EventParser.parse(new byte[0]).reason);
        byte[] tooLarge = ("{\"event_id\":\"e\",\"user_id\":\"u\",\"type\":\"click\",\"ts\":946684800000,\"x\":\""
                + "x".repeat(EventRules.EVENT_MAX_RECORD_BYTES) + "\"}").getBytes(StandardCharsets.UTF_8);
        assertEquals("event_too_large", EventParser.parse(tooLarge).reason);
        assertEquals("invalid_utf8", EventParser.parse(new byte[] {'{', (byte) 0xC3, '}'}).reason);
        assertTrue(EventParser.parse("{\"event_id\":\"e\",\"user_id\":\"u\",\"type\":\"click\",\"ts\":946684800000}"
                .getBytes(StandardCharsets.UTF_8)).isValid());
    }
}
