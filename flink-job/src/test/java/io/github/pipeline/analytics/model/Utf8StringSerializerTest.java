package io.github.pipeline.analytics.model;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Utf8StringSerializerTest {
    private static final Utf8StringSerializer S = Utf8StringSerializer.INSTANCE;

    /** Serializes the values one after another, checks that they read back equal, and returns the bytes. */
    private static byte[] roundTrip(String... values) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(16);
        for (String v : values) S.serialize(v, out);
        byte[] bytes = out.getCopyOfBuffer();
        DataInputDeserializer in = new DataInputDeserializer(bytes);
        for (String v : values) assertEquals(v, S.deserialize(in));
        assertEquals(0, in.available());
        return bytes;
    }

    @Test
    void stringsRoundTripAsTheirUtf8BytesBehindTheLength() throws Exception {
        byte[] bytes = roundTrip("", "e-1", "9f1c7a52-3b1e-4c1a-9d8e-2f6b7c8d9e0a", "é€😀", "a\u0000b");

        // the layout: length, then the bytes in one piece (what makes a checkpoint write a key in one call)
        DataInputDeserializer layout = new DataInputDeserializer(bytes);
        assertEquals(0, layout.readInt());
        assertEquals(3, layout.readInt());
        byte[] id = new byte[3];
        layout.readFully(id);
        assertEquals("e-1", new String(id, StandardCharsets.UTF_8));

        DataOutputSerializer copied = new DataOutputSerializer(16);
        S.copy(new DataInputDeserializer(bytes), copied);
        assertEquals("", S.deserialize(new DataInputDeserializer(copied.getCopyOfBuffer())));
    }

    @Test
    void stringsWithSurrogatesPairedOrLoneRoundTripExactly() throws Exception {
        // Jackson reads a backslash-uD800 escape into a lone surrogate, which UTF-8 would turn into '?':
        // after a restore the key would no longer find its state.
        String[] values = {"id-\ud800", "\udfff", "pair-\ud83d\ude00", "plain"};
        byte[] bytes = roundTrip(values);

        // (DataOutputSerializer does not grow for write(DataInputView, n): room for all of them)
        DataOutputSerializer copied = new DataOutputSerializer(256);
        DataInputDeserializer source = new DataInputDeserializer(bytes);
        for (int i = 0; i < values.length; i++) S.copy(source, copied);
        DataInputDeserializer again = new DataInputDeserializer(copied.getCopyOfBuffer());
        for (String v : values) assertEquals(v, S.deserialize(again));
    }

    @Test
    void theKeyTypeCreatesItAndItsSnapshotRestoresIt() {
        assertTrue(Utf8StringTypeInfo.INSTANCE.isKeyType());
        assertInstanceOf(Utf8StringSerializer.class, Utf8StringTypeInfo.INSTANCE.createSerializer(new SerializerConfigImpl()));
        TypeSerializerSnapshot<String> snapshot = S.snapshotConfiguration();
        assertEquals(S, snapshot.restoreSerializer());
        assertTrue(S.snapshotConfiguration().resolveSchemaCompatibility(snapshot).isCompatibleAsIs());
        // a checkpoint keyed with Flink's StringSerializer is not silently read with this one
        assertTrue(StringSerializer.INSTANCE.snapshotConfiguration()
                .resolveSchemaCompatibility(snapshot).isIncompatible());
    }
}
