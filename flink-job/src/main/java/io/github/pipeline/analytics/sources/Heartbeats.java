package io.github.pipeline.analytics.sources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.pipeline.analytics.model.ParsedRecord;
import org.apache.kafka.common.header.Headers;

import java.nio.charset.StandardCharsets;

/**
 * The gateway's heartbeat records in the raw topic (gateway/README.md, Heartbeats): a record with the header
 * {@value #HEADER} and the value {@code {"gateway":"<instance>","sent_ms":<wall ms>,"quiet":<bool>}}. A client
 * cannot make one (the gateway writes no headers for events), and any other writer of the raw topic may
 * write them too, to keep its partitions' idle flush going.
 */
public final class Heartbeats {
    public static final String HEADER = "heartbeat";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int MAX_PAYLOAD = 256;

    private Heartbeats() {}

    public static boolean isHeartbeat(Headers headers) {
        return headers != null && headers.lastHeader(HEADER) != null;
    }

    /** The heartbeat, or a dead letter {@code invalid_heartbeat} when its value is not one. */
    public static ParsedRecord parse(byte[] value) {
        try {
            JsonNode node = value == null ? null : MAPPER.readTree(value);
            JsonNode sent = node == null ? null : node.get("sent_ms");
            JsonNode quiet = node == null ? null : node.get("quiet");
            if (sent != null && sent.isIntegralNumber() && sent.canConvertToLong()
                    && quiet != null && quiet.isBoolean()) {
                return ParsedRecord.heartbeat(sent.asLong(), quiet.asBoolean());
            }
        } catch (java.io.IOException e) {
            // reported below as a dead letter
        }
        String text = value == null ? ""
                : new String(value, 0, Math.min(value.length, MAX_PAYLOAD), StandardCharsets.UTF_8);
        return ParsedRecord.invalid("invalid_heartbeat", text);
    }
}
