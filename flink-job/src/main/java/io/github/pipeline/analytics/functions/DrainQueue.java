package io.github.pipeline.analytics.functions;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The users of one {@link SessionizeOperator} subtask with buffered events, each with the event time at
 * which it must be woken (its earliest buffered timestamp): an event-time timer list without Flink's timer
 * service. {@link #takeDue} returns exactly the entries at or before a watermark.
 *
 * <p>Why: with a keyed event-time timer per user the timer heap (sift up and down through a heap of all
 * waiting users, a de-duplication map entry, a timer object, a key-group computation per firing) was about
 * a fifth of the sessionizer's time in the catch-up profile. Here entries go into buckets of
 * {@code bucketMs} of event time; a watermark takes the buckets it has passed whole and scans only the
 * one it falls into.
 *
 * <p>Not state: the wake-up time stays in each user's state and the operator fills the queue again after a
 * restore. An entry that is no longer needed (an earlier event arrived later and got its own entry) wakes
 * the user for nothing, as a superseded timer did.
 */
final class DrainQueue<K> {
    private final long bucketMs;
    private final TreeMap<Long, List<Entry<K>>> buckets = new TreeMap<>();

    /** A user to wake at event time {@code ts}. */
    record Entry<K>(K key, long ts) {}

    DrainQueue(long bucketMs) {
        if (bucketMs <= 0) {
            throw new IllegalArgumentException("bucket length must be > 0");
        }
        this.bucketMs = bucketMs;
    }

    void add(K key, long ts) {
        long bucket = ts - Math.floorMod(ts, bucketMs);
        buckets.computeIfAbsent(bucket, b -> new ArrayList<>()).add(new Entry<>(key, ts));
    }

    /** Removes and returns every entry with {@code ts <= watermark}, bucket by bucket (not sorted within one). */
    List<Entry<K>> takeDue(long watermark) {
        List<Entry<K>> due = new ArrayList<>();
        for (Map.Entry<Long, List<Entry<K>>> b; (b = buckets.firstEntry()) != null && b.getKey() <= watermark; ) {
            List<Entry<K>> entries = b.getValue();
            if (b.getKey() <= watermark - (bucketMs - 1)) {   // the watermark has passed the whole bucket
                due.addAll(entries);
                buckets.pollFirstEntry();
                continue;
            }
            // the watermark falls into this bucket: take its due entries, keep the rest
            int kept = 0;
            for (Entry<K> e : entries) {
                if (e.ts() <= watermark) {
                    due.add(e);
                } else {
                    entries.set(kept++, e);
                }
            }
            entries.subList(kept, entries.size()).clear();
            if (entries.isEmpty()) {
                buckets.pollFirstEntry();
            }
            break;
        }
        return due;
    }

    int size() {
        int n = 0;
        for (List<Entry<K>> entries : buckets.values()) {
            n += entries.size();
        }
        return n;
    }
}
