package io.mptcp4j.samples;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * What one {@code mptcp perf} test measured, as either side saw it, and its {@code --json} form.
 *
 * @param role        {@code client} or {@code server}: the side that wrote this
 * @param stack       {@code mptcp4j} or {@code kernel}: this side's MPTCP
 * @param reverse     whether the server sent (else the client did)
 * @param local       this side's end of the initial subflow, null if there was no connection
 * @param remote      the peer's end of the initial subflow, null if there was no connection
 * @param mptcp       whether the connection ran MPTCP rather than falling back to TCP
 * @param scheduler   mptcp4j's packet scheduler, null for the kernel's
 * @param congestion  mptcp4j's congestion control, null for the kernel's
 * @param pathManager mptcp4j's path manager, null for the kernel's
 * @param limit       what the client asked for, null if unknown (the test failed before)
 * @param bytes       data bytes the receiver got
 * @param nanos       the receiver's time from the first data byte to the end of the stream
 * @param verified    whether every byte arrived intact (byte counts, SHA-256 and the pattern agree)
 * @param sha256      the SHA-256 of the data this side sent or received, null if unknown
 * @param error       why the test failed or did not verify, else null
 * @param subflows    every subflow the connection had with what it carried in the test's direction (empty for
 *                    the kernel's socket, which does not tell)
 * @param intervals   the live display's intervals
 */
record PerfResult(String role, String stack, boolean reverse, InetSocketAddress local, InetSocketAddress remote,
                  boolean mptcp, String scheduler, String congestion, String pathManager, PerfProtocol.Limit limit,
                  long bytes, long nanos, boolean verified, String sha256, String error,
                  List<SubflowTotal> subflows, List<PerfMeter.Interval> intervals) {

    /** One subflow over the whole test: the data bytes it carried in the test's direction. */
    record SubflowTotal(InetSocketAddress local, InetSocketAddress remote, boolean initial, boolean backup,
                        long bytes) {
    }

    /** A test that failed before it measured anything. */
    static PerfResult failed(String role, String stack, boolean reverse, String error) {
        return new PerfResult(role, stack, reverse, null, null, false, null, null, null, null, 0, 0, false, null,
                error, List.of(), List.of());
    }

    /**
     * How many subflows the connection had: those listed, else (the kernel's socket, which lists none) the most
     * that any interval counted.
     */
    int subflowCount() {
        int n = subflows.size();
        for (PerfMeter.Interval i : intervals) {
            n = Math.max(n, i.subflowCount());
        }
        return n;
    }

    /** Which side sent the data. */
    String sender() {
        return reverse ? "server" : "client";
    }

    double seconds() {
        return nanos / 1e9;
    }

    /** Goodput in Mbit/s: the receiver's bytes over the receiver's time. */
    double megabits() {
        return PerfMeter.megabits(bytes, nanos);
    }

    /** {@code s}'s part of what all subflows carried (data sent again counts where it went), 0 when none did. */
    double share(SubflowTotal s) {
        long all = 0;
        for (SubflowTotal t : subflows) {
            all += t.bytes();
        }
        return all == 0 ? 0 : (double) s.bytes() / all;
    }

    /** The {@code --json} document (see docs/perf.md), ending with a newline. */
    String json() {
        StringBuilder b = new StringBuilder("{\n");
        field(b, "role", quote(role));
        field(b, "stack", quote(stack));
        field(b, "sender", quote(sender()));
        field(b, "local", quote(local == null ? null : Cat.address(local)));
        field(b, "remote", quote(remote == null ? null : Cat.address(remote)));
        field(b, "mptcp", String.valueOf(mptcp));
        field(b, "scheduler", quote(scheduler));
        field(b, "cc", quote(congestion));
        field(b, "path_manager", quote(pathManager));
        field(b, "limit", limit == null ? "null" : limit.timed()
                ? String.format(Locale.ROOT, "{\"seconds\": %.3f}", limit.millis() / 1000.0)
                : "{\"bytes\": " + limit.bytes() + "}");
        field(b, "bytes", String.valueOf(bytes));
        field(b, "seconds", String.format(Locale.ROOT, "%.6f", seconds()));
        field(b, "goodput_mbps", String.format(Locale.ROOT, "%.3f", megabits()));
        field(b, "hash_ok", String.valueOf(verified));
        field(b, "sha256", quote(sha256));
        field(b, "error", quote(error));
        b.append("  \"subflows\": [");
        String sep = "\n";
        for (SubflowTotal s : subflows) {
            b.append(sep).append(String.format(Locale.ROOT, "    {\"local\": %s, \"remote\": %s, \"initial\": %s, "
                            + "\"backup\": %s, \"bytes\": %d, \"share\": %.4f}", quote(Cat.address(s.local())),
                    quote(Cat.address(s.remote())), s.initial(), s.backup(), s.bytes(), share(s)));
            sep = ",\n";
        }
        b.append(subflows.isEmpty() ? "],\n" : "\n  ],\n");
        b.append("  \"intervals\": [");
        sep = "\n";
        for (PerfMeter.Interval i : intervals) {
            b.append(sep).append(String.format(Locale.ROOT, "    {\"start\": %.3f, \"end\": %.3f, \"mbps\": %.3f, "
                    + "\"subflows\": %d}", i.start(), i.end(), i.megabits(), i.subflowCount()));
            sep = ",\n";
        }
        b.append(intervals.isEmpty() ? "]\n" : "\n  ]\n");
        return b.append("}\n").toString();
    }

    /** Writes the JSON to {@code target}: a file (replaced), or {@code -} for {@code stdout}. */
    void write(String target, PrintStream stdout) throws IOException {
        if (target.equals("-")) {
            stdout.print(json());
            stdout.flush();
        } else {
            Files.writeString(Path.of(target), json(), StandardCharsets.UTF_8);
        }
    }

    private static void field(StringBuilder b, String name, String value) {
        b.append("  \"").append(name).append("\": ").append(value).append(",\n");
    }

    /** A JSON string (RFC 8259 section 7), or null. */
    static String quote(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }
}
