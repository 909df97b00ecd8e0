package io.mptcp4j.core.cc;

import io.mptcp4j.core.tcp.RttStats;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The connection-level state of a coupled algorithm (LIA, OLIA, BALIA): the live controllers of the connection's
 * subflows, whose windows and smoothed RTTs each controller reads when it grows.
 *
 * <p>Only subflows with an RTT sample take part in the coupled formulas (they all divide by the RTT); a subflow
 * without one, which is still in its first slow start, is left out until its first sample. A subflow leaves the
 * set when the engine calls {@link #removeSubflow} (the TCP connection reached TIME_WAIT or CLOSED).
 */
final class CoupledConnection implements ConnectionCongestion {

    private static final double NANOS_PER_SECOND = 1e9;

    private final CoupledAlgorithm.SubflowFactory factory;
    private final List<CoupledController> subflows = new ArrayList<>(4);
    private final List<CoupledController> view = Collections.unmodifiableList(subflows);

    CoupledConnection(CoupledAlgorithm.SubflowFactory factory) {
        this.factory = Objects.requireNonNull(factory, "factory");
    }

    @Override
    public CongestionController newSubflow(int mss, RttStats rtt) {
        CoupledController subflow = factory.create(this, mss, Objects.requireNonNull(rtt, "rtt"));
        subflows.add(subflow);
        return subflow;
    }

    @Override
    public void removeSubflow(CongestionController subflow) {
        subflows.remove(subflow);
    }

    /** The live subflows' controllers, in the order they were made. */
    List<CoupledController> subflows() {
        return view;
    }

    /** Whether {@code subflow} is live and has an RTT sample, so that it counts in the coupled formulas. */
    static boolean counts(CoupledController subflow) {
        return subflow.rtt().hasSample() && subflow.rtt().srttNanos() > 0;
    }

    /** The smoothed RTT of a subflow that {@link #counts}, in seconds. */
    static double rttSeconds(CoupledController subflow) {
        return subflow.rtt().srttNanos() / NANOS_PER_SECOND;
    }

    /** The number of live subflows that {@link #counts count}. */
    int countedSubflows() {
        int n = 0;
        for (CoupledController s : subflows) {
            if (counts(s)) {
                n++;
            }
        }
        return n;
    }

    /** {@code sum_i cwnd_i} over the subflows that count, in bytes. */
    double totalCwnd() {
        double total = 0;
        for (CoupledController s : subflows) {
            if (counts(s)) {
                total += s.cwnd();
            }
        }
        return total;
    }

    /**
     * {@code rtt * sum_i cwnd_i / rtt_i} over the subflows that count, in bytes: the connection's rate expressed
     * as a window at round-trip time {@code rttSeconds}. The coupled formulas' {@code (w_r / rtt_r^2) /
     * (sum_i w_i / rtt_i)^2} is {@code w_r / windowAt(rtt_r)^2}; written so, a single subflow gives exactly
     * {@code 1 / w_r}, Reno's increase, with no rounding from the division by the RTT.
     */
    double windowAt(double rttSeconds) {
        double total = 0;
        for (CoupledController s : subflows) {
            if (counts(s)) {
                total += s.cwnd() * (rttSeconds / rttSeconds(s));
            }
        }
        return total;
    }

    /** {@code rtt * max_i cwnd_i / rtt_i} over the subflows that count, in bytes; 0 if none counts. */
    double maxWindowAt(double rttSeconds) {
        double max = 0;
        for (CoupledController s : subflows) {
            if (counts(s)) {
                max = Math.max(max, s.cwnd() * (rttSeconds / rttSeconds(s)));
            }
        }
        return max;
    }

    @Override
    public String toString() {
        return "CoupledConnection" + subflows;
    }
}
