package io.mptcp4j.core.cc;

import io.mptcp4j.core.tcp.RttStats;

/**
 * LIA, the Linked Increases Algorithm of RFC 6356: the coupled congestion control that RFC 8684 points MPTCP
 * implementations to. Only the congestion-avoidance increase is coupled; slow start, fast retransmit and
 * recovery, and the halving on loss are those of standard TCP (RFC 6356 section 3), here the rules of
 * {@link LossBasedController} with Reno's decrease.
 *
 * <p>For each ACK of {@code bytes_acked} on subflow {@code i} in congestion avoidance (section 3, in bytes):
 * <pre>
 *   cwnd_i += min(alpha * bytes_acked * MSS_i / cwnd_total, bytes_acked * MSS_i / cwnd_i)
 *   alpha   = cwnd_total * max_i(cwnd_i / rtt_i^2) / (sum_i cwnd_i / rtt_i)^2      (equation 2)
 * </pre>
 * The first term makes the connection as aggressive as one TCP on its best path (goals 1 and 2 of section 2);
 * the second keeps each subflow no more aggressive than TCP on its own path (goal 3).
 *
 * <p>{@code alpha} is recomputed on every ACK from the live windows and smoothed RTTs rather than once per loss
 * or per RTT as section 4 allows: with few subflows this costs little, and {@code double} arithmetic needs none
 * of the scaling that section 4.1 describes for integer kernels. Subflows without an RTT sample are left out of
 * {@code alpha} and {@code cwnd_total}. With a single subflow {@code alpha = 1} and LIA is Reno.
 */
public final class Lia extends CoupledController {

    /** The algorithm {@code "lia"}: one shared state per connection, a {@code Lia} controller per subflow. */
    public static final CongestionControlAlgorithm ALGORITHM = new CoupledAlgorithm("lia", Lia::new);

    Lia(CoupledConnection connection, int mss, RttStats rtt) {
        super(connection, mss, rtt);
    }

    @Override
    public String name() {
        return "lia";
    }

    /**
     * RFC 6356 equation (2) over the connection's live subflows with an RTT sample; 1 (Reno) when none has one.
     * For diagnostics and tests; the controller computes it on every ACK in congestion avoidance.
     */
    public double alpha() {
        CoupledConnection c = connection();
        CoupledController best = null;
        double bestTerm = 0;
        for (CoupledController s : c.subflows()) {
            if (CoupledConnection.counts(s)) {
                double rtt = CoupledConnection.rttSeconds(s);
                double term = s.cwnd() / (rtt * rtt);
                if (best == null || term > bestTerm) {
                    best = s;
                    bestTerm = term;
                }
            }
        }
        if (best == null) {
            return 1;
        }
        // Equation (2) with numerator and denominator multiplied by rtt_m^2, m the subflow of the maximum:
        // cwnd_total * cwnd_m / (sum_i cwnd_i * rtt_m / rtt_i)^2.
        double scaled = c.windowAt(CoupledConnection.rttSeconds(best));
        return c.totalCwnd() * best.cwnd() / (scaled * scaled);
    }

    @Override
    protected void increaseInCongestionAvoidance(long now, long ackedBytes, long bytesInFlight) {
        double uncoupled = renoIncrease(ackedBytes);
        if (!counted()) {
            grow(uncoupled);
            return;
        }
        // Section 3: min(alpha * bytes_acked * MSS_i / cwnd_total, bytes_acked * MSS_i / cwnd_i).
        double coupled = alpha() * ackedBytes * mss() / connection().totalCwnd();
        grow(Math.min(coupled, uncoupled));
    }

    @Override
    protected long multiplicativeDecrease(long flightSize) {
        // Section 3: the decrease is standard TCP's, RFC 5681 equation (4).
        return flightSize / 2;
    }
}
