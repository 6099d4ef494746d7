package io.github.pipeline.analytics.watermarks;

import java.io.Serializable;

/** Wall-clock milliseconds; injectable so tests can use a fake clock. */
@FunctionalInterface
public interface WallClock extends Serializable {
    long nowMs();

    WallClock SYSTEM = System::currentTimeMillis;
}
