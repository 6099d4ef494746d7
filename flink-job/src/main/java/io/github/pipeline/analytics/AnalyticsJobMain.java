package io.github.pipeline.analytics;

import io.github.pipeline.analytics.config.JobConfig;
import io.github.pipeline.analytics.sinks.KafkaOutputSinks;
import io.github.pipeline.analytics.sources.KafkaEventSource;
import io.github.pipeline.analytics.sources.RawTopicParallelism;
import io.github.pipeline.analytics.sources.StartWithoutState;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point. {@code java -jar flink-job.jar} runs the job in an in-process MiniCluster with the Flink
 * dashboard; {@code flink run flink-job.jar} submits it to a cluster. Settings: env vars or
 * {@code --NAME value}, see {@link JobConfig.Setting}.
 */
public final class AnalyticsJobMain {
    private static final Logger LOG = LoggerFactory.getLogger(AnalyticsJobMain.class);
    public static final String JOB_NAME = "user-behaviour-analytics";

    private AnalyticsJobMain() {}

    public static void main(String[] args) throws Exception {
        JobConfig config;
        try {
            config = JobConfig.load(args, System.getenv());
            RawTopicParallelism.check(config);
        } catch (IllegalArgumentException e) {
            System.err.println("Invalid configuration: " + e.getMessage());
            System.exit(2);
            return;
        }
        LOG.info(config.describe());
        if (ExecutionEnvironments.isLocal(config) && ExecutionEnvironments.restorePath(config).isEmpty()) {
            try {
                StartWithoutState.checkBeforeStart(config);
            } catch (IllegalStateException e) {
                LOG.error(e.getMessage());
                System.err.println(e.getMessage());
                System.exit(3);
                return;
            }
        }
        StreamExecutionEnvironment env = ExecutionEnvironments.create(config);
        AnalyticsJob.build(env, config, KafkaEventSource.create(config), new KafkaOutputSinks(config));
        env.execute(JOB_NAME);
    }
}
