package io.github.pipeline.analytics.model;

import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Round trips through a serializer, for the tests of the job's own serializers. */
public final class SerializerRoundTrip {
    private SerializerRoundTrip() {}

    /** Writes the value twice in a row and reads both back: each read must take exactly its own bytes. */
    public static <T> T twice(TypeSerializer<T> serializer, T value) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(value, out);
        serializer.serialize(value, out);
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        T first = serializer.deserialize(in);
        serializer.deserialize(in);
        assertEquals(0, in.available());
        return first;
    }
}
