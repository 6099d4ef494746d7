package io.github.pipeline.analytics.model;

import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Serializer of the keys of the largest keyed states (event ids of the de-duplication, user ids of the
 * sessionizer): a heap-backend checkpoint writes every key of every entry, and Flink's {@code StringSerializer}
 * writes a string one character at a time, each a chain of virtual calls down to the checkpoint stream.
 * In the catch-up profile that was the largest part of the checkpoint threads (the de-duplication holds
 * every id of the last TTL). Here a string is its UTF-8 bytes behind their length, written in one call.
 *
 * <p>UTF-8 cannot carry a lone UTF-16 surrogate (Java would write '?'), and Jackson reads one from a
 * {@code \}{@code uD800} escape in a raw event; a key changed by a restore would miss its state. So a
 * string with any surrogate is written as its UTF-16 chars instead (two bytes each), behind its negated
 * char count minus one. Event and user ids are almost always ASCII, so the check is one pass over a few
 * dozen chars. Not null-safe: keys are never null.
 */
public final class Utf8StringSerializer extends TypeSerializerSingleton<String> {
    private static final long serialVersionUID = 1L;
    public static final Utf8StringSerializer INSTANCE = new Utf8StringSerializer();

    @Override
    public boolean isImmutableType() {
        return true;
    }

    @Override
    public String createInstance() {
        return "";
    }

    @Override
    public String copy(String from) {
        return from;
    }

    @Override
    public String copy(String from, String reuse) {
        return from;
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(String s, DataOutputView out) throws IOException {
        if (hasSurrogate(s)) {
            out.writeInt(-s.length() - 1);
            out.write(charsOf(s));
            return;
        }
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    @Override
    public String deserialize(DataInputView in) throws IOException {
        int header = in.readInt();
        byte[] bytes = new byte[byteCount(header)];
        in.readFully(bytes);
        return header >= 0 ? new String(bytes, StandardCharsets.UTF_8) : stringOf(bytes);
    }

    /** The chars as big-endian pairs of bytes, by hand: Java's UTF-16 encoder too replaces a lone surrogate. */
    private static byte[] charsOf(String s) {
        byte[] bytes = new byte[2 * s.length()];
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            bytes[2 * i] = (byte) (c >>> 8);
            bytes[2 * i + 1] = (byte) c;
        }
        return bytes;
    }

    private static String stringOf(byte[] bytes) {
        char[] chars = new char[bytes.length / 2];
        for (int i = 0; i < chars.length; i++) {
            chars[i] = (char) (((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff));
        }
        return new String(chars);
    }

    private static boolean hasSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isSurrogate(s.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    /** The bytes that follow a length header: UTF-8 bytes, or two per UTF-16 char. */
    private static int byteCount(int header) {
        return header >= 0 ? header : 2 * (-header - 1);
    }

    @Override
    public String deserialize(String reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        int header = in.readInt();
        out.writeInt(header);
        out.write(in, byteCount(header));
    }

    @Override
    public TypeSerializerSnapshot<String> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Restores the serializer of state written with it. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<String> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
