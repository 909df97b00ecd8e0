package io.mptcp4j.io;

import java.time.Duration;
import java.util.Objects;

/**
 * What {@link FaultInjectingDevice} does to the packets of one direction. Probabilities are per packet, drawn
 * independently in this order: drop, corrupt, duplicate; then each copy is delayed and may be reordered.
 *
 * @param dropRate      probability that a packet is lost
 * @param corruptRate   probability that one random bit after the IP header is flipped (the TCP checksum then fails)
 * @param duplicateRate probability that a packet is delivered twice
 * @param reorderRate   probability that a copy is held back by an extra {@code reorderDelay}, so packets behind
 *                      it overtake it
 * @param delay         fixed delay of every packet
 * @param jitter        a further uniformly random delay between 0 and this; as with netem, jitter alone reorders
 * @param reorderDelay  how long a reordered copy is held back beyond its delay
 */
public record Impairments(double dropRate, double corruptRate, double duplicateRate, double reorderRate,
                          Duration delay, Duration jitter, Duration reorderDelay) {

    /** No impairment at all. */
    public static final Impairments NONE = new Impairments(0, 0, 0, 0, Duration.ZERO, Duration.ZERO, Duration.ZERO);

    /** Validates: rates in [0, 1], durations not negative. */
    public Impairments {
        checkRate("drop", dropRate);
        checkRate("corrupt", corruptRate);
        checkRate("duplicate", duplicateRate);
        checkRate("reorder", reorderRate);
        checkDuration("delay", delay);
        checkDuration("jitter", jitter);
        checkDuration("reorder delay", reorderDelay);
    }

    /** These impairments with packets lost at {@code rate}. */
    public Impairments drop(double rate) {
        return new Impairments(rate, corruptRate, duplicateRate, reorderRate, delay, jitter, reorderDelay);
    }

    /** These impairments with packets corrupted at {@code rate}. */
    public Impairments corrupt(double rate) {
        return new Impairments(dropRate, rate, duplicateRate, reorderRate, delay, jitter, reorderDelay);
    }

    /** These impairments with packets duplicated at {@code rate}. */
    public Impairments duplicate(double rate) {
        return new Impairments(dropRate, corruptRate, rate, reorderRate, delay, jitter, reorderDelay);
    }

    /** These impairments with packets held back by {@code extraDelay} at {@code rate}. */
    public Impairments reorder(double rate, Duration extraDelay) {
        return new Impairments(dropRate, corruptRate, duplicateRate, rate, delay, jitter, extraDelay);
    }

    /** These impairments with every packet delayed by {@code fixed} plus up to {@code jitter}. */
    public Impairments delay(Duration fixed, Duration jitter) {
        return new Impairments(dropRate, corruptRate, duplicateRate, reorderRate, fixed, jitter, reorderDelay);
    }

    private static void checkRate(String name, double rate) {
        if (!(rate >= 0 && rate <= 1)) {
            throw new IllegalArgumentException(name + " rate must be in [0, 1]: " + rate);
        }
    }

    private static void checkDuration(String name, Duration duration) {
        Objects.requireNonNull(duration, name);
        if (duration.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative: " + duration);
        }
    }
}
