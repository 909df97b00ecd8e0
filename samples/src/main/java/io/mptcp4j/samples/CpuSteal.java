package io.mptcp4j.samples;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The CPU time a virtual machine's hypervisor gave to others (the {@code steal} column of {@code /proc/stat}),
 * as a share of all CPU time over an interval. On a small VM a run that loses a third of its CPUs this way is
 * not comparable with one that did not, so the benchmarks print it beside every run.
 */
final class CpuSteal {

    private static final Path STAT = Path.of("/proc/stat");

    private final long steal;
    private final long total;

    private CpuSteal(long steal, long total) {
        this.steal = steal;
        this.total = total;
    }

    /** A reading now; an unreadable {@code /proc/stat} gives one whose {@link #shareSince} is NaN. */
    static CpuSteal now() {
        try {
            return parse(Files.readString(STAT, StandardCharsets.US_ASCII));
        } catch (IOException | RuntimeException e) {
            return new CpuSteal(-1, -1);
        }
    }

    /** The first line of {@code /proc/stat}: "cpu user nice system idle iowait irq softirq steal [guest ...]". */
    static CpuSteal parse(String stat) {
        String first = stat.lines().findFirst().orElse("");
        String[] f = first.trim().split("\\s+");
        if (f.length < 9 || !f[0].equals("cpu")) {
            return new CpuSteal(-1, -1);
        }
        long total = 0;
        for (int i = 1; i <= 8; i++) { // guest time is already counted in user time
            total += Long.parseLong(f[i]);
        }
        return new CpuSteal(Long.parseLong(f[8]), total);
    }

    /** The share (0 to 1) of all CPU time since {@code earlier} that was stolen; NaN if either is unknown. */
    double shareSince(CpuSteal earlier) {
        long dt = total - earlier.total;
        if (steal < 0 || earlier.steal < 0 || dt <= 0) {
            return Double.NaN;
        }
        return (double) (steal - earlier.steal) / dt;
    }
}
