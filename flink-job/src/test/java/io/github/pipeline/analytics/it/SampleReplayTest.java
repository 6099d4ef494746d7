package io.github.pipeline.analytics.it;

import io.github.pipeline.analytics.AnalyticsJob;
import io.github.pipeline.analytics.config.JobConfig;
import io.github.pipeline.analytics.model.CleanEvent;
import io.github.pipeline.analytics.model.ConversionRecord;
import io.github.pipeline.analytics.model.DeadLetter;
import io.github.pipeline.analytics.model.EventsPerTypeRecord;
import io.github.pipeline.analytics.model.OutputRecord;
import io.github.pipeline.analytics.model.PageViewsRecord;
import io.github.pipeline.analytics.model.ParsedRecord;
import io.github.pipeline.analytics.model.SessionRecord;
import io.github.pipeline.analytics.model.UniqueUsersRecord;
import io.github.pipeline.analytics.model.UserDayRecord;
import io.github.pipeline.analytics.sinks.Output;
import io.github.pipeline.analytics.sources.EventParser;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Replays the Taobao sample (testdata/, 4,321 rows of 43 users) through the whole job on a MiniCluster with
 * parallelism 2, keeps the highest version per key of every output, and compares every row with values
 * computed here, independently of the job's classes, from the CSV lines.
 */
class SampleReplayTest {
    private static final String FILE = "taobao-user-behavior-sample.csv";
    private static final long MINUTE = 60_000L, DAY = 86_400_000L, GAP = 30 * MINUTE;
    private static final List<String> STEPS = List.of("page_view", "add_to_cart", "purchase");

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(2)
                    .build());

    /** One CSV row. */
    record Row(int line, String user, String item, String category, String type, long ts) {
        String eventId() {
            return FILE + ":" + line;
        }

        String page() {
            return "/item/" + item;
        }

        String json() {
            return "{\"event_id\":\"" + eventId() + "\",\"user_id\":\"" + user + "\",\"type\":\"" + type
                    + "\",\"ts\":" + ts + ",\"page\":\"" + page() + "\",\"props\":{\"category_id\":\"" + category
                    + "\"},\"received_at_ms\":1764110000000}";
        }
    }

    private static List<Row> rows;
    /** The replayed input, in source order. */
    private static List<String> input;
    private static final List<String> INVALID = List.of(
            "not json at all",
            "{\"event_id\":\"bad-1\",\"type\":\"page_view\",\"ts\":1511544070000}",
            "{\"event_id\":\"bad-2\",\"user_id\":\"1\",\"type\":\"Page View\",\"ts\":1511544070000}",
            "{\"event_id\":\"bad-3\",\"user_id\":\"1\",\"type\":\"page_view\",\"ts\":12}");
    private static final List<String> INVALID_REASONS =
            List.of("invalid_json", "missing_field:user_id", "invalid_field:type", "ts_out_of_range");

    @BeforeAll
    static void load() throws Exception {
        Path csv = Paths.get("..", "testdata", FILE);
        if (!Files.exists(csv)) csv = Paths.get("testdata", FILE);
        List<String> lines = Files.readAllLines(csv);
        rows = new ArrayList<>();
        Map<String, String> types = Map.of("pv", "page_view", "cart", "add_to_cart", "fav", "favorite", "buy", "purchase");
        for (int i = 0; i < lines.size(); i++) {
            String[] f = lines.get(i).split(",");
            rows.add(new Row(i + 1, f[0], f[1], f[2], types.get(f[3]), Long.parseLong(f[4]) * 1000));
        }
        assertEquals(4321, rows.size());

        // event-time order with bounded disorder (< 3 s, below OUT_OF_ORDERNESS), duplicates, invalid records
        List<Row> order = new ArrayList<>(rows);
        order.sort(Comparator.comparingLong((Row r) -> r.ts + (r.line * 7919L) % 3000).thenComparingInt(Row::line));
        input = new ArrayList<>();
        for (int i = 0; i < order.size(); i++) {
            Row r = order.get(i);
            input.add(r.json());
            if (i % 50 == 7) input.add(r.json()); // exact re-send
            if (i % 97 == 3) input.add(r.json().replace("\"type\":\"" + r.type + "\"", "\"type\":\"search\"")); // same id, other content: dropped
            if (i % 1000 == 500) input.add(INVALID.get(i / 1000));
        }
    }

    @BeforeEach
    void clear() {
        CollectingSinks.clear();
    }

    private static JobConfig config() {
        return JobConfig.of(Map.of(
                "PARALLELISM", "2",
                "IDLE_FLUSH", "0", // a bounded replay must not be flushed by wall-clock pauses
                "FUNNEL_STEPS", String.join(",", STEPS),
                "PROVISIONAL_INTERVAL", "100 ms"));
    }

    private static DataGeneratorSource<ParsedRecord> source(RateLimiterStrategy rate) {
        List<String> lines = input;
        GeneratorFunction<Long, ParsedRecord> gen = index -> EventParser.parse(lines.get(index.intValue()));
        return new DataGeneratorSource<>(gen, lines.size(), rate, TypeInformation.of(ParsedRecord.class));
    }

    private static StreamExecutionEnvironment env(Configuration conf) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        env.setMaxParallelism(128);
        return env;
    }

    @Test
    void uninterruptedReplayMatchesIndependentExpectations() throws Exception {
        StreamExecutionEnvironment env = env(new Configuration());
        AnalyticsJob.build(env, config(), source(RateLimiterStrategy.noOp()), new CollectingSinks());
        env.execute("sample-replay");
        assertOutputs();
    }

    @Test
    void stopWithSavepointAndResumeGivesTheSameFinalOutputs(@TempDir Path savepoints) throws Exception {
        StreamExecutionEnvironment env1 = env(new Configuration());
        AnalyticsJob.build(env1, config(), source(RateLimiterStrategy.perSecond(1000)), new CollectingSinks());
        JobClient client = env1.executeAsync("sample-replay-part-1");
        long deadline = System.currentTimeMillis() + 60_000;
        while (CollectingSinks.records(Output.EVENTS).size() < 600 && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        String savepoint = client.stopWithSavepoint(false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                .get();
        int before = CollectingSinks.records(Output.EVENTS).size();
        assertTrue(before >= 600 && before < rows.size(), "stopped mid-stream, after " + before + " events");

        Configuration conf = new Configuration();
        conf.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        StreamExecutionEnvironment env2 = env(conf);
        AnalyticsJob.build(env2, config(), source(RateLimiterStrategy.noOp()), new CollectingSinks());
        env2.execute("sample-replay-part-2");
        int after = CollectingSinks.records(Output.EVENTS).size() - before;
        assertTrue(after < rows.size(), "the second run resumed (" + after + " clean events), it did not start over");
        assertOutputs();
    }

    // ---------------------------------------------------------------- comparison

    private void assertOutputs() {
        Expected exp = expected();
        FAILURES.clear();
        assertEquals(List.of(), CollectingSinks.records(Output.LATE), "no late events within the bound");
        assertRows(Output.EVENTS, exp.events, r -> {
            CleanEvent e = (CleanEvent) r;
            return String.join("|", e.eventId, e.userId, e.type, e.page, Long.toString(e.tsMs), e.sessionId);
        });
        assertRows(Output.EVENTS_PER_TYPE, exp.eventsPerType, r -> {
            EventsPerTypeRecord e = (EventsPerTypeRecord) r;
            return e.windowStartMs + "|" + e.type + "|" + e.events;
        });
        assertRows(Output.PAGE_VIEWS, exp.pageViews, r -> {
            PageViewsRecord e = (PageViewsRecord) r;
            return e.windowStartMs + "|" + e.page + "|" + e.views;
        });
        assertRows(Output.UNIQUE_USERS_PER_PAGE, exp.uniqueUsers, r -> {
            UniqueUsersRecord e = (UniqueUsersRecord) r;
            return e.windowStartMs + "|" + e.page + "|" + e.users;
        });
        assertRows(Output.CONVERSION, exp.conversion, r -> {
            ConversionRecord e = (ConversionRecord) r;
            return e.windowStartMs + "|" + e.viewers + "|" + e.purchasers + "|" + e.converted;
        });
        assertRows(Output.SESSIONS, exp.sessions, r -> {
            SessionRecord e = (SessionRecord) r;
            return String.join("|", e.sessionId, e.userId, "" + e.sessionStartMs, "" + e.sessionEndMs,
                    "" + e.events, "" + e.pageViews, "" + e.purchased, "" + e.funnelStep);
        });
        assertRows(Output.USER_DAYS, exp.userDays, r -> {
            UserDayRecord e = (UserDayRecord) r;
            return e.userId + "|" + e.dayMs + "|" + e.firstDayMs + "|" + e.events;
        });
        assertEquals(List.of(), FAILURES, "rows differ");
        List<String> dead = new ArrayList<>();
        for (OutputRecord r : CollectingSinks.records(Output.DEADLETTER)) {
            DeadLetter d = (DeadLetter) r;
            assertEquals("flink", d.source);
            assertTrue(d.receivedAtMs > 1_700_000_000_000L);
            dead.add(d.reason + "|" + d.payload);
        }
        List<String> expectedDead = new ArrayList<>();
        for (int i = 0; i < INVALID.size(); i++) expectedDead.add(INVALID_REASONS.get(i) + "|" + INVALID.get(i));
        assertEquals(new TreeSet<>(expectedDead), new TreeSet<>(dead));
        assertEquals(expectedDead.size(), dead.size());
    }

    /** Highest version per key; versions strictly grow per key in arrival order; then all rows must be equal. */
    private static void assertRows(Output output, Set<String> expected, Function<OutputRecord, String> row) {
        Map<String, OutputRecord> newest = new HashMap<>();
        for (OutputRecord r : CollectingSinks.records(output)) {
            OutputRecord prev = newest.get(r.key());
            if (prev != null) {
                assertTrue(r.version() > prev.version(), output + " key " + r.key() + ": version did not grow");
            }
            newest.put(r.key(), r);
        }
        Set<String> actual = new TreeSet<>();
        for (OutputRecord r : newest.values()) actual.add(row.apply(r));
        Set<String> missing = new TreeSet<>(expected);
        missing.removeAll(actual);
        Set<String> extra = new TreeSet<>(actual);
        extra.removeAll(expected);
        if (!missing.isEmpty() || !extra.isEmpty()) {
            FAILURES.add(output + ": " + missing.size() + " missing, e.g. "
                + (missing.size() > 20 ? first(missing) : missing.toString()) + "; " + extra.size() + " unexpected, e.g. "
                + (extra.size() > 20 ? first(extra) : extra.toString()));
        }
    }

    private static final List<String> FAILURES = new ArrayList<>();

    private static String first(Set<String> s) {
        return s.isEmpty() ? "-" : s.iterator().next();
    }

    // ---------------------------------------------------------------- expected values, plain Java over the CSV

    static final class Expected {
        final Set<String> events = new HashSet<>();
        final Set<String> eventsPerType = new HashSet<>();
        final Set<String> pageViews = new HashSet<>();
        final Set<String> uniqueUsers = new HashSet<>();
        final Set<String> conversion = new HashSet<>();
        final Set<String> sessions = new HashSet<>();
        final Set<String> userDays = new HashSet<>();
    }

    private static Expected expected() {
        Expected x = new Expected();
        Map<String, Long> perType = new TreeMap<>();
        Map<String, Long> views = new TreeMap<>();
        Map<String, Set<String>> viewers = new TreeMap<>();
        Map<Long, Set<String>> minuteViewers = new TreeMap<>(), minuteBuyers = new TreeMap<>();
        Map<String, List<Row>> byUser = new TreeMap<>();
        for (Row r : rows) {
            long minute = Math.floorDiv(r.ts, MINUTE) * MINUTE;
            perType.merge(minute + "|" + r.type, 1L, Long::sum);
            if (r.type.equals("page_view")) {
                views.merge(minute + "|" + r.page(), 1L, Long::sum);
                viewers.computeIfAbsent(minute + "|" + r.page(), k -> new HashSet<>()).add(r.user);
                minuteViewers.computeIfAbsent(minute, k -> new HashSet<>()).add(r.user);
            }
            if (r.type.equals("purchase")) {
                minuteBuyers.computeIfAbsent(minute, k -> new HashSet<>()).add(r.user);
            }
            byUser.computeIfAbsent(r.user, k -> new ArrayList<>()).add(r);
        }
        perType.forEach((k, v) -> x.eventsPerType.add(k + "|" + v));
        views.forEach((k, v) -> x.pageViews.add(k + "|" + v));
        viewers.forEach((k, v) -> x.uniqueUsers.add(k + "|" + v.size()));
        Set<Long> minutes = new TreeSet<>(minuteViewers.keySet());
        minutes.addAll(minuteBuyers.keySet());
        for (long m : minutes) {
            Set<String> v = minuteViewers.getOrDefault(m, Set.of()), b = minuteBuyers.getOrDefault(m, Set.of());
            Set<String> both = new HashSet<>(v);
            both.retainAll(b);
            x.conversion.add(m + "|" + v.size() + "|" + b.size() + "|" + both.size());
        }

        for (Map.Entry<String, List<Row>> u : byUser.entrySet()) {
            String user = u.getKey();
            List<Row> evs = u.getValue();
            evs.sort(Comparator.comparingLong(Row::ts));
            // sessions
            List<List<Row>> sessions = new ArrayList<>();
            for (Row r : evs) {
                if (sessions.isEmpty() || r.ts - last(sessions).get(last(sessions).size() - 1).ts >= GAP) {
                    sessions.add(new ArrayList<>());
                }
                last(sessions).add(r);
            }
            for (List<Row> s : sessions) {
                long start = s.get(0).ts, end = s.get(s.size() - 1).ts;
                String id = user + ":" + start;
                long pv = s.stream().filter(r -> r.type.equals("page_view")).count();
                int bought = s.stream().anyMatch(r -> r.type.equals("purchase")) ? 1 : 0;
                x.sessions.add(String.join("|", id, user, "" + start, "" + end, "" + s.size(), "" + pv, "" + bought,
                        "" + funnel(s)));
                for (Row r : s) {
                    x.events.add(String.join("|", r.eventId(), user, r.type, r.page(), Long.toString(r.ts), id));
                }
            }
            // user days
            long firstDay = Math.floorDiv(evs.get(0).ts, DAY) * DAY;
            Map<Long, Long> perDay = new TreeMap<>();
            for (Row r : evs) perDay.merge(Math.floorDiv(r.ts, DAY) * DAY, 1L, Long::sum);
            perDay.forEach((d, n) -> x.userDays.add(user + "|" + d + "|" + firstDay + "|" + n));
        }
        return x;
    }

    private static <T> T last(List<T> l) {
        return l.get(l.size() - 1);
    }

    /** Funnel of distinct step types: the earliest step-1 time, then the earliest step-2 time not before it, ... */
    private static int funnel(List<Row> session) {
        long t = Long.MIN_VALUE;
        int k = 0;
        for (String step : STEPS) {
            long best = Long.MAX_VALUE;
            for (Row r : session) {
                if (r.type.equals(step) && r.ts >= t) best = Math.min(best, r.ts);
            }
            if (best == Long.MAX_VALUE) break;
            t = best;
            k++;
        }
        return k;
    }
}
