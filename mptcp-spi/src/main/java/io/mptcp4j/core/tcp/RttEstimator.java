package io.mptcp4j.core.tcp;

import java.util.Objects;

/**
 * Round-trip time estimation and the retransmission timeout (RTO) of one subflow, per RFC 6298.
 *
 * <p>The engine feeds it samples and timeouts; congestion controllers and schedulers read it through
 * {@link RttStats}. Time is passed in, never read (the core is sans-IO).
 *
 * <p><b>Which samples are valid (Karn's algorithm, RFC 6298 section 3).</b> A sample timed on a segment that
 * was retransmitted is ambiguous: the ACK may answer either copy. With the TCP timestamp option (RFC 7323
 * section 4) the echoed timestamp identifies the copy, so such samples are valid and go to
 * {@link #onSample(long, long)}. Without timestamps the engine must not pass a sample from a retransmitted
 * segment to {@link #onSample(long, long)}; it may instead call {@link #onSample(long, long, boolean)} and let
 * the estimator drop it.
 *
 * <p>Not thread-safe: it belongs to the subflow's connection, which one thread drives at a time.
 */
public final class RttEstimator implements RttStats {

    /** Larger samples can only come from a broken clock or an unvalidated timestamp echo. */
    private static final long MAX_SAMPLE_NANOS = 86_400_000_000_000L;

    private final RttConfig config;
    private final WindowedMinFilter minRtt;
    private boolean hasSample;
    private long srtt;
    private long rttVar;
    private long latestRtt;
    private long rto;
    private int backoffCount;

    /** An estimator with {@link RttConfig#DEFAULT}. */
    public RttEstimator() {
        this(RttConfig.DEFAULT);
    }

    /** An estimator with the given bounds. */
    public RttEstimator(RttConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.minRtt = new WindowedMinFilter(config.minRttWindowNanos());
        this.rto = config.initialRtoNanos(); // RFC 6298 (2.1)
    }

    /** The bounds this estimator was made with. */
    public RttConfig config() {
        return config;
    }

    /**
     * Takes a valid RTT sample: one timed on a segment that was never retransmitted, or one derived from the
     * timestamp option. Recomputes SRTT, RTTVAR and the RTO, which also ends any exponential backoff
     * (RFC 6298 section 5, the note after (5.7)).
     *
     * @param now       when the ACK carrying the sample arrived
     * @param rttNanos  the sample
     * @throws IllegalArgumentException if the sample is negative or longer than a day
     */
    public void onSample(long now, long rttNanos) {
        if (rttNanos < 0 || rttNanos > MAX_SAMPLE_NANOS) {
            throw new IllegalArgumentException("RTT sample out of range: " + rttNanos + " ns");
        }
        if (!hasSample) {
            // RFC 6298 (2.2): the first measurement R sets SRTT <- R, RTTVAR <- R/2.
            srtt = rttNanos;
            rttVar = rttNanos / 2;
            hasSample = true;
        } else {
            // RFC 6298 (2.3), beta = 1/4 and alpha = 1/8; RTTVAR is updated with the SRTT from before this sample.
            rttVar = (3 * rttVar + Math.abs(srtt - rttNanos)) / 4;
            srtt = (7 * srtt + rttNanos) / 8;
        }
        latestRtt = rttNanos;
        minRtt.update(now, rttNanos);
        rto = boundedRto(srtt + Math.max(config.clockGranularityNanos(), 4 * rttVar));
        backoffCount = 0;
    }

    /**
     * Takes a sample timed by the sender on one segment, without timestamps, and applies Karn's algorithm
     * (RFC 6298 section 3): a sample from a segment that was retransmitted is ambiguous and is dropped.
     *
     * @param retransmitted whether the timed segment was sent more than once
     * @return whether the sample was used
     * @throws IllegalArgumentException if a used sample is negative or longer than a day
     */
    public boolean onSample(long now, long rttNanos, boolean retransmitted) {
        if (retransmitted) {
            return false;
        }
        onSample(now, rttNanos);
        return true;
    }

    /**
     * Backs the timer off after a retransmission timeout: RTO doubles, up to the configured maximum
     * (RFC 6298 (5.5) and (2.5)). It stays backed off until the next valid sample.
     */
    public void backOff() {
        rto = rto > config.maxRtoNanos() / 2 ? config.maxRtoNanos() : 2 * rto;
        backoffCount++;
    }

    /** How many times {@link #backOff()} ran since the last valid sample; an engine gives up past a limit. */
    public int backoffCount() {
        return backoffCount;
    }

    @Override
    public boolean hasSample() {
        return hasSample;
    }

    @Override
    public long srttNanos() {
        return srtt;
    }

    @Override
    public long rttVarNanos() {
        return rttVar;
    }

    /** {@inheritDoc} The window is {@link RttConfig#minRttWindowNanos()}, measured between samples. */
    @Override
    public long minRttNanos() {
        return minRtt.get();
    }

    @Override
    public long latestRttNanos() {
        return latestRtt;
    }

    @Override
    public long rtoNanos() {
        return rto;
    }

    /** Clamps a computed RTO to [min, max]: RFC 6298 (2.4) and (2.5). */
    private long boundedRto(long computed) {
        return Math.min(Math.max(computed, config.minRtoNanos()), config.maxRtoNanos());
    }

    @Override
    public String toString() {
        return "RttEstimator[srtt=" + srtt + "ns, rttvar=" + rttVar + "ns, minRtt=" + minRtt.get()
                + "ns, rto=" + rto + "ns, backoffs=" + backoffCount + ']';
    }
}
