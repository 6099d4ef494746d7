package io.github.pipeline.analytics.functions;

import io.github.pipeline.analytics.model.Event;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;

/**
 * Runs {@link DeduplicateFunction} and checkpoints the watermark it had reached. Watermarks are not part of
 * Flink state: after a restore they start again from nothing, so without this an event replayed from Kafka
 * that was late before the crash (its window already final downstream) could be accepted and start a new,
 * wrong partial count. On restore the floor is the minimum over all subtasks (union state), which is at
 * least every downstream watermark at the checkpoint.
 *
 * <p>It also frees the memory of expired ids: every {@code TTL / }{@value #SWEEPS_PER_TTL} of processing time
 * one sweep over all remembered ids clears those that {@link DeduplicateFunction} would no longer count as
 * seen. The sweep changes no decision (expiry is checked on every access); it only bounds the state to the
 * ids of the last TTL plus one sweep interval. One operator timer, not one per id.
 */
public class DeduplicateOperator extends KeyedProcessOperator<String, Event, Event> {
    private static final long serialVersionUID = 1L;
    static final int SWEEPS_PER_TTL = 8;
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
    public void open() throws Exception {
        super.open();
        scheduleSweep();
    }

    private long sweepIntervalMs() {
        return Math.max(1, ((DeduplicateFunction) userFunction).ttlMs() / SWEEPS_PER_TTL);
    }

    private void scheduleSweep() {
        long now = getProcessingTimeService().getCurrentProcessingTime();
        getProcessingTimeService().registerTimer(now + sweepIntervalMs(), this::sweep);
    }

    /** Clears every expired id; the keys are listed first, since the state must not change while it is iterated. */
    private void sweep(long dueMs) throws Exception {
        long now = getProcessingTimeService().getCurrentProcessingTime();   // not dueMs: the sweep may run late
        DeduplicateFunction function = (DeduplicateFunction) userFunction;
        KeyedStateBackend<String> backend = getKeyedStateBackend();
        List<String> ids = new ArrayList<>();
        try (Stream<String> keys = backend.getKeys(DeduplicateFunction.SEEN_STATE, VoidNamespace.INSTANCE)) {
            keys.forEach(ids::add);
        }
        for (String id : ids) {
            setCurrentKey(id);
            if (function.currentKeyExpired(now)) {
                function.clearCurrentKey();
            }
        }
        scheduleSweep();
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
