package io.mptcp4j.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The architecture's first rule, checked on the source: nothing in {@code io.mptcp4j.core} reads a clock, sleeps,
 * starts a thread, touches a socket or a file, or reaches up into the I/O, driver or adapter layers. Time comes in
 * as {@code now}, output goes out by polling.
 */
class CoreIsSansIoTest {

    private static final Path CORE = Path.of("src/main/java/io/mptcp4j/core");

    private static final Pattern FORBIDDEN = Pattern.compile(String.join("|",
            "System\\.nanoTime", "System\\.currentTimeMillis", "Instant\\.now", "Clock\\.system",
            "Thread\\.sleep", "new Thread\\b", "Executors\\.", "\\bTimer\\b",
            "java\\.net\\.(Socket|ServerSocket|DatagramSocket)", "java\\.nio\\.channels", "java\\.nio\\.file",
            "java\\.io\\.File", "io\\.mptcp4j\\.(io|driver|lab|nio)\\."));

    @Test
    void coreSourcesUseNoClockThreadOrIo() throws IOException {
        assertThat(CORE).isDirectory();
        List<String> violations = new ArrayList<>();
        try (Stream<Path> files = Files.walk(CORE)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                List<String> lines = Files.readAllLines(file);
                for (int i = 0; i < lines.size(); i++) {
                    String line = lines.get(i).strip();
                    if (line.startsWith("*") || line.startsWith("//") || line.startsWith("/*")) {
                        continue; // prose may name what the code must not do
                    }
                    if (FORBIDDEN.matcher(line).find()) {
                        violations.add(CORE.relativize(file) + ":" + (i + 1) + ": " + line);
                    }
                }
            }
        }
        assertThat(violations).as("sans-IO violations in core").isEmpty();
    }
}
