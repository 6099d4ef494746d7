package io.github.pipeline.analytics.bench;

import io.github.pipeline.analytics.AnalyticsJob;
import io.github.pipeline.analytics.ExecutionEnvironments;
import io.github.pipeline.analytics.config.JobConfig;
import io.github.pipeline.analytics.model.ParsedRecord;
import io.github.pipeline.analytics.sinks.KafkaOutputSinks;
import io.github.pipeline.analytics.sources.KafkaEventSource;
import io.github.pipeline.analytics.watermarks.IdleFlushWatermarkStrategy;
import io.github.pipeline.analytics.watermarks.WallClock;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The "Flink job" benchmark (run by {@code ./pipeline bench flink}): how fast a job catches up on a
 * pre-filled raw topic. The source is the job's own Kafka source, bounded at the offsets the topic
 * has when the job starts, so the job ends when it has read everything.
 * <ul>
 *   <li>{@code full}: the whole analytics job, writing its outputs to Kafka as in production;</li>
 *   <li>{@code passthrough}: the baseline, the same source (which parses every record) and
 *       watermarks, into a sink that discards.</li>
 * </ul>
 * Usage: {@code java -cp flink-job.jar:flink-job-bench.jar io.github.pipeline.analytics.bench.CatchUpBenchmark
 * full|passthrough EVENTS [--NAME value ...]} with the job's settings (env or args). EVENTS is the number
 * of records in the topic. Prints one JSON line:
 * {@code {"job":..,"events":..,"runtime_ms":..,"events_per_s":..}}.
 * <p>It lives in src/bench and is packed into flink-job-bench.jar (pom.xml), so the job's jar has no
 * benchmark entry point.
 */
public final class CatchUpBenchmark {
    private CatchUpBenchmark() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 2 || !(args[0].equals("full") || args[0].equals("passthrough"))) {
            System.err.println("usage: CatchUpBenchmark full|passthrough EVENTS [--NAME value ...]");
            System.exit(2);
        }
        String job = args[0];
        long events = Long.parseLong(args[1]);
        JobConfig config = JobConfig.load(Arrays.copyOfRange(args, 2, args.length), System.getenv());

        StreamExecutionEnvironment env = ExecutionEnvironments.create(config);
        KafkaSource<ParsedRecord> source = KafkaEventSource.builder(config)
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setBounded(OffsetsInitializer.latest())
                .build();
        if (job.equals("full")) {
            AnalyticsJob.build(env, config, source, new KafkaOutputSinks(config));
        } else {
            env.fromSource(source,
                            new IdleFlushWatermarkStrategy(config, WallClock.SYSTEM),
                            "Raw events: " + config.rawTopic)
                    .sinkTo(new DiscardingSink<>()).name("discard");
        }
        JobExecutionResult result = env.execute("catch-up benchmark: " + job);
        long ms = result.getNetRuntime(TimeUnit.MILLISECONDS);
        System.out.println(String.format(Locale.ROOT,
                "{\"job\":\"%s\",\"events\":%d,\"parallelism\":%d,\"runtime_ms\":%d,\"events_per_s\":%.1f}",
                job, events, config.parallelism, ms, ms > 0 ? events * 1000.0 / ms : 0.0));
        System.exit(0);  // the MiniCluster's non-daemon threads would keep the JVM alive
    }
}
