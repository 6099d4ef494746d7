package io.github.pipeline.analytics.functions;

import io.github.pipeline.analytics.model.Event;
import io.github.pipeline.analytics.model.LateEvent;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.internal.InternalListState;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Keyed by event_id. The first copy of an event wins, later copies are dropped (whether the first was late
 * or not). Then, once, the lateness decision: {@code ts <= watermark} goes to {@link #LATE} and is never
 * counted; everything else is forwarded and, since watermarks only grow, has ts above every downstream
 * watermark.
 *
 * <p>An event_id is remembered for {@code ttl} of wall-clock time after its first copy: its state holds the
 * processing time of that copy, and a copy {@code ttl} or more later counts as new ({@link #expired}). The
 * contract (section 4) asks for at least 24 h of <em>event</em> time; a TTL of 48 h gives that whenever event time advances
 * at least half as fast as the wall clock, which live traffic always does (the idle flush ties the watermark
 * to the wall clock) and so does any replay at half speed or faster.
 *
 * <p>How ids leave the state: the ids first seen in one bucket of processing time ({@link #bucketMs}, a 64th
 * of the TTL, at most a minute) are listed together, one list per bucket and key group, and one
 * processing-time timer per list clears them once the last of them has expired. So the state holds the ids
 * of the last TTL plus at most one bucket, and drains to nothing without new input. Why lists and not the
 * alternatives: a timer per id is a second entry per id (and, on the heap, a heap of all of them); a sweep
 * over all ids reads the whole state on the task thread, which on disk is minutes per sweep at millions of
 * ids; RocksDB's TTL compaction filter drops ids only when their file is compacted, which nothing
 * triggers once the input stops. A list is stored under a key of its own that falls into the key group of
 * its ids ({@link #expiryKeys}), so a restore at another parallelism moves it with them.
 *
 * <p>It also checkpoints the watermark it had reached. Watermarks are not part of Flink state: after a
 * restore they start again from nothing, so without this an event replayed from Kafka that was late before
 * the crash (its window already final downstream) could be accepted and start a new, wrong partial count.
 * On restore the floor is the minimum over all subtasks (union state), which is at least every downstream
 * watermark at the checkpoint.
 */
public class DeduplicateOperator extends AbstractStreamOperator<Event>
        implements OneInputStreamOperator<Event, Event>, Triggerable<String, Long> {
    private static final long serialVersionUID = 1L;
    public static final OutputTag<LateEvent> LATE = new OutputTag<>("late-events", TypeInformation.of(LateEvent.class));
    /** Keyed state names; the tests count entries by them. */
    static final String SEEN_STATE = "seen-at";
    static final String EXPIRING_STATE = "expiring-ids";
    /** Buckets per TTL: an id stays at most TTL / this longer than its TTL. */
    static final long BUCKETS_PER_TTL = 64;
    static final long MAX_BUCKET_MS = 60_000;

    private final long ttlMs;
    private final long bucketMs;

    /** Processing time of the id's first copy (or of the first copy after the id had expired). */
    private transient ValueState<Long> seenAt;
    /** Per (expiry key of a key group, bucket start): the ids first seen in that bucket. */
    private transient InternalListState<String, Long, String> expiring;
    private transient InternalTimerService<Long> expiryTimers;
    /** Per key group: a key of that group that no event can have (see {@link #expiryKeys}). */
    private transient String[] expiryKeys;
    /**
     * Per key group: the bucket whose expiry timer this subtask registered last, so that the ids of a bucket
     * register it once, not once per id (a timer registration on RocksDB is a write). Empty after a restore:
     * registering a timer again is harmless.
     */
    private transient long[] timedBucket;
    private transient int maxParallelism;
    /** The boxed value last stored: events of the same millisecond share one object instead of one each. */
    private transient Long lastSeenAt;

    private transient ListState<Long> watermarkState;
    private transient long lastWatermark;
    /** Watermark reached before the last restore; lateness uses max(current watermark, floor). */
    private transient long watermarkFloor;

    /** @param ttlMs how long (wall clock) an id is remembered after its first copy; > 0 */
    public DeduplicateOperator(long ttlMs) {
        if (ttlMs <= 0) {
            throw new IllegalArgumentException("the de-duplication TTL must be > 0");
        }
        this.ttlMs = ttlMs;
        this.bucketMs = Math.max(1, Math.min(MAX_BUCKET_MS, ttlMs / BUCKETS_PER_TTL));
    }

    /** Whether an id first seen at {@code seenAtMs} is forgotten at {@code nowMs} (same boundary as Flink's TTL). */
    static boolean expired(long seenAtMs, long nowMs, long ttlMs) {
        return nowMs - seenAtMs >= ttlMs;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        lastWatermark = Long.MIN_VALUE;
        watermarkFloor = Long.MIN_VALUE;
        watermarkState = context.getOperatorStateStore()
                .getUnionListState(new ListStateDescriptor<>("dedup-watermark", Types.LONG));
        if (context.isRestored()) {
            long min = Long.MAX_VALUE;
            boolean any = false;
            for (Long w : watermarkState.get()) {
                any = true;
                min = Math.min(min, w);
            }
            watermarkFloor = any ? min : Long.MIN_VALUE;
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        seenAt = getPartitionedState(new ValueStateDescriptor<>(SEEN_STATE, Types.LONG));
        expiring = (InternalListState<String, Long, String>) getOrCreateKeyedState(LongSerializer.INSTANCE,
                new ListStateDescriptor<>(EXPIRING_STATE, Types.STRING));
        expiryTimers = getInternalTimerService("dedup-expiry", LongSerializer.INSTANCE, this);
        maxParallelism = getRuntimeContext().getTaskInfo().getMaxNumberOfParallelSubtasks();
        expiryKeys = expiryKeys(maxParallelism);
        timedBucket = new long[maxParallelism];
        Arrays.fill(timedBucket, Long.MIN_VALUE);
    }

    /**
     * One key per key group, each longer than any event_id can be (at most 64 characters, contract section 3),
     * found by trying numbered candidates: Flink assigns a key to its group by hash, so the key of a group
     * cannot be computed, only searched (about maxParallelism x ln(maxParallelism) tries, once at start).
     */
    static String[] expiryKeys(int maxParallelism) {
        String[] keys = new String[maxParallelism];
        int missing = maxParallelism;
        for (long n = 0; missing > 0; n++) {
            String candidate = String.format("%-65s%d", "ids first seen together, expiring together #", n);
            int group = KeyGroupRangeAssignment.assignToKeyGroup(candidate, maxParallelism);
            if (keys[group] == null) {
                keys[group] = candidate;
                missing--;
            }
        }
        return keys;
    }

    @Override
    public void processElement(StreamRecord<Event> element) throws Exception {
        Event event = element.getValue();
        long now = getProcessingTimeService().getCurrentProcessingTime();
        Long seen = seenAt.value();
        if (seen != null && !expired(seen, now, ttlMs)) {
            return; // duplicate: the first copy already decided everything
        }
        if (lastSeenAt == null || lastSeenAt != now) {
            lastSeenAt = now;
        }
        seenAt.update(lastSeenAt);
        // Lateness first: listing the id below moves the key context away from this event.
        long watermark = Math.max(expiryTimers.currentWatermark(), watermarkFloor);
        if (event.ts <= watermark) {
            output.collect(LATE, new StreamRecord<>(new LateEvent(event.eventId, event.userId, event.type,
                    event.page, event.ts, event.clientSessionId == null ? "" : event.clientSessionId, watermark),
                    element.getTimestamp()));
        } else {
            output.collect(element);
        }
        // An id seen again after it expired is listed again: the older list finds it renewed and keeps it.
        listForExpiry((String) getCurrentKey(), now);
    }

    /** Adds the id to the list of its key group and bucket, and makes sure that list has its timer. */
    private void listForExpiry(String id, long seenAtMs) throws Exception {
        long bucket = seenAtMs - Math.floorMod(seenAtMs, bucketMs);
        int group = KeyGroupRangeAssignment.assignToKeyGroup(id, maxParallelism);
        setCurrentKey(expiryKeys[group]);
        expiring.setCurrentNamespace(bucket);
        expiring.add(id);
        if (timedBucket[group] != bucket) {
            // due when the bucket's last id has expired
            expiryTimers.registerProcessingTimeTimer(bucket, bucket + bucketMs - 1 + ttlMs);
            timedBucket[group] = bucket;
        }
        setCurrentKey(id);
    }

    /** A bucket's ids have all expired, unless seen again since: clears them and the list. */
    @Override
    public void onProcessingTime(InternalTimer<String, Long> timer) throws Exception {
        long now = getProcessingTimeService().getCurrentProcessingTime();
        expiring.setCurrentNamespace(timer.getNamespace());
        List<String> ids = new ArrayList<>();
        Iterable<String> listed = expiring.get();
        if (listed != null) {
            listed.forEach(ids::add);
        }
        expiring.clear();
        for (String id : ids) {
            setCurrentKey(id);
            Long seen = seenAt.value();
            if (seen != null && expired(seen, now, ttlMs)) {
                seenAt.clear();
            }
        }
    }

    @Override
    public void onEventTime(InternalTimer<String, Long> timer) {
        throw new IllegalStateException("de-duplication has no event-time timers");
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
        watermarkState.update(Collections.singletonList(Math.max(lastWatermark, watermarkFloor)));
    }

    long bucketMs() {
        return bucketMs;
    }
}
