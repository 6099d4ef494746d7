package io.github.pipeline.analytics.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** A {@code .properties} file packed into the jar from the repository's shared definitions (see pom.xml). */
public final class ClassPathProperties {
    private ClassPathProperties() {}

    /** Loads {@code /name} from the class path; fails when it is missing, so a broken build is seen at once. */
    public static Properties load(String name) {
        Properties p = new Properties();
        try (InputStream in = ClassPathProperties.class.getResourceAsStream("/" + name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is not on the class path");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }
}
