package io.github.pipeline.analytics.model;

import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;

import java.lang.reflect.Type;
import java.util.Map;

/**
 * Flink type information of {@link Event} (attached with {@code @TypeInfo}), so that wherever the job or
 * its state holds an Event (streams, {@code List<Event>} inside state POJOs) Flink uses
 * {@link EventSerializer} instead of its POJO serializer.
 */
public final class EventTypeInfo extends SingleSerializerTypeInfo<Event> {
    private static final long serialVersionUID = 1L;

    public EventTypeInfo() {
        super(Event.class, EventSerializer.INSTANCE, false, "Event");
    }

    /** Named in {@link Event}'s {@code @TypeInfo} annotation. */
    public static final class Factory extends TypeInfoFactory<Event> {
        @Override
        public TypeInformation<Event> createTypeInfo(Type t, Map<String, TypeInformation<?>> genericParameters) {
            return new EventTypeInfo();
        }
    }
}
