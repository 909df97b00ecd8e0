package io.mptcp4j.core.cc;

/**
 * What every loss-based controller shares: the initial window, slow start, loss recovery episodes and the
 * reaction to a retransmission timeout. A subclass supplies its congestion-avoidance increase and its
 * multiplicative decrease, and may follow the window through a few hooks.
 *
 * <ul>
 *   <li>Initial window: RFC 6928, {@code min(10*SMSS, max(2*SMSS, 14600))}.</li>
 *   <li>Slow start ({@code cwnd < ssthresh}): appropriate byte counting, RFC 3465 section 2.2: each ACK grows
 *       {@code cwnd} by the bytes it acknowledges, at most L = 2*SMSS, or 1*SMSS in the slow start that follows
 *       a retransmission timeout (section 2.3), and never beyond {@code ssthresh}.</li>
 *   <li>HyStart++ (RFC 9406) in the first slow start: a clear rise of the per-round minimum RTT slows growth to a
 *       quarter (Conservative Slow Start), and five such rounds end slow start with {@code ssthresh = cwnd},
 *       no reduction; a loss ends it as usual. See {@link HyStartPlusPlus}.</li>
 *   <li>The window grows only while it is used: an ACK that arrives with less than half of {@code cwnd} in
 *       flight belongs to the non-validated phase of RFC 7661 section 3 and leaves the window as it is
 *       (RFC 9438 section 5.8 demands the same for CUBIC).</li>
 *   <li>Congestion event: {@code ssthresh = max(decrease(FlightSize), 2*SMSS)} and {@code cwnd = ssthresh}
 *       (RFC 5681 section 3.2 with RFC 6675's unexpanded window); one reduction per episode; no growth until
 *       {@link #onRecoveryEnd(long)}, which sets {@code cwnd = ssthresh} (RFC 6582 section 3.2 step 3).</li>
 *   <li>Retransmission timeout: {@code cwnd} = the loss window of one SMSS; {@code ssthresh} as for a congestion
 *       event, but held when the timer expires again before any new data is acknowledged (RFC 5681 section 3.1,
 *       equation (4) and the paragraph after it).</li>
 *   <li>Spurious congestion event: the recovery ends and {@code cwnd} and {@code ssthresh} return to at least
 *       their values before the event (RFC 4015 section 3.2, Linux's undo); a timeout is not undone.</li>
 * </ul>
 */
public abstract class LossBasedController implements CongestionController {

    private int mss;
    private long cwnd;
    private long ssthresh = Long.MAX_VALUE;
    private boolean inRecovery;
    /** Whether {@link #episodeStart} holds the start of a congestion episode. */
    private boolean hadCongestion;
    private long episodeStart;
    /** A timeout fired and no new data was acknowledged since. */
    private boolean timedOutSinceAck;
    /** Slow start is climbing back after a timeout: the byte-counting limit is one SMSS. */
    private boolean slowStartAfterTimeout;
    /** Whether the recovery in progress may still be undone, to the values below. */
    private boolean undoable;
    private long cwndBeforeEvent;
    private long ssthreshBeforeEvent;
    private boolean hadCongestionBeforeEvent;
    private long episodeStartBeforeEvent;
    private final HyStartPlusPlus hyStart = new HyStartPlusPlus();
    /** Bytes in flight right after the last transmission ({@link #onPacketSent}). */
    private long flightAtLastSend;

    /**
     * A controller with the RFC 6928 initial window.
     *
     * @throws IllegalArgumentException if {@code mss} is not positive
     */
    protected LossBasedController(int mss) {
        this.mss = requirePositive(mss);
        this.cwnd = initialWindow(mss);
    }

    /**
     * The initial window of RFC 6928 section 2 in bytes: {@code min(10*SMSS, max(2*SMSS, 14600))}.
     *
     * @throws IllegalArgumentException if {@code mss} is not positive
     */
    public static long initialWindow(int mss) {
        requirePositive(mss);
        return Math.min(10L * mss, Math.max(2L * mss, 14_600L));
    }

    @Override
    public final long cwnd() {
        return cwnd;
    }

    @Override
    public final long ssthresh() {
        return ssthresh;
    }

    @Override
    public final boolean inRecovery() {
        return inRecovery;
    }

    /**
     * Whether HyStart++ has slowed the first slow start to Conservative Slow Start (RFC 9406 section 4.2), for
     * diagnostics.
     */
    public final boolean inConservativeSlowStart() {
        return hyStartApplies() && hyStart.inCss();
    }

    /** The current sender maximum segment size in bytes. */
    protected final int mss() {
        return mss;
    }

    /** Sets the window during congestion avoidance; it never goes below one SMSS. */
    protected final void setCwnd(long bytes) {
        cwnd = Math.max(bytes, mss);
    }

    /** Counts the bytes for HyStart++'s rounds. */
    @Override
    public final void onPacketSent(long now, long bytes, long bytesInFlight) {
        if (bytes < 0) {
            throw new IllegalArgumentException("negative bytes: " + bytes);
        }
        hyStart.sent(bytes);
        flightAtLastSend = bytesInFlight + bytes;
    }

    @Override
    public final void onAck(long now, long ackedBytes, long rttSampleNanos, long bytesInFlight) {
        if (ackedBytes < 0) {
            throw new IllegalArgumentException("negative ackedBytes: " + ackedBytes);
        }
        if (ackedBytes == 0) {
            return;
        }
        timedOutSinceAck = false;
        hyStart.acknowledged(ackedBytes);
        acknowledged(now, ackedBytes);
        if (inRecovery) {
            return;
        }
        boolean hyStartApplies = hyStartApplies();
        // RFC 7661: the window grows only while it is used. Judged by the flight at the last transmission too, not
        // only by this ACK's: ACKs handled in one batch (a burst, or a loop that reads many packets before it
        // sends) drain the flight one by one before the sender refills it, and the later ones would otherwise
        // count as application-limited and not grow the window, halving slow start's growth in such rounds.
        if (2 * Math.max(bytesInFlight, flightAtLastSend) < cwnd) {
            ackedWhileApplicationLimited(now);
        } else if (cwnd < ssthresh) {
            long limited = Math.min(ackedBytes, slowStartAfterTimeout ? mss : 2L * mss);
            long increase = hyStartApplies ? hyStart.slowStartIncrease(limited) : limited;
            cwnd = Math.min(cwnd + increase, ssthresh);
            if (cwnd >= ssthresh) {
                slowStartAfterTimeout = false;
            }
        } else {
            increaseInCongestionAvoidance(now, ackedBytes, bytesInFlight);
        }
        // After the window update, as in RFC 9406 section 4.2; an application-limited ACK still measures the path.
        if (hyStartApplies && hyStart.onAck(rttSampleNanos, bytesInFlight - ackedBytes)) {
            // Section 4.2: CSS_ROUNDS rounds of CSS are over; congestion avoidance from the current window.
            ssthresh = cwnd;
            leftSlowStartWithoutLoss(now);
        }
    }

    /**
     * RFC 9406 section 4.3: HyStart++ only in the first slow start, while {@code ssthresh} has its initial value.
     * A congestion event, a timeout or HyStart++'s own exit sets it, so the slow starts after a timeout are plain
     * ones; an undone congestion event restores it, and HyStart++ resumes where it was.
     */
    private boolean hyStartApplies() {
        return ssthresh == Long.MAX_VALUE;
    }

    @Override
    public final void onCongestionEvent(long now, long lostPacketSentTime, long bytesInFlight) {
        if (hadCongestion && lostPacketSentTime - episodeStart <= 0) {
            return;
        }
        long before = cwnd;
        undoable = true;
        cwndBeforeEvent = cwnd;
        ssthreshBeforeEvent = ssthresh;
        hadCongestionBeforeEvent = hadCongestion;
        episodeStartBeforeEvent = episodeStart;
        // A new episode during a recovery (a packet sent after the last one began was lost) reduces from the
        // window that recovery aims at: the flight may be far above it then, and must not raise it.
        ssthresh = reducedThreshold(inRecovery ? Math.min(bytesInFlight, cwnd) : bytesInFlight);
        cwnd = ssthresh;
        inRecovery = true;
        hadCongestion = true;
        episodeStart = now;
        slowStartAfterTimeout = false;
        enteredRecovery(now, before);
    }

    @Override
    public final void onRecoveryEnd(long now) {
        if (!inRecovery) {
            return;
        }
        inRecovery = false;
        cwnd = ssthresh;
    }

    @Override
    public final void onSpuriousCongestionEvent(long now) {
        if (!inRecovery || !undoable) {
            return;
        }
        undoable = false;
        inRecovery = false;
        cwnd = Math.max(cwnd, cwndBeforeEvent);
        ssthresh = Math.max(ssthresh, ssthreshBeforeEvent);
        hadCongestion = hadCongestionBeforeEvent;
        episodeStart = episodeStartBeforeEvent;
        undidCongestionEvent(now);
    }

    @Override
    public final void onRetransmitTimeout(long now, long bytesInFlight) {
        undoable = false;
        long before = cwnd;
        boolean first = !timedOutSinceAck;
        if (first) {
            // RFC 5681 equation (4), from the FlightSize; a timeout in the middle of a recovery keeps the
            // threshold that recovery set if it is lower (this congestion was answered already), as Linux does.
            long reduced = reducedThreshold(bytesInFlight);
            ssthresh = inRecovery ? Math.min(ssthresh, reduced) : reduced;
        }
        cwnd = mss;
        inRecovery = false;
        hadCongestion = true;
        episodeStart = now;
        timedOutSinceAck = true;
        slowStartAfterTimeout = true;
        if (first) {
            collapsedOnTimeout(now, before);
        }
    }

    /**
     * Keeps the window's bytes, but never below one new SMSS, and {@code ssthresh} at least two of them
     * (RFC 5681 section 3.1's floor).
     */
    @Override
    public final void onMssChanged(int newMss) {
        int previous = mss;
        mss = requirePositive(newMss);
        cwnd = Math.max(cwnd, newMss);
        if (ssthresh != Long.MAX_VALUE) {
            ssthresh = Math.max(ssthresh, 2L * newMss);
        }
        mssChanged(previous);
    }

    /**
     * Grows the window for an ACK of {@code ackedBytes} in congestion avoidance, through {@link #setCwnd(long)}.
     * Called only outside recovery, with {@code cwnd >= ssthresh} and the window in use.
     *
     * @param bytesInFlight bytes in flight when the ACK arrived, the ACKed ones included
     */
    protected abstract void increaseInCongestionAvoidance(long now, long ackedBytes, long bytesInFlight);

    /**
     * The multiplicative decrease: the new {@code ssthresh} for a loss with {@code flightSize} bytes in flight,
     * before the floor of two SMSS is applied (Reno: half of it).
     */
    protected abstract long multiplicativeDecrease(long flightSize);

    /**
     * A congestion event started a new recovery episode; {@code cwnd} and {@code ssthresh} already hold their
     * reduced values.
     *
     * @param cwndBefore the window just before the reduction
     */
    protected void enteredRecovery(long now, long cwndBefore) {
    }

    /**
     * The congestion event of the recovery that just ended proved spurious; {@code cwnd} and {@code ssthresh}
     * already hold their restored values.
     */
    protected void undidCongestionEvent(long now) {
    }

    /**
     * The first of a run of retransmission timeouts collapsed the window; {@code ssthresh} already holds its new
     * value. Later timeouts of the run, which change nothing but the window, do not call this.
     *
     * @param cwndBefore the window just before the collapse
     */
    protected void collapsedOnTimeout(long now, long cwndBefore) {
    }

    /**
     * HyStart++ ended the first slow start without a loss (RFC 9406 section 4.2): {@code ssthresh} was just set to
     * {@code cwnd}, which is unchanged, and the next ACK that grows the window is in congestion avoidance.
     */
    protected void leftSlowStartWithoutLoss(long now) {
    }

    /**
     * An ACK newly acknowledged {@code ackedBytes} (more than 0) bytes, in any phase: slow start, congestion
     * avoidance, recovery or application-limited. Called before the window changes.
     */
    protected void acknowledged(long now, long ackedBytes) {
    }

    /** An ACK arrived while less than half the window was in flight, so the window did not grow. */
    protected void ackedWhileApplicationLimited(long now) {
    }

    /** The SMSS changed from {@code previousMss} to {@link #mss()}; the window was already adjusted. */
    protected void mssChanged(int previousMss) {
    }

    private long reducedThreshold(long flightSize) {
        if (flightSize < 0) {
            throw new IllegalArgumentException("negative bytesInFlight: " + flightSize);
        }
        return Math.max(multiplicativeDecrease(flightSize), 2L * mss);
    }

    private static int requirePositive(int mss) {
        if (mss <= 0) {
            throw new IllegalArgumentException("MSS must be positive: " + mss);
        }
        return mss;
    }

    @Override
    public String toString() {
        return name() + "[cwnd=" + cwnd + ", ssthresh=" + (ssthresh == Long.MAX_VALUE ? "inf" : ssthresh)
                + ", mss=" + mss + (inRecovery ? ", recovery" : "") + ']';
    }
}
