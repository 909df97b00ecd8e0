package io.mptcp4j.core.sched;

/**
 * ECF, earliest completion first (Lim, Nahum, Towsley and Gibbens, "ECF: An MPTCP Path Scheduler to Manage
 * Heterogeneous Paths", CoNEXT 2017): min-RTT, except that when the fastest subflow has no room and a slower one
 * has, it compares when the queued data would be delivered if it waited for the fastest subflow with when the
 * slower one would deliver it, and waits (sends nothing) when waiting finishes first. The slow path is then used
 * only when there is enough data queued for it to help, which keeps the receiver from waiting for its late
 * segments.
 *
 * <p>The rule (paper, Algorithm 1), with {@code k} the bytes queued, {@code f} the fastest subflow, {@code s} the
 * one min-RTT would take, {@code delta = max(RTTVAR_f, RTTVAR_s)} and {@code beta = 0.25}:
 * <ul>
 *   <li>waiting for {@code f} delivers the queue after {@code n * RTT_f}, with
 *       {@code n = 1 + max(k, cwnd_f) / cwnd_f} (the window in flight must drain first);</li>
 *   <li>if {@code n * RTT_f >= (1 + waiting * beta) * (RTT_s + delta)}, {@code s} helps: clear {@code waiting}
 *       and use {@code s};</li>
 *   <li>otherwise, if {@code s} would itself need at least {@code 2 * RTT_f + delta} for the queue
 *       ({@code max(k, cwnd_s) / cwnd_s * RTT_s}), set {@code waiting} and send nothing; if not, use {@code s}.</li>
 * </ul>
 * {@code waiting} is the paper's hysteresis: once ECF waits, the slow subflow must be clearly better to be used
 * again.
 *
 * <p>One adaptation to this stack: a subflow takes data up to a congestion window ahead of what it sends, so data
 * handed to a subflow now waits behind what that subflow already has queued. Both sides count it: {@code k}
 * becomes {@code k + queued_f} for the fast subflow and {@code k + queued_s} for the slow one, and the slow
 * subflow's RTT grows by the time to send its queue ({@code RTT_s * queued_s / cwnd_s}).
 */
public final class EcfScheduler implements PacketScheduler {

    /** The name {@link PacketSchedulers#byName} knows it by. */
    public static final String NAME = "ecf";

    /** The paper's hysteresis factor. */
    static final double BETA = 0.25;

    private boolean waiting;

    @Override
    public SubflowView selectForData(SchedulingContext context) {
        int tier = MinRttScheduler.usableTier(context);
        SubflowView best = MinRttScheduler.fastest(context, tier, true);
        SubflowView fastest = MinRttScheduler.fastest(context, tier, false);
        if (best == null || best == fastest) {
            return best;
        }
        double rttFast = fastest.smoothedRttNanos();
        double rttSlow = best.smoothedRttNanos();
        if (rttFast <= 0 || rttSlow <= 0) {
            return best; // nothing to estimate with yet
        }
        double cwndFast = window(fastest);
        double cwndSlow = window(best);
        double queued = Math.max(0, context.unsentBytes());
        double delta = Math.max(fastest.rttVarNanos(), best.rttVarNanos());

        // Algorithm 1: n = 1 + k / CWND_f rounds of the fast subflow (k at least a window), each subflow's own
        // queue counted ahead of k (our adaptation).
        double fastRounds = 1 + Math.max(queued + fastest.unsentBytes(), cwndFast) / cwndFast;
        double slowRtt = rttSlow * (1 + best.unsentBytes() / cwndSlow);
        // Waiting for the fast subflow is faster than the slow one's RTT (with the hysteresis once waiting)...
        if (fastRounds * rttFast < (1 + (waiting ? BETA : 0)) * (slowRtt + delta)) {
            // ...and the slow subflow would not be done within two fast RTTs either: wait.
            double slowRounds = Math.max(queued + best.unsentBytes(), cwndSlow) / cwndSlow;
            if (slowRounds * rttSlow >= 2 * rttFast + delta) {
                waiting = true;
                return null;
            }
            return best;
        }
        waiting = false;
        return best;
    }

    /** The congestion window in bytes, at least one segment. */
    private static double window(SubflowView s) {
        return Math.max(s.congestionWindow(), Math.max(1, s.sendMss()));
    }

    /** Whether the last decision was to wait for the fastest subflow (the paper's {@code waiting}). */
    boolean isWaiting() {
        return waiting;
    }

    @Override
    public String toString() {
        return NAME;
    }
}
