package io.github.pipeline.analytics.model;

import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/**
 * Type information that stands for one serializer of the job's own, for a type Flink would otherwise
 * serialize slowly ({@link EventTypeInfo}, {@link Utf8StringTypeInfo}). A leaf type: one field, no tuple.
 * Two instances are equal when they are of the same class, which is what Flink compares when it checks
 * that a restored state's type has not changed.
 */
public abstract class SingleSerializerTypeInfo<T> extends TypeInformation<T> {
    private static final long serialVersionUID = 1L;
    private final Class<T> type;
    private final TypeSerializer<T> serializer;
    private final boolean keyType;
    private final String name;

    protected SingleSerializerTypeInfo(Class<T> type, TypeSerializer<T> serializer, boolean keyType, String name) {
        this.type = type;
        this.serializer = serializer;
        this.keyType = keyType;
        this.name = name;
    }

    @Override
    public boolean isBasicType() {
        return false;
    }

    @Override
    public boolean isTupleType() {
        return false;
    }

    @Override
    public int getArity() {
        return 1;
    }

    @Override
    public int getTotalFields() {
        return 1;
    }

    @Override
    public Class<T> getTypeClass() {
        return type;
    }

    @Override
    public boolean isKeyType() {
        return keyType;
    }

    @Override
    public TypeSerializer<T> createSerializer(SerializerConfig config) {
        return serializer;
    }

    @Override
    public String toString() {
        return name;
    }

    @Override
    public boolean equals(Object o) {
        return o != null && o.getClass() == getClass();
    }

    @Override
    public int hashCode() {
        return getClass().hashCode();
    }

    @Override
    public boolean canEqual(Object o) {
        return o != null && o.getClass() == getClass();
    }
}
