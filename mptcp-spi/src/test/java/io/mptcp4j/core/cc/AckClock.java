package io.mptcp4j.core.cc;

import io.mptcp4j.core.tcp.RttEstimator;

/**
 * A deterministic ACK clock for one subflow with a constant round-trip time and no queue: each round, the
 * segments of one window are in flight and their ACKs come back evenly spaced over one RTT. The sender always
 * has data, so after every ACK it fills the window again and each ACK arrives with a full window in flight.
 */
final class AckClock {

    private final CongestionController controller;
    private final RttEstimator rtt;
    private final int mss;
    private final long rttNanos;
    private long now;

    AckClock(CongestionController controller, RttEstimator rtt, int mss, long rttNanos) {
        this.controller = controller;
        this.rtt = rtt;
        this.mss = mss;
        this.rttNanos = rttNanos;
    }

    long now() {
        return now;
    }

    /** Lets time pass with nothing acknowledged. */
    void idle(long nanos) {
        now += nanos;
    }

    /** One round trip with an ACK for every segment. */
    void round() {
        round(1);
    }

    /**
     * One round trip with an ACK for every {@code segmentsPerAck} segments (delayed ACKs). The ACKs cover
     * exactly the window at the start of the round; the last one is short if the window is not a multiple.
     */
    void round(int segmentsPerAck) {
        long start = now;
        long window = controller.cwnd();
        long ackBytes = (long) mss * segmentsPerAck;
        long acks = (window + ackBytes - 1) / ackBytes;
        for (long i = 1; i <= acks; i++) {
            now = start + rttNanos * i / acks;
            rtt.onSample(now, rttNanos);
            long acked = Math.min(ackBytes, window - (i - 1) * ackBytes);
            controller.onAck(now, acked, rttNanos, controller.cwnd());
        }
        now = start + rttNanos;
    }

    /**
     * A loss detected now, of a segment sent one RTT ago, with a full window in flight; the recovery episode
     * ends one RTT later.
     */
    void lossAndRecovery() {
        controller.onCongestionEvent(now, now - rttNanos, controller.cwnd());
        now += rttNanos;
        controller.onRecoveryEnd(now);
    }
}
