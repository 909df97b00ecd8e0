package io.mptcp4j.samples;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Rates for {@code mptcp perf}'s live display, from two samples of a connection's byte counters: the connection's
 * goodput and each subflow's share of the traffic in the interval between them. Pure arithmetic, no I/O.
 */
final class PerfMeter {

    private PerfMeter() {
    }

    /**
     * One subflow at one instant.
     *
     * @param state    its TCP state, or null when unknown
     * @param bytes    the data bytes it carried so far in the test's direction: sent, on the sending side (data sent
     *                 again included), received, on the receiving side
     * @param rttNanos its smoothed RTT, 0 when unknown
     */
    record SubflowSample(InetSocketAddress local, InetSocketAddress remote, String state, boolean backup,
                         long bytes, long rttNanos) {
    }

    /**
     * The connection at one instant.
     *
     * @param nanos         when ({@link System#nanoTime()})
     * @param bytes         data bytes so far in the test's direction: acknowledged at the data level, on the
     *                      sending side; read, on the receiving side
     * @param subflowCount  how many subflows the connection has (known even where per-subflow counters are not)
     * @param subflows      the subflows with their counters, empty when unknown
     */
    record Sample(long nanos, long bytes, int subflowCount, List<SubflowSample> subflows) {
    }

    /** A subflow's rate over an interval. */
    record SubflowRate(SubflowSample subflow, double megabits) {
    }

    /**
     * The rates between two samples.
     *
     * @param start      seconds after the test started
     * @param end        seconds after the test started
     * @param megabits   the connection's rate in Mbit/s
     * @param totalBytes the connection's bytes so far
     */
    record Interval(double start, double end, double megabits, long totalBytes, int subflowCount,
                    List<SubflowRate> subflows) {
    }

    /**
     * The rates from {@code before} to {@code after}, with times counted from {@code origin} (a
     * {@link System#nanoTime()}). A subflow is known by its two ends; one that is new in {@code after} counts from
     * 0, since its counters started with it; one that is gone is left out (a rejoined path is a new subflow).
     */
    static Interval between(Sample before, Sample after, long origin) {
        long nanos = after.nanos() - before.nanos();
        Map<List<InetSocketAddress>, Long> earlier = new HashMap<>();
        for (SubflowSample s : before.subflows()) {
            earlier.put(List.of(s.local(), s.remote()), s.bytes());
        }
        List<SubflowRate> rates = new ArrayList<>();
        for (SubflowSample s : after.subflows()) {
            long from = earlier.getOrDefault(List.of(s.local(), s.remote()), 0L);
            rates.add(new SubflowRate(s, megabits(Math.max(0, s.bytes() - from), nanos)));
        }
        return new Interval((before.nanos() - origin) / 1e9, (after.nanos() - origin) / 1e9,
                megabits(Math.max(0, after.bytes() - before.bytes()), nanos), after.bytes(), after.subflowCount(),
                rates);
    }

    /** {@code bytes} in {@code nanos} in Mbit/s (10^6 bits per second); 0 for no time. */
    static double megabits(long bytes, long nanos) {
        return nanos <= 0 ? 0 : bytes * 8_000.0 / nanos;
    }
}
