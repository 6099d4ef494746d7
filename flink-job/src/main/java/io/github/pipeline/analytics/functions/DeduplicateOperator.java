package io.github.pipeline.analytics.functions;

import io.github.pipeline.analytics.model.Event;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;

import java.util.Collections;

/**
 * Runs {@link DeduplicateFunction} and checkpoints the watermark it had reached. Watermarks are not part of
 * Flink state: after a restore they start again from nothing, so without this an event replayed from Kafka
 * that was late before the crash (its window already final downstream) could be accepted and start a new,
 * wrong partial count. On restore the floor is the minimum over all subtasks (union state), which is at
 * least every downstream watermark at the checkpoint.
 */
public class DeduplicateOperator extends KeyedProcessOperator<String, Event, Event> {
    private static final long serialVersionUID = 1L;
    private transient ListState<Long> watermarkState;
    private transient long lastWatermark;
    private transient long floor;

    public DeduplicateOperator(DeduplicateFunction function) {
        super(function);
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        lastWatermark = Long.MIN_VALUE;
        floor = Long.MIN_VALUE;
        watermarkState = context.getOperatorStateStore()
                .getUnionListState(new ListStateDescriptor<>("dedup-watermark", Types.LONG));
        if (context.isRestored()) {
            long min = Long.MAX_VALUE;
            boolean any = false;
            for (Long w : watermarkState.get()) {
                any = true;
                min = Math.min(min, w);
            }
            floor = any ? min : Long.MIN_VALUE;
        }
        ((DeduplicateFunction) userFunction).setWatermarkFloor(floor);
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        super.processWatermark(mark);
        if (mark.getTimestamp() > lastWatermark) {
            lastWatermark = mark.getTimestamp();
        }
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        watermarkState.update(Collections.singletonList(Math.max(lastWatermark, floor)));
    }
}
