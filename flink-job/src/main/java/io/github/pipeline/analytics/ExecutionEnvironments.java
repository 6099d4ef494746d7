package io.github.pipeline.analytics;

import io.github.pipeline.analytics.config.CheckpointLocator;
import io.github.pipeline.analytics.config.JobConfig;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.configuration.WebOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.state.rocksdb.RocksDBConfigurableOptions;
import org.apache.flink.state.rocksdb.RocksDBNativeMetricOptions;
import org.apache.flink.state.rocksdb.RocksDBOptions;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Optional;

/** Creates the execution environment: an in-process MiniCluster with the dashboard, or the `flink run` one. */
public final class ExecutionEnvironments {
    private static final Logger LOG = LoggerFactory.getLogger(ExecutionEnvironments.class);

    private static final String LOOPBACK = "127.0.0.1";

    private ExecutionEnvironments() {}

    public static boolean isLocal(JobConfig config) {
        switch (config.mode) {
            case "local": return true;
            case "cluster": return false;
            default:
                // `flink run` installs a context environment; plain `java -jar` gets a local one
                return StreamExecutionEnvironment.getExecutionEnvironment() instanceof LocalStreamEnvironment;
        }
    }

    public static StreamExecutionEnvironment create(JobConfig config) {
        Configuration conf = new Configuration();
        applyRestartStrategy(config, conf);
        conf.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        conf.set(CheckpointingOptions.MAX_RETAINED_CHECKPOINTS, 3);
        applyStateBackend(config, conf);

        StreamExecutionEnvironment env;
        if (isLocal(config)) {
            applyLocalNetwork(config, conf);
            conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, config.checkpointDir);
            // the in-process task manager's managed memory: RocksDB's whole budget (block cache and
            // write buffers), so its native memory stays bounded whatever the state's size
            conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, new MemorySize(config.managedMemoryBytes));
            Optional<String> restore = restorePath(config);
            if (restore.isPresent()) {
                LOG.info("Resuming from checkpoint {}", restore.get());
                conf.set(StateRecoveryOptions.SAVEPOINT_PATH, restore.get());
            } else {
                LOG.info("Starting without state (RESTORE_FROM={}, checkpoint directory {})", config.restoreFrom,
                        config.checkpointDir);
            }
            LOG.info("Local mode: in-process Flink MiniCluster, dashboard on http://{}:{}/",
                    config.restAddress, config.restPort);
            env = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(conf);
        } else {
            if (config.checkpointDirExplicit) {
                conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, config.checkpointDir);
            }
            LOG.info("Cluster mode: submitting to the cluster of `flink run`");
            env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        }
        env.setParallelism(config.parallelism);
        env.setMaxParallelism(config.maxParallelism);
        env.enableCheckpointing(config.checkpointIntervalMs, CheckpointingMode.EXACTLY_ONCE);
        return env;
    }

    /**
     * The in-process cluster's servers. The REST API (and dashboard) listens on {@code FLINK_REST_ADDRESS},
     * 127.0.0.1 unless a user asks otherwise; the BLOB server and the RPC endpoints serve only this JVM and
     * always listen on loopback. Jar upload and submission through the web UI are off. That switch does not
     * cover {@code POST /jobs}, which submits a job graph whose jars are already on the BLOB server: the bind
     * address is what keeps strangers from running code here.
     */
    static void applyLocalNetwork(JobConfig config, Configuration conf) {
        conf.set(RestOptions.PORT, config.restPort);
        conf.set(RestOptions.BIND_ADDRESS, config.restAddress);
        conf.set(RestOptions.ADDRESS, "0.0.0.0".equals(config.restAddress) ? "localhost" : config.restAddress);
        conf.set(JobManagerOptions.BIND_HOST, LOOPBACK);
        conf.set(JobManagerOptions.ADDRESS, LOOPBACK);
        conf.set(TaskManagerOptions.BIND_HOST, LOOPBACK);
        conf.set(TaskManagerOptions.HOST, LOOPBACK);
        conf.set(WebOptions.SUBMIT_ENABLE, false);
    }

    /** The checkpoint or savepoint a local start restores, if any. */
    static Optional<String> restorePath(JobConfig config) {
        String from = config.restoreFrom;
        if (from.equalsIgnoreCase("none")) {
            return Optional.empty();
        }
        if (from.equalsIgnoreCase("latest")) {
            return CheckpointLocator.findLatest(config.checkpointDir);
        }
        return Optional.of(from);
    }

    /**
     * The state backend is part of the job's own configuration, which takes precedence over a cluster's, so
     * `--local` and `flink run` run the same design. RocksDB keeps keyed state and timers on local disk and
     * checkpoints only the files that are new since the last checkpoint; its memory (block cache and write
     * buffers) comes out of the slot's managed memory, a fixed budget.
     */
    public static void applyStateBackend(JobConfig config, Configuration conf) {
        conf.set(StateBackendOptions.STATE_BACKEND, config.stateBackend);
        if (config.stateBackend.equals("rocksdb")) {
            conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
            conf.set(RocksDBOptions.USE_MANAGED_MEMORY, true);
            // timers with the state they clean up: on disk, not a heap of all pending timers
            conf.set(RocksDBOptions.TIMER_SERVICE_FACTORY, EmbeddedRocksDBStateBackend.PriorityQueueStateType.ROCKSDB);
            if (!config.rocksDbDir.isEmpty()) {
                conf.set(RocksDBOptions.LOCAL_DIRECTORIES, config.rocksDbDir);
            }
            // most lookups miss (a new event id, a user's first page view of a minute): a filter per file
            // answers those without reading a block
            conf.set(RocksDBConfigurableOptions.USE_BLOOM_FILTER, true);
            // per state (column family), read on demand: keys, bytes on disk, memtables; and the cache
            conf.set(RocksDBNativeMetricOptions.ESTIMATE_NUM_KEYS, true);
            conf.set(RocksDBNativeMetricOptions.MONITOR_TOTAL_SST_FILES_SIZE, true);
            conf.set(RocksDBNativeMetricOptions.ESTIMATE_LIVE_DATA_SIZE, true);
            conf.set(RocksDBNativeMetricOptions.MONITOR_SIZE_ALL_MEM_TABLES, true);
            conf.set(RocksDBNativeMetricOptions.BLOCK_CACHE_USAGE, true);
        } else {
            conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, false);
        }
    }

    static void applyRestartStrategy(JobConfig config, Configuration conf) {
        switch (config.restartStrategy) {
            case "fixed-delay":
                conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
                conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, config.restartAttempts);
                conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY,
                        Duration.ofMillis(config.restartDelayMs));
                break;
            case "none":
                conf.set(RestartStrategyOptions.RESTART_STRATEGY, "disable");
                break;
            default:
                conf.set(RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay");
                conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF,
                        Duration.ofMillis(Math.max(1, config.restartDelayMs)));
                conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF,
                        Duration.ofMillis(Math.max(1, config.restartMaxDelayMs)));
        }
    }
}
