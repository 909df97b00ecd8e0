package io.mptcp4j.core.tcp;

/**
 * A read-only view of one subflow's round-trip time statistics, for congestion controllers and packet schedulers
 * (min-RTT, BLEST and ECF read {@link #srttNanos()}, {@link #rttVarNanos()} and {@link #minRttNanos()}).
 *
 * <p>The view is live: it always shows the estimator's current values. Until the first sample,
 * {@link #hasSample()} is false and every RTT figure is 0, so a reader that divides by one must check first.
 */
public interface RttStats {

    /** Whether at least one valid RTT sample has been taken. */
    boolean hasSample();

    /** The smoothed round-trip time SRTT of RFC 6298 section 2, in nanoseconds; 0 before the first sample. */
    long srttNanos();

    /** The round-trip time variation RTTVAR of RFC 6298 section 2, in nanoseconds; 0 before the first sample. */
    long rttVarNanos();

    /** The smallest sample within the configured window, in nanoseconds; 0 before the first sample. */
    long minRttNanos();

    /** The most recent valid sample, in nanoseconds; 0 before the first sample. */
    long latestRttNanos();

    /** The current retransmission timeout, exponential backoff included, in nanoseconds. */
    long rtoNanos();
}
