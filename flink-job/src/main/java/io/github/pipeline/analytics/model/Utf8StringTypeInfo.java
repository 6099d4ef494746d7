package io.github.pipeline.analytics.model;

/**
 * A String key type serialized with {@link Utf8StringSerializer}: {@code keyBy(selector, Utf8StringTypeInfo.INSTANCE)}.
 * Partitioning is unchanged (Flink assigns key groups from {@code String.hashCode()}); only the bytes of keys
 * in checkpoints differ from {@code Types.STRING}.
 */
public final class Utf8StringTypeInfo extends SingleSerializerTypeInfo<String> {
    private static final long serialVersionUID = 1L;
    public static final Utf8StringTypeInfo INSTANCE = new Utf8StringTypeInfo();

    private Utf8StringTypeInfo() {
        super(String.class, Utf8StringSerializer.INSTANCE, true, "String (UTF-8 key)");
    }
}
