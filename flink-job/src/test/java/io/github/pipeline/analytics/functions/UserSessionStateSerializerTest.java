package io.github.pipeline.analytics.functions;

import io.github.pipeline.analytics.model.Event;
import io.github.pipeline.analytics.model.SerializerRoundTrip;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UserSessionStateSerializerTest {
    private static final UserSessionStateSerializer S = UserSessionStateSerializer.INSTANCE;

    private static UserSessionState roundTrip(UserSessionState value) throws Exception {
        return SerializerRoundTrip.twice(S, value);
    }

    /** Every field with a value of its own, so a field written or read in the wrong place shows. */
    private static UserSessionState full() {
        UserSessionState u = new UserSessionState();
        u.drainTimer = 11;
        SessionState s = new SessionState();
        s.start = 21; s.end = 22; s.events = 23; s.pageViews = 24; s.purchased = true; s.funnelStep = 25;
        s.dirty = true; s.timer = 27; s.quietUntil = 28; s.closeTimer = 29;
        u.session = s;
        u.buffer = new ArrayList<>(List.of(new Event("e-1", "u", "click", "/é", 31, null),
                new Event("e-2", "u", "page_view", "", 32, "s-9")));
        DayState d = new DayState();
        d.day = 41; d.firstDay = 42; d.events = 43; d.dirty = true; d.timer = 45; d.quietUntil = 46;
        u.day = d;
        return u;
    }

    private static String fields(UserSessionState u) {
        StringBuilder b = new StringBuilder("drain=" + u.drainTimer);
        if (u.session != null) {
            SessionState s = u.session;
            b.append(" session=").append(List.of(s.start, s.end, s.events, s.pageViews, s.purchased, s.funnelStep,
                    s.dirty, s.timer, s.quietUntil, s.closeTimer));
        }
        if (u.buffer != null) b.append(" buffer=").append(u.buffer);
        if (u.day != null) {
            DayState d = u.day;
            b.append(" day=").append(List.of(d.day, d.firstDay, d.events, d.dirty, d.timer, d.quietUntil));
        }
        return b.toString();
    }

    @Test
    void everyFieldSurvivesAndAbsentPartsStayAbsent() throws Exception {
        UserSessionState u = full();
        assertEquals(fields(u), fields(roundTrip(u)));
        u.session = null;
        u.day = null;
        UserSessionState back = roundTrip(u);
        assertEquals(fields(u), fields(back));
        assertNull(back.session);
        assertNull(back.day);
        u.buffer = null;
        u.day = full().day;
        back = roundTrip(u);
        assertNull(back.buffer);
        assertEquals(fields(u), fields(back));
    }

    @Test
    void aCopySharesNothingMutable() {
        UserSessionState u = full();
        UserSessionState c = S.copy(u);
        assertEquals(fields(u), fields(c));
        assertNotSame(u.session, c.session);
        assertNotSame(u.day, c.day);
        assertNotSame(u.buffer, c.buffer);
        assertNotSame(u.buffer.get(0), c.buffer.get(0));
    }

    @Test
    void itsSnapshotRestoresItAsCompatible() {
        TypeSerializerSnapshot<UserSessionState> snapshot = S.snapshotConfiguration();
        assertEquals(S, snapshot.restoreSerializer());
        assertTrue(S.snapshotConfiguration().resolveSchemaCompatibility(snapshot).isCompatibleAsIs());
    }
}
