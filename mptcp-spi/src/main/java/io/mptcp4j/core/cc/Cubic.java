package io.mptcp4j.core.cc;

import io.mptcp4j.core.tcp.RttStats;
import java.util.Objects;

/**
 * CUBIC congestion control, RFC 9438, on top of the slow start, recovery and timeout rules of
 * {@link LossBasedController}.
 *
 * <p>Windows are kept in bytes (allowed by RFC 9438 section 4.1), so the curve is
 * {@code W_cubic(t) = C*SMSS*(t-K)^3 + W_max} with {@code W_max} in bytes and {@code t}, {@code K} in seconds.
 * The arithmetic is plain {@code double}, which Java evaluates identically on every platform, so a simulated
 * run replays exactly.
 *
 * <p>What is implemented: the cubic window (section 4.2) with the target clamped to
 * {@code [cwnd, 1.5*cwnd]} and evaluated one smoothed RTT ahead; the Reno-friendly estimate {@code W_est} with
 * {@code alpha_cubic} switching to 1 once {@code W_est >= cwnd_prior} (4.3); the concave and convex regions
 * (4.4, 4.5); the decrease by {@code beta_cubic} of the flight (4.6); fast convergence (4.7); the timeout rule
 * (4.8); and no growth, with the clock of {@code t} stopped, while the flow is application limited (5.8).
 *
 * <p>Choices where the RFC leaves room, or says nothing:
 * <ul>
 *   <li>The concave/convex increase {@code (target - cwnd)/cwnd} is applied per SMSS acknowledged, as the
 *       Reno-friendly estimate is, rather than once per ACK; the two agree without delayed ACKs and the former
 *       does not slow down with them (this is also what Linux does).</li>
 *   <li>If a congestion avoidance stage starts at or above {@code W_max} (possible when the flight was larger
 *       than the window), {@code K = 0} and the curve starts from the current window, as in Linux.</li>
 *   <li>Before the subflow's first RTT sample the target is {@code W_cubic(t)}, with no RTT ahead.</li>
 *   <li>The first slow start uses HyStart++ (RFC 9406, as section 4.10 recommends), from
 *       {@link LossBasedController}. When it ends slow start without a loss, {@code cwnd_prior = cwnd} and the
 *       stage starts like one after a timeout: {@code K = 0}, {@code W_max} = the window at its start (4.10).</li>
 *   <li>A spurious congestion event (section 4.9) restores {@code W_max} and {@code cwnd_prior} with the window
 *       and threshold; the congestion avoidance stage then starts afresh from the restored window.</li>
 * </ul>
 */
public final class Cubic extends LossBasedController {

    /** The algorithm {@code "cubic"}: an independent {@code Cubic} controller per subflow. */
    public static final CongestionControlAlgorithm ALGORITHM =
            CongestionControlAlgorithm.uncoupled("cubic", Cubic::new);

    /** RFC 9438 section 5.1: C = 0.4 segments per second cubed. */
    public static final double C = 0.4;
    /** RFC 9438 section 4.6: the multiplicative decrease factor. */
    public static final double BETA = 0.7;
    /** RFC 9438 section 4.3: the additive increase that makes AIMD(alpha, beta) as fast as Reno. */
    public static final double ALPHA_RENO_FRIENDLY = 3 * (1 - BETA) / (1 + BETA);

    private static final double NANOS_PER_SECOND = 1e9;

    private final RttStats rtt;

    /** Window just before the last reduction, bytes (fast convergence may lower it); 0 before any loss. */
    private double wMax;
    /** The window when ssthresh was last set, bytes (section 4.1.2). */
    private double cwndPrior;
    /** No loss since the last timeout (or ever): the next stage takes W_max from its own start (4.8, 4.10). */
    private boolean wMaxFromStageStart = true;
    /** The three above just before the last congestion event, for undoing it. */
    private double wMaxBeforeEvent;
    private double cwndPriorBeforeEvent;
    private boolean wMaxFromStageStartBeforeEvent;

    private boolean stageStarted;
    /** t_epoch, shifted forward by the time the flow spent application limited. */
    private long stageStart;
    /** K in seconds. */
    private double k;
    /** The W_max the current stage's curve is anchored at, bytes. */
    private double curveTop;
    /** W_est in bytes. */
    private double wEst;
    /** Growth below one byte, carried to the next ACK. */
    private double fractionalGrowth;

    private boolean clockStopped;
    private long clockStoppedAt;

    /**
     * A controller for a subflow with the given SMSS, reading the subflow's smoothed RTT from {@code rtt}.
     *
     * @throws IllegalArgumentException if {@code mss} is not positive
     */
    public Cubic(int mss, RttStats rtt) {
        super(mss);
        this.rtt = Objects.requireNonNull(rtt, "rtt");
    }

    @Override
    public String name() {
        return "cubic";
    }

    /** W_max in bytes: the window the curve plateaus at, for diagnostics; 0 before the first reduction. */
    public double wMaxBytes() {
        return wMax;
    }

    /** K in seconds for the current congestion avoidance stage, for diagnostics; 0 outside one. */
    public double kSeconds() {
        return stageStarted ? k : 0;
    }

    /** W_est in bytes for the current congestion avoidance stage, for diagnostics; 0 outside one. */
    public double renoEstimateBytes() {
        return stageStarted ? wEst : 0;
    }

    @Override
    protected long multiplicativeDecrease(long flightSize) {
        // Section 4.6: ssthresh = flight_size * beta_cubic, in integers so that no rounding of 0.7 shows.
        return flightSize * 7 / 10;
    }

    @Override
    protected void enteredRecovery(long now, long cwndBefore) {
        wMaxBeforeEvent = wMax;
        cwndPriorBeforeEvent = cwndPrior;
        wMaxFromStageStartBeforeEvent = wMaxFromStageStart;
        // Section 4.7, before the reduction of 4.6: a flow losing at a lower window than last time releases
        // bandwidth faster by aiming its plateau lower.
        wMax = cwndBefore < wMax ? cwndBefore * (1 + BETA) / 2 : cwndBefore;
        cwndPrior = cwndBefore;
        wMaxFromStageStart = false;
        stageStarted = false;
    }

    @Override
    protected void undidCongestionEvent(long now) {
        wMax = wMaxBeforeEvent;
        cwndPrior = cwndPriorBeforeEvent;
        wMaxFromStageStart = wMaxFromStageStartBeforeEvent;
        stageStarted = false;
    }

    @Override
    protected void collapsedOnTimeout(long now, long cwndBefore) {
        // Section 4.8: ssthresh as in 4.6 (done by the base class); the next stage anchors at its own start.
        cwndPrior = cwndBefore;
        wMaxFromStageStart = true;
        stageStarted = false;
    }

    @Override
    protected void leftSlowStartWithoutLoss(long now) {
        // Section 4.10: W_max is undefined after a slow start without loss; cwnd_prior = cwnd, and the stage
        // anchors at its own start, K = 0, with no reduction.
        cwndPrior = cwnd();
        wMaxFromStageStart = true;
        stageStarted = false;
    }

    @Override
    protected void ackedWhileApplicationLimited(long now) {
        stopClock(now);
    }

    @Override
    protected void mssChanged(int previousMss) {
        // K depends on the SMSS: restart the stage from the current window towards the same W_max in bytes.
        stageStarted = false;
    }

    @Override
    protected void increaseInCongestionAvoidance(long now, long ackedBytes, long bytesInFlight) {
        if (!stageStarted) {
            startStage(now);
        } else if (clockStopped) {
            // Section 5.8: t must not include application-limited periods.
            stageStart += now - clockStoppedAt;
            clockStopped = false;
        }
        double cwnd = cwnd();
        double mss = mss();
        double t = (now - stageStart) / NANOS_PER_SECOND;

        // Section 4.3, Figure 4, in bytes: W_est += alpha * segments_acked / cwnd segments.
        double alpha = wEst >= cwndPrior ? 1.0 : ALPHA_RENO_FRIENDLY;
        wEst += alpha * ackedBytes * mss / cwnd;

        if (cubicWindow(t) < wEst) {
            // Reno-friendly region: cwnd follows W_est.
            fractionalGrowth = 0;
            setCwnd(Math.max(cwnd(), (long) wEst));
        } else {
            // Sections 4.2, 4.4, 4.5: approach W_cubic one RTT ahead, growing at most by half per RTT.
            double rttSeconds = rtt.hasSample() ? rtt.srttNanos() / NANOS_PER_SECOND : 0;
            double target = Math.min(Math.max(cubicWindow(t + rttSeconds), cwnd), 1.5 * cwnd);
            fractionalGrowth += (target - cwnd) * ackedBytes / cwnd;
            long whole = (long) fractionalGrowth;
            fractionalGrowth -= whole;
            setCwnd(cwnd() + whole);
        }

        if (bytesInFlight <= ackedBytes) {
            // The ACK drained the flight: the flow is idle until it sends again.
            stopClock(now);
        }
    }

    /** Section 4.2, Figure 1, in bytes. */
    private double cubicWindow(double tSeconds) {
        double d = tSeconds - k;
        return C * mss() * d * d * d + curveTop;
    }

    /** Starts a congestion avoidance stage at the first ACK that can grow the window (section 4.2). */
    private void startStage(long now) {
        double cwndEpoch = cwnd();
        if (wMaxFromStageStart) {
            // Sections 4.8 and 4.10: after a timeout, or a slow start ended without loss, K = 0, W_max = cwnd_epoch.
            wMax = cwndEpoch;
            wMaxFromStageStart = false;
        }
        if (cwndEpoch >= wMax) {
            k = 0;
            curveTop = cwndEpoch;
        } else {
            // Section 4.2, Figure 2: K = cbrt((W_max - cwnd_epoch) / C), with the window in segments.
            k = Math.cbrt((wMax - cwndEpoch) / (C * mss()));
            curveTop = wMax;
        }
        wEst = cwndEpoch; // section 4.3
        fractionalGrowth = 0;
        stageStart = now;
        stageStarted = true;
        clockStopped = false;
    }

    private void stopClock(long now) {
        if (stageStarted && !clockStopped) {
            clockStopped = true;
            clockStoppedAt = now;
        }
    }
}
