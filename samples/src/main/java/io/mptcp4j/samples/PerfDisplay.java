package io.mptcp4j.samples;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code mptcp perf}'s human output: every interval one line per subflow (its ends, TCP state, backup flag, rate
 * from its byte counters, smoothed RTT) and one for the connection; at the end a summary. On a terminal each
 * interval replaces the previous one in place (ANSI cursor-up and erase-below, ECMA-48); elsewhere (a file, a
 * pipe, a test) the lines follow each other, each prefixed with its interval, so that nothing is overwritten.
 */
final class PerfDisplay {

    /** ECMA-48 CSI sequences: cursor up N lines (CUU) to column 1, then erase to the end of the screen (ED). */
    private static final String UP = "\u001b[%dA\r";
    private static final String ERASE_BELOW = "\u001b[J";

    private final PrintStream out;
    private final boolean redraw;
    private final boolean sending;
    private int shown;

    /**
     * @param redraw  whether {@code out} is a terminal to redraw in place
     * @param sending whether this side sends (the subflow rates are then "tx", else "rx")
     */
    PerfDisplay(PrintStream out, boolean redraw, boolean sending) {
        this.out = out;
        this.redraw = redraw;
        this.sending = sending;
    }

    /** Shows one interval. */
    void show(PerfMeter.Interval interval) {
        List<String> lines = lines(interval, sending, !redraw);
        StringBuilder b = new StringBuilder();
        if (redraw) {
            if (shown > 0) {
                b.append(String.format(UP, shown)).append(ERASE_BELOW);
            }
            b.append(String.format(Locale.ROOT, "mptcp perf: %.1f-%.1f s%n", interval.start(), interval.end()));
            shown = lines.size() + 1;
        }
        for (String line : lines) {
            b.append(line).append(System.lineSeparator());
        }
        out.print(b);
        out.flush();
    }

    /**
     * The lines of one interval; with {@code stamped} each starts with the interval's time range.
     */
    static List<String> lines(PerfMeter.Interval interval, boolean sending, boolean stamped) {
        String stamp = stamped ? String.format(Locale.ROOT, "[%5.1f-%5.1f s] ", interval.start(), interval.end())
                : "";
        List<String> lines = new ArrayList<>();
        for (PerfMeter.SubflowRate r : interval.subflows()) {
            PerfMeter.SubflowSample s = r.subflow();
            String rtt = s.rttNanos() > 0 ? String.format(Locale.ROOT, "rtt %6.1f ms", s.rttNanos() / 1e6)
                    : "rtt      -   ";
            lines.add(String.format(Locale.ROOT, "%s%21s -> %-21s %-11s %-6s %s %8.2f Mbit/s  %s", stamp,
                    Cat.address(s.local()), Cat.address(s.remote()), s.state() == null ? "-" : s.state(),
                    s.backup() ? "backup" : "", sending ? "tx" : "rx", r.megabits(), rtt).stripTrailing());
        }
        String count = interval.subflowCount() + (interval.subflowCount() == 1 ? " subflow" : " subflows");
        if (interval.subflows().isEmpty()) {
            count += " (no per-subflow counters)";
        }
        lines.add(String.format(Locale.ROOT, "%s%-66s %8.2f Mbit/s  %s so far", stamp, "total, " + count,
                interval.megabits(), megabytes(interval.totalBytes())));
        return lines;
    }

    /** Prints the end of a test. */
    static void summary(PrintStream out, PerfResult r) {
        out.print(String.join(System.lineSeparator(), summaryLines(r)) + System.lineSeparator());
        out.flush();
    }

    /** The summary's lines: the goodput, the data check, and each subflow's bytes and share. */
    static List<String> summaryLines(PerfResult r) {
        List<String> lines = new ArrayList<>();
        String who = "mptcp perf " + r.role() + " (" + r.stack() + ")";
        if (r.local() == null) {
            lines.add(who + ": failed: " + r.error());
            return lines;
        }
        boolean sent = r.sender().equals(r.role());
        String from = Cat.address(sent ? r.local() : r.remote());
        String to = Cat.address(sent ? r.remote() : r.local());
        lines.add(String.format(Locale.ROOT, "%s: %s from %s to %s in %.2f s: %.2f Mbit/s goodput, %s, %d %s",
                who, megabytes(r.bytes()), from, to, r.seconds(), r.megabits(), r.mptcp() ? "MPTCP" : "TCP fallback",
                r.subflowCount(), r.subflowCount() == 1 ? "subflow" : "subflows"));
        lines.add(r.verified() ? "  data check: ok (byte count, pattern and SHA-256 " + r.sha256() + ")"
                : "  DATA CHECK FAILED: " + r.error());
        for (PerfResult.SubflowTotal s : r.subflows()) {
            lines.add(String.format(Locale.ROOT, "  %21s -> %-21s %-7s %-6s %10s %5.1f %%", Cat.address(s.local()),
                    Cat.address(s.remote()), s.initial() ? "initial" : "", s.backup() ? "backup" : "",
                    megabytes(s.bytes()), 100 * r.share(s)));
        }
        return lines;
    }

    /** Bytes in MB: 10^6 bytes, decimal like the Mbit/s. */
    static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.2f MB", bytes / 1e6);
    }
}
