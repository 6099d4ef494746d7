package io.github.pipeline.analytics.config;

import java.util.Properties;

/**
 * The topics' default names, read from {@code topics.properties}: the one definition
 * ({@code kafka/topics.properties}, packed into the jar by the pom) that create-topics.sh, the gateway and
 * the ClickHouse migrations use too. The environment variable of a topic's setting name renames it for every
 * component; {@link JobConfig} reads it like any other setting.
 */
public final class TopicNames {
    private static final Properties TOPICS = ClassPathProperties.load("topics.properties");

    private TopicNames() {}

    /** The default name of the topic of setting {@code setting} (e.g. {@code RAW_TOPIC}). */
    public static String defaultName(String setting) {
        String v = TOPICS.getProperty(setting);
        if (v == null || v.isBlank()) {
            throw new IllegalStateException("topics.properties has no " + setting);
        }
        return v.trim();
    }
}
