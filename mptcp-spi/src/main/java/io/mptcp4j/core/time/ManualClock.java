package io.mptcp4j.core.time;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock that moves only when told to: the time source of tests and of the deterministic simulator.
 *
 * <p>It never goes backwards. Reads and advances are atomic, so a test thread may advance it while a driver
 * thread reads it.
 */
public final class ManualClock implements Clock {

    private final AtomicLong now;

    /** A clock that starts at instant 0. */
    public ManualClock() {
        this(0L);
    }

    /** A clock that starts at {@code startNanos}, which may be any value, negative included. */
    public ManualClock(long startNanos) {
        this.now = new AtomicLong(startNanos);
    }

    @Override
    public long nanos() {
        return now.get();
    }

    /**
     * Moves the clock forward by {@code nanos} and returns the new instant.
     *
     * @throws IllegalArgumentException if {@code nanos} is negative
     */
    public long advance(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("a clock cannot go back: " + nanos + " ns");
        }
        return now.addAndGet(nanos);
    }

    /**
     * Moves the clock forward by {@code duration} and returns the new instant.
     *
     * @throws IllegalArgumentException if {@code duration} is negative
     * @throws ArithmeticException if {@code duration} does not fit in a {@code long} of nanoseconds
     */
    public long advance(Duration duration) {
        return advance(duration.toNanos());
    }

    /**
     * Moves the clock to {@code instant}, which must not be before the current instant.
     *
     * @throws IllegalArgumentException if {@code instant} is before the current instant
     */
    public void advanceTo(long instant) {
        now.updateAndGet(current -> {
            if (instant - current < 0) {
                throw new IllegalArgumentException(
                        "a clock cannot go back: from " + current + " ns to " + instant + " ns");
            }
            return instant;
        });
    }

    @Override
    public String toString() {
        return "ManualClock[" + now.get() + " ns]";
    }
}
