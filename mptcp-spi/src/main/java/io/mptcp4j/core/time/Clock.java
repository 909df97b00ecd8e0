package io.mptcp4j.core.time;

/**
 * A monotonic source of nanoseconds with an arbitrary origin.
 *
 * <p>Only drivers read a clock: they pass its value as {@code now} into the core. Two readings are compared by
 * subtracting them (see the package documentation).
 */
@FunctionalInterface
public interface Clock {

    /** The current instant in nanoseconds; never smaller than an earlier reading of the same clock. */
    long nanos();
}
