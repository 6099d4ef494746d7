package io.github.pipeline.analytics.sinks;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.pipeline.analytics.model.CleanEvent;
import io.github.pipeline.analytics.model.OutputRecord;
import io.github.pipeline.analytics.model.SessionRecord;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The hand-written JSON must be byte for byte what the job's Jackson mapper wrote before it. */
class JsonOutTest {
    /** The mapper the sinks used: public fields with their @JsonProperty names, no getters. */
    private static final ObjectMapper JACKSON = new ObjectMapper()
            .setVisibility(PropertyAccessor.ALL, JsonAutoDetect.Visibility.NONE)
            .setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.PUBLIC_ONLY);
    /** Characters worth trying: every escape class, 1- to 3-byte UTF-8, paired and lone surrogates. */
    private static final String CHARS = "aZ09 /:|\"\\\b\t\n\f\r\u0000\u0001\u001f\u007f\u0080\u00e9\u07ff\u0800"
            + "\u20ac\uffff\ud83d\ude00\ud800\udfff";

    private static String json(OutputRecord r) {
        return new String(new JsonRecordSerializationSchema<OutputRecord>("t", "dl").toJson(r), StandardCharsets.UTF_8);
    }

    private static String jackson(Object r) throws Exception {
        return new String(JACKSON.writeValueAsBytes(r), StandardCharsets.UTF_8);
    }

    private static String randomString(Random rnd) {
        int n = rnd.nextInt(12);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(rnd.nextInt(4) == 0 ? (char) rnd.nextInt(0x10000) : CHARS.charAt(rnd.nextInt(CHARS.length())));
        }
        return sb.toString();
    }

    private static long randomLong(Random rnd) {
        switch (rnd.nextInt(6)) {
            case 0: return Long.MIN_VALUE;
            case 1: return Long.MAX_VALUE;
            case 2: return 0;
            case 3: return -rnd.nextInt(1000);
            default: return rnd.nextLong();
        }
    }

    /** Every output record type, every public field set at random (nulls included), against Jackson. */
    @Test
    void everyOutputRecordIsWrittenAsJacksonWroteIt() throws Exception {
        Random rnd = new Random(42);
        JsonRecordSerializationSchema<OutputRecord> schema = new JsonRecordSerializationSchema<>("t", "dl");
        for (Output output : Output.values()) {
            for (int round = 0; round < 2_000; round++) {
                OutputRecord r = output.type.getDeclaredConstructor().newInstance();
                for (Field f : output.type.getFields()) {
                    if (Modifier.isStatic(f.getModifiers())) continue;
                    if (f.getType() == String.class) {
                        f.set(r, rnd.nextInt(10) == 0 ? null : randomString(rnd));
                    } else if (f.getType() == long.class) {
                        f.setLong(r, randomLong(rnd));
                    } else if (f.getType() == int.class) {
                        f.setInt(r, (int) randomLong(rnd));
                    } else {
                        throw new AssertionError("field type not covered: " + f);
                    }
                }
                // one schema for all rounds: its reused buffer must not leak one record into the next
                assertEquals(jackson(r), new String(schema.toJson(r), StandardCharsets.UTF_8), output + " " + r);
            }
        }
    }

    @Test
    void escapesAsJacksonDoes() throws Exception {
        CleanEvent e = new CleanEvent("id\"1\\", "u\u0001\u001f\t", "page_view", "/caf\u00e9/\u20ac/\ud83d\ude00/\ud800",
                -5, null, Long.MAX_VALUE);
        assertEquals("{\"event_id\":\"id\\\"1\\\\\",\"user_id\":\"u\\u0001\\u001F\\t\",\"type\":\"page_view\","
                + "\"page\":\"/caf\u00e9/\u20ac/\\uD83D\\uDE00/\\uD800\",\"ts_ms\":-5,\"session_id\":null,"
                + "\"version\":9223372036854775807}", json(e));
        assertEquals(jackson(e), json(e));
    }

    @Test
    void fieldsInDeclarationOrder() {
        SessionRecord s = new SessionRecord("u:1", "u", 1, 2, 3, 4, 1, 2, 5);
        assertEquals("{\"session_id\":\"u:1\",\"user_id\":\"u\",\"session_start_ms\":1,\"session_end_ms\":2,"
                + "\"events\":3,\"page_views\":4,\"purchased\":1,\"funnel_step\":2,\"version\":5}", json(s));
    }
}
