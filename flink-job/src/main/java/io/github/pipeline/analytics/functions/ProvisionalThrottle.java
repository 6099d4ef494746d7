package io.github.pipeline.analytics.functions;

/**
 * When a changed provisional value is published, shared by windows, sessions and user days: at most one
 * publication per key and interval, on both edges. A change to a key that published nothing in the last
 * interval goes out at once (a new window, page or session shows without waiting); a change within the
 * interval waits for one processing-time timer at its end. Publishing at once also saves that timer, which
 * is most of the cost of a provisional value when a key changes less often than once per interval.
 */
final class ProvisionalThrottle {
    /** {@link #onChange}: publish now. */
    static final long NOW = -1;
    /** {@link #onChange}: a timer is pending already; nothing to do. */
    static final long PENDING = 0;

    private ProvisionalThrottle() {}

    /**
     * @param pendingTimer the key's pending provisional timer, 0 = none
     * @param quietUntil   until when the key's last publication holds the next one back (0 = never published)
     * @return {@link #NOW}, {@link #PENDING}, or the time of the processing-time timer to register
     */
    static long onChange(long pendingTimer, long quietUntil, long nowMs) {
        if (pendingTimer != 0) {
            return PENDING;
        }
        return nowMs >= quietUntil ? NOW : quietUntil;
    }

    /** The quietUntil of a key that publishes at {@code nowMs}. */
    static long published(long nowMs, long intervalMs) {
        return nowMs + intervalMs;
    }
}
