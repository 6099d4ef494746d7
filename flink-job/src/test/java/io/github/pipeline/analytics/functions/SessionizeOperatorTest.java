package io.github.pipeline.analytics.functions;

import io.github.pipeline.analytics.model.CleanEvent;
import io.github.pipeline.analytics.model.Event;
import io.github.pipeline.analytics.model.SessionRecord;
import io.github.pipeline.analytics.model.UserDayRecord;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static io.github.pipeline.analytics.functions.Harnesses.ev;
import static io.github.pipeline.analytics.functions.Harnesses.side;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SessionizeOperatorTest {
    private static final long GAP = 30 * 60_000L;
    private static final long T = 1_511_544_070_000L;
    private static final List<String> STEPS = List.of("page_view", "click", "purchase");

    private static KeyedOneInputStreamOperatorTestHarness<String, Event, CleanEvent> harness() throws Exception {
        return harness("hashmap");
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, Event, CleanEvent> harness(String backend)
            throws Exception {
        var h = unopened(backend);
        h.open();
        return h;
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, Event, CleanEvent> unopened(String backend)
            throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<String, Event, CleanEvent>(
                new SessionizeOperator(GAP, STEPS, 2_000), e -> e.userId, Types.STRING);
        Harnesses.useBackend(h, backend);
        return h;
    }

    private static SessionRecord session(String user, long start, long end, long events, long views, int purchased,
                                         int funnel) {
        return new SessionRecord(user + ":" + start, user, start, end, events, views, purchased, funnel, 0);
    }

    private static List<SessionRecord> finals(KeyedOneInputStreamOperatorTestHarness<String, Event, CleanEvent> h) {
        List<SessionRecord> out = new ArrayList<>();
        for (SessionRecord r : side(h, SessionizeOperator.SESSIONS)) {
            out.removeIf(o -> o.sessionId.equals(r.sessionId));
            SessionRecord copy = new SessionRecord(r.sessionId, r.userId, r.sessionStartMs, r.sessionEndMs, r.events,
                    r.pageViews, r.purchased, r.funnelStep, 0);
            out.add(copy);
        }
        return out;
    }

    /**
     * Everything is final and no timer is left; each user keeps only its first day (the UTC day of
     * {@code firstTs}), which retention needs for good.
     */
    private static void assertOnlyFirstDaysLeft(KeyedOneInputStreamOperatorTestHarness<String, Event, CleanEvent> h,
                                                long firstTs, String... users) throws Exception {
        assertEquals(users.length, Harnesses.keyedEntries(h), "one state entry per user: its first day");
        for (String user : users) {
            SessionizeOperator op = (SessionizeOperator) h.getOperator();
            assertEquals(TimeBuckets.dayStart(firstTs), op.firstDayOf(user), user);
            assertEquals(null, op.stateOf(user), user + ": session, buffer and day are gone");
        }
        assertEquals(0, h.numEventTimeTimers(), "event-time timers left");
        assertEquals(0, h.numProcessingTimeTimers(), "processing-time timers left");
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void gapOfExactlyThirtyMinutesStartsANewSessionOneMsLessDoesNot(String backend) throws Exception {
        var h = harness(backend);
        long second = T + GAP - 1;    // 30 min - 1 ms later: same session
        long third = second + GAP;    // exactly 30 min later: new session
        h.processElement(ev("1", "u", "page_view", "/a", T), T);
        h.processElement(ev("2", "u", "click", "/a", second), second);
        h.processElement(ev("3", "u", "page_view", "/b", third), third);
        h.processWatermark(Long.MAX_VALUE);
        assertEquals(List.of(session("u", T, second, 2, 1, 0, 2), session("u", third, third, 1, 1, 0, 1)), finals(h));
        List<String> sessionIds = new ArrayList<>();
        for (CleanEvent c : h.extractOutputValues()) sessionIds.add(c.eventId + "=" + c.sessionId);
        assertEquals(List.of("1=u:" + T, "2=u:" + T, "3=u:" + third), sessionIds);
        assertOnlyFirstDaysLeft(h, T, "u");
        h.close();
    }

    @Test
    void bufferedEventAtThePreviousCloseTimeIsNotLost() throws Exception {
        var h = harness();
        // all buffered before the watermark moves; the close timer of "a" (T + GAP) is also the bucket of "c"
        h.processElement(ev("a", "u", "page_view", "", T), T);
        h.processElement(ev("c", "u", "page_view", "", T + GAP), T + GAP);
        h.processElement(ev("b", "u", "page_view", "", T + 1_000), T + 1_000);
        h.processWatermark(Long.MAX_VALUE);
        assertEquals(List.of(session("u", T, T + GAP, 3, 3, 0, 1)), finals(h));
        assertEquals(3, h.extractOutputValues().size());
        assertOnlyFirstDaysLeft(h, T, "u");
        h.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void aLongSessionKeepsOneCloseTimerNotOnePerEvent(String backend) throws Exception {
        var h = harness(backend);
        int n = 100;
        for (int i = 0; i < n; i++) {
            long ts = T + i * 60_000L;
            h.processElement(ev("e" + i, "u", "page_view", "", ts), ts);
            h.processWatermark(ts);   // each event is processed (leaves its buffer) before the next arrives
        }
        // two event-time timers: the lazily re-armed close check and the day's end
        assertEquals(2, h.numEventTimeTimers());
        long last = T + (n - 1) * 60_000L;
        h.processWatermark(last + GAP - 1);
        assertEquals(2, h.numEventTimeTimers(), "still open one ms before last + gap");
        h.processWatermark(last + GAP);
        assertEquals(List.of(session("u", T, last, n, n, 0, 1)), finals(h));
        h.processWatermark(Long.MAX_VALUE);   // the user's day ends too
        assertOnlyFirstDaysLeft(h, T, "u");
        h.close();
    }

    @Test
    void sessionClosesWhenWatermarkReachesLastEventPlusGap() throws Exception {
        var h = harness();
        h.processElement(ev("1", "u", "purchase", "", T), T);
        h.processWatermark(T + GAP - 1);
        assertEquals(1, side(h, SessionizeOperator.SESSIONS).size(), "open: its first value published at once");
        h.processWatermark(T + GAP);
        assertEquals(1, side(h, SessionizeOperator.SESSIONS).size(), "closed unchanged: the last value is final");
        assertEquals(List.of(session("u", T, T, 1, 0, 1, 0)), finals(h));
        h.processWatermark(Long.MAX_VALUE);   // the user's day ends too
        assertOnlyFirstDaysLeft(h, T, "u");
        h.close();
    }

    @Test
    void funnelWithEqualTimestampsInEveryArrivalOrder() throws Exception {
        String[][] orders = {
                {"page_view", "click", "purchase"}, {"page_view", "purchase", "click"}, {"click", "page_view", "purchase"},
                {"click", "purchase", "page_view"}, {"purchase", "page_view", "click"}, {"purchase", "click", "page_view"}};
        for (String[] order : orders) {
            var h = harness();
            int i = 0;
            for (String type : order) h.processElement(ev("e" + i++, "u", type, "", T), T);
            h.processWatermark(Long.MAX_VALUE);
            assertEquals(List.of(session("u", T, T, 3, 1, 1, 3)), finals(h), String.join(",", order));
            h.close();
        }
    }

    @Test
    void funnelRespectsEventTimeOrderNotArrivalOrder() throws Exception {
        var h = harness();
        h.processElement(ev("p", "u", "purchase", "", T + 2_000), T + 2_000);
        h.processElement(ev("c", "u", "click", "", T + 1_000), T + 1_000);
        h.processElement(ev("v", "u", "page_view", "/x", T), T);
        h.processElement(ev("c0", "u", "click", "", T - 1_000), T - 1_000); // before the view: does not help
        h.processWatermark(Long.MAX_VALUE);
        assertEquals(List.of(session("u", T - 1_000, T + 2_000, 4, 1, 1, 3)), finals(h));
        List<Long> order = new ArrayList<>();
        for (StreamRecord<? extends CleanEvent> r : h.extractOutputStreamRecords()) {
            order.add(r.getValue().tsMs);
            assertEquals(r.getValue().tsMs, r.getTimestamp());
        }
        assertEquals(List.of(T - 1_000, T, T + 1_000, T + 2_000), order);

        var h2 = harness();
        h2.processElement(ev("v", "u", "page_view", "", T), T);
        h2.processElement(ev("p", "u", "purchase", "", T + 1), T + 1);
        h2.processElement(ev("c", "u", "click", "", T + 2), T + 2);
        h2.processWatermark(Long.MAX_VALUE);
        assertEquals(2, finals(h2).get(0).funnelStep);
    }

    @Test
    void provisionalSessionsAreReplacedNotAdded() throws Exception {
        var h = harness();
        h.setProcessingTime(1_000);
        h.processElement(ev("1", "u", "page_view", "/a", T), T);
        h.processWatermark(T);
        assertEquals(1, side(h, SessionizeOperator.SESSIONS).size(), "a new session is published at once");
        h.setProcessingTime(3_000);
        h.processElement(ev("2", "u", "page_view", "/a", T + 1_000), T + 1_000);
        h.processElement(ev("3", "u", "click", "/a", T + 2_000), T + 2_000);
        h.processWatermark(T + 2_000);
        assertEquals(2, side(h, SessionizeOperator.SESSIONS).size(), "quiet for 2 s: at once again");
        h.setProcessingTime(4_999);
        assertEquals(2, side(h, SessionizeOperator.SESSIONS).size(), "within 2 s of the last: waits");
        h.setProcessingTime(5_000);
        assertEquals(3, side(h, SessionizeOperator.SESSIONS).size(), "at the end of the interval");
        h.setProcessingTime(9_000); // no change: no emission
        h.processWatermark(T + 2_000 + GAP);
        List<SessionRecord> out = side(h, SessionizeOperator.SESSIONS);
        assertEquals(3, out.size());
        assertEquals(1, out.get(0).events);
        assertEquals(2, out.get(1).events);
        assertEquals(3, out.get(2).events, "a total, not a delta");
        assertEquals(2, out.get(2).pageViews);
        assertEquals(2, out.get(2).funnelStep);
        assertEquals(List.of(1L, 2L, 3L), out.stream().map(r -> r.version).toList(), "versions: the events counted");
        assertEquals(out.get(0).sessionId, out.get(2).sessionId);
        h.processWatermark(Long.MAX_VALUE);   // the user's day ends too
        assertOnlyFirstDaysLeft(h, T, "u");
        h.close();
    }

    @Test
    void waitingProvisionalSessionsShareOneTimerPerBucketNotOneEach() throws Exception {
        var h = harness();
        h.setProcessingTime(1_000);
        for (int u = 0; u < 50; u++) {
            h.processElement(ev("a" + u, "u" + u, "page_view", "", T), T);
        }
        h.processWatermark(T);                       // 50 new sessions: each published at once
        h.setProcessingTime(1_500);
        for (int u = 0; u < 50; u++) {
            h.processElement(ev("b" + u, "u" + u, "click", "", T + 1), T + 1);
        }
        h.processWatermark(T + 1);                   // changed within 2 s: all wait until 3 000
        assertEquals(0, h.numProcessingTimeTimers(), "no keyed processing-time timer per session");
        assertEquals(1, h.getProcessingTimeService().getNumActiveTimers(), "one timer for the bucket");
        assertEquals(50, side(h, SessionizeOperator.SESSIONS).size());
        h.setProcessingTime(2_999);
        assertEquals(50, side(h, SessionizeOperator.SESSIONS).size(), "not before the bucket starts");
        h.setProcessingTime(3_000);
        List<SessionRecord> out = side(h, SessionizeOperator.SESSIONS);
        assertEquals(100, out.size());
        for (SessionRecord r : out.subList(50, 100)) {
            assertEquals(2, r.events, "the current total");
            assertEquals(2, r.version);
        }
        h.processWatermark(Long.MAX_VALUE);
        assertEquals(100, side(h, SessionizeOperator.SESSIONS).size(), "published already: no final repeat");
        assertOnlyFirstDaysLeft(h, T, java.util.stream.IntStream.range(0, 50).mapToObj(u -> "u" + u).toArray(String[]::new));
        h.close();
    }

    /**
     * User u's events at ts (published at once) and ts + 1 (its session and day then wait for the
     * provisional publication due at 3 000), snapshotted at 1 500 and restored into a new operator, whose
     * processing time is then 3 000.
     */
    private static KeyedOneInputStreamOperatorTestHarness<String, Event, CleanEvent> restoredWithAWaitingPublication(
            long ts) throws Exception {
        var h = harness();
        h.setProcessingTime(1_000);
        h.processElement(ev("a", "u", "page_view", "", ts), ts);
        h.processWatermark(ts);                      // published at once
        h.setProcessingTime(1_500);
        h.processElement(ev("b", "u", "click", "", ts + 1), ts + 1);
        h.processWatermark(ts + 1);                  // waits until 3 000
        OperatorSubtaskState snapshot = h.snapshot(1, 1_500);
        h.close();

        var restored = new KeyedOneInputStreamOperatorTestHarness<String, Event, CleanEvent>(
                new SessionizeOperator(GAP, STEPS, 2_000), e -> e.userId, Types.STRING);
        restored.setProcessingTime(1_600);
        restored.initializeState(snapshot);
        restored.open();
        restored.setProcessingTime(3_000);
        return restored;
    }

    @Test
    void aWaitingProvisionalSessionIsPublishedAfterARestore() throws Exception {
        var restored = restoredWithAWaitingPublication(T);
        List<SessionRecord> out = side(restored, SessionizeOperator.SESSIONS);
        assertEquals(1, out.size(), "the queue is rebuilt from the sessions' state");
        assertEquals(2, out.get(0).events);
        assertEquals(2, out.get(0).version);
        restored.close();
    }

    @Test
    void oneDrainWakeUpPerUserNotOnePerBufferedTimestamp() throws Exception {
        var op = new SessionizeOperator(GAP, STEPS, 2_000);
        var h = new KeyedOneInputStreamOperatorTestHarness<String, Event, CleanEvent>(op, e -> e.userId, Types.STRING);
        h.open();
        for (int i = 0; i < 10; i++) {
            long ts = T + i * 1_000L;
            h.processElement(ev("e" + i, "u", "page_view", "", ts), ts);
        }
        h.processElement(ev("x", "v", "click", "", T + 500), T + 500);
        assertEquals(2, op.drainQueueSize(), "one per user: at its earliest buffered event");
        assertEquals(0, h.numEventTimeTimers(), "in the drain queue, not in Flink's timer heap");
        h.processWatermark(T + 9_000);   // one firing drains all ten, in ts order, each with its own timestamp
        List<String> order = new ArrayList<>();
        for (StreamRecord<? extends CleanEvent> r : h.extractOutputStreamRecords()) {
            if (r.getValue().userId.equals("u")) order.add(r.getValue().eventId);   // order holds per user
            assertEquals(r.getValue().tsMs, r.getTimestamp());
        }
        assertEquals(List.of("e0", "e1", "e2", "e3", "e4", "e5", "e6", "e7", "e8", "e9"), order);
        assertEquals(11, h.extractOutputValues().size());
        assertEquals(4, h.numEventTimeTimers(), "then the close check and the day end of each user");
        h.processWatermark(Long.MAX_VALUE);
        assertEquals(java.util.Set.of(session("u", T, T + 9_000, 10, 10, 0, 1), session("v", T + 500, T + 500, 1, 0, 0, 0)),
                new java.util.HashSet<>(finals(h)));
        assertOnlyFirstDaysLeft(h, T, "u", "v");
        h.close();
    }

    @Test
    void closeChecksAndDayEndsAreFlinkTimersNotDrainQueueEntries() throws Exception {
        var op = new SessionizeOperator(GAP, STEPS, 2_000);
        var h = new KeyedOneInputStreamOperatorTestHarness<String, Event, CleanEvent>(op, e -> e.userId, Types.STRING);
        h.open();
        for (int u = 0; u < 5; u++) {
            h.processElement(ev("e" + u, "u" + u, "page_view", "", T + u), T + u);
        }
        h.processWatermark(T + 10);   // five open sessions, nothing buffered
        assertEquals(0, op.drainQueueSize(), "the drain queue holds buffered events only: nothing per user on the heap");
        assertEquals(10, h.numEventTimeTimers(), "a close check per open session and an end per open day");
        h.close();
    }

    @Test
    void anEarlierEventArrivingLaterIsDrainedAtItsOwnTime() throws Exception {
        var h = harness();
        h.processElement(ev("late-ts", "u", "page_view", "", T + 5_000), T + 5_000);
        h.processElement(ev("early-ts", "u", "click", "", T + 1_000), T + 1_000);   // before the pending drain
        h.processWatermark(T + 2_000);
        assertEquals(List.of("early-ts"), h.extractOutputValues().stream().map(c -> c.eventId).toList(),
                "drained once the watermark passed it, the later event still buffered");
        h.processWatermark(T + 4_999);
        assertEquals(1, h.extractOutputValues().size());
        h.processWatermark(T + 5_000);
        assertEquals(2, h.extractOutputValues().size());
        h.processWatermark(Long.MAX_VALUE);
        assertEquals(List.of(session("u", T + 1_000, T + 5_000, 2, 1, 0, 1)), finals(h));
        assertOnlyFirstDaysLeft(h, T + 1_000, "u");
        h.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void bufferedEventsAndOpenSessionSurviveARestore(String backend) throws Exception {
        var h = harness(backend);
        h.processElement(ev("a", "u", "page_view", "", T), T);
        h.processWatermark(T);                                      // "a" processed: an open session
        h.processElement(ev("c", "u", "purchase", "", T + 2_000), T + 2_000);
        h.processElement(ev("b", "u", "click", "", T + 1_000), T + 1_000);   // both buffered
        OperatorSubtaskState snapshot = h.snapshot(1, 1);
        h.close();

        var restored = unopened(backend);
        restored.initializeState(snapshot);
        restored.open();
        restored.processWatermark(Long.MAX_VALUE);
        List<String> order = new ArrayList<>();
        for (CleanEvent c : restored.extractOutputValues()) order.add(c.eventId + "=" + c.sessionId);
        assertEquals(List.of("b=u:" + T, "c=u:" + T), order);
        assertEquals(List.of(session("u", T, T + 2_000, 3, 1, 1, 3)), finals(restored));
        assertOnlyFirstDaysLeft(restored, T, "u");
        restored.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void firstDayIsFinalUnderOutOfOrderInputWithinTheBound(String backend) throws Exception {
        long day2 = TimeBuckets.dayStart(T) + TimeBuckets.DAY_MS;
        var h = harness(backend);
        h.setProcessingTime(100);
        h.processElement(ev("b", "u", "click", "", day2 + 1_000), day2 + 1_000);
        h.processElement(ev("a", "u", "page_view", "", day2 - 2_000), day2 - 2_000); // previous day, 3 s earlier
        h.processElement(ev("c", "u", "click", "", day2 + 2_000), day2 + 2_000);
        h.processWatermark(Long.MAX_VALUE);
        long day1 = day2 - TimeBuckets.DAY_MS;
        assertEquals(List.of(new UserDayRecord("u", day1, day1, 1, 1 << 16),
                new UserDayRecord("u", day2, day1, 1, (1 << 16) | 1),
                new UserDayRecord("u", day2, day1, 2, (2 << 16) | 1)), side(h, SessionizeOperator.USER_DAYS));
        assertOnlyFirstDaysLeft(h, day1, "u");
        h.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void theFirstDayOutlivesTheSessionAndTheDay(String backend) throws Exception {
        long day = TimeBuckets.dayStart(T);
        long later = T + 3 * TimeBuckets.DAY_MS;
        var h = harness(backend);
        h.processElement(ev("1", "u", "click", "", T), T);
        h.processWatermark(T);
        assertEquals(2, Harnesses.keyedEntries(h),
                "session and day in one state entry (one lookup per event), the first day in its own");
        h.processWatermark(later - GAP - 1);   // session closed, day final
        h.processElement(ev("2", "u", "click", "", later), later);
        h.processWatermark(Long.MAX_VALUE);
        List<UserDayRecord> out = side(h, SessionizeOperator.USER_DAYS);
        assertEquals(2, out.size());
        assertEquals(new UserDayRecord("u", TimeBuckets.dayStart(later), day, 1, (1 << 16) | 3), out.get(1),
                "the first day is still known three days later");
        assertOnlyFirstDaysLeft(h, T, "u");
        h.close();
    }

    @Test
    void userDaysProvisionalThenFinalAtDayEnd() throws Exception {
        long day = TimeBuckets.dayStart(T);
        var h = harness();
        h.setProcessingTime(10_000);
        h.processElement(ev("1", "u", "click", "", T), T);
        h.processWatermark(T);                                // published at once
        h.setProcessingTime(11_000);
        h.processElement(ev("2", "u", "click", "", T + 1), T + 1);
        h.processWatermark(T + 1);                            // day and session wait until 12 000
        assertEquals(0, h.numProcessingTimeTimers(), "no keyed processing-time timer");
        assertEquals(1, ((SessionizeOperator) h.getOperator()).provisionalQueueSize(),
                "one queue entry for the user's session and day");
        h.processWatermark(day + TimeBuckets.DAY_MS - 1);     // the day ends first: its final value
        assertEquals(List.of(new UserDayRecord("u", day, day, 1, 1 << 16), new UserDayRecord("u", day, day, 2, 2 << 16)),
                side(h, SessionizeOperator.USER_DAYS));
        h.setProcessingTime(12_000);
        assertEquals(2, side(h, SessionizeOperator.USER_DAYS).size(), "a final day publishes nothing more");
        assertEquals(2, side(h, SessionizeOperator.SESSIONS).size(), "the session closed at the same watermark: its final value, once");
        h.close();
    }

    @Test
    void theNextDayMakesADirtyDayFinal() throws Exception {
        long day1 = TimeBuckets.dayStart(T);
        long day2 = day1 + TimeBuckets.DAY_MS;
        var h = harness();
        h.setProcessingTime(1_000);
        h.processElement(ev("1", "u", "click", "", T), T);
        h.processElement(ev("2", "u", "click", "", T + 1), T + 1);        // waits until 3 000
        h.processElement(ev("3", "u", "click", "", day2 + 5), day2 + 5);  // ends day 1
        h.processWatermark(day2 + 5);
        assertEquals(List.of(new UserDayRecord("u", day1, day1, 1, 1 << 16), new UserDayRecord("u", day1, day1, 2, 2 << 16),
                new UserDayRecord("u", day2, day1, 1, (1 << 16) | 1)), side(h, SessionizeOperator.USER_DAYS));
        h.setProcessingTime(3_000);
        assertEquals(3, side(h, SessionizeOperator.USER_DAYS).size(), "day 1's queue entry finds it final");
        h.close();
    }

    @Test
    void aWaitingDayAndItsEndSurviveARestore() throws Exception {
        long last = TimeBuckets.dayStart(T) + TimeBuckets.DAY_MS - 1;
        long t0 = last - 10_000;   // the session closes after the day ends: only the day's end wakes the user
        var restored = restoredWithAWaitingPublication(t0);
        List<UserDayRecord> out = side(restored, SessionizeOperator.USER_DAYS);
        assertEquals(1, out.size(), "the provisional queue is rebuilt from the days' state");
        assertEquals(2, out.get(0).events);
        assertEquals(2 << 16, out.get(0).version);
        restored.setProcessingTime(3_500);
        restored.processElement(ev("c", "u", "click", "", t0 + 2), t0 + 2);
        restored.processWatermark(t0 + 2);           // waits until 5 000
        restored.processWatermark(last);             // the day's end, queued again after the restore
        out = side(restored, SessionizeOperator.USER_DAYS);
        assertEquals(2, out.size());
        assertEquals(new UserDayRecord("u", TimeBuckets.dayStart(t0), TimeBuckets.dayStart(t0), 3, 3 << 16), out.get(1));
        assertEquals(null, ((SessionizeOperator) restored.getOperator()).stateOf("u").day);
        restored.close();
    }
}
