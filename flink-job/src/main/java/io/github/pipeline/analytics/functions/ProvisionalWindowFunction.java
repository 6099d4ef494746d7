package io.github.pipeline.analytics.functions;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * A tumbling 1-minute event-time window per key, keyed by {@link #key(long, String)} = window start + "|" +
 * dimension. Publishes the current total (never a delta) while the window is open, at most once per
 * {@code provisionalIntervalMs} and at once after a quiet interval ({@link ProvisionalThrottle}). The final
 * value follows when
 * the watermark passes the window end; then all state and timers of the key are gone. Nothing is emitted
 * when nothing changed since the last emission. Each record's version comes from its own values
 * ({@link Versions}).
 *
 * <p>Relies on the upstream lateness filter: no element arrives for a window the watermark has closed.
 * The input is an event or, for plain counts, a partial count from {@link LocalWindowCountOperator}.
 */
public abstract class ProvisionalWindowFunction<IN, OUT> extends KeyedProcessFunction<String, IN, OUT> {
    private static final long serialVersionUID = 1L;
    private final long provisionalIntervalMs;
    private transient ValueState<EmitState> emitState;

    protected ProvisionalWindowFunction(long provisionalIntervalMs) {
        this.provisionalIntervalMs = provisionalIntervalMs;
    }

    /** The key of an event's window for the given dimension (type, page, or "" for none). */
    public static String key(long windowStartMs, String dimension) {
        return windowStartMs + "|" + dimension;
    }

    public static long windowStartOf(String key) {
        // parsed in place: this runs for every element, and a substring would be a copy per element
        return Long.parseLong(key, 0, key.indexOf('|'), 10);
    }

    public static String dimensionOf(String key) {
        return key.substring(key.indexOf('|') + 1);
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        emitState = getRuntimeContext().getState(new ValueStateDescriptor<>("emit", TypeInformation.of(EmitState.class)));
        openState();
    }

    /** Create the subclass's state handles. */
    protected abstract void openState() throws Exception;

    /** {@link #add} left the published value as it was. */
    protected static final int UNCHANGED = 0;
    /** {@link #add} changed the published value of a window that already had state. */
    protected static final int CHANGED = 1;
    /** {@link #add} created the window's state (and changed its value): the window needs its end timer. */
    protected static final int OPENED = 2;

    /**
     * Adds the input (an event, or a partial count) to the window's state.
     *
     * @return {@link #UNCHANGED}, {@link #CHANGED}, or {@link #OPENED} when this input created the key's state
     */
    protected abstract int add(IN input) throws Exception;

    /** The current value of the window, with its {@link Versions version}; may return null for "nothing to publish". */
    protected abstract OUT result(long windowStartMs, String dimension) throws Exception;

    /** Clears the subclass's state of the current key. */
    protected abstract void clearState();

    @Override
    public void processElement(IN input, Context ctx, Collector<OUT> out) throws Exception {
        int change = add(input);
        if (change == UNCHANGED) {
            return;
        }
        if (change == OPENED) {
            // once per window, not per element: the timer heap's de-duplication made every element pay for
            // a timer object and a hash lookup. A key without state needs no cleanup, so no timer either.
            ctx.timerService().registerEventTimeTimer(windowStartOf(ctx.getCurrentKey()) + TimeBuckets.MINUTE_MS - 1);
        }
        EmitState st = emitState.value();
        if (st == null) {
            st = new EmitState();
        } else if (st.timer != 0 && st.dirty) {
            return;   // already due for the pending provisional publication: nothing to write
        }
        st.dirty = true;
        long now = ctx.timerService().currentProcessingTime();
        long when = ProvisionalThrottle.onChange(st.timer, st.quietUntil, now);
        if (when == ProvisionalThrottle.NOW) {
            emit(ctx.getCurrentKey(), st, now, out);
        } else if (when != ProvisionalThrottle.PENDING) {
            st.timer = when;
            ctx.timerService().registerProcessingTimeTimer(when);
        }
        emitState.update(st);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<OUT> out) throws Exception {
        EmitState st = emitState.value();
        String key = ctx.getCurrentKey();
        if (ctx.timeDomain() == TimeDomain.EVENT_TIME) {
            if (st != null) {
                if (st.dirty) {
                    emit(key, st, ctx.timerService().currentProcessingTime(), out);
                }
                if (st.timer != 0) {
                    ctx.timerService().deleteProcessingTimeTimer(st.timer);
                }
            }
            emitState.clear();
            clearState();
        } else if (st != null) {
            st.timer = 0;
            if (st.dirty) {
                emit(key, st, ctx.timerService().currentProcessingTime(), out);
            }
            emitState.update(st);
        }
    }

    private void emit(String key, EmitState st, long nowMs, Collector<OUT> out) throws Exception {
        OUT record = result(windowStartOf(key), dimensionOf(key));
        st.dirty = false;
        st.quietUntil = ProvisionalThrottle.published(nowMs, provisionalIntervalMs);
        if (record != null) {
            out.collect(record);
        }
    }
}
