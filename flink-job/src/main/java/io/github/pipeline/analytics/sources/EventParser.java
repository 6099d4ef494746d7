package io.github.pipeline.analytics.sources;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.github.pipeline.analytics.model.Event;
import io.github.pipeline.analytics.model.ParsedRecord;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Parses and validates one raw event (SPEC section 3) into a {@link ParsedRecord}. The "ts &lt;= now + 5 min"
 * rule is not applied here: it depends on arrival time and is the gateway's job.
 *
 * <p>Dead-letter reasons: {@code empty}, {@code invalid_json}, {@code not_an_object},
 * {@code missing_field:<name>}, {@code invalid_field:<name>}.
 */
public final class EventParser {
    public static final long MIN_TS = 946_684_800_000L; // 2000-01-01T00:00:00Z
    public static final int MAX_PAYLOAD_BYTES = 4096;
    private static final Pattern TYPE = Pattern.compile("^[a-z][a-z0-9_]{0,63}$");

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    private EventParser() {}

    /** Parses UTF-8 bytes (a Kafka record value); invalid UTF-8 is a dead letter. */
    public static ParsedRecord parse(byte[] value) {
        if (value == null || value.length == 0) {
            return ParsedRecord.invalid("empty", "");
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        String text;
        try {
            CharBuffer chars = decoder.decode(ByteBuffer.wrap(value));
            text = chars.toString();
        } catch (CharacterCodingException e) {
            return ParsedRecord.invalid("invalid_utf8", truncate(new String(value, StandardCharsets.UTF_8)));
        }
        return parse(text);
    }

    public static ParsedRecord parse(String text) {
        if (text == null || text.isBlank()) {
            return ParsedRecord.invalid("empty", text == null ? "" : truncate(text));
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            return ParsedRecord.invalid("invalid_json", truncate(text));
        }
        if (root == null || !root.isObject()) {
            return ParsedRecord.invalid("not_an_object", truncate(text));
        }
        String reason;
        String eventId = null, userId = null, type = null, page = "", sessionId = null;
        long ts = 0;

        JsonNode n = root.get("event_id");
        if ((reason = checkString(n, "event_id", 1, 64, true)) != null) return ParsedRecord.invalid(reason, truncate(text));
        eventId = n.textValue();

        n = root.get("user_id");
        if ((reason = checkString(n, "user_id", 1, 128, true)) != null) return ParsedRecord.invalid(reason, truncate(text));
        userId = n.textValue();

        n = root.get("type");
        if (n == null || n.isNull()) return ParsedRecord.invalid("missing_field:type", truncate(text));
        if (!n.isTextual() || !TYPE.matcher(n.textValue()).matches()) {
            return ParsedRecord.invalid("invalid_field:type", truncate(text));
        }
        type = n.textValue();

        n = root.get("ts");
        if (n == null || n.isNull()) return ParsedRecord.invalid("missing_field:ts", truncate(text));
        if (!n.isIntegralNumber() || !n.canConvertToLong() || n.longValue() < MIN_TS) {
            return ParsedRecord.invalid("invalid_field:ts", truncate(text));
        }
        ts = n.longValue();

        n = root.get("page");
        if (n != null && !n.isNull()) {
            if ((reason = checkString(n, "page", 0, 2048, false)) != null) return ParsedRecord.invalid(reason, truncate(text));
            page = n.textValue();
        }

        n = root.get("session_id");
        if (n != null && !n.isNull()) {
            if (!n.isTextual()) return ParsedRecord.invalid("invalid_field:session_id", truncate(text));
            sessionId = n.textValue();
        }

        n = root.get("props");
        if (n != null && !n.isNull()) {
            if (!n.isObject()) return ParsedRecord.invalid("invalid_field:props", truncate(text));
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                JsonNode v = it.next().getValue();
                if (!(v.isTextual() || v.isNumber() || v.isBoolean() || v.isNull())) {
                    return ParsedRecord.invalid("invalid_field:props", truncate(text));
                }
            }
        }
        return ParsedRecord.valid(new Event(eventId, userId, type, page, ts, sessionId));
    }

    private static String checkString(JsonNode n, String name, int min, int max, boolean required) {
        if (n == null || n.isNull()) return required ? "missing_field:" + name : null;
        if (!n.isTextual()) return "invalid_field:" + name;
        String s = n.textValue();
        int len = s.codePointCount(0, s.length());
        if (len < min || len > max) return "invalid_field:" + name;
        return null;
    }

    /** Truncates to at most {@link #MAX_PAYLOAD_BYTES} UTF-8 bytes without splitting a character. */
    public static String truncate(String text) {
        if (text.length() * 3 <= MAX_PAYLOAD_BYTES) return text;
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= MAX_PAYLOAD_BYTES) return text;
        int end = MAX_PAYLOAD_BYTES;
        while (end > 0 && (bytes[end] & 0xC0) == 0x80) end--; // back off to a character start
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }
}
