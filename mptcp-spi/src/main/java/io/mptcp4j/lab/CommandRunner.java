package io.mptcp4j.lab;

import java.io.File;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs external commands with a timeout, capturing stdout and stderr in temporary files (no pipe can fill
 * and stall the child). Prints nothing; command lines are logged at DEBUG through {@link System.Logger}.
 */
final class CommandRunner {

    /** Timeout for the lab's own setup and teardown commands. */
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private static final System.Logger LOG = System.getLogger(CommandRunner.class.getName());

    private CommandRunner() {
    }

    /** Runs {@code command} and returns how it ended, whatever the exit status. */
    static ExecResult run(List<String> command, Map<String, String> environment, Duration timeout)
            throws CommandFailedException {
        LOG.log(Level.DEBUG, () -> "run: " + String.join(" ", command));
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("m4j-cmd-", ".out");
            err = Files.createTempFile("m4j-cmd-", ".err");
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            builder.environment().putAll(environment);
            Process process;
            try {
                process = builder.start();
            } catch (IOException e) {
                throw new CommandFailedException("cannot start " + String.join(" ", command) + ": "
                        + e.getMessage(), e);
            }
            boolean finished;
            try {
                finished = process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                kill(process);
                Thread.currentThread().interrupt();
                throw new CommandFailedException("interrupted while running " + String.join(" ", command), e);
            }
            if (!finished) {
                kill(process);
                throw new CommandFailedException("timed out after " + timeout.toMillis() + " ms: "
                        + String.join(" ", command) + "\nstderr so far: " + read(err).strip(), null);
            }
            return new ExecResult(List.copyOf(command), process.exitValue(), read(out), read(err));
        } catch (IOException e) {
            if (e instanceof CommandFailedException failed) {
                throw failed;
            }
            throw new CommandFailedException("cannot capture output of " + String.join(" ", command), e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    /** Runs {@code command} and throws unless it exits 0. */
    static ExecResult check(List<String> command) throws CommandFailedException {
        return run(command, Map.of(), DEFAULT_TIMEOUT).requireSuccess();
    }

    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String read(Path file) throws IOException {
        return new String(Files.readAllBytes(file), StandardCharsets.UTF_8); // lenient on bad bytes
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a leftover temp file is harmless
            }
        }
    }
}
