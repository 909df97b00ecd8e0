package io.mptcp4j.core.cc;

/**
 * HyStart++ (RFC 9406) for the slow start of a {@link LossBasedController}: it follows the minimum RTT round by
 * round, and when a round's minimum rises clearly above the previous round's, growth slows to Conservative Slow
 * Start (CSS); after {@value #CSS_ROUNDS} CSS rounds the controller leaves slow start without a loss. The
 * controller decides when HyStart++ applies, applies {@link #slowStartIncrease(long)} to the window and ends slow
 * start when {@link #onAck} says so.
 *
 * <p>Rounds (section 4.2's {@code windowEnd = SND.NXT}): a controller sees byte counts, not sequence numbers, so
 * this counts the bytes sent (first transmissions and retransmissions) and the bytes acknowledged; a round ends
 * when the bytes acknowledged reach the bytes sent when it started. The end is never put beyond what the engine
 * reports in flight, so bytes that are never reported acknowledged (the second copy of a retransmitted segment,
 * data SACKed before the cumulative ACK reached it) cannot stretch the rounds.
 */
final class HyStartPlusPlus {

    /** Section 4.3: the smallest delay increase that ends slow start, 4 ms. */
    static final long MIN_RTT_THRESH_NANOS = 4_000_000L;
    /** Section 4.3: the largest delay increase needed to end slow start, 16 ms. */
    static final long MAX_RTT_THRESH_NANOS = 16_000_000L;
    /** Section 4.3: the threshold is the last round's minimum RTT divided by this, within the two bounds. */
    static final int MIN_RTT_DIVISOR = 8;
    /** Section 4.3: RTT samples a round needs before its minimum is compared. */
    static final int N_RTT_SAMPLE = 8;
    /** Section 4.3: CSS grows the window this many times slower than slow start. */
    static final int CSS_GROWTH_DIVISOR = 4;
    /** Section 4.3: CSS rounds before congestion avoidance. */
    static final int CSS_ROUNDS = 5;

    private static final long INFINITY = Long.MAX_VALUE;

    private long bytesSent;
    private long bytesAcked;
    /** The value {@link #bytesAcked} reaches when the current round ends. */
    private long windowEnd;
    private long lastRoundMinRtt = INFINITY;
    private long currentRoundMinRtt = INFINITY;
    private int rttSampleCount;
    private boolean inCss;
    private long cssBaselineMinRtt = INFINITY;
    /** CSS rounds ended so far, the one CSS started in included (section 4.2). */
    private int cssRounds;

    /** {@code bytes} were sent, a first transmission or a retransmission. */
    void sent(long bytes) {
        bytesSent += bytes;
    }

    /** {@code bytes} were newly acknowledged; counted in every phase, so rounds stay aligned. */
    void acknowledged(long bytes) {
        bytesAcked += bytes;
    }

    /** Whether slow start is in its conservative phase. */
    boolean inCss() {
        return inCss;
    }

    /** The slow-start increase for {@code limitedBytes}, at most L*SMSS: a quarter of it in CSS (section 4.2). */
    long slowStartIncrease(long limitedBytes) {
        return inCss ? limitedBytes / CSS_GROWTH_DIVISOR : limitedBytes;
    }

    /**
     * An ACK in the slow start HyStart++ applies to, after {@link #acknowledged(long)} counted it: takes its RTT
     * sample, checks for the delay increase that starts CSS or the decrease that ends it, and ends the round if the
     * ACK completes it.
     *
     * @param rttSampleNanos the ACK's RTT sample, negative if none
     * @param flightAfter    bytes still in flight after this ACK
     * @return whether CSS has run its rounds, so slow start ends with {@code ssthresh = cwnd}
     */
    boolean onAck(long rttSampleNanos, long flightAfter) {
        if (rttSampleNanos >= 0) {
            currentRoundMinRtt = Math.min(currentRoundMinRtt, rttSampleNanos);
            rttSampleCount++;
        }
        if (rttSampleCount >= N_RTT_SAMPLE) {
            if (!inCss && lastRoundMinRtt != INFINITY
                    && currentRoundMinRtt >= lastRoundMinRtt + rttThreshold(lastRoundMinRtt)) {
                // Section 4.2: the delay rose; the round this happens in is the first CSS round.
                inCss = true;
                cssBaselineMinRtt = currentRoundMinRtt;
                cssRounds = 0;
            } else if (inCss && currentRoundMinRtt < cssBaselineMinRtt) {
                // Section 4.2: the delay fell back below the baseline, so the exit was spurious: resume slow start.
                inCss = false;
                cssBaselineMinRtt = INFINITY;
            }
        }
        if (bytesAcked < windowEnd) {
            return false;
        }
        boolean cssDone = inCss && ++cssRounds >= CSS_ROUNDS;
        if (cssDone) {
            inCss = false;
        }
        lastRoundMinRtt = currentRoundMinRtt;
        currentRoundMinRtt = INFINITY;
        rttSampleCount = 0;
        windowEnd = Math.min(bytesSent, bytesAcked + Math.max(flightAfter, 0));
        return cssDone;
    }

    /** Section 4.2: {@code RttThresh = max(MIN_RTT_THRESH, min(lastRoundMinRTT / MIN_RTT_DIVISOR, MAX_RTT_THRESH))}. */
    private static long rttThreshold(long lastRoundMinRtt) {
        return Math.max(MIN_RTT_THRESH_NANOS, Math.min(lastRoundMinRtt / MIN_RTT_DIVISOR, MAX_RTT_THRESH_NANOS));
    }
}
