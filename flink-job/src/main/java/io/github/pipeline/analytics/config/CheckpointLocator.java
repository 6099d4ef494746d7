package io.github.pipeline.analytics.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/** Finds the newest complete retained checkpoint ({@code chk-N/_metadata}) under a local checkpoint directory. */
public final class CheckpointLocator {
    private CheckpointLocator() {}

    /** @return the checkpoint directory as a file: URI, or empty when there is none (or the dir is not local) */
    public static Optional<String> findLatest(String checkpointDir) {
        Path root;
        if (checkpointDir.startsWith("file:")) {
            root = Paths.get(URI.create(checkpointDir));
        } else if (checkpointDir.contains("://")) {
            return Optional.empty();
        } else {
            root = Paths.get(checkpointDir);
        }
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.walk(root, 3)) {
            return files
                    .filter(p -> p.getFileName().toString().equals("_metadata"))
                    .filter(p -> p.getParent() != null && p.getParent().getFileName().toString().startsWith("chk-"))
                    .max(Comparator.comparingLong(CheckpointLocator::modified)
                            .thenComparingLong(p -> checkpointNumber(p.getParent())))
                    .map(p -> p.getParent().toAbsolutePath().toUri().toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot search " + root, e);
        }
    }

    private static long modified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return Long.MIN_VALUE;
        }
    }

    private static long checkpointNumber(Path chkDir) {
        try {
            return Long.parseLong(chkDir.getFileName().toString().substring(4));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
