package io.github.pipeline.analytics.functions;

/**
 * Per-key emission bookkeeping: changed since last emission, pending provisional timer
 * (0 = none), and until when (processing time) a change waits for that timer instead of being published
 * at once.
 */
public class EmitState {
    public boolean dirty;
    public long timer;
    public long quietUntil;

    public EmitState() {}
}
