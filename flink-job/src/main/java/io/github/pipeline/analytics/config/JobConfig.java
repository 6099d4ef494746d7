package io.github.pipeline.analytics.config;

import io.github.pipeline.analytics.sources.EventRules;

import org.apache.flink.configuration.MemorySize;
import org.apache.flink.util.TimeUtils;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * All settings of the job. Each one is read from a {@code --NAME value} argument (also {@code --name-with-dashes}),
 * else from the environment variable {@code NAME}, else its default. Validated on construction.
 */
public final class JobConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Setting name, default, meaning. The README table is generated from the same words. */
    public enum Setting {
        KAFKA_BOOTSTRAP("127.0.0.1:9092", "Kafka bootstrap servers"),
        // Topics: the defaults are kafka/topics.properties' (TopicNames), shared with every component.
        RAW_TOPIC(TopicNames.defaultName("RAW_TOPIC"), "input topic written by the gateway"),
        EVENTS_TOPIC(TopicNames.defaultName("EVENTS_TOPIC"), "clean (de-duplicated, non-late) events with Flink session id"),
        EVENTS_PER_TYPE_TOPIC(TopicNames.defaultName("EVENTS_PER_TYPE_TOPIC"), "events per (minute, type)"),
        PAGE_VIEWS_TOPIC(TopicNames.defaultName("PAGE_VIEWS_TOPIC"), "page views per (minute, page)"),
        UNIQUE_USERS_TOPIC(TopicNames.defaultName("UNIQUE_USERS_TOPIC"), "distinct users per (minute, page)"),
        CONVERSION_TOPIC(TopicNames.defaultName("CONVERSION_TOPIC"), "viewers/purchasers/converted per minute"),
        SESSIONS_TOPIC(TopicNames.defaultName("SESSIONS_TOPIC"), "sessions"),
        USER_DAYS_TOPIC(TopicNames.defaultName("USER_DAYS_TOPIC"), "retention input: per (user, UTC day)"),
        LATE_TOPIC(TopicNames.defaultName("LATE_TOPIC"), "late events (not counted)"),
        DEADLETTER_TOPIC(TopicNames.defaultName("DEADLETTER_TOPIC"), "unparseable or invalid raw records"),
        CONSUMER_GROUP("analytics-flink", "Kafka consumer group (offsets committed on checkpoints)"),
        START_OVER("false", "true: a start without state reads the raw topic from its beginning even though the consumer group has committed offsets (an earlier run's state is lost); false: such a start is refused. A first start always reads from the beginning; a restore resumes from its checkpoint"),
        OUT_OF_ORDERNESS("5 s", "bounded out-of-orderness of the watermark"),
        IDLE_FLUSH("5 s", "a partition without events for this long (see IDLE_CLOCK) moves its watermark to the time of its silence minus OUT_OF_ORDERNESS, so replayed history becomes final; 0 disables"),
        IDLE_CLOCK("heartbeat", "what measures a partition's silence: heartbeat = the gateway's heartbeats in the partition (an outage of the gateway or the broker is no silence); input = Flink's input activity clock (for a raw topic written without the gateway; an outage longer than IDLE_FLUSH then makes the events held back meanwhile late)"),
        HEARTBEAT_GAP("3 s", "IDLE_CLOCK=heartbeat: heartbeats further apart than this (gateway time) mean the gateway or the broker was down: the silence starts again"),
        IDLE_AT_START("30 s", "a partition that has delivered nothing since start or restore is taken for idle (no longer holds the watermark back) after this long, at least IDLE_FLUSH"),
        SESSION_GAP("30 min", "inactivity gap that starts a new session (a gap of exactly this starts one)"),
        FUNNEL_STEPS("page_view,click,purchase", "comma-separated funnel steps (event types), at least one"),
        PROVISIONAL_INTERVAL("2 s", "how often open windows/sessions/days publish changed provisional values"),
        LOCAL_AGGREGATION("200 ms", "events per type and page views are summed locally for up to this long before the shuffle (adds at most this to their provisional latency; exactness does not depend on it)"),
        DEDUP_TTL("48 h", "an event_id is remembered for this long of wall-clock time after its first copy (and leaves the state at most TTL/64, at most 1 min, later); 48 h covers the contract's 24 h of event time while event time advances at least half as fast as the wall clock"),
        STATE_BACKEND("rocksdb", "where keyed state lives: rocksdb (embedded RocksDB on local disk, incremental checkpoints, memory bounded by MANAGED_MEMORY) | hashmap (objects on the JVM heap, every checkpoint writes all of it)"),
        MANAGED_MEMORY("256m", "local mode: managed memory of the in-process task manager, RocksDB's budget for its block cache and write buffers (a cluster sets taskmanager.memory.managed.size itself)"),
        ROCKSDB_DIR("", "directory for RocksDB's working files (local disk; rebuilt from the checkpoint on restore); empty = the JVM's temp directory"),
        CHECKPOINT_INTERVAL("10 s", "checkpoint interval"),
        CHECKPOINT_DIR("file:///tmp/flink-checkpoints", "checkpoint directory (local mode; cluster mode only if set)"),
        RESTORE_FROM("latest", "local mode: latest (newest retained chk-* under CHECKPOINT_DIR, if any) | none | a checkpoint/savepoint path"),
        PARALLELISM("1", "job parallelism"),
        MAX_PARALLELISM("128", "max parallelism (key groups); keep it fixed across restores"),
        RESTART_STRATEGY("exponential-delay", "exponential-delay | fixed-delay | none"),
        RESTART_DELAY("1 s", "fixed-delay: delay; exponential-delay: initial backoff"),
        RESTART_MAX_DELAY("1 min", "exponential-delay: max backoff"),
        RESTART_ATTEMPTS("2147483647", "fixed-delay: attempts"),
        FLINK_MODE("auto", "auto | local | cluster. auto = local MiniCluster unless started by `flink run` (--local / --cluster flags)"),
        FLINK_REST_PORT("8081", "local mode: port of the Flink dashboard / REST API"),
        FLINK_REST_ADDRESS("127.0.0.1", "local mode: bind address of the Flink dashboard and REST API (0.0.0.0 lets anyone who reaches the port submit jobs: Flink's REST API has no authentication); the in-process cluster's other servers always listen on 127.0.0.1");

        public final String defaultValue;
        public final String meaning;

        Setting(String defaultValue, String meaning) {
            this.defaultValue = defaultValue;
            this.meaning = meaning;
        }
    }

    private final Map<Setting, String> values;

    public final String kafkaBootstrap;
    public final String rawTopic;
    public final String eventsTopic, eventsPerTypeTopic, pageViewsTopic, uniqueUsersTopic, conversionTopic,
            sessionsTopic, userDaysTopic, lateTopic, deadletterTopic;
    public final String consumerGroup;
    public final boolean startOver;
    public final long outOfOrdernessMs;
    public final long idleFlushMs;
    public final long idleAtStartMs;
    public final boolean idleOnHeartbeats;
    public final long heartbeatGapMs;
    public final long sessionGapMs;
    public final List<String> funnelSteps;
    public final long provisionalIntervalMs;
    public final long localAggregationMs;
    public final long dedupTtlMs;
    public final String stateBackend;
    public final long managedMemoryBytes;
    public final String rocksDbDir;
    public final long checkpointIntervalMs;
    public final String checkpointDir;
    public final boolean checkpointDirExplicit;
    public final String restoreFrom;
    public final int parallelism;
    public final int maxParallelism;
    public final String restartStrategy;
    public final long restartDelayMs;
    public final long restartMaxDelayMs;
    public final int restartAttempts;
    public final String mode;
    public final int restPort;
    public final String restAddress;

    private JobConfig(Map<Setting, String> values, boolean checkpointDirExplicit) {
        this.values = values;
        kafkaBootstrap = nonEmpty(Setting.KAFKA_BOOTSTRAP);
        rawTopic = nonEmpty(Setting.RAW_TOPIC);
        eventsTopic = nonEmpty(Setting.EVENTS_TOPIC);
        eventsPerTypeTopic = nonEmpty(Setting.EVENTS_PER_TYPE_TOPIC);
        pageViewsTopic = nonEmpty(Setting.PAGE_VIEWS_TOPIC);
        uniqueUsersTopic = nonEmpty(Setting.UNIQUE_USERS_TOPIC);
        conversionTopic = nonEmpty(Setting.CONVERSION_TOPIC);
        sessionsTopic = nonEmpty(Setting.SESSIONS_TOPIC);
        userDaysTopic = nonEmpty(Setting.USER_DAYS_TOPIC);
        lateTopic = nonEmpty(Setting.LATE_TOPIC);
        deadletterTopic = nonEmpty(Setting.DEADLETTER_TOPIC);
        consumerGroup = nonEmpty(Setting.CONSUMER_GROUP);
        startOver = Boolean.parseBoolean(oneOf(Setting.START_OVER, "true", "false"));
        outOfOrdernessMs = duration(Setting.OUT_OF_ORDERNESS, true);
        idleFlushMs = duration(Setting.IDLE_FLUSH, true);
        idleAtStartMs = duration(Setting.IDLE_AT_START, true);
        idleOnHeartbeats = oneOf(Setting.IDLE_CLOCK, "heartbeat", "input").equals("heartbeat");
        heartbeatGapMs = duration(Setting.HEARTBEAT_GAP, false);
        sessionGapMs = duration(Setting.SESSION_GAP, false);
        funnelSteps = funnel(get(Setting.FUNNEL_STEPS));
        provisionalIntervalMs = duration(Setting.PROVISIONAL_INTERVAL, false);
        localAggregationMs = duration(Setting.LOCAL_AGGREGATION, false);
        dedupTtlMs = duration(Setting.DEDUP_TTL, false);
        stateBackend = oneOf(Setting.STATE_BACKEND, "rocksdb", "hashmap");
        managedMemoryBytes = memorySize(Setting.MANAGED_MEMORY);
        rocksDbDir = get(Setting.ROCKSDB_DIR).trim();
        checkpointIntervalMs = duration(Setting.CHECKPOINT_INTERVAL, false);
        checkpointDir = nonEmpty(Setting.CHECKPOINT_DIR);
        this.checkpointDirExplicit = checkpointDirExplicit;
        restoreFrom = nonEmpty(Setting.RESTORE_FROM);
        parallelism = integer(Setting.PARALLELISM, 1, 1 << 15);
        maxParallelism = integer(Setting.MAX_PARALLELISM, 1, 1 << 15);
        if (maxParallelism < parallelism) {
            throw new IllegalArgumentException("MAX_PARALLELISM (" + maxParallelism + ") < PARALLELISM (" + parallelism + ")");
        }
        restartStrategy = oneOf(Setting.RESTART_STRATEGY, "exponential-delay", "fixed-delay", "none");
        restartDelayMs = duration(Setting.RESTART_DELAY, true);
        restartMaxDelayMs = duration(Setting.RESTART_MAX_DELAY, true);
        restartAttempts = integer(Setting.RESTART_ATTEMPTS, 0, Integer.MAX_VALUE);
        mode = oneOf(Setting.FLINK_MODE, "auto", "local", "cluster");
        restPort = integer(Setting.FLINK_REST_PORT, 0, 65535);
        restAddress = nonEmpty(Setting.FLINK_REST_ADDRESS);
    }

    /** Defaults only. */
    public static JobConfig defaults() {
        return load(new String[0], Collections.emptyMap());
    }

    /** Defaults overridden by the given settings (e.g. from a test). */
    public static JobConfig of(Map<String, String> overrides) {
        return load(new String[0], overrides);
    }

    /**
     * @param args {@code --NAME value} pairs (names case-insensitive, '-' or '.' allowed for '_'),
     *             plus the flags {@code --local} and {@code --cluster}
     * @param env  environment variables
     */
    public static JobConfig load(String[] args, Map<String, String> env) {
        Map<Setting, String> values = new LinkedHashMap<>();
        for (Setting s : Setting.values()) {
            values.put(s, s.defaultValue);
        }
        boolean explicitDir = false;
        for (Setting s : Setting.values()) {
            String v = env.get(s.name());
            if (v != null && !v.isBlank()) {
                values.put(s, v.trim());
                if (s == Setting.CHECKPOINT_DIR) explicitDir = true;
            }
        }
        Map<Setting, String> fromArgs = parseArgs(args);
        if (fromArgs.containsKey(Setting.CHECKPOINT_DIR)) explicitDir = true;
        values.putAll(fromArgs);
        return new JobConfig(values, explicitDir);
    }

    static Map<Setting, String> parseArgs(String[] args) {
        Map<Setting, String> out = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + a + "' (use --NAME value)");
            }
            String name = a.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (value == null && (name.equals("local") || name.equals("cluster"))) {
                out.put(Setting.FLINK_MODE, name);
                continue;
            }
            Setting s = setting(name);
            if (value == null) {
                if (i + 1 >= args.length) throw new IllegalArgumentException("missing value for --" + name);
                value = args[++i];
            }
            out.put(s, value.trim());
        }
        return out;
    }

    private static Setting setting(String name) {
        String norm = name.toUpperCase(Locale.ROOT).replace('-', '_').replace('.', '_');
        try {
            return Setting.valueOf(norm);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown setting --" + name + "; known: " + Arrays.toString(Setting.values()));
        }
    }

    public String get(Setting s) {
        return values.get(s);
    }

    private String nonEmpty(Setting s) {
        String v = get(s);
        if (v == null || v.isBlank()) throw new IllegalArgumentException(s + " must not be empty");
        return v.trim();
    }

    private String oneOf(Setting s, String... allowed) {
        String v = nonEmpty(s).toLowerCase(Locale.ROOT);
        for (String a : allowed) {
            if (a.equals(v)) return a;
        }
        throw new IllegalArgumentException(s + "='" + get(s) + "' is not one of " + Arrays.toString(allowed));
    }

    private long duration(Setting s, boolean zeroAllowed) {
        Duration d;
        try {
            d = TimeUtils.parseDuration(nonEmpty(s));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(s + "='" + get(s) + "' is not a duration (e.g. 500ms, 5s, 30min, 24h)");
        }
        long ms = d.toMillis();
        if (ms < 0 || (!zeroAllowed && ms == 0)) {
            throw new IllegalArgumentException(s + "='" + get(s) + "' must be " + (zeroAllowed ? ">= 0" : "> 0"));
        }
        return ms;
    }

    private long memorySize(Setting s) {
        long bytes;
        try {
            bytes = MemorySize.parse(nonEmpty(s)).getBytes();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(s + "='" + get(s) + "' is not a memory size (e.g. 256m, 1g)");
        }
        if (bytes <= 0) throw new IllegalArgumentException(s + "='" + get(s) + "' must be > 0");
        return bytes;
    }

    private int integer(Setting s, int min, int max) {
        int v;
        try {
            v = Integer.parseInt(nonEmpty(s));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(s + "='" + get(s) + "' is not an integer");
        }
        if (v < min || v > max) throw new IllegalArgumentException(s + "=" + v + " must be in [" + min + ", " + max + "]");
        return v;
    }

    private static List<String> funnel(String spec) {
        List<String> steps = new ArrayList<>();
        for (String part : spec.split(",")) {
            String t = part.trim();
            if (t.isEmpty()) continue;
            if (!EventRules.TYPE.matcher(t).matches()) {
                throw new IllegalArgumentException("FUNNEL_STEPS: '" + t + "' is not a valid event type");
            }
            steps.add(t);
        }
        if (steps.isEmpty()) throw new IllegalArgumentException("FUNNEL_STEPS must name at least one event type");
        return Collections.unmodifiableList(steps);
    }

    /** One line per setting, for the start-up log. */
    public String describe() {
        StringBuilder sb = new StringBuilder("analytics job configuration:");
        for (Map.Entry<Setting, String> e : values.entrySet()) {
            sb.append("\n  ").append(e.getKey().name()).append(" = ").append(e.getValue());
        }
        return sb.toString();
    }
}
