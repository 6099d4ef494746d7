package io.github.pipeline.analytics.model;

import java.util.Objects;

/**
 * A partial count of one window key ({@code windowStart|dimension}), summed locally by
 * {@link io.github.pipeline.analytics.functions.LocalWindowCountOperator} before the shuffle.
 */
public class WindowCount {
    public String key;
    public long windowStart;
    public long count;

    public WindowCount() {}

    public WindowCount(String key, long windowStart, long count) {
        this.key = key;
        this.windowStart = windowStart;
        this.count = count;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof WindowCount)) return false;
        WindowCount w = (WindowCount) o;
        return Objects.equals(key, w.key) && windowStart == w.windowStart && count == w.count;
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, windowStart, count);
    }

    @Override
    public String toString() {
        return "WindowCount{" + key + "=" + count + "}";
    }
}
