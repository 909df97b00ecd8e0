package io.mptcp4j.sim;

import java.time.Duration;

/**
 * How one direction of a simulated link behaves: its rate, its propagation delay, its drop-tail queue and the
 * impairments it applies. Immutable; build one with {@link #builder()} or derive one with {@link #toBuilder()}.
 *
 * <p>The defaults are a clean 100 Mbit/s link with 5 ms of one-way delay and a 1000-packet queue (the Linux
 * default {@code txqueuelen}), no byte limit and no impairment.
 */
public final class LinkConfig {

    /** A rate so high that serialization takes no time. */
    public static final long UNLIMITED_RATE = Long.MAX_VALUE;

    /** A queue limit that never drops. */
    public static final long UNLIMITED_QUEUE = Long.MAX_VALUE;

    private final long rateBitsPerSecond;
    private final long delayNanos;
    private final long queueLimitPackets;
    private final long queueLimitBytes;
    private final double lossProbability;
    private final double reorderProbability;
    private final long reorderExtraDelayNanos;
    private final double duplicationProbability;
    private final double corruptionProbability;

    private LinkConfig(Builder builder) {
        this.rateBitsPerSecond = builder.rateBitsPerSecond;
        this.delayNanos = builder.delayNanos;
        this.queueLimitPackets = builder.queueLimitPackets;
        this.queueLimitBytes = builder.queueLimitBytes;
        this.lossProbability = builder.lossProbability;
        this.reorderProbability = builder.reorderProbability;
        this.reorderExtraDelayNanos = builder.reorderExtraDelayNanos;
        this.duplicationProbability = builder.duplicationProbability;
        this.corruptionProbability = builder.corruptionProbability;
    }

    /** A builder with the defaults described above. */
    public static Builder builder() {
        return new Builder();
    }

    /** The defaults described above. */
    public static LinkConfig defaults() {
        return builder().build();
    }

    /** A builder that starts from this configuration. */
    public Builder toBuilder() {
        Builder builder = new Builder();
        builder.rateBitsPerSecond = rateBitsPerSecond;
        builder.delayNanos = delayNanos;
        builder.queueLimitPackets = queueLimitPackets;
        builder.queueLimitBytes = queueLimitBytes;
        builder.lossProbability = lossProbability;
        builder.reorderProbability = reorderProbability;
        builder.reorderExtraDelayNanos = reorderExtraDelayNanos;
        builder.duplicationProbability = duplicationProbability;
        builder.corruptionProbability = corruptionProbability;
        return builder;
    }

    /** Bits per second; {@link #UNLIMITED_RATE} for no serialization delay. */
    public long rateBitsPerSecond() {
        return rateBitsPerSecond;
    }

    /** One-way propagation delay, added after serialization. */
    public long delayNanos() {
        return delayNanos;
    }

    /** Most packets waiting behind the one being serialized; {@link #UNLIMITED_QUEUE} for no limit. */
    public long queueLimitPackets() {
        return queueLimitPackets;
    }

    /** Most bytes waiting behind the one being serialized; {@link #UNLIMITED_QUEUE} for no limit. */
    public long queueLimitBytes() {
        return queueLimitBytes;
    }

    /** Chance that a packet that got through the queue is lost on the wire. */
    public double lossProbability() {
        return lossProbability;
    }

    /** Chance that a delivered copy is held back by {@link #reorderExtraDelayNanos()}. */
    public double reorderProbability() {
        return reorderProbability;
    }

    /** The extra delay of a reordered copy. */
    public long reorderExtraDelayNanos() {
        return reorderExtraDelayNanos;
    }

    /** Chance that a packet is delivered twice. */
    public double duplicationProbability() {
        return duplicationProbability;
    }

    /** Chance that a delivered copy has one bit flipped. */
    public double corruptionProbability() {
        return corruptionProbability;
    }

    @Override
    public String toString() {
        return "LinkConfig[rate=" + (rateBitsPerSecond == UNLIMITED_RATE ? "unlimited" : rateBitsPerSecond + "bit/s")
                + ", delay=" + delayNanos + "ns"
                + ", queue=" + limitText(queueLimitPackets) + "pkt/" + limitText(queueLimitBytes) + "B"
                + ", loss=" + lossProbability
                + ", reorder=" + reorderProbability + "+" + reorderExtraDelayNanos + "ns"
                + ", duplicate=" + duplicationProbability
                + ", corrupt=" + corruptionProbability + "]";
    }

    private static String limitText(long limit) {
        return limit == UNLIMITED_QUEUE ? "unlimited" : Long.toString(limit);
    }

    /** Collects the settings of a {@link LinkConfig}; {@link #build()} checks them. */
    public static final class Builder {

        private long rateBitsPerSecond = 100_000_000L;
        private long delayNanos = 5_000_000L;
        private long queueLimitPackets = 1000;
        private long queueLimitBytes = UNLIMITED_QUEUE;
        private double lossProbability;
        private double reorderProbability;
        private long reorderExtraDelayNanos;
        private double duplicationProbability;
        private double corruptionProbability;

        private Builder() {
        }

        /** Bits per second, positive; {@link #UNLIMITED_RATE} for none. */
        public Builder rateBitsPerSecond(long rateBitsPerSecond) {
            this.rateBitsPerSecond = rateBitsPerSecond;
            return this;
        }

        /** One-way propagation delay in nanoseconds, not negative. */
        public Builder delayNanos(long delayNanos) {
            this.delayNanos = delayNanos;
            return this;
        }

        /** One-way propagation delay. */
        public Builder delay(Duration delay) {
            return delayNanos(delay.toNanos());
        }

        /** Packets that may wait behind the one on the wire, not negative. */
        public Builder queueLimitPackets(long packets) {
            this.queueLimitPackets = packets;
            return this;
        }

        /** Bytes that may wait behind the packet on the wire, not negative. */
        public Builder queueLimitBytes(long bytes) {
            this.queueLimitBytes = bytes;
            return this;
        }

        /** Chance in [0, 1] that a packet is lost on the wire. */
        public Builder lossProbability(double probability) {
            this.lossProbability = probability;
            return this;
        }

        /** Chance in [0, 1] that a copy arrives {@code extraDelay} later than it would have. */
        public Builder reordering(double probability, Duration extraDelay) {
            this.reorderProbability = probability;
            this.reorderExtraDelayNanos = extraDelay.toNanos();
            return this;
        }

        /** Chance in [0, 1] that a packet arrives twice. */
        public Builder duplicationProbability(double probability) {
            this.duplicationProbability = probability;
            return this;
        }

        /** Chance in [0, 1] that a copy arrives with one bit of its transport part flipped. */
        public Builder corruptionProbability(double probability) {
            this.corruptionProbability = probability;
            return this;
        }

        /**
         * The configuration.
         *
         * @throws IllegalArgumentException if a value is out of range, or reordering has a chance but no delay
         */
        public LinkConfig build() {
            require(rateBitsPerSecond > 0, "rate must be positive: " + rateBitsPerSecond);
            require(delayNanos >= 0, "delay must not be negative: " + delayNanos);
            require(queueLimitPackets >= 0, "queue packet limit must not be negative: " + queueLimitPackets);
            require(queueLimitBytes >= 0, "queue byte limit must not be negative: " + queueLimitBytes);
            requireProbability("loss", lossProbability);
            requireProbability("reorder", reorderProbability);
            requireProbability("duplication", duplicationProbability);
            requireProbability("corruption", corruptionProbability);
            require(reorderExtraDelayNanos >= 0, "reorder delay must not be negative: " + reorderExtraDelayNanos);
            require(reorderProbability == 0 || reorderExtraDelayNanos > 0,
                    "reordering needs an extra delay to reorder anything");
            return new LinkConfig(this);
        }

        private static void requireProbability(String what, double probability) {
            require(probability >= 0 && probability <= 1, what + " probability must be in [0, 1]: " + probability);
        }

        private static void require(boolean condition, String message) {
            if (!condition) {
                throw new IllegalArgumentException(message);
            }
        }
    }
}
