package io.github.pipeline.analytics.model;

import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/**
 * A String key type serialized with {@link Utf8StringSerializer}: {@code keyBy(selector, Utf8StringTypeInfo.INSTANCE)}.
 * Partitioning is unchanged (Flink assigns key groups from {@code String.hashCode()}); only the bytes of keys
 * in checkpoints differ from {@code Types.STRING}.
 */
public final class Utf8StringTypeInfo extends TypeInformation<String> {
    private static final long serialVersionUID = 1L;
    public static final Utf8StringTypeInfo INSTANCE = new Utf8StringTypeInfo();

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
    public Class<String> getTypeClass() {
        return String.class;
    }

    @Override
    public boolean isKeyType() {
        return true;
    }

    @Override
    public TypeSerializer<String> createSerializer(SerializerConfig config) {
        return Utf8StringSerializer.INSTANCE;
    }

    @Override
    public String toString() {
        return "String (UTF-8 key)";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Utf8StringTypeInfo;
    }

    @Override
    public int hashCode() {
        return Utf8StringTypeInfo.class.hashCode();
    }

    @Override
    public boolean canEqual(Object o) {
        return o instanceof Utf8StringTypeInfo;
    }
}
