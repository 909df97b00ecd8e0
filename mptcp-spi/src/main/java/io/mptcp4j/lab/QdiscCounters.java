package io.mptcp4j.lab;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a path's rate limit (its tbf) has passed and dropped since it was installed, as {@code tc -s qdisc} reports
 * it. Bytes are frames as the qdisc saw them, Ethernet header included. Subtract two readings to see one transfer.
 *
 * @param bytes      bytes sent
 * @param packets    frames sent
 * @param dropped    frames dropped (a full queue)
 * @param overlimits times a frame had to wait for tokens
 */
public record QdiscCounters(long bytes, long packets, long dropped, long overlimits) {

    /** No qdisc, or none has seen traffic yet. */
    public static final QdiscCounters NONE = new QdiscCounters(0, 0, 0, 0);

    private static final Pattern SENT =
            Pattern.compile("Sent (\\d+) bytes (\\d+) pkt \\(dropped (\\d+), overlimits (\\d+)");

    /** The counters in {@code tc -s qdisc show dev X} output; {@link #NONE} if it names no counters. */
    public static QdiscCounters parse(String tcOutput) {
        Matcher m = SENT.matcher(tcOutput);
        if (!m.find()) {
            return NONE;
        }
        return new QdiscCounters(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)),
                Long.parseLong(m.group(4)));
    }

    /** This reading minus an earlier one. */
    public QdiscCounters since(QdiscCounters earlier) {
        return new QdiscCounters(bytes - earlier.bytes, packets - earlier.packets, dropped - earlier.dropped,
                overlimits - earlier.overlimits);
    }

    /** The share of a link of {@code bitsPerSecond} these bytes filled in {@code nanos} (1.0: never idle). */
    public double utilisation(long bitsPerSecond, long nanos) {
        return nanos <= 0 || bitsPerSecond <= 0 ? 0 : bytes * 8.0 / (bitsPerSecond * (nanos / 1e9));
    }
}
