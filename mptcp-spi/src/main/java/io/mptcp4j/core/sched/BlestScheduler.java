package io.mptcp4j.core.sched;

/**
 * BLEST, blocking estimation (Ferlin, Alay, Mehani and Boreli, "BLEST: Blocking Estimation-based MPTCP Scheduler
 * for Heterogeneous Networks", IFIP Networking 2016): min-RTT, except that when the fastest subflow has no room
 * and a slower one has, it first estimates whether data sent on the slower one would hold the connection-level
 * send window long enough to block the fastest subflow, and if so sends nothing and waits for the fastest one.
 * Less head-of-line blocking at the receiver than min-RTT on paths of very different delays, at some cost in
 * throughput when the window is small.
 *
 * <p>The estimate (paper, section IV): a chunk sent on the slow subflow {@code s} stays unacknowledged for about
 * its RTT, and with it the window space of everything {@code s} has outstanding. Meanwhile the fastest subflow
 * {@code f}, in congestion avoidance (one MSS more per RTT), sends about
 * {@code X = (cwnd_f + mss_f * (r - 1) / 2) * r} bytes, with {@code r = RTT_s / RTT_f}. If
 * {@code lambda * X > sendWindow - (outstanding_s + chunk)}, {@code f} would run out of window: wait.
 *
 * <p>Three adaptations to this stack: {@code RTT_s} is extended by the time {@code s} needs to send what it already
 * has queued (a subflow takes data up to a congestion window ahead of what it sends); {@code RTT_f} is the fast
 * subflow's minimum RTT when that is smaller than its smoothed one (just after a loss its smoothed RTT still holds
 * the queue it had built, while its halved window drains that queue and keeps the path busy, so the smoothed RTT
 * would underestimate what it sends and let the slow subflow block the window); and {@code lambda}, the
 * correction for the estimate's error, is adapted as the paper proposes, with the values of the authors' Linux
 * implementation: it starts at 1.2, stays within [1.0, 1.3], and at most once per smoothed RTT of the fastest
 * subflow grows by 0.04 if subflows retransmitted since the last update (the slow path's data is likely late) and
 * shrinks by 0.01 otherwise.
 */
public final class BlestScheduler implements PacketScheduler {

    /** The name {@link PacketSchedulers#byName} knows it by. */
    public static final String NAME = "blest";

    static final double LAMBDA_INITIAL = 1.2;
    static final double LAMBDA_MIN = 1.0;
    static final double LAMBDA_MAX = 1.3;
    static final double LAMBDA_UP = 0.04;
    static final double LAMBDA_DOWN = 0.01;

    /** The connection sends at most one 64 KB mapping per decision. */
    private static final long MAX_CHUNK = 64 * 1024;

    private double lambda = LAMBDA_INITIAL;
    private boolean lambdaStarted;
    private long lastLambdaUpdate;
    private long retransmissionsAtUpdate;

    @Override
    public SubflowView selectForData(SchedulingContext context) {
        int tier = MinRttScheduler.usableTier(context);
        SubflowView best = MinRttScheduler.fastest(context, tier, true);
        SubflowView fastest = MinRttScheduler.fastest(context, tier, false);
        if (best == null || best == fastest) {
            return best;
        }
        long rttFast = fastest.smoothedRttNanos();
        long rttSlow = best.smoothedRttNanos();
        if (rttFast <= 0 || rttSlow <= 0 || fastest.sendMss() <= 0) {
            return best; // nothing to estimate with yet
        }
        updateLambda(context, rttFast);
        long chunk = Math.min(Math.min(context.unsentBytes(), context.sendWindowRemaining()),
                Math.min(best.sendableBytes(), MAX_CHUNK));
        long slowBytes = Math.max(0, best.bytesSent() - best.bytesAcked()) + chunk;
        long window = context.sendWindow();
        if (window == Long.MAX_VALUE) {
            return best; // no connection-level window to block (fallback)
        }
        // Section IV: while the slow subflow's data is unacknowledged its window space stays taken; if the fast
        // subflow would want more than is left (lambda * X > |M| - slow's bytes), do not use the slow one.
        double space = Math.max(0, window - slowBytes);
        double fastBytes = bytesDuring(fastest, lingerNanos(best));
        return lambda * fastBytes > space ? null : best;
    }

    /**
     * How long data handed to {@code s} now stays unacknowledged: its smoothed RTT, plus the time to send what it
     * has queued at the rate of a congestion window per RTT.
     */
    static double lingerNanos(SubflowView s) {
        double rtt = s.smoothedRttNanos();
        long cwnd = Math.max(s.congestionWindow(), Math.max(1, s.sendMss()));
        return rtt * (1 + (double) s.unsentBytes() / cwnd);
    }

    /**
     * The bytes {@code f} sends in {@code nanos}, growing its window by one MSS per RTT (paper, section IV: X =
     * MSS_f * (CWND_f + (r - 1) / 2) * r, with the window in segments and r the number of its RTTs, counted in
     * its minimum RTT when that is the smaller).
     */
    static double bytesDuring(SubflowView f, double nanos) {
        long rtt = f.minRttNanos() > 0 ? Math.min(f.minRttNanos(), f.smoothedRttNanos()) : f.smoothedRttNanos();
        double r = Math.max(1, nanos / rtt);
        return (f.congestionWindow() + f.sendMss() * (r - 1) / 2) * r;
    }

    private void updateLambda(SchedulingContext context, long rttFast) {
        long retransmissions = 0;
        for (SubflowView s : context.subflows()) {
            retransmissions += s.retransmittedSegments();
        }
        long now = context.now();
        if (!lambdaStarted) {
            lambdaStarted = true;
            lastLambdaUpdate = now;
            retransmissionsAtUpdate = retransmissions;
            return;
        }
        if (now - lastLambdaUpdate < rttFast) {
            return;
        }
        // A subflow that left the context takes its count with it: only growth counts.
        lambda += retransmissions > retransmissionsAtUpdate ? LAMBDA_UP : -LAMBDA_DOWN;
        lambda = Math.max(LAMBDA_MIN, Math.min(LAMBDA_MAX, lambda));
        lastLambdaUpdate = now;
        retransmissionsAtUpdate = retransmissions;
    }

    /** The current correction factor of the estimate. */
    double lambda() {
        return lambda;
    }

    @Override
    public String toString() {
        return NAME;
    }
}
