package io.mptcp4j.core.time;

/**
 * Arithmetic on deadlines, the instants at which timers of the sans-IO core fire.
 *
 * <p>A deadline is a {@code long} instant on the caller's monotonic clock, or {@link #NEVER} for a timer that is
 * not armed. Because instants may wrap (see the package documentation), every comparison here subtracts instead
 * of using {@code <}; {@code NEVER} is handled apart, as later than every instant.
 */
public final class Deadlines {

    /** The deadline of a timer that is not armed: it is never due and is later than every other deadline. */
    public static final long NEVER = Long.MAX_VALUE;

    private Deadlines() {
    }

    /**
     * The deadline {@code delayNanos} after {@code now}; {@link #NEVER} if the delay is {@code NEVER}.
     *
     * <p>A finite delay whose sum happens to equal {@code NEVER} yields the instant one nanosecond earlier, so
     * an armed timer is never mistaken for a disarmed one.
     *
     * @throws IllegalArgumentException if {@code delayNanos} is negative
     */
    public static long after(long now, long delayNanos) {
        if (delayNanos < 0) {
            throw new IllegalArgumentException("negative delay: " + delayNanos + " ns");
        }
        if (delayNanos == NEVER) {
            return NEVER;
        }
        long deadline = now + delayNanos;
        return deadline == NEVER ? NEVER - 1 : deadline;
    }

    /** Whether the timer with {@code deadline} has fired at {@code now}; a deadline is due at its own instant. */
    public static boolean isDue(long deadline, long now) {
        return deadline != NEVER && now - deadline >= 0;
    }

    /** Whether deadline {@code a} comes strictly before deadline {@code b}. */
    public static boolean isBefore(long a, long b) {
        if (a == NEVER) {
            return false;
        }
        return b == NEVER || a - b < 0;
    }

    /** The earlier of two deadlines; {@link #NEVER} only if both are. */
    public static long earliest(long a, long b) {
        return isBefore(b, a) ? b : a;
    }

    /**
     * How long after {@code now} the timer fires: 0 if it is due, {@link #NEVER} if it is not armed. A driver
     * can sleep this long (rounded to its own granularity) before polling again.
     */
    public static long remaining(long deadline, long now) {
        if (deadline == NEVER) {
            return NEVER;
        }
        long left = deadline - now;
        return left > 0 ? left : 0;
    }
}
