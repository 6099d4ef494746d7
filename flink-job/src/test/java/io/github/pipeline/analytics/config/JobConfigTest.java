package io.github.pipeline.analytics.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JobConfigTest {

    @Test
    void defaults() {
        JobConfig c = JobConfig.defaults();
        assertEquals("127.0.0.1:9092", c.kafkaBootstrap);
        assertEquals("events.raw", c.rawTopic);
        assertEquals("events.deadletter", c.deadletterTopic);
        assertEquals("analytics-flink", c.consumerGroup);
        assertEquals(5_000, c.outOfOrdernessMs);
        assertEquals(5_000, c.idleFlushMs);
        assertEquals(30 * 60_000, c.sessionGapMs);
        assertEquals(List.of("page_view", "click", "purchase"), c.funnelSteps);
        assertEquals(2_000, c.provisionalIntervalMs);
        assertEquals(48 * 3_600_000L, c.dedupTtlMs);
        assertEquals(10_000, c.checkpointIntervalMs);
        assertEquals(1, c.parallelism);
        assertEquals(8081, c.restPort);
        assertEquals("127.0.0.1", c.restAddress, "the REST API (job submission) only on loopback unless asked");
        assertFalse(c.startOver);
        assertTrue(c.idleOnHeartbeats);
        assertEquals(3_000, c.heartbeatGapMs);
        assertEquals("exponential-delay", c.restartStrategy);
        assertFalse(c.checkpointDirExplicit);
        assertTrue(c.describe().contains("KAFKA_BOOTSTRAP = 127.0.0.1:9092"));
    }

    /**
     * The topic settings are kafka/topics.properties' (read here from the file itself, not the packaged copy):
     * the same names and defaults, and the same environment variable renames a topic.
     */
    @Test
    void topicDefaultsComeFromTheTopicsFile() throws Exception {
        Properties file = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of("../kafka/topics.properties"))) {
            file.load(in);
        }
        Set<String> fileSettings = new TreeSet<>();
        for (String key : file.stringPropertyNames()) {
            if (!key.contains(".")) {
                fileSettings.add(key);
            }
        }
        Set<String> jobSettings = new TreeSet<>();
        for (JobConfig.Setting s : JobConfig.Setting.values()) {
            if (s.name().endsWith("_TOPIC")) {
                jobSettings.add(s.name());
                assertEquals(file.getProperty(s.name()), s.defaultValue, s.name());
            }
        }
        assertEquals(fileSettings, jobSettings);
        assertEquals(file.getProperty("EVENTS_TOPIC"), JobConfig.defaults().eventsTopic);
        assertEquals("x.y", JobConfig.of(Map.of("EVENTS_TOPIC", "x.y")).eventsTopic);
    }

    @Test
    void argsOverrideEnvOverrideDefaults() {
        Map<String, String> env = Map.of("KAFKA_BOOTSTRAP", "env:1", "SESSION_GAP", "10 min", "PARALLELISM", "3",
                "CHECKPOINT_DIR", "file:///x");
        JobConfig c = JobConfig.load(new String[] {"--kafka-bootstrap", "arg:2", "--FUNNEL_STEPS=a, b ,c", "--local",
                "--out.of.orderness", "500ms"}, env);
        assertEquals("arg:2", c.kafkaBootstrap);
        assertEquals(600_000, c.sessionGapMs);
        assertEquals(3, c.parallelism);
        assertEquals(List.of("a", "b", "c"), c.funnelSteps);
        assertEquals("local", c.mode);
        assertEquals(500, c.outOfOrdernessMs);
        assertTrue(c.checkpointDirExplicit);
    }

    @Test
    void validation() {
        assertThrows(IllegalArgumentException.class, () -> JobConfig.of(Map.of("SESSION_GAP", "0")));
        assertThrows(IllegalArgumentException.class, () -> JobConfig.of(Map.of("SESSION_GAP", "soon")));
        assertThrows(IllegalArgumentException.class, () -> JobConfig.of(Map.of("FUNNEL_STEPS", " , ")));
        assertThrows(IllegalArgumentException.class, () -> JobConfig.of(Map.of("FUNNEL_STEPS", "View")));
        assertThrows(IllegalArgumentException.class, () -> JobConfig.of(Map.of("PARALLELISM", "0")));
        assertThrows(IllegalArgumentException.class, () -> JobConfig.of(Map.of("START_OVER", "yes")));
        assertThrows(IllegalArgumentException.class, () -> JobConfig.of(Map.of("IDLE_CLOCK", "wall")));
        assertThrows(IllegalArgumentException.class, () -> JobConfig.of(Map.of("RESTART_STRATEGY", "sometimes")));
        assertThrows(IllegalArgumentException.class, () -> JobConfig.of(Map.of("FLINK_REST_PORT", "70000")));
        assertThrows(IllegalArgumentException.class, () -> JobConfig.load(new String[] {"--nope", "1"}, Map.of()));
        assertThrows(IllegalArgumentException.class, () -> JobConfig.load(new String[] {"--RAW_TOPIC"}, Map.of()));
        assertEquals(0, JobConfig.of(Map.of("IDLE_FLUSH", "0")).idleFlushMs);
        assertEquals(List.of("page_view"), JobConfig.of(Map.of("FUNNEL_STEPS", "page_view")).funnelSteps);
    }

    @Test
    void findsNewestCompleteCheckpoint(@TempDir Path dir) throws Exception {
        assertTrue(CheckpointLocator.findLatest(dir.toUri().toString()).isEmpty());
        Path old = Files.createDirectories(dir.resolve("job1/chk-7"));
        Files.writeString(old.resolve("_metadata"), "x");
        Files.setLastModifiedTime(old.resolve("_metadata"), FileTime.fromMillis(1_000_000));
        Path newer = Files.createDirectories(dir.resolve("job2/chk-3"));
        Files.writeString(newer.resolve("_metadata"), "x");
        Files.setLastModifiedTime(newer.resolve("_metadata"), FileTime.fromMillis(2_000_000));
        Files.createDirectories(dir.resolve("job2/chk-4")); // in progress: no _metadata
        Files.createDirectories(dir.resolve("job2/shared"));
        assertEquals(newer.toUri().toString(), CheckpointLocator.findLatest(dir.toUri().toString()).get());
        assertEquals(newer.toUri().toString(), CheckpointLocator.findLatest(dir.toString()).get());
        assertTrue(CheckpointLocator.findLatest("s3://bucket/x").isEmpty());
    }
}
