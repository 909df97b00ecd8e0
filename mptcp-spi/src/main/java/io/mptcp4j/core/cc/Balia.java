package io.mptcp4j.core.cc;

import io.mptcp4j.core.tcp.RttStats;

/**
 * BALIA, Balanced Linked Adaptation, of Peng, Walid, Hwang and Low ("Multipath TCP: Analysis, Design, and
 * Implementation", IEEE/ACM Transactions on Networking 24(1), 2016, section VI;
 * draft-walid-mptcp-congestion-control, section 3). It balances LIA's responsiveness and OLIA's friendliness:
 * both the increase and the decrease depend on how the subflow's rate compares with the connection's best.
 *
 * <p>With {@code x_k = w_k / rtt_k} the rate of subflow {@code k} and {@code alpha_r = max_k x_k / x_r >= 1}:
 * <pre>
 *   each ACK on r:  w_r += (x_r / rtt_r) / (sum_k x_k)^2 * (1 + alpha_r)/2 * (4 + alpha_r)/5
 *   each loss on r: w_r -= w_r / 2 * min(alpha_r, 1.5)
 * </pre>
 * in segments per acknowledged segment; here in bytes, the increase multiplied by {@code bytes_acked * MSS_r}
 * with the windows in bytes, and the decrease applied to the flight, as {@link LossBasedController} does for
 * every algorithm (RFC 5681's FlightSize). Slow start, recovery and timeouts are standard TCP's. A subflow with
 * the best rate ({@code alpha_r = 1}) grows and halves as Reno; a slower one grows faster, relative to its rate,
 * and backs off by up to three quarters. Subflows without an RTT sample are left out; with one subflow BALIA is
 * Reno.
 */
public final class Balia extends CoupledController {

    /** The algorithm {@code "balia"}: one shared state per connection, a {@code Balia} controller per subflow. */
    public static final CongestionControlAlgorithm ALGORITHM = new CoupledAlgorithm("balia", Balia::new);

    /** The cap on {@code alpha_r} in the decrease. */
    static final double MAX_DECREASE_ALPHA = 1.5;

    Balia(CoupledConnection connection, int mss, RttStats rtt) {
        super(connection, mss, rtt);
    }

    @Override
    public String name() {
        return "balia";
    }

    /** {@code alpha_r = max_k x_k / x_r} of this subflow now; 1 if it does not count. */
    public double alpha() {
        if (!counted()) {
            return 1;
        }
        // max_k x_k / x_r, both multiplied by rtt_r.
        return Math.max(1, connection().maxWindowAt(CoupledConnection.rttSeconds(this)) / cwnd());
    }

    @Override
    protected void increaseInCongestionAvoidance(long now, long ackedBytes, long bytesInFlight) {
        if (!counted()) {
            grow(renoIncrease(ackedBytes));
            return;
        }
        double window = connection().windowAt(CoupledConnection.rttSeconds(this));
        double a = alpha();
        // Section 3 of the draft: (x_r/rtt_r) / (sum_k x_k)^2 * (1 + alpha_r)/2 * (4 + alpha_r)/5 per segment,
        // the first factor multiplied above and below by rtt_r^2.
        double perByte = cwnd() / (window * window) * (1 + a) / 2 * (4 + a) / 5;
        grow(perByte * ackedBytes * mss());
    }

    @Override
    protected long multiplicativeDecrease(long flightSize) {
        // Section 3 of the draft: w_r -= w_r/2 * min(alpha_r, 1.5), so between a half and a quarter remains.
        double keep = 1 - Math.min(alpha(), MAX_DECREASE_ALPHA) / 2;
        return (long) (flightSize * keep);
    }
}
