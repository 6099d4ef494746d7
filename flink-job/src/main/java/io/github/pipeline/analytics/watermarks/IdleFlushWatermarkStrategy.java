package io.github.pipeline.analytics.watermarks;

import io.github.pipeline.analytics.config.JobConfig;
import io.github.pipeline.analytics.model.ParsedRecord;
import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.apache.flink.api.common.eventtime.TimestampAssignerSupplier;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/** Event time = {@code ts}; watermarks from {@link IdleFlushWatermarkGenerator} per source split. */
public class IdleFlushWatermarkStrategy implements WatermarkStrategy<ParsedRecord> {
    private static final long serialVersionUID = 1L;
    private final long outOfOrdernessMs;
    private final long idleFlushMs;
    private final long idleAtStartMs;
    private final boolean onHeartbeats;
    private final long heartbeatGapMs;
    private final WallClock clock;

    public IdleFlushWatermarkStrategy(JobConfig config, WallClock clock) {
        this.outOfOrdernessMs = config.outOfOrdernessMs;
        this.idleFlushMs = config.idleFlushMs;
        this.idleAtStartMs = config.idleAtStartMs;
        this.onHeartbeats = config.idleOnHeartbeats;
        this.heartbeatGapMs = config.heartbeatGapMs;
        this.clock = clock;
    }

    @Override
    public WatermarkGenerator<ParsedRecord> createWatermarkGenerator(WatermarkGeneratorSupplier.Context context) {
        return new IdleFlushWatermarkGenerator(outOfOrdernessMs, idleFlushMs, idleAtStartMs, onHeartbeats,
                heartbeatGapMs, clock, context.getInputActivityClock());
    }

    @Override
    public TimestampAssigner<ParsedRecord> createTimestampAssigner(TimestampAssignerSupplier.Context context) {
        return (record, previous) -> record.timestamp();
    }
}
