package io.github.pipeline.analytics.functions;

import io.github.pipeline.analytics.model.CleanEvent;
import io.github.pipeline.analytics.model.Event;
import io.github.pipeline.analytics.model.SessionRecord;
import io.github.pipeline.analytics.model.UserDayRecord;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

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
 *       when the watermark reaches last event + gap (then its session state and close check are gone).</li>
 *   <li>User days, the retention input, to {@link #USER_DAYS}: the user's first day (UTC day of the earliest
 *       event ever: the first one processed here, hence final; kept for good, 8 bytes in a state of its own)
 *       and the events of each UTC day, counted per event in the same event-time order. A day publishes
 *       provisional values while it changes, with the same throttle as sessions, and is final when the user's
 *       next day starts or the watermark reaches the day's last ms.</li>
 * </ul>
 *
 * <p>What a user leaves behind: once its session is closed, its buffer drained and its day final, the user's
 * {@link UserSessionState} is cleared; only the first day stays. Nothing per user is kept on the heap
 * between events: the wake-ups that wait longer than a few seconds (session close checks and day ends)
 * are Flink event-time timers, which a RocksDB backend keeps on disk with the state.
 *
 * <p>Why user days are here and not a keyed function chained after this one: the two kept state for the same
 * key, so each event cost two state lookups and writes, and the chained function's keyed processing-time
 * timers (one per waiting user-day) were about a tenth of this thread's time in the catch-up profile. Here
 * an event updates session and day through one lookup, a day's end is a timer of the same service as the
 * session close checks, and a waiting provisional day shares the session's {@link ProvisionalQueue} entry.
 *
 * <p>Why an operator and not a KeyedProcessFunction: a timer per buffered timestamp was the largest cost of
 * the job (timer heap and its de-duplication map, once to register and once to fire, per event). Here a
 * user has one drain wake-up, at the earliest buffered ts; when the watermark passes it, every buffered
 * event the watermark has passed is drained, in ts order, so a catching-up job that moves the watermark by
 * seconds at a time wakes each user once per step instead of once per event. The wake-ups are not Flink
 * timers either but a {@link DrainQueue} the operator checks on each watermark (the wake-up time stays in
 * the user's state, {@link UserSessionState#drainTimer}, and the queue is refilled from it after a restore).
 * A KeyedProcessFunction's timer output carries the timer's timestamp; each clean event here keeps its own.
 *
 * <p>Provisional publications that must wait for the interval to end do not get a keyed processing-time
 * timer each: the user goes into a {@link ProvisionalQueue}, one operator-wide timer per bucket of
 * {@link #PROVISIONAL_BUCKET_MS}. The due time stays in the session's state ({@link SessionState#timer}), so
 * after a restore the waiting users are queued again.
 *
 * <p>Relies on the upstream lateness filter: an element's ts is above this operator's watermark on arrival.
 */
public class SessionizeOperator extends AbstractStreamOperator<CleanEvent>
        implements OneInputStreamOperator<Event, CleanEvent>, Triggerable<String, VoidNamespace> {
    private static final long serialVersionUID = 1L;
    public static final OutputTag<SessionRecord> SESSIONS =
            new OutputTag<>("sessions", TypeInformation.of(SessionRecord.class));
    public static final OutputTag<UserDayRecord> USER_DAYS =
            new OutputTag<>("user-days", TypeInformation.of(UserDayRecord.class));
    private static final String PAGE_VIEW = "page_view";
    private static final String PURCHASE = "purchase";
    private static final String STATE_NAME = "user-session";
    private static final String FIRST_DAY_STATE = "first-day";
    /**
     * Granularity of the provisional queue: a waiting session is published at the start of the bucket of its
     * due time, i.e. up to this much before the interval ends (never after it). Capped at a tenth of the
     * interval.
     */
    static final long PROVISIONAL_BUCKET_MS = 100;
    /** Event-time granularity of the drain queue: a watermark scans at most one bucket entry by entry. */
    private static final long DRAIN_BUCKET_MS = 1_000;

    private final long gapMs;
    private final List<String> funnelSteps;
    private final long provisionalIntervalMs;

    private transient ValueState<UserSessionState> state;
    /** UTC day of the user's earliest event, kept for good (retention); absent before the first event. */
    private transient ValueState<Long> firstDays;
    /**
     * Session-close checks and day ends, the operator's only Flink timers (its {@link #onEventTime}): every
     * open session and open day has one. They wait minutes to hours, so they are where the state is (on disk
     * with RocksDB). Drain wake-ups and provisional publications, due within seconds, are in queues of their
     * own (see above), so they do not walk a heap and a de-duplication map the size of all open sessions.
     */
    private transient InternalTimerService<VoidNamespace> closeTimers;
    private transient StreamRecord<CleanEvent> cleanRecord;
    private transient StreamRecord<SessionRecord> sessionRecord;
    private transient StreamRecord<UserDayRecord> dayRecord;
    private transient List<String> groupTypes;
    private transient ProvisionalQueue<String> provisionalQueue;
    private transient DrainQueue<String> drainQueue;
    private transient boolean restored;

    public SessionizeOperator(long gapMs, List<String> funnelSteps, long provisionalIntervalMs) {
        this.gapMs = gapMs;
        this.funnelSteps = new ArrayList<>(funnelSteps);
        this.provisionalIntervalMs = provisionalIntervalMs;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        restored = context.isRestored();
    }

    @Override
    public void open() throws Exception {
        super.open();
        state = getPartitionedState(new ValueStateDescriptor<>(STATE_NAME, UserSessionStateSerializer.INSTANCE));
        firstDays = getPartitionedState(new ValueStateDescriptor<>(FIRST_DAY_STATE, Types.LONG));
        closeTimers = getInternalTimerService("sessionize-close", VoidNamespaceSerializer.INSTANCE, this);
        cleanRecord = new StreamRecord<>(null);
        sessionRecord = new StreamRecord<>(null);
        dayRecord = new StreamRecord<>(null);
        groupTypes = new ArrayList<>();
        provisionalQueue = new ProvisionalQueue<>(Math.max(1, Math.min(PROVISIONAL_BUCKET_MS, provisionalIntervalMs / 10)));
        drainQueue = new DrainQueue<>(DRAIN_BUCKET_MS);
        if (restored) {
            requeueFromState();
        }
    }

    /**
     * After a restore: the queues are not state, the times in them are; queue every user with buffered
     * events, and every session or day that waits for a provisional publication (Flink restores the timers).
     */
    private void requeueFromState() throws Exception {
        List<String> users;
        try (Stream<String> keys = this.<String>getKeyedStateBackend().getKeys(STATE_NAME, VoidNamespace.INSTANCE)) {
            users = keys.collect(Collectors.toList());
        }
        for (String user : users) {
            setCurrentKey(user);
            UserSessionState u = state.value();
            if (u != null && u.drainTimer != 0) {
                drainQueue.add(user, u.drainTimer);
            }
            if (u != null && u.session != null && u.session.timer != 0) {
                queueProvisional(user, u.session.timer);
            }
            if (u != null && u.day != null && u.day.timer != 0) {
                queueProvisional(user, u.day.timer);
            }
        }
    }

    @Override
    public void processElement(StreamRecord<Event> element) throws Exception {
        Event event = element.getValue();
        UserSessionState u = state.value();
        if (u == null) {
            u = new UserSessionState();
        }
        if (u.buffer == null) {
            u.buffer = new ArrayList<>(2);
        }
        insertInTsOrder(u.buffer, event);
        long closeTimer = u.session == null ? 0 : u.session.closeTimer;
        // Any pending timer at or before this ts wakes the user early enough: it drains up to the watermark.
        if (!atOrBefore(u.drainTimer, event.ts) && !atOrBefore(closeTimer, event.ts)) {
            drainQueue.add((String) getCurrentKey(), event.ts);
            u.drainTimer = event.ts;
        }
        state.update(u);
    }

    /** Wakes the users the watermark has made due before Flink's timers fire (close checks) and it is forwarded. */
    @Override
    public void processWatermark(Watermark mark) throws Exception {
        long watermark = mark.getTimestamp();
        for (DrainQueue.Entry<String> due : drainQueue.takeDue(watermark)) {
            setCurrentKey(due.key());
            wake(due.key(), due.ts(), true, watermark);
        }
        super.processWatermark(mark);
    }

    /** A session-close check. */
    @Override
    public void onEventTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
        wake(timer.getKey(), timer.getTimestamp(), false, closeTimers.currentWatermark());
    }

    /**
     * A drain wake-up (buffered events) or a Flink timer (close check or day end) at {@code fired} is due at
     * {@code watermark}: does everything the watermark has made due for this user (any kind may find every
     * kind of work), then makes sure a wake-up is pending for what is left.
     */
    private void wake(String userId, long fired, boolean drainTimer, long watermark) throws Exception {
        UserSessionState u = state.value();
        if (u == null) {
            return;  // a wake-up left from state that is gone (e.g. a drain superseded by an earlier one)
        }
        long now = closeTimers.currentProcessingTime();
        if (drainTimer && u.drainTimer == fired) {
            u.drainTimer = 0;
        }
        if (!drainTimer && u.session != null && u.session.closeTimer == fired) {
            u.session.closeTimer = 0;
        }
        drain(u, userId, watermark, now);
        SessionState s = u.session;
        if (s != null && watermark >= s.end + gapMs) {
            close(userId, s, now);
            u.session = null;
            s = null;
        }
        if (u.day != null && watermark >= u.day.lastMs()) {
            finishDay(userId, u, now, u.day.lastMs());
        }
        // One close check per session at a time, re-armed lazily: set to end + gap when none is pending and,
        // when it fires while the session has grown since, moved to the new end + gap. Moving it on every
        // event would cost a timer per event (and a heap of them: one per event of the last gap).
        if (s != null && s.closeTimer == 0) {
            s.closeTimer = s.end + gapMs;
            closeTimers.registerEventTimeTimer(VoidNamespace.INSTANCE, s.closeTimer);
        }
        if (u.buffer != null && !u.buffer.isEmpty()) {
            long next = u.buffer.get(0).ts;
            if (!atOrBefore(u.drainTimer, next) && !(s != null && atOrBefore(s.closeTimer, next))) {
                drainQueue.add(userId, next);
                u.drainTimer = next;
            }
        }
        if (s == null && u.day == null && (u.buffer == null || u.buffer.isEmpty())) {
            state.clear();   // nothing open: the user leaves only its first day behind
        } else {
            state.update(u);
        }
    }

    @Override
    public void onProcessingTime(InternalTimer<String, VoidNamespace> timer) {
        throw new IllegalStateException("no keyed processing-time timers: provisional publications are queued");
    }

    /**
     * Queues a provisional publication of the current key due at {@code dueMs}, unless the key already has
     * an entry in that bucket (its session's or day's, {@code queuedMs}, 0 = none): one entry publishes both.
     */
    private void queueProvisional(String userId, long dueMs, long queuedMs) {
        if (queuedMs == 0 || provisionalQueue.bucketOf(queuedMs) != provisionalQueue.bucketOf(dueMs)) {
            queueProvisional(userId, dueMs);
        }
    }

    private void queueProvisional(String userId, long dueMs) {
        long newBucket = provisionalQueue.add(userId, dueMs);
        if (newBucket != ProvisionalQueue.EXISTING_BUCKET) {
            getProcessingTimeService().registerTimer(newBucket, this::publishDueBucket);
        }
    }

    /** The timer of a provisional bucket: publishes every queued session whose due time is in it or earlier. */
    private void publishDueBucket(long bucketStart) throws Exception {
        long now = getProcessingTimeService().getCurrentProcessingTime();
        for (String userId : provisionalQueue.takeDue(bucketStart)) {
            setCurrentKey(userId);
            publishWaiting(userId, bucketStart, now);
        }
    }

    /**
     * Publishes the current key's session and day, each if it waits for a provisional publication due in
     * the bucket starting at {@code bucketStart} or earlier. A session or day that is gone, or waits for a
     * later bucket (its user was queued again since), is left alone.
     */
    private void publishWaiting(String userId, long bucketStart, long now) throws Exception {
        UserSessionState u = state.value();
        if (u == null) {
            return;
        }
        boolean changed = false;
        SessionState s = u.session;
        if (s != null && s.timer != 0 && provisionalQueue.bucketOf(s.timer) <= bucketStart) {
            s.timer = 0;
            if (s.dirty) {
                emit(userId, s, now, Long.MIN_VALUE);
            }
            changed = true;
        }
        DayState d = u.day;
        if (d != null && d.timer != 0 && provisionalQueue.bucketOf(d.timer) <= bucketStart) {
            d.timer = 0;
            if (d.dirty) {
                emitDay(userId, d, now, Long.MIN_VALUE);
            }
            changed = true;
        }
        if (changed) {
            state.update(u);
        }
    }

    /** Processes the buffered events the watermark has passed, in ts order, one timestamp at a time. */
    private void drain(UserSessionState u, String userId, long watermark, long now) throws Exception {
        List<Event> buffer = u.buffer;
        if (buffer == null) {
            return;
        }
        int n = buffer.size();
        int i = 0;
        SessionState s = u.session;
        String sessionId = s == null ? null : userId + ":" + s.start;
        while (i < n && buffer.get(i).ts <= watermark) {
            long ts = buffer.get(i).ts;
            if (s != null && ts - s.end >= gapMs) {
                close(userId, s, now);
                s = null;
            }
            if (s == null) {
                s = new SessionState();
                s.start = ts;
                sessionId = userId + ":" + ts;
            }
            s.end = ts;
            groupTypes.clear();
            for (; i < n && buffer.get(i).ts == ts; i++) {
                Event e = buffer.get(i);
                s.events++;
                if (PAGE_VIEW.equals(e.type)) s.pageViews++;
                if (PURCHASE.equals(e.type)) s.purchased = true;
                groupTypes.add(e.type);
                output.collect(cleanRecord.replace(
                        new CleanEvent(e.eventId, e.userId, e.type, e.page, e.ts, sessionId,
                                Versions.ofEvent(e.ts, s.start)), e.ts));
                countDay(u, userId, e.ts, now, s.timer);
            }
            s.funnelStep = FunnelTracker.advance(s.funnelStep, funnelSteps, groupTypes);
            s.dirty = true;
            long when = ProvisionalThrottle.onChange(s.timer, s.quietUntil, now);
            if (when == ProvisionalThrottle.NOW) {
                emit(userId, s, now, ts);
            } else if (when != ProvisionalThrottle.PENDING) {
                s.timer = when;
                queueProvisional(userId, when, u.day == null ? 0 : u.day.timer);
            }
        }
        u.session = s;
        if (i == n) {
            u.buffer = null;
        } else if (i > 0) {
            buffer.subList(0, i).clear();
        }
    }

    /**
     * Counts one event of the user at {@code ts} (events come in event-time order) into its day: the first
     * event sets the first day, an event of a later day makes the current one final. Per event, not per
     * timestamp as sessions: the provisional values are those of the keyed function this replaced.
     *
     * @param sessionTimer the session's waiting provisional publication, 0 = none (see queueProvisional)
     */
    private void countDay(UserSessionState u, String userId, long ts, long now, long sessionTimer) throws Exception {
        long day = TimeBuckets.dayStart(ts);
        DayState d = u.day;
        if (d != null && d.day != day) {
            finishDay(userId, u, now, ts);
            d = null;
        }
        if (d == null) {
            d = new DayState();
            d.day = day;
            d.firstDay = firstDay(day);
            u.day = d;
            closeTimers.registerEventTimeTimer(VoidNamespace.INSTANCE, d.lastMs());   // its end
        }
        d.events++;
        d.dirty = true;
        long when = ProvisionalThrottle.onChange(d.timer, d.quietUntil, now);
        if (when == ProvisionalThrottle.NOW) {
            emitDay(userId, d, now, ts);
        } else if (when != ProvisionalThrottle.PENDING) {
            d.timer = when;
            queueProvisional(userId, when, sessionTimer);
        }
    }

    /**
     * The user's first day: the stored one, or {@code day} when this is the user's first event (events are
     * processed in event-time order, so the first one processed is the earliest ever).
     */
    private long firstDay(long day) throws Exception {
        Long first = firstDays.value();
        if (first == null) {
            firstDays.update(day);
            return day;
        }
        return first;
    }

    /**
     * Publishes the current day's last change, if any, and drops the day. Its end timer, if it has not fired
     * yet, is due at this watermark (events are drained only once the watermark has passed them, and the
     * next day's are after this day's end), so it fires right after, finds no day and does nothing.
     */
    private void finishDay(String userId, UserSessionState u, long now, long timestamp) {
        if (u.day.dirty) {
            emitDay(userId, u.day, now, timestamp);
        }
        u.day = null;
    }

    /** @param timestamp the record's event time, Long.MIN_VALUE for none (a processing-time publication) */
    private void emitDay(String userId, DayState d, long now, long timestamp) {
        d.dirty = false;
        d.quietUntil = ProvisionalThrottle.published(now, provisionalIntervalMs);
        collect(USER_DAYS, dayRecord, new UserDayRecord(userId, d.day, d.firstDay, d.events,
                Versions.ofUserDay(d.events, d.day, d.firstDay)), timestamp);
    }

    /**
     * Publishes the session's last change, if any, stamped with the time it became final. A queue entry it
     * may still have finds no session (or the user's next one, not waiting for that bucket) and does nothing.
     */
    private void close(String userId, SessionState s, long now) {
        if (s.dirty) {
            emit(userId, s, now, s.end + gapMs);
        }
    }

    /** @param timestamp the record's event time, Long.MIN_VALUE for none (a processing-time publication) */
    private void emit(String userId, SessionState s, long now, long timestamp) {
        s.dirty = false;
        s.quietUntil = ProvisionalThrottle.published(now, provisionalIntervalMs);
        collect(SESSIONS, sessionRecord, new SessionRecord(userId + ":" + s.start, userId, s.start, s.end,
                s.events, s.pageViews, s.purchased ? 1 : 0, s.funnelStep, Versions.ofSession(s.events)), timestamp);
    }

    /** Emits to a side output through its reused record; timestamp Long.MIN_VALUE = none. */
    private <T> void collect(OutputTag<T> tag, StreamRecord<T> reuse, T value, long timestamp) {
        if (timestamp == Long.MIN_VALUE) {
            reuse.replace(value);
            reuse.eraseTimestamp();
        } else {
            reuse.replace(value, timestamp);
        }
        output.collect(tag, reuse);
    }

    /** Sorted by ts, arrival order kept among equal ts; events mostly arrive in order, so search from the end. */
    static void insertInTsOrder(List<Event> buffer, Event e) {
        int i = buffer.size();
        while (i > 0 && buffer.get(i - 1).ts > e.ts) {
            i--;
        }
        buffer.add(i, e);
    }

    /** Entries in the provisional queue (including superseded ones); for tests. */
    int provisionalQueueSize() {
        return provisionalQueue.size();
    }

    /** A user's state, null once nothing is open; for tests. */
    UserSessionState stateOf(String userId) throws Exception {
        setCurrentKey(userId);
        return state.value();
    }

    /** A user's first day, null before its first event; for tests. */
    Long firstDayOf(String userId) throws Exception {
        setCurrentKey(userId);
        return firstDays.value();
    }

    /** Users waiting in the drain queue (entries, including superseded ones); for tests. */
    int drainQueueSize() {
        return drainQueue.size();
    }

    /** Whether a pending timer (0 = none) fires no later than {@code ts}. */
    private static boolean atOrBefore(long timer, long ts) {
        return timer != 0 && timer <= ts;
    }
}
