package io.mptcp4j.core.cc;

import io.mptcp4j.core.tcp.RttStats;

/**
 * OLIA, the Opportunistic Linked Increases Algorithm of Khalili, Gast, Popovic and Le Boudec ("MPTCP is not
 * Pareto-optimal: performance issues and a possible solution", CoNEXT 2012; draft-khalili-mptcp-congestion-control,
 * section 3). Slow start, recovery and the halving on loss are standard TCP's, as for LIA; the increase moves
 * window from the paths with the largest windows towards the paths that look best, which LIA does not do.
 *
 * <p>For each ACK on path {@code r} in congestion avoidance, in segments per acknowledged segment:
 * <pre>
 *   w_r += (w_r / rtt_r^2) / (sum_p w_p / rtt_p)^2 + alpha_r / w_r
 * </pre>
 * and here in bytes, multiplied by {@code bytes_acked * MSS_r} with the windows in bytes. With {@code n} paths,
 * {@code l_r} the bytes acknowledged on {@code r} between its last two losses or since its last loss, whichever is
 * more, the best paths {@code B = argmax l_r / rtt_r^2}, the paths with the largest window {@code M} and the
 * collected paths {@code B \ M}:
 * <pre>
 *   alpha_r = 1 / (n * |B \ M|)     if r is in B \ M
 *   alpha_r = -1 / (n * |M|)        if r is in M and B \ M is not empty
 *   alpha_r = 0                     otherwise
 * </pre>
 * The {@code alpha} terms add up to 0 over the paths: they shift growth without changing the total. Paths without
 * an RTT sample are left out, as in {@link Lia}; with one path the increase is Reno's.
 */
public final class Olia extends CoupledController {

    /** The algorithm {@code "olia"}: one shared state per connection, an {@code Olia} controller per subflow. */
    public static final CongestionControlAlgorithm ALGORITHM = new CoupledAlgorithm("olia", Olia::new);

    /** Bytes acknowledged on this subflow since it started. */
    private long ackedTotal;
    /** {@link #ackedTotal} at the last loss, and at the loss before it. */
    private long ackedAtLastLoss;
    private long ackedAtLossBefore;
    /** The two above just before the last congestion event, for undoing it. */
    private long ackedAtLastLossBeforeEvent;
    private long ackedAtLossBeforeBeforeEvent;

    Olia(CoupledConnection connection, int mss, RttStats rtt) {
        super(connection, mss, rtt);
    }

    @Override
    public String name() {
        return "olia";
    }

    /**
     * {@code l_r}: the bytes acknowledged between the last two losses or since the last loss, whichever is more
     * (the draft's smoothed estimate of the bytes sent between two losses).
     */
    public long bytesBetweenLosses() {
        return Math.max(ackedTotal - ackedAtLastLoss, ackedAtLastLoss - ackedAtLossBefore);
    }

    /** {@code alpha_r} of this subflow now (see the class comment); 0 if it does not count. */
    public double alpha() {
        if (!counted()) {
            return 0;
        }
        CoupledConnection c = connection();
        int n = 0;
        long maxCwnd = 0;
        double bestQuality = -1;
        for (CoupledController s : c.subflows()) {
            if (CoupledConnection.counts(s)) {
                n++;
                maxCwnd = Math.max(maxCwnd, s.cwnd());
                bestQuality = Math.max(bestQuality, quality(s));
            }
        }
        int maxWindowPaths = 0;
        int collectedPaths = 0;
        for (CoupledController s : c.subflows()) {
            if (CoupledConnection.counts(s)) {
                boolean maxWindow = s.cwnd() == maxCwnd;
                if (maxWindow) {
                    maxWindowPaths++;
                } else if (quality(s) == bestQuality) {
                    collectedPaths++;
                }
            }
        }
        if (collectedPaths == 0) {
            return 0;
        }
        if (cwnd() == maxCwnd) {
            return -1.0 / ((double) n * maxWindowPaths);
        }
        return quality(this) == bestQuality ? 1.0 / ((double) n * collectedPaths) : 0;
    }

    /** {@code l_r / rtt_r^2}: what makes a path one of the best. */
    private static double quality(CoupledController s) {
        double rtt = CoupledConnection.rttSeconds(s);
        long l = s instanceof Olia o ? o.bytesBetweenLosses() : 0;
        return l / (rtt * rtt);
    }

    @Override
    protected void acknowledged(long now, long ackedBytes) {
        ackedTotal += ackedBytes;
    }

    @Override
    protected void increaseInCongestionAvoidance(long now, long ackedBytes, long bytesInFlight) {
        if (!counted()) {
            grow(renoIncrease(ackedBytes));
            return;
        }
        double cwnd = cwnd();
        double window = connection().windowAt(CoupledConnection.rttSeconds(this));
        // Draft section 3: (w_r/rtt_r^2) / (sum_p w_p/rtt_p)^2 + alpha_r / w_r per segment acknowledged, the first
        // term multiplied above and below by rtt_r^2.
        double perByte = cwnd / (window * window) + alpha() / cwnd;
        grow(perByte * ackedBytes * mss());
    }

    @Override
    protected long multiplicativeDecrease(long flightSize) {
        // Draft section 3: on loss, w_r = w_r / 2, as TCP.
        return flightSize / 2;
    }

    @Override
    protected void enteredRecovery(long now, long cwndBefore) {
        ackedAtLastLossBeforeEvent = ackedAtLastLoss;
        ackedAtLossBeforeBeforeEvent = ackedAtLossBefore;
        lossAt();
    }

    @Override
    protected void undidCongestionEvent(long now) {
        ackedAtLastLoss = ackedAtLastLossBeforeEvent;
        ackedAtLossBefore = ackedAtLossBeforeBeforeEvent;
    }

    @Override
    protected void collapsedOnTimeout(long now, long cwndBefore) {
        lossAt();
    }

    private void lossAt() {
        ackedAtLossBefore = ackedAtLastLoss;
        ackedAtLastLoss = ackedTotal;
    }
}
