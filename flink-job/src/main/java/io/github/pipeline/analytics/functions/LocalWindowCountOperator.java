package io.github.pipeline.analytics.functions;

import io.github.pipeline.analytics.model.Event;
import io.github.pipeline.analytics.model.WindowCount;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The local half of a two-phase count (Flink SQL calls it local-global aggregation): sums the events of
 * each window key ({@code windowStart|dimension}) in a plain map, chained to its input, and sends partial
 * {@link WindowCount}s to the keyed window function instead of every event. Events per type has a handful
 * of keys per minute, so the shuffle carries a few records per flush instead of thousands of events.
 *
 * <p>Exactness does not depend on the flush interval:
 * <ul>
 *   <li>before a watermark is forwarded, every partial of a window that the watermark closes is sent,
 *       so the final value downstream has all of them;</li>
 *   <li>before a checkpoint barrier everything is sent, so nothing lives only here at a checkpoint and the
 *       operator needs no state (a restore replays what came after from Kafka);</li>
 *   <li>at the end of a bounded input everything is sent.</li>
 * </ul>
 * Otherwise partials leave every {@code flushIntervalMs} of processing time, which is what this adds to
 * the latency of provisional values.
 */
public class LocalWindowCountOperator extends AbstractStreamOperator<WindowCount>
        implements OneInputStreamOperator<Event, WindowCount> {
    private static final long serialVersionUID = 1L;
    private final KeySelector<Event, String> keyOf;
    private final long flushIntervalMs;
    private transient Map<String, WindowCount> partials;
    private transient StreamRecord<WindowCount> reuse;

    /** @param keyOf the window key of an event, {@code windowStart|dimension} */
    public LocalWindowCountOperator(KeySelector<Event, String> keyOf, long flushIntervalMs) {
        if (flushIntervalMs <= 0) {
            throw new IllegalArgumentException("flush interval must be > 0");
        }
        this.keyOf = keyOf;
        this.flushIntervalMs = flushIntervalMs;
    }

    @Override
    public void open() throws Exception {
        super.open();
        partials = new HashMap<>();
        reuse = new StreamRecord<>(null);
        scheduleFlush();
    }

    private void scheduleFlush() {
        long now = getProcessingTimeService().getCurrentProcessingTime();
        getProcessingTimeService().registerTimer(now + flushIntervalMs, time -> {
            flushAll();
            scheduleFlush();
        });
    }

    @Override
    public void processElement(StreamRecord<Event> element) throws Exception {
        Event e = element.getValue();
        String key = keyOf.getKey(e);
        WindowCount p = partials.get(key);
        if (p == null) {
            p = new WindowCount(key, TimeBuckets.minuteStart(e.ts), 0);
            partials.put(key, p);
        }
        p.count++;
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        long watermark = mark.getTimestamp();
        for (Iterator<WindowCount> it = partials.values().iterator(); it.hasNext(); ) {
            WindowCount p = it.next();
            if (lastMs(p) <= watermark) {
                send(p);
                it.remove();
            }
        }
        super.processWatermark(mark);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        flushAll();
    }

    @Override
    public void finish() throws Exception {
        flushAll();
        super.finish();
    }

    private void flushAll() {
        for (WindowCount p : partials.values()) {
            send(p);
        }
        partials.clear();
    }

    private void send(WindowCount p) {
        // the record carries the window's last millisecond as its timestamp
        output.collect(reuse.replace(p, lastMs(p)));
    }

    private static long lastMs(WindowCount p) {
        return p.windowStart + TimeBuckets.MINUTE_MS - 1;
    }
}
