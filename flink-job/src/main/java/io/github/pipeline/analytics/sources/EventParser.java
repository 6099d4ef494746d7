package io.github.pipeline.analytics.sources;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.github.pipeline.analytics.model.Event;
import io.github.pipeline.analytics.model.ParsedRecord;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Parses and validates one raw event (contract section 3) into a {@link ParsedRecord}, by the rules of
 * {@link EventRules}, with the gateway's verdicts: both run the shared test vectors
 * ({@code common/event-rules/test-vectors.jsonl}). The "ts &lt;= now + 5 min" rule is not applied here: it
 * depends on arrival time and is the gateway's job.
 *
 * <p>As in the gateway: a repeated key's first occurrence counts (its later ones are read, not used); null
 * means "not given" for every field; lengths are bytes of UTF-8. Dead-letter reasons: the gateway's
 * ({@code invalid_json}, {@code not_an_object}, {@code missing_field:<name>}, {@code invalid_field:<name>},
 * {@code ts_out_of_range}, {@code invalid_props}, {@code event_too_large}) and {@code invalid_utf8}.
 */
public final class EventParser {
    public static final long MIN_TS = EventRules.TS_MIN_MS;
    public static final int MAX_PAYLOAD_BYTES = EventRules.RAW_MAX_BYTES;

    private static final JsonFactory JSON = new JsonFactory();

    private EventParser() {}

    /** Parses UTF-8 bytes (a Kafka record value); invalid UTF-8 is a dead letter. */
    public static ParsedRecord parse(byte[] value) {
        if (value == null || value.length == 0) {
            return ParsedRecord.invalid("invalid_json", "");
        }
        if (value.length > EventRules.EVENT_MAX_RECORD_BYTES) {
            return ParsedRecord.invalid("event_too_large", truncate(new String(value, StandardCharsets.UTF_8)));
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

    /** The known fields of one object as read: their first occurrence each. */
    private static final class Fields {
        Value eventId, userId, type, ts, page, sessionId, props;
        /** The verdict on the first {@code props}, read while streaming (null: valid or not an object). */
        String propsReason;
    }

    /** A scalar field value, or the kind of a non-scalar one. */
    private static final class Value {
        final JsonToken token;
        final String text;
        final boolean bigInteger;

        Value(JsonToken token, String text, boolean bigInteger) {
            this.token = token;
            this.text = text;
            this.bigInteger = bigInteger;
        }

        boolean absent() {
            return token == JsonToken.VALUE_NULL;
        }

        boolean isString() {
            return token == JsonToken.VALUE_STRING;
        }
    }

    public static ParsedRecord parse(String text) {
        if (text == null) {
            return ParsedRecord.invalid("invalid_json", "");
        }
        Fields f;
        try (JsonParser p = JSON.createParser(text)) {
            JsonToken root = p.nextToken();
            if (root == null) {
                return ParsedRecord.invalid("invalid_json", truncate(text));
            }
            if (root != JsonToken.START_OBJECT) {
                p.skipChildren();
                return p.nextToken() == null
                        ? ParsedRecord.invalid("not_an_object", truncate(text))
                        : ParsedRecord.invalid("invalid_json", truncate(text));
            }
            f = readObject(p);
            if (p.nextToken() != null) {
                return ParsedRecord.invalid("invalid_json", truncate(text));
            }
        } catch (IOException e) {   // JsonParseException and its kind: not JSON
            return ParsedRecord.invalid("invalid_json", truncate(text));
        }
        String reason = validate(f);
        if (reason != null) {
            return ParsedRecord.invalid(reason, truncate(text));
        }
        return ParsedRecord.valid(new Event(f.eventId.text, f.userId.text, f.type.text,
                f.page == null || f.page.absent() ? "" : f.page.text, Long.parseLong(f.ts.text),
                f.sessionId == null || f.sessionId.absent() ? null : f.sessionId.text));
    }

    /** Reads the members of the object whose START_OBJECT was just read, up to its END_OBJECT. */
    private static Fields readObject(JsonParser p) throws IOException {
        Fields f = new Fields();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            switch (name) {
                case "event_id": if (f.eventId == null) f.eventId = value(p, t); else p.skipChildren(); break;
                case "user_id": if (f.userId == null) f.userId = value(p, t); else p.skipChildren(); break;
                case "type": if (f.type == null) f.type = value(p, t); else p.skipChildren(); break;
                case "ts": if (f.ts == null) f.ts = value(p, t); else p.skipChildren(); break;
                case "page": if (f.page == null) f.page = value(p, t); else p.skipChildren(); break;
                case "session_id": if (f.sessionId == null) f.sessionId = value(p, t); else p.skipChildren(); break;
                case "props":
                    if (f.props == null && t == JsonToken.START_OBJECT) {
                        f.props = new Value(t, null, false);
                        f.propsReason = readProps(p);
                    } else if (f.props == null) {
                        f.props = value(p, t);
                    } else {
                        p.skipChildren();
                    }
                    break;
                default: p.skipChildren();   // unknown fields are ignored, whatever they hold
            }
        }
        return f;
    }

    private static Value value(JsonParser p, JsonToken t) throws IOException {
        switch (t) {
            case VALUE_STRING: return new Value(t, p.getText(), false);
            case VALUE_NUMBER_INT:
                return new Value(t, p.getText(), p.getNumberType() == JsonParser.NumberType.BIG_INTEGER);
            default:
                p.skipChildren();   // an object or array is read through; only its kind is kept
                return new Value(t, null, false);
        }
    }

    /**
     * Reads a props object to its end; its verdict: null when valid, else {@code invalid_props}. Every member
     * is checked, a repeated key's too (as the gateway does); members are counted as written.
     */
    private static String readProps(JsonParser p) throws IOException {
        String reason = null;
        int members = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            members++;
            if (EventRules.utf8Length(p.currentName()) > EventRules.PROPS_KEY_MAX_BYTES) {
                reason = "invalid_props";
            }
            JsonToken t = p.nextToken();
            switch (t) {
                case VALUE_STRING:
                    if (EventRules.utf8Length(p.getText()) > EventRules.PROPS_STRING_MAX_BYTES) {
                        reason = "invalid_props";
                    }
                    break;
                case VALUE_NUMBER_INT:
                case VALUE_NUMBER_FLOAT:
                case VALUE_TRUE:
                case VALUE_FALSE:
                    break;
                default:   // an object, an array or null
                    p.skipChildren();
                    reason = "invalid_props";
            }
        }
        return members > EventRules.PROPS_MAX_COUNT ? "invalid_props" : reason;
    }

    /** The first failing rule, in field order, or null. */
    private static String validate(Fields f) {
        String reason;
        if ((reason = requiredString(f.eventId, "event_id", EventRules.EVENT_ID_MAX_BYTES)) != null) return reason;
        if ((reason = requiredString(f.userId, "user_id", EventRules.USER_ID_MAX_BYTES)) != null) return reason;
        if (f.type == null || f.type.absent()) return "missing_field:type";
        if (!f.type.isString() || !EventRules.TYPE.matcher(f.type.text).matches()) return "invalid_field:type";
        if (f.ts == null || f.ts.absent()) return "missing_field:ts";
        if (f.ts.token != JsonToken.VALUE_NUMBER_INT) return "invalid_field:ts";
        if (f.ts.bigInteger || Long.parseLong(f.ts.text) < MIN_TS) return "ts_out_of_range";
        if ((reason = optionalString(f.page, "page", EventRules.PAGE_MAX_BYTES)) != null) return reason;
        if ((reason = optionalString(f.sessionId, "session_id", EventRules.SESSION_ID_MAX_BYTES)) != null) return reason;
        if (f.props != null && !f.props.absent()) {
            if (f.props.token != JsonToken.START_OBJECT) return "invalid_field:props";
            return f.propsReason;
        }
        return null;
    }

    private static String requiredString(Value v, String name, int maxBytes) {
        if (v == null || v.absent()) return "missing_field:" + name;
        if (!v.isString() || v.text.isEmpty() || EventRules.utf8Length(v.text) > maxBytes) return "invalid_field:" + name;
        return null;
    }

    private static String optionalString(Value v, String name, int maxBytes) {
        if (v == null || v.absent()) return null;
        if (!v.isString() || EventRules.utf8Length(v.text) > maxBytes) return "invalid_field:" + name;
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
