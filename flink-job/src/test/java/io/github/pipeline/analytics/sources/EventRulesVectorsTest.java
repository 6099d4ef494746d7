package io.github.pipeline.analytics.sources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.pipeline.analytics.model.ParsedRecord;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shared test vectors ({@code common/event-rules/test-vectors.jsonl}, which the gateway's
 * event_rules_test.cpp runs too): the same text, the same verdict. Vectors marked {@code "only":"gateway"}
 * depend on arrival time, which only the gateway judges.
 */
class EventRulesVectorsTest {
    private static final Pattern REPEAT = Pattern.compile("\\{\\{(\\d+)\\*([^}]*)\\}\\}");

    /** "{{N*S}}" stands for S repeated N times. */
    static String expand(String text) {
        Matcher m = REPEAT.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(2).repeat(Integer.parseInt(m.group(1)))));
        }
        m.appendTail(out);
        return out.toString();
    }

    static List<JsonNode> vectors() throws IOException {
        List<JsonNode> out = new ArrayList<>();
        ObjectMapper mapper = new ObjectMapper();
        try (InputStream in = EventRulesVectorsTest.class.getResourceAsStream("/test-vectors.jsonl")) {
            assertNotNull(in, "test-vectors.jsonl is not on the test class path");
            BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line; (line = lines.readLine()) != null; ) {
                if (!line.isBlank()) out.add(mapper.readTree(line));
            }
        }
        return out;
    }

    @TestFactory
    List<DynamicTest> sameVerdictsAsTheGateway() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode v : vectors()) {
            if ("gateway".equals(v.path("only").asText())) continue;
            String text = expand(v.get("event").asText());
            String expect = v.get("expect").asText();
            tests.add(DynamicTest.dynamicTest(v.get("name").asText(), () -> {
                // Both entry points: the Kafka record's bytes and the text.
                for (ParsedRecord r : List.of(EventParser.parse(text.getBytes(StandardCharsets.UTF_8)),
                        EventParser.parse(text))) {
                    assertEquals(expect, r.isValid() ? "accept" : r.reason, text);
                }
            }));
        }
        return tests;
    }

    @Test
    void enoughVectors() throws IOException {
        assertTrue(vectors().size() > 50);
    }

    @Test
    void utf8LengthCountsBytes() {
        assertEquals(0, EventRules.utf8Length(""));
        assertEquals(1, EventRules.utf8Length("a"));
        assertEquals(2, EventRules.utf8Length("\u00e9"));
        assertEquals(3, EventRules.utf8Length("\u20ac"));
        assertEquals(4, EventRules.utf8Length("\uD83D\uDE00"));
        String mixed = "a\u00e9\u20ac\uD83D\uDE00";
        assertEquals(mixed.getBytes(StandardCharsets.UTF_8).length, EventRules.utf8Length(mixed));
    }
}
