package io.github.pipeline.analytics.functions;

import io.github.pipeline.analytics.model.Event;
import io.github.pipeline.analytics.model.EventSerializer;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Flink serializer of {@link UserSessionState}, the sessionizer's state per user. On RocksDB every access
 * reads and every update writes the whole object, a few times per event; Flink's POJO serializer did that
 * by reflection, field by field with a null flag each, nested POJOs and a generic list serializer around
 * the buffered events, which was a fifth of the sessions thread's Java samples in the catch-up profile.
 *
 * <p>Layout: one byte saying which of session, buffer and day are present, the drain timer, then each
 * present part's fields in declaration order (the buffer as a count and its events, {@link EventSerializer}).
 */
public final class UserSessionStateSerializer extends TypeSerializerSingleton<UserSessionState> {
    private static final long serialVersionUID = 1L;
    public static final UserSessionStateSerializer INSTANCE = new UserSessionStateSerializer();
    private static final int SESSION = 1, BUFFER = 2, DAY = 4;

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public UserSessionState createInstance() {
        return new UserSessionState();
    }

    @Override
    public UserSessionState copy(UserSessionState from) {
        UserSessionState u = new UserSessionState();
        u.drainTimer = from.drainTimer;
        if (from.session != null) {
            SessionState s = from.session, c = new SessionState();
            c.start = s.start;
            c.end = s.end;
            c.events = s.events;
            c.pageViews = s.pageViews;
            c.purchased = s.purchased;
            c.funnelStep = s.funnelStep;
            c.dirty = s.dirty;
            c.timer = s.timer;
            c.quietUntil = s.quietUntil;
            c.closeTimer = s.closeTimer;
            u.session = c;
        }
        if (from.buffer != null) {
            u.buffer = new ArrayList<>(from.buffer.size());
            for (Event e : from.buffer) {
                u.buffer.add(EventSerializer.INSTANCE.copy(e));
            }
        }
        if (from.day != null) {
            DayState d = from.day, c = new DayState();
            c.day = d.day;
            c.firstDay = d.firstDay;
            c.events = d.events;
            c.dirty = d.dirty;
            c.timer = d.timer;
            c.quietUntil = d.quietUntil;
            u.day = c;
        }
        return u;
    }

    @Override
    public UserSessionState copy(UserSessionState from, UserSessionState reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(UserSessionState u, DataOutputView out) throws IOException {
        out.writeByte((u.session != null ? SESSION : 0) | (u.buffer != null ? BUFFER : 0) | (u.day != null ? DAY : 0));
        out.writeLong(u.drainTimer);
        if (u.session != null) {
            SessionState s = u.session;
            out.writeLong(s.start);
            out.writeLong(s.end);
            out.writeLong(s.events);
            out.writeLong(s.pageViews);
            out.writeBoolean(s.purchased);
            out.writeInt(s.funnelStep);
            out.writeBoolean(s.dirty);
            out.writeLong(s.timer);
            out.writeLong(s.quietUntil);
            out.writeLong(s.closeTimer);
        }
        if (u.buffer != null) {
            out.writeInt(u.buffer.size());
            for (Event e : u.buffer) {
                EventSerializer.INSTANCE.serialize(e, out);
            }
        }
        if (u.day != null) {
            DayState d = u.day;
            out.writeLong(d.day);
            out.writeLong(d.firstDay);
            out.writeLong(d.events);
            out.writeBoolean(d.dirty);
            out.writeLong(d.timer);
            out.writeLong(d.quietUntil);
        }
    }

    @Override
    public UserSessionState deserialize(DataInputView in) throws IOException {
        UserSessionState u = new UserSessionState();
        int present = in.readByte();
        u.drainTimer = in.readLong();
        if ((present & SESSION) != 0) {
            SessionState s = new SessionState();
            s.start = in.readLong();
            s.end = in.readLong();
            s.events = in.readLong();
            s.pageViews = in.readLong();
            s.purchased = in.readBoolean();
            s.funnelStep = in.readInt();
            s.dirty = in.readBoolean();
            s.timer = in.readLong();
            s.quietUntil = in.readLong();
            s.closeTimer = in.readLong();
            u.session = s;
        }
        if ((present & BUFFER) != 0) {
            int n = in.readInt();
            List<Event> buffer = new ArrayList<>(Math.max(n, 2));
            for (int i = 0; i < n; i++) {
                buffer.add(EventSerializer.INSTANCE.deserialize(in));
            }
            u.buffer = buffer;
        }
        if ((present & DAY) != 0) {
            DayState d = new DayState();
            d.day = in.readLong();
            d.firstDay = in.readLong();
            d.events = in.readLong();
            d.dirty = in.readBoolean();
            d.timer = in.readLong();
            d.quietUntil = in.readLong();
            u.day = d;
        }
        return u;
    }

    @Override
    public UserSessionState deserialize(UserSessionState reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    @Override
    public TypeSerializerSnapshot<UserSessionState> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Restores the serializer of state written with it. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<UserSessionState> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
