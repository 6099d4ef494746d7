package io.github.pipeline.analytics.functions;

import io.github.pipeline.analytics.model.CleanEvent;
import io.github.pipeline.analytics.model.Event;
import io.github.pipeline.analytics.model.SessionRecord;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.util.ArrayList;
import java.util.List;

/**
 * Keyed by user_id. Buffers each user's events until the watermark passes their timestamp, then processes
 * them in event-time order, all events of one timestamp together:
 *
 * <ul>
 *   <li>An event at least {@code gap} after the user's previous event starts a new session
 *       (session_id = user_id + ":" + first ts); the previous one is then final.</li>
 *   <li>Each event is emitted once, with its session id, as a {@link CleanEvent} (main output), in
 *       event-time order per user and with the event's timestamp.</li>
 *   <li>The open session publishes provisional {@link SessionRecord}s to {@link #SESSIONS} when it changed,
 *       at most once per {@code provisionalIntervalMs} ({@link ProvisionalThrottle}), and its final value
 *       when the watermark reaches
 *       last event + gap (then its state and timers are gone).</li>
 * </ul>
 * Relies on the upstream lateness filter: an element's ts is above this operator's watermark on arrival.
 */
public class SessionizeFunction extends KeyedProcessFunction<String, Event, CleanEvent> {
    private static final long serialVersionUID = 1L;
    public static final OutputTag<SessionRecord> SESSIONS =
            new OutputTag<>("sessions", TypeInformation.of(SessionRecord.class));
    private static final String PAGE_VIEW = "page_view";
    private static final String PURCHASE = "purchase";

    private final long gapMs;
    private final List<String> funnelSteps;
    private final long provisionalIntervalMs;

    private transient MapState<Long, List<Event>> buffer;
    private transient ValueState<SessionState> session;

    public SessionizeFunction(long gapMs, List<String> funnelSteps, long provisionalIntervalMs) {
        this.gapMs = gapMs;
        this.funnelSteps = new ArrayList<>(funnelSteps);
        this.provisionalIntervalMs = provisionalIntervalMs;
    }

    @Override
    public void open(OpenContext openContext) {
        buffer = getRuntimeContext().getMapState(new MapStateDescriptor<>("buffer", Types.LONG,
                Types.LIST(TypeInformation.of(Event.class))));
        session = getRuntimeContext().getState(new ValueStateDescriptor<>("session",
                TypeInformation.of(SessionState.class)));
    }

    @Override
    public void processElement(Event event, Context ctx, Collector<CleanEvent> out) throws Exception {
        List<Event> group = buffer.get(event.ts);
        if (group == null) {
            group = new ArrayList<>(1);
            ctx.timerService().registerEventTimeTimer(event.ts);
        }
        group.add(event);
        buffer.put(event.ts, group);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<CleanEvent> out) throws Exception {
        String userId = ctx.getCurrentKey();
        long now = ctx.timerService().currentProcessingTime();
        SessionState s = session.value();
        if (ctx.timeDomain() == TimeDomain.PROCESSING_TIME) {
            if (s != null) {
                s.timer = 0;
                if (s.dirty) {
                    emit(userId, s, now, ctx);
                }
                session.update(s);
            }
            return;
        }

        List<Event> group = buffer.get(timestamp);
        if (group != null) {
            buffer.remove(timestamp);
            if (s != null && timestamp - s.end >= gapMs) {
                close(userId, s, now, ctx);
                s = null;
            }
            if (s == null) {
                s = new SessionState();
                s.start = timestamp;
            }
            s.end = timestamp;
            String sessionId = userId + ":" + s.start;
            List<String> types = new ArrayList<>(group.size());
            for (Event e : group) {
                s.events++;
                if (PAGE_VIEW.equals(e.type)) s.pageViews++;
                if (PURCHASE.equals(e.type)) s.purchased = true;
                types.add(e.type);
                out.collect(new CleanEvent(e.eventId, e.userId, e.type, e.page, e.ts, sessionId, now));
            }
            s.funnelStep = FunnelTracker.advance(s.funnelStep, funnelSteps, types);
            s.dirty = true;
            long when = ProvisionalThrottle.onChange(s.timer, s.quietUntil, now);
            if (when == ProvisionalThrottle.NOW) {
                emit(userId, s, now, ctx);
            } else if (when != ProvisionalThrottle.PENDING) {
                s.timer = when;
                ctx.timerService().registerProcessingTimeTimer(when);
            }
        }
        if (s == null) {
            return;
        }
        // One close check per session at a time, re-armed lazily: it is set to end + gap when the session
        // starts and, when it fires while the session has grown since, moved to the new end + gap. Moving it
        // on every event would cost a timer per event (and a heap of them: one per event of the last gap).
        // It may be the very timer of a buffered bucket at the same timestamp; the bucket is handled above.
        if (s.closeTimer == 0 || s.closeTimer == timestamp) {
            if (timestamp >= s.end + gapMs) {
                close(userId, s, now, ctx);
                session.clear();
                return;
            }
            s.closeTimer = s.end + gapMs;
            ctx.timerService().registerEventTimeTimer(s.closeTimer);
        }
        session.update(s);
    }

    private void close(String userId, SessionState s, long now, OnTimerContext ctx) {
        if (s.dirty) {
            emit(userId, s, now, ctx);
        }
        if (s.timer != 0) {
            ctx.timerService().deleteProcessingTimeTimer(s.timer);
            s.timer = 0;
        }
    }

    private void emit(String userId, SessionState s, long now, OnTimerContext ctx) {
        s.version = Versions.next(s.version, now);
        s.dirty = false;
        s.quietUntil = ProvisionalThrottle.published(now, provisionalIntervalMs);
        ctx.output(SESSIONS, new SessionRecord(userId + ":" + s.start, userId, s.start, s.end, s.events,
                s.pageViews, s.purchased ? 1 : 0, s.funnelStep, s.version));
    }
}
