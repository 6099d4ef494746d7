package io.github.pipeline.analytics.model;

import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Flink serializer of {@link Event}: every keyBy ships each event through it (de-duplication, sessions,
 * unique users, conversion) and the sessionizer's buffered events are stored with it.
 *
 * <p>Why not Flink's POJO serializer: that one reads and writes each field by reflection and each string
 * one character at a time (a virtual call per byte); in the catch-up profile this was about 7 % of the
 * job's Java samples. Here each string is its UTF-8 bytes behind a length (-1 = null), written and read
 * in one call; for the ASCII ids and names of real events the JDK's conversions are a plain copy.
 */
public final class EventSerializer extends TypeSerializerSingleton<Event> {
    private static final long serialVersionUID = 1L;
    public static final EventSerializer INSTANCE = new EventSerializer();

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public Event createInstance() {
        return new Event();
    }

    @Override
    public Event copy(Event from) {
        Event e = new Event();
        copyFields(from, e);
        return e;
    }

    @Override
    public Event copy(Event from, Event reuse) {
        copyFields(from, reuse);
        return reuse;
    }

    private static void copyFields(Event from, Event to) {
        to.eventId = from.eventId;   // strings are immutable: sharing them is a copy
        to.userId = from.userId;
        to.type = from.type;
        to.page = from.page;
        to.ts = from.ts;
        to.clientSessionId = from.clientSessionId;
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(Event e, DataOutputView out) throws IOException {
        writeString(e.eventId, out);
        writeString(e.userId, out);
        writeString(e.type, out);
        writeString(e.page, out);
        out.writeLong(e.ts);
        writeString(e.clientSessionId, out);
    }

    @Override
    public Event deserialize(DataInputView in) throws IOException {
        return deserialize(new Event(), in);
    }

    @Override
    public Event deserialize(Event reuse, DataInputView in) throws IOException {
        reuse.eventId = readString(in);
        reuse.userId = readString(in);
        reuse.type = readString(in);
        reuse.page = readString(in);
        reuse.ts = in.readLong();
        reuse.clientSessionId = readString(in);
        return reuse;
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    private static void writeString(String s, DataOutputView out) throws IOException {
        if (s == null) {
            out.writeInt(-1);
            return;
        }
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static String readString(DataInputView in) throws IOException {
        int length = in.readInt();
        if (length < 0) {
            return null;
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public TypeSerializerSnapshot<Event> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Restores the serializer of state written with it (the sessionizer's buffered events). */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<Event> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
