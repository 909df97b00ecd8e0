package io.mptcp4j.core.tcp;

/**
 * The tunables of an {@link RttEstimator}, all in nanoseconds.
 *
 * <p>{@link #DEFAULT} follows Linux and {@link #RFC6298} the letter of the RFC; they differ only in the minimum
 * RTO. RFC 6298 (2.4) says the RTO SHOULD be rounded up to 1 second, while Linux uses 200 ms
 * ({@code TCP_RTO_MIN}); a 1 s floor makes every timeout-based recovery on a short path cost a full second, so
 * the default follows Linux and the RFC value stays one constant away.
 *
 * @param minRtoNanos          floor of the RTO (RFC 6298 (2.4))
 * @param maxRtoNanos          ceiling of the RTO and of its backoff; RFC 6298 (2.5) allows a maximum only if it is
 *                             at least 60 s
 * @param initialRtoNanos      RTO before the first sample (RFC 6298 (2.1): 1 s)
 * @param clockGranularityNanos G of RFC 6298 section 2: the granularity with which the driver fires timers
 * @param minRttWindowNanos    how long a sample counts for {@link RttStats#minRttNanos()}
 */
public record RttConfig(
        long minRtoNanos,
        long maxRtoNanos,
        long initialRtoNanos,
        long clockGranularityNanos,
        long minRttWindowNanos) {

    private static final long MILLIS = 1_000_000L;
    private static final long SECONDS = 1_000_000_000L;

    /**
     * Minimum RTO 200 ms (as Linux), maximum 60 s (the smallest RFC 6298 (2.5) allows), initial RTO 1 s,
     * G = 1 ms (drivers arm timers with millisecond precision), min-RTT window 300 s (as Linux's
     * {@code tcp_min_rtt_wlen}).
     */
    public static final RttConfig DEFAULT =
            new RttConfig(200 * MILLIS, 60 * SECONDS, SECONDS, MILLIS, 300 * SECONDS);

    /** As {@link #DEFAULT}, but with the 1 s minimum RTO that RFC 6298 (2.4) recommends. */
    public static final RttConfig RFC6298 =
            new RttConfig(SECONDS, 60 * SECONDS, SECONDS, MILLIS, 300 * SECONDS);

    /**
     * Checks the bounds.
     *
     * @throws IllegalArgumentException unless {@code 0 < minRto <= initialRto <= maxRto <= 1 day},
     *                                  {@code clockGranularity >= 0} and {@code minRttWindow > 0}
     */
    public RttConfig {
        if (minRtoNanos <= 0) {
            throw new IllegalArgumentException("minRtoNanos must be positive: " + minRtoNanos);
        }
        if (initialRtoNanos < minRtoNanos || maxRtoNanos < initialRtoNanos) {
            throw new IllegalArgumentException("need minRto <= initialRto <= maxRto: " + minRtoNanos + ", "
                    + initialRtoNanos + ", " + maxRtoNanos);
        }
        // A bound far below Long.MAX_VALUE keeps the backoff doubling and the RTO sum free of overflow.
        if (maxRtoNanos > 86_400 * SECONDS) {
            throw new IllegalArgumentException("maxRtoNanos above one day: " + maxRtoNanos);
        }
        if (clockGranularityNanos < 0) {
            throw new IllegalArgumentException("clockGranularityNanos must not be negative: " + clockGranularityNanos);
        }
        if (minRttWindowNanos <= 0) {
            throw new IllegalArgumentException("minRttWindowNanos must be positive: " + minRttWindowNanos);
        }
    }
}
