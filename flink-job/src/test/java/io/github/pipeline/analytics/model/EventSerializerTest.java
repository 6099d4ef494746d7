package io.github.pipeline.analytics.model;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventSerializerTest {
    @Test
    void everyFieldSurvivesIncludingNullsEmptyAndNonAscii() throws Exception {
        Event plain = new Event("e-1", "u-1", "page_view", "/p/1", 1_511_544_070_123L, "s-1");
        Event odd = new Event("é€😀", "", "click", null, -5L, null);
        assertEquals(plain, SerializerRoundTrip.twice(EventSerializer.INSTANCE, plain));
        Event back = SerializerRoundTrip.twice(EventSerializer.INSTANCE, odd);
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
