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
    private final WallClock clock;

    public IdleFlushWatermarkStrategy(long outOfOrdernessMs, long idleFlushMs, long idleAtStartMs, WallClock clock) {
        this.outOfOrdernessMs = outOfOrdernessMs;
        this.idleFlushMs = idleFlushMs;
        this.idleAtStartMs = idleAtStartMs;
        this.clock = clock;
    }

    public IdleFlushWatermarkStrategy(JobConfig config, WallClock clock) {
        this(config.outOfOrdernessMs, config.idleFlushMs, config.idleAtStartMs, clock);
    }

    @Override
    public WatermarkGenerator<ParsedRecord> createWatermarkGenerator(WatermarkGeneratorSupplier.Context context) {
        return new IdleFlushWatermarkGenerator(outOfOrdernessMs, idleFlushMs, idleAtStartMs, clock,
                context.getInputActivityClock());
    }

    @Override
    public TimestampAssigner<ParsedRecord> createTimestampAssigner(TimestampAssignerSupplier.Context context) {
        return (record, previous) -> record.timestamp();
    }
}
