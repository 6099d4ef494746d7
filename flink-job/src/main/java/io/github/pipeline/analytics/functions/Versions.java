package io.github.pipeline.analytics.functions;

/** Output versions: wall-clock based, strictly growing per key, also across a crash and restore. */
public final class Versions {
    private Versions() {}

    /** max(now, previous + 1). */
    public static long next(long previous, long nowMs) {
        return Math.max(nowMs, previous + 1);
    }
}
