package io.mptcp4j.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Reads capture files with {@code tshark}, when it is installed, as an independent judge of pcap output. */
public final class Tshark {

    private Tshark() {
    }

    /** The {@code tshark} on PATH, if any. */
    public static Optional<File> find() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            File candidate = new File(dir, "tshark");
            if (candidate.canExecute()) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /**
     * One line per packet of {@code file} that passes {@code displayFilter} (empty: all), with {@code fields}
     * separated by tabs; fails if tshark does not read the file.
     */
    public static List<String> fields(File tshark, Path file, String displayFilter, String... fields)
            throws Exception {
        List<String> command = new ArrayList<>(List.of(tshark.getPath(), "-n", "-r", file.toString()));
        if (!displayFilter.isEmpty()) {
            command.addAll(List.of("-Y", displayFilter));
        }
        command.addAll(List.of("-T", "fields"));
        for (String field : fields) {
            command.addAll(List.of("-e", field));
        }
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("tshark finished").isTrue();
        assertThat(p.exitValue()).as("tshark exit status").isZero();
        return out.lines().toList();
    }
}
