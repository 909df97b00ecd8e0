package io.mptcp4j.lab;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Deletes lab namespaces left by JVMs that died without closing them (killed, crashed, halted). A namespace
 * is deleted only if the process named in it no longer exists, so concurrent labs of live JVMs are safe.
 */
final class StaleLabCleaner {

    private static final System.Logger LOG = System.getLogger(StaleLabCleaner.class.getName());

    private StaleLabCleaner() {
    }

    /**
     * Deletes stale lab namespaces (and their scratch directories); returns how many namespaces were deleted.
     * Failures are logged, not thrown.
     */
    static int clean() {
        Path dir = io.mptcp4j.io.linux.NetworkNamespace.NETNS_DIRECTORY;
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        List<String> names;
        try (Stream<Path> entries = Files.list(dir)) {
            names = entries.map(p -> p.getFileName().toString()).filter(LabNames::isStale).toList();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot list " + dir, e);
            return 0;
        }
        deleteStaleScratchDirectories();
        int deleted = 0;
        for (String name : names) {
            try {
                CommandRunner.check(List.of("ip", "netns", "delete", name));
                deleted++;
            } catch (IOException e) {
                // Another JVM may have cleaned it a moment ago.
                if (Files.exists(dir.resolve(name))) {
                    LOG.log(Level.WARNING, "cannot delete stale namespace " + name, e);
                }
            }
        }
        return deleted;
    }

    /** Deletes {@code directory} and the files directly in it; failures are ignored. */
    static void deleteDirectory(Path directory) {
        try (Stream<Path> files = Files.list(directory)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(directory);
        } catch (IOException ignored) {
            // a leftover temp directory is harmless
        }
    }

    private static void deleteStaleScratchDirectories() {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        try (Stream<Path> entries = Files.list(tmp)) {
            entries.filter(LabNames::isStaleScratch).forEach(StaleLabCleaner::deleteDirectory);
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "cannot list " + tmp, e);
        }
    }
}
