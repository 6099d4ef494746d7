package io.github.pipeline.analytics.functions;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The keys of one operator that wait for a provisional publication, grouped by when it is due, in buckets
 * of {@code bucketMs} of processing time. The operator registers one processing-time timer per bucket
 * instead of one per key: a bucket is due at its start, so a key is published up to {@code bucketMs} before
 * its own due time (never after it, so "at least every interval" still holds).
 *
 * <p>Why: a keyed processing-time timer per waiting key costs a timer-heap insertion and removal, a
 * de-duplication map entry and an object each; in the catch-up profile these timers were about a sixth of
 * the sessionizer's time. A bucket is a plain list appended to.
 *
 * <p>Not state: the operator keeps the due time in each key's state and re-queues the keys after a restore.
 * A key may be queued more than once (e.g. queued again after its entry was taken); the operator checks its
 * state when a bucket is taken, so a stale entry costs a lookup and publishes nothing.
 */
final class ProvisionalQueue<K> {
    /** {@link #add}: the key went into a bucket that already had a timer. */
    static final long EXISTING_BUCKET = Long.MIN_VALUE;

    private final long bucketMs;
    private final TreeMap<Long, List<K>> buckets = new TreeMap<>();

    ProvisionalQueue(long bucketMs) {
        if (bucketMs <= 0) {
            throw new IllegalArgumentException("bucket length must be > 0");
        }
        this.bucketMs = bucketMs;
    }

    /** The start of the bucket of a due time: when a key due then is published. */
    long bucketOf(long dueMs) {
        return dueMs - Math.floorMod(dueMs, bucketMs);
    }

    /**
     * Queues a key due at {@code dueMs}.
     *
     * @return the start of a new bucket, for which the caller registers a timer, or {@link #EXISTING_BUCKET}
     */
    long add(K key, long dueMs) {
        long bucket = bucketOf(dueMs);
        List<K> keys = buckets.get(bucket);
        if (keys != null) {
            keys.add(key);
            return EXISTING_BUCKET;
        }
        keys = new ArrayList<>();
        keys.add(key);
        buckets.put(bucket, keys);
        return bucket;
    }

    /** Removes and returns the keys of every bucket that starts at or before {@code nowMs}, earliest first. */
    List<K> takeDue(long nowMs) {
        List<K> due = new ArrayList<>();
        for (Map.Entry<Long, List<K>> e; (e = buckets.firstEntry()) != null && e.getKey() <= nowMs; ) {
            due.addAll(e.getValue());
            buckets.pollFirstEntry();
        }
        return due;
    }

    int size() {
        int n = 0;
        for (List<K> keys : buckets.values()) {
            n += keys.size();
        }
        return n;
    }
}
