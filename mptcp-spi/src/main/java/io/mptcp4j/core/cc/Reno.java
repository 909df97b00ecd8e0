package io.mptcp4j.core.cc;

/**
 * TCP Reno congestion control with NewReno-style recovery: RFC 5681 with the window rules of
 * {@link LossBasedController}.
 *
 * <p>Congestion avoidance counts bytes (RFC 3465 section 2.1): ACKed bytes accumulate, and each time a full
 * {@code cwnd} of them has been acknowledged the window grows by one SMSS. That is RFC 5681's
 * {@code cwnd += SMSS*SMSS/cwnd} per full-sized ACK without its rounding and without penalising delayed ACKs:
 * exactly one SMSS per round trip. The multiplicative decrease halves the flight (RFC 5681 equation (4)).
 */
public final class Reno extends LossBasedController {

    /** The algorithm {@code "reno"}: an independent {@code Reno} controller per subflow. */
    public static final CongestionControlAlgorithm ALGORITHM =
            CongestionControlAlgorithm.uncoupled("reno", (mss, rtt) -> new Reno(mss));

    /** Bytes ACKed in congestion avoidance not yet turned into window growth. */
    private long bytesAcked;

    /**
     * A controller for a subflow with the given SMSS.
     *
     * @throws IllegalArgumentException if {@code mss} is not positive
     */
    public Reno(int mss) {
        super(mss);
    }

    @Override
    public String name() {
        return "reno";
    }

    @Override
    protected void increaseInCongestionAvoidance(long now, long ackedBytes, long bytesInFlight) {
        // RFC 3465 section 2.1: one SMSS per cwnd's worth of ACKed bytes.
        bytesAcked += ackedBytes;
        if (bytesAcked >= cwnd()) {
            bytesAcked -= cwnd();
            setCwnd(cwnd() + mss());
        }
    }

    @Override
    protected long multiplicativeDecrease(long flightSize) {
        return flightSize / 2;
    }

    @Override
    protected void enteredRecovery(long now, long cwndBefore) {
        bytesAcked = 0;
    }

    @Override
    protected void collapsedOnTimeout(long now, long cwndBefore) {
        bytesAcked = 0;
    }
}
