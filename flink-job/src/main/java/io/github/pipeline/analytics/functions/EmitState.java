package io.github.pipeline.analytics.functions;

/** Per-key emission bookkeeping: changed since last emission, last version, pending provisional timer (0 = none). */
public class EmitState {
    public boolean dirty;
    public long version;
    public long timer;

    public EmitState() {}
}
