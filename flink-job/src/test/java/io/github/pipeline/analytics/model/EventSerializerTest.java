package io.github.pipeline.analytics.model;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;


import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventSerializerTest {
    private static <T> T roundTrip(TypeSerializer<T> serializer, T value) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(value, out);
        serializer.serialize(value, out);   // two in a row: each reads exactly its own bytes
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        T first = serializer.deserialize(in);
        serializer.deserialize(in);
        assertEquals(0, in.available());
        return first;
    }

    @Test
    void everyFieldSurvivesIncludingNullsEmptyAndNonAscii() throws Exception {
        Event plain = new Event("e-1", "u-1", "page_view", "/p/1", 1_511_544_070_123L, "s-1");
        Event odd = new Event("é€😀", "", "click", null, -5L, null);
        assertEquals(plain, roundTrip(EventSerializer.INSTANCE, plain));
        Event back = roundTrip(EventSerializer.INSTANCE, odd);
        assertEquals(odd, back);
        assertEquals("", back.page, "absent page is \"\", as the constructor makes it");
        Event copy = EventSerializer.INSTANCE.copy(plain);
        assertNotSame(plain, copy);
        assertEquals(plain, copy);
    }

    @Test
    void flinkUsesItForEvents() {
        TypeInformation<Event> info = TypeInformation.of(Event.class);
        assertInstanceOf(EventTypeInfo.class, info);
        assertInstanceOf(EventSerializer.class, info.createSerializer(new SerializerConfigImpl()));
    }

    @Test
    void itsSnapshotRestoresItAsCompatible() {
        TypeSerializerSnapshot<Event> snapshot = EventSerializer.INSTANCE.snapshotConfiguration();
        assertEquals(EventSerializer.INSTANCE, snapshot.restoreSerializer());
        assertTrue(EventSerializer.INSTANCE.snapshotConfiguration()
                .resolveSchemaCompatibility(snapshot).isCompatibleAsIs());
    }
}
