package io.github.pipeline.analytics.functions;

/** The open session of one user (part of {@link UserSessionState}). */
public class SessionState {
    public long start;
    public long end;
    public long events;
    public long pageViews;
    public boolean purchased;
    public int funnelStep;
    public boolean dirty;
    /** When the waiting provisional publication is due (the user is in the provisional queue), 0 = none. */
    public long timer;
    /** Until when (processing time) the last provisional publication holds the next one back. */
    public long quietUntil;
    /** The one pending session-close check (event time), 0 = none; re-armed lazily, see SessionizeOperator. */
    public long closeTimer;

    public SessionState() {}
}
