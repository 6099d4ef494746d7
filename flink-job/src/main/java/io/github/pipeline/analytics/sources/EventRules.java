package io.github.pipeline.analytics.sources;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * The event rules and Kafka record sizes, read from {@code event-rules.properties}: the one definition the
 * gateway is built from too ({@code common/event-rules/}, packed into the jar by the pom). Lengths are bytes
 * of UTF-8.
 */
public final class EventRules {
    private static final Properties RULES = load();

    public static final int EVENT_ID_MAX_BYTES = intRule("event_id.max_bytes");
    public static final int USER_ID_MAX_BYTES = intRule("user_id.max_bytes");
    public static final Pattern TYPE = Pattern.compile(rule("type.pattern"));
    public static final long TS_MIN_MS = Long.parseLong(rule("ts.min_ms"));
    public static final int PAGE_MAX_BYTES = intRule("page.max_bytes");
    public static final int SESSION_ID_MAX_BYTES = intRule("session_id.max_bytes");
    public static final int PROPS_MAX_COUNT = intRule("props.max_count");
    public static final int PROPS_KEY_MAX_BYTES = intRule("props.key_max_bytes");
    public static final int PROPS_STRING_MAX_BYTES = intRule("props.string_max_bytes");
    public static final int RAW_MAX_BYTES = intRule("raw.max_bytes");
    public static final int EVENT_MAX_RECORD_BYTES = intRule("event.max_record_bytes");
    public static final int KAFKA_MAX_MESSAGE_BYTES = intRule("kafka.max_message_bytes");

    private EventRules() {}

    private static Properties load() {
        Properties p = new Properties();
        try (InputStream in = EventRules.class.getResourceAsStream("/event-rules.properties")) {
            if (in == null) {
                throw new IllegalStateException("event-rules.properties is not on the class path");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    private static String rule(String name) {
        String v = RULES.getProperty(name);
        if (v == null) {
            throw new IllegalStateException("event-rules.properties has no " + name);
        }
        return v.trim();
    }

    private static int intRule(String name) {
        return Integer.parseInt(rule(name));
    }

    /** The length of {@code s} in bytes of UTF-8 (a lone surrogate counts as the 3 bytes of its escape's char). */
    public static int utf8Length(String s) {
        int n = s.length();
        int bytes = n;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                if (c < 0x800) {
                    bytes += 1;
                } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    bytes += 2;   // the pair: 2 chars, 4 bytes
                    i++;
                } else {
                    bytes += 2;
                }
            }
        }
        return bytes;
    }
}
