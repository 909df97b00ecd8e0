package io.mptcp4j.core.sched;

import io.mptcp4j.core.mptcp.MptcpConfig;
import io.mptcp4j.sim.LinkConfig;
import io.mptcp4j.sim.TwoHostNetwork;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The schedulers measured on two very different paths in the simulator, each run once per JVM and remembered, so
 * that {@link SchedulerMeasurementTest} can assert on the figures and {@link SchedulerResultsPage} print them.
 *
 * <ul>
 *   <li>Path A: 50 Mbit/s, 10 ms one-way delay (a wired or Wi-Fi link); path B: 10 Mbit/s, 100 ms (a cellular
 *       one). Both ways alike, drop-tail queues of one bandwidth-delay product (A 125 kB, B 250 kB).</li>
 *   <li>Connection-level send and receive buffers of 1 MB each, about what a phone gets on LTE: the window is
 *       what head-of-line blocking eats into.</li>
 *   <li>Bulk: {@value #BULK_BYTES} bytes from the client, goodput from the connection's start to the last byte
 *       read by the server.</li>
 *   <li>Messages: 1 to 16 KB (uniform), written at exponentially distributed intervals of 2 ms on average
 *       (34 Mbit/s offered, two thirds of path A); per message, the time from its write to the server application
 *       having read its last byte in order. Messages written in the first second are a warm-up and not
 *       counted.</li>
 *   <li>Messages under loss: 2 % random loss on both paths both ways, a thin stream of 1 to 4 KB messages every
 *       100 ms on average (0.2 Mbit/s): at 2 % loss TCP sustains only about 5 Mbit/s on path A and 0.5 Mbit/s
 *       on path B, whose small window must hold a whole copy of a message for redundancy to help.</li>
 * </ul>
 * Every run has a fixed seed and every byte is checked.
 */
final class SchedulerMeasurement {

    static final long SEED = 42;
    static final int A_MEGABITS = 50;
    static final int A_DELAY_MILLIS = 10;
    static final int B_MEGABITS = 10;
    static final int B_DELAY_MILLIS = 100;
    static final int BUFFER_BYTES = 1 << 20;
    static final long BULK_BYTES = 20L << 20;
    static final double LOSS = 0.02;
    static final Duration WARM_UP = Duration.ofSeconds(1);
    static final SchedulerSim.Messages MESSAGES =
            new SchedulerSim.Messages(3000, 1024, 16 * 1024, Duration.ofMillis(2), 7);
    static final SchedulerSim.Messages LOSSY_MESSAGES =
            new SchedulerSim.Messages(3000, 1024, 4 * 1024, Duration.ofMillis(100), 8);

    /** The tail of the in-order delivery delay of messages, in nanoseconds, and the share of bytes sent on B. */
    record Latency(int messages, long p50, long p99, long max, double shareOnB) {
    }

    /** A bulk transfer's goodput in bits per second and the share of bytes sent on B. */
    record Bulk(double bitsPerSecond, double shareOnB) {
    }

    private static final Map<String, Bulk> BULK = new HashMap<>();
    private static final Map<String, Latency> MESSAGE_LATENCY = new HashMap<>();
    private static final Map<String, Latency> LOSSY_LATENCY = new HashMap<>();

    private SchedulerMeasurement() {
    }

    static MptcpConfig config(String scheduler) {
        return MptcpConfig.builder().scheduler(PacketSchedulers.byName(scheduler)).sendBufferSize(BUFFER_BYTES)
                .receiveBufferSize(BUFFER_BYTES).build();
    }

    private static SchedulerSim sim(String scheduler, double loss) {
        return sim(scheduler, loss, SEED);
    }

    private static SchedulerSim sim(String scheduler, double loss, long seed) {
        LinkConfig a = SchedulerSim.path(A_MEGABITS, A_DELAY_MILLIS, loss);
        LinkConfig b = SchedulerSim.path(B_MEGABITS, B_DELAY_MILLIS, loss);
        return new SchedulerSim(seed, config(scheduler), a, b);
    }

    static synchronized Bulk bulk(String scheduler) {
        return BULK.computeIfAbsent(scheduler, name -> {
            SchedulerSim sim = sim(name, 0);
            double bps = sim.bulk(BULK_BYTES, Duration.ofSeconds(60));
            return new Bulk(bps, shareOnB(sim));
        });
    }

    static synchronized Latency messages(String scheduler) {
        return MESSAGE_LATENCY.computeIfAbsent(scheduler, name -> latency(sim(name, 0), MESSAGES));
    }

    static synchronized Latency lossyMessages(String scheduler) {
        return LOSSY_LATENCY.computeIfAbsent(scheduler, name -> latency(sim(name, LOSS), LOSSY_MESSAGES));
    }

    /** {@link #lossyMessages(String)} with another seed (not cached). */
    static Latency lossyMessages(String scheduler, long seed) {
        return latency(sim(scheduler, LOSS, seed), LOSSY_MESSAGES);
    }

    private static Latency latency(SchedulerSim sim, SchedulerSim.Messages messages) {
        long[] delays = sim.messages(messages, 2, Duration.ZERO, Duration.ofSeconds(900));
        long[] times = messages.times();
        int first = 0;
        while (first < times.length && times[first] < WARM_UP.toNanos()) {
            first++;
        }
        long[] counted = Arrays.copyOfRange(delays, first, delays.length);
        return new Latency(counted.length, SchedulerSim.quantile(counted, 0.5), SchedulerSim.quantile(counted, 0.99),
                SchedulerSim.quantile(counted, 1), shareOnB(sim));
    }

    /** The part of the bytes the client wrote into subflows (copies and reinjections included) that went on B. */
    private static double shareOnB(SchedulerSim sim) {
        long total = 0;
        long onB = 0;
        for (SubflowView s : sim.clientConnection.subflows()) {
            total += s.bytesSent();
            onB += s.local().address().equals(TwoHostNetwork.clientIpv4(1)) ? s.bytesSent() : 0;
        }
        return total == 0 ? 0 : (double) onB / total;
    }
}
