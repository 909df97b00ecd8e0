package io.mptcp4j.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Namespace names of labs: {@code m4j-<pid>-<start>-<random>-cli|srv}, where {@code pid} and {@code start}
 * (the process start time in clock ticks since boot, base 36, from {@code /proc/PID/stat}) identify the
 * creating JVM exactly, even after PID reuse. A lab is stale when that process no longer exists.
 */
final class LabNames {

    /** Every lab namespace starts with this. */
    static final String PREFIX = "m4j-";

    private static final Pattern NAME = Pattern.compile("m4j-(\\d+)-([0-9a-z]+)-([0-9a-f]+)-(cli|srv)");
    private static final SecureRandom RANDOM = new SecureRandom();

    private LabNames() {
    }

    /** A fresh lab id for this JVM: {@code <pid>-<start>-<random>}. */
    static String newLabId() {
        long pid = ProcessHandle.current().pid();
        String start = startToken(pid);
        byte[] random = new byte[3];
        RANDOM.nextBytes(random);
        return pid + "-" + (start == null ? "0" : start) + "-" + HexFormat.of().formatHex(random);
    }

    /** The namespace name of {@code host} in lab {@code labId}. */
    static String namespaceName(String labId, Host host) {
        return PREFIX + labId + (host == Host.CLIENT ? "-cli" : "-srv");
    }

    /** Where lab {@code labId} keeps its scratch files (nstat history): {@code $TMPDIR/m4j-lab-<id>}. */
    static Path scratchDirectory(String labId) {
        return Path.of(System.getProperty("java.io.tmpdir"), "m4j-lab-" + labId);
    }

    /** True if {@code directory} is a lab scratch directory whose creating process is gone. */
    static boolean isStaleScratch(Path directory) {
        String name = directory.getFileName().toString();
        return name.startsWith("m4j-lab-") && isStale(PREFIX + name.substring("m4j-lab-".length()) + "-cli");
    }

    /** True if {@code name} is a lab namespace whose creating process is gone. */
    static boolean isStale(String name) {
        Matcher m = NAME.matcher(name);
        if (!m.matches()) {
            return false;
        }
        long pid;
        try {
            pid = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            return true; // not a pid any process could have
        }
        String now = startToken(pid);
        return now == null || !now.equals(m.group(2));
    }

    /** True if {@code name} looks like a lab namespace (of any process). */
    static boolean isLabNamespace(String name) {
        return NAME.matcher(name).matches();
    }

    /**
     * The start time of process {@code pid} (field 22 of {@code /proc/PID/stat}) in base 36, or null if no
     * such process.
     */
    static String startToken(long pid) {
        String stat;
        try {
            stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        } catch (IOException | SecurityException e) {
            return null;
        }
        int afterName = stat.lastIndexOf(')');
        if (afterName < 0) {
            return null;
        }
        String[] fields = stat.substring(afterName + 1).trim().split("\\s+");
        // fields[0] is field 3 (state), so field 22 (starttime) is fields[19].
        if (fields.length < 20) {
            return null;
        }
        try {
            return Long.toString(Long.parseLong(fields[19]), 36);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
