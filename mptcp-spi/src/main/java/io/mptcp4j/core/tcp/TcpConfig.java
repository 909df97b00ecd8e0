package io.mptcp4j.core.tcp;

import io.mptcp4j.core.cc.CongestionControlRegistry;

import java.time.Duration;
import java.util.Objects;

/**
 * The tunables of one TCP connection (or of every connection a listener accepts). Immutable; made with
 * {@link #builder()}, checked by {@link Builder#build()}. Defaults are Linux's where Linux has one.
 *
 * <p>Buffer sizes are in bytes. The receive buffer starts at {@link #receiveBufferSize()} and, with auto-tuning,
 * grows up to {@link #maxReceiveBufferSize()}, from which the window scale is computed (RFC 7323 section 2.3).
 * The send buffer starts at {@link #sendBufferSize()} and grows up to {@link #maxSendBufferSize()} when the
 * congestion and peer windows would let more than half of it be in flight.
 */
public final class TcpConfig {

    /** Linux's {@code tcp_syn_retries}. */
    public static final int DEFAULT_MAX_SYN_RETRIES = 6;
    /** Linux's {@code tcp_retries2}: the R2 threshold of RFC 9293 section 3.8.3, as a count of retransmissions. */
    public static final int DEFAULT_MAX_DATA_RETRIES = 15;

    private static final long MILLIS = 1_000_000L;
    private static final long SECONDS = 1_000 * MILLIS;
    /** The largest window RFC 7323 section 2.3 allows: 2^30 bytes (shift 14 of a 16-bit field). */
    private static final int MAX_BUFFER = 1 << 30;
    /** Linux's TCP_MIN_MSS: room for 40 bytes of options and still some data. */
    private static final int MIN_MSS = 88;
    private static final int MAX_MSS = 65_535 - 40;
    private static final int IPV4_HEADERS = 40;
    private static final int IPV6_HEADERS = 60;

    private final int mtu;
    private final int mss;
    private final int sendBufferSize;
    private final int maxSendBufferSize;
    private final int receiveBufferSize;
    private final int maxReceiveBufferSize;
    private final boolean receiveBufferAutoTuning;
    private final boolean sack;
    private final boolean timestamps;
    private final boolean windowScaling;
    private final boolean noDelay;
    private final long delayedAckTimeoutNanos;
    private final RttConfig rtt;
    private final long timeWaitNanos;
    private final long finWait2TimeoutNanos;
    private final boolean keepAlive;
    private final long keepAliveIdleNanos;
    private final long keepAliveIntervalNanos;
    private final int keepAliveProbes;
    private final int maxSynRetries;
    private final int maxDataRetries;
    private final String congestionControl;

    private TcpConfig(Builder b) {
        mtu = b.mtu;
        mss = b.mss;
        sendBufferSize = b.sendBufferSize;
        maxSendBufferSize = b.maxSendBufferSize;
        receiveBufferSize = b.receiveBufferSize;
        maxReceiveBufferSize = b.maxReceiveBufferSize;
        receiveBufferAutoTuning = b.receiveBufferAutoTuning;
        sack = b.sack;
        timestamps = b.timestamps;
        windowScaling = b.windowScaling;
        noDelay = b.noDelay;
        delayedAckTimeoutNanos = b.delayedAckTimeoutNanos;
        rtt = new RttConfig(b.minRtoNanos, b.maxRtoNanos, b.initialRtoNanos,
                RttConfig.DEFAULT.clockGranularityNanos(), RttConfig.DEFAULT.minRttWindowNanos());
        timeWaitNanos = b.timeWaitNanos;
        finWait2TimeoutNanos = b.finWait2TimeoutNanos;
        keepAlive = b.keepAlive;
        keepAliveIdleNanos = b.keepAliveIdleNanos;
        keepAliveIntervalNanos = b.keepAliveIntervalNanos;
        keepAliveProbes = b.keepAliveProbes;
        maxSynRetries = b.maxSynRetries;
        maxDataRetries = b.maxDataRetries;
        congestionControl = b.congestionControl;
    }

    /** The defaults, see {@link Builder}. */
    public static TcpConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration's values. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The link MTU the MSS is derived from when none is set explicitly. */
    public int mtu() {
        return mtu;
    }

    /**
     * The MSS to announce and the ceiling of the send MSS: the explicit value if one was set, else the MTU less
     * the 40-byte IPv4 + TCP or 60-byte IPv6 + TCP headers (RFC 9293 section 3.7.1, RFC 8200 section 8.3).
     */
    public int mss(boolean ipv6) {
        if (mss != 0) {
            return mss;
        }
        return mtu - (ipv6 ? IPV6_HEADERS : IPV4_HEADERS);
    }

    public int sendBufferSize() {
        return sendBufferSize;
    }

    public int maxSendBufferSize() {
        return maxSendBufferSize;
    }

    public int receiveBufferSize() {
        return receiveBufferSize;
    }

    /** The ceiling of receive-buffer auto-tuning, and what the window scale is sized for. */
    public int maxReceiveBufferSize() {
        return maxReceiveBufferSize;
    }

    public boolean receiveBufferAutoTuning() {
        return receiveBufferAutoTuning;
    }

    /** Whether to offer and use selective acknowledgments (RFC 2018). */
    public boolean sack() {
        return sack;
    }

    /** Whether to offer and use the timestamps option (RFC 7323 sections 3 to 5). */
    public boolean timestamps() {
        return timestamps;
    }

    /** Whether to offer window scaling (RFC 7323 section 2). */
    public boolean windowScaling() {
        return windowScaling;
    }

    /** TCP_NODELAY: send small segments at once instead of waiting per Nagle's algorithm (RFC 896). */
    public boolean noDelay() {
        return noDelay;
    }

    /** How long an ACK may be delayed (RFC 5681 section 4.2); 0 acknowledges every segment at once. */
    public long delayedAckTimeoutNanos() {
        return delayedAckTimeoutNanos;
    }

    /** The RTO bounds handed to the {@link RttEstimator}. */
    public RttConfig rtt() {
        return rtt;
    }

    /** How long TIME_WAIT lasts (2 MSL, RFC 9293 section 3.4.2). */
    public long timeWaitNanos() {
        return timeWaitNanos;
    }

    /** How long a connection closed by {@link TcpConnection#close()} may wait in FIN_WAIT_2 for the peer's FIN. */
    public long finWait2TimeoutNanos() {
        return finWait2TimeoutNanos;
    }

    /** Whether keepalive probes are sent (RFC 9293 section 3.8.4); off by default. */
    public boolean keepAlive() {
        return keepAlive;
    }

    public long keepAliveIdleNanos() {
        return keepAliveIdleNanos;
    }

    public long keepAliveIntervalNanos() {
        return keepAliveIntervalNanos;
    }

    public int keepAliveProbes() {
        return keepAliveProbes;
    }

    /** How many times a SYN or SYN-ACK is retransmitted before the open fails with a timeout. */
    public int maxSynRetries() {
        return maxSynRetries;
    }

    /** R2 of RFC 9293 section 3.8.3: retransmissions (or unanswered window probes) before the connection fails. */
    public int maxDataRetries() {
        return maxDataRetries;
    }

    /** The congestion control algorithm's name, resolved through a {@link CongestionControlRegistry}. */
    public String congestionControl() {
        return congestionControl;
    }

    /**
     * The window scale shift to offer: the smallest that lets the 16-bit window field cover
     * {@link #maxReceiveBufferSize()}, at most 14 (RFC 7323 section 2.3); 0 without window scaling.
     */
    public int windowScale() {
        if (!windowScaling) {
            return 0;
        }
        int shift = 0;
        while (shift < 14 && (maxReceiveBufferSize >> shift) > 0xFFFF) {
            shift++;
        }
        return shift;
    }

    @Override
    public String toString() {
        return "TcpConfig[mss=" + (mss != 0 ? mss : "mtu " + mtu) + ", sndbuf=" + sendBufferSize + ".."
                + maxSendBufferSize + ", rcvbuf=" + receiveBufferSize + ".." + maxReceiveBufferSize
                + ", sack=" + sack + ", ts=" + timestamps + ", ws=" + windowScaling + ", nodelay=" + noDelay
                + ", cc=" + congestionControl + ']';
    }

    /** Builds a {@link TcpConfig}; every setter keeps the Linux-like default until called. */
    public static final class Builder {
        private int mtu = 1500;
        private int mss;
        private int sendBufferSize = 256 * 1024;
        private int maxSendBufferSize = 4 * 1024 * 1024;
        private int receiveBufferSize = 256 * 1024;
        private int maxReceiveBufferSize = 6 * 1024 * 1024;
        private boolean receiveBufferAutoTuning = true;
        private boolean sack = true;
        private boolean timestamps = true;
        private boolean windowScaling = true;
        private boolean noDelay;
        private long delayedAckTimeoutNanos = 40 * MILLIS;
        private long minRtoNanos = RttConfig.DEFAULT.minRtoNanos();
        private long maxRtoNanos = RttConfig.DEFAULT.maxRtoNanos();
        private long initialRtoNanos = RttConfig.DEFAULT.initialRtoNanos();
        private long timeWaitNanos = 60 * SECONDS;
        private long finWait2TimeoutNanos = 60 * SECONDS;
        private boolean keepAlive;
        private long keepAliveIdleNanos = 7_200 * SECONDS;
        private long keepAliveIntervalNanos = 75 * SECONDS;
        private int keepAliveProbes = 9;
        private int maxSynRetries = DEFAULT_MAX_SYN_RETRIES;
        private int maxDataRetries = DEFAULT_MAX_DATA_RETRIES;
        private String congestionControl = CongestionControlRegistry.DEFAULT_ALGORITHM;

        private Builder() {
        }

        private Builder(TcpConfig c) {
            mtu = c.mtu;
            mss = c.mss;
            sendBufferSize = c.sendBufferSize;
            maxSendBufferSize = c.maxSendBufferSize;
            receiveBufferSize = c.receiveBufferSize;
            maxReceiveBufferSize = c.maxReceiveBufferSize;
            receiveBufferAutoTuning = c.receiveBufferAutoTuning;
            sack = c.sack;
            timestamps = c.timestamps;
            windowScaling = c.windowScaling;
            noDelay = c.noDelay;
            delayedAckTimeoutNanos = c.delayedAckTimeoutNanos;
            minRtoNanos = c.rtt.minRtoNanos();
            maxRtoNanos = c.rtt.maxRtoNanos();
            initialRtoNanos = c.rtt.initialRtoNanos();
            timeWaitNanos = c.timeWaitNanos;
            finWait2TimeoutNanos = c.finWait2TimeoutNanos;
            keepAlive = c.keepAlive;
            keepAliveIdleNanos = c.keepAliveIdleNanos;
            keepAliveIntervalNanos = c.keepAliveIntervalNanos;
            keepAliveProbes = c.keepAliveProbes;
            maxSynRetries = c.maxSynRetries;
            maxDataRetries = c.maxDataRetries;
            congestionControl = c.congestionControl;
        }

        /** The link MTU, from which the MSS is derived per address family; default 1500. */
        public Builder mtu(int mtu) {
            this.mtu = mtu;
            return this;
        }

        /** An explicit MSS for both families, overriding the MTU-derived one; 0 restores the derivation. */
        public Builder mss(int mss) {
            this.mss = mss;
            return this;
        }

        /** The initial send buffer; default 256 KiB. */
        public Builder sendBufferSize(int bytes) {
            this.sendBufferSize = bytes;
            return this;
        }

        /** The send buffer's growth ceiling; default 4 MiB. */
        public Builder maxSendBufferSize(int bytes) {
            this.maxSendBufferSize = bytes;
            return this;
        }

        /** The initial receive buffer, which bounds the advertised window; default 256 KiB. */
        public Builder receiveBufferSize(int bytes) {
            this.receiveBufferSize = bytes;
            return this;
        }

        /** The receive buffer's auto-tuning ceiling, which sets the window scale; default 6 MiB. */
        public Builder maxReceiveBufferSize(int bytes) {
            this.maxReceiveBufferSize = bytes;
            return this;
        }

        /** Whether the receive buffer grows with the measured drain rate; default on. */
        public Builder receiveBufferAutoTuning(boolean on) {
            this.receiveBufferAutoTuning = on;
            return this;
        }

        public Builder sack(boolean on) {
            this.sack = on;
            return this;
        }

        public Builder timestamps(boolean on) {
            this.timestamps = on;
            return this;
        }

        public Builder windowScaling(boolean on) {
            this.windowScaling = on;
            return this;
        }

        public Builder noDelay(boolean on) {
            this.noDelay = on;
            return this;
        }

        /** The delayed-ACK timeout, 0 to 500 ms (RFC 5681 section 4.2); 0 disables delaying; default 40 ms. */
        public Builder delayedAckTimeout(Duration timeout) {
            this.delayedAckTimeoutNanos = timeout.toNanos();
            return this;
        }

        /** The RTO floor; default 200 ms, as Linux. */
        public Builder minRto(Duration rto) {
            this.minRtoNanos = rto.toNanos();
            return this;
        }

        /** The RTO ceiling; default 60 s. */
        public Builder maxRto(Duration rto) {
            this.maxRtoNanos = rto.toNanos();
            return this;
        }

        /** The RTO before the first RTT sample; default 1 s (RFC 6298 (2.1)). */
        public Builder initialRto(Duration rto) {
            this.initialRtoNanos = rto.toNanos();
            return this;
        }

        /** How long TIME_WAIT lasts; default 60 s. */
        public Builder timeWait(Duration duration) {
            this.timeWaitNanos = duration.toNanos();
            return this;
        }

        /** The FIN_WAIT_2 limit after a full close; default 60 s (Linux's {@code tcp_fin_timeout}). */
        public Builder finWait2Timeout(Duration duration) {
            this.finWait2TimeoutNanos = duration.toNanos();
            return this;
        }

        /** Keepalive on or off; default off (RFC 9293 section 3.8.4). */
        public Builder keepAlive(boolean on) {
            this.keepAlive = on;
            return this;
        }

        /** Keepalive on, probing after {@code idle}, every {@code interval}, failing after {@code probes} losses. */
        public Builder keepAlive(Duration idle, Duration interval, int probes) {
            this.keepAlive = true;
            this.keepAliveIdleNanos = idle.toNanos();
            this.keepAliveIntervalNanos = interval.toNanos();
            this.keepAliveProbes = probes;
            return this;
        }

        public Builder maxSynRetries(int retries) {
            this.maxSynRetries = retries;
            return this;
        }

        public Builder maxDataRetries(int retries) {
            this.maxDataRetries = retries;
            return this;
        }

        /** The congestion control algorithm's name; default {@code "cubic"}. */
        public Builder congestionControl(String name) {
            this.congestionControl = Objects.requireNonNull(name, "congestionControl");
            return this;
        }

        /**
         * Checks every value and builds the configuration.
         *
         * @throws IllegalArgumentException naming the first value out of range
         */
        public TcpConfig build() {
            if (mss != 0) {
                require(mss >= MIN_MSS && mss <= MAX_MSS, "mss must be 0 (derive from the MTU) or between "
                        + MIN_MSS + " and " + MAX_MSS + ": " + mss);
            } else {
                require(mtu >= IPV6_HEADERS + MIN_MSS && mtu <= 65_535,
                        "mtu must be between " + (IPV6_HEADERS + MIN_MSS) + " and 65535: " + mtu);
            }
            require(sendBufferSize > 0, "sendBufferSize must be positive: " + sendBufferSize);
            require(maxSendBufferSize >= sendBufferSize && maxSendBufferSize <= MAX_BUFFER,
                    "maxSendBufferSize must be between sendBufferSize (" + sendBufferSize + ") and 2^30: "
                            + maxSendBufferSize);
            require(receiveBufferSize > 0, "receiveBufferSize must be positive: " + receiveBufferSize);
            require(maxReceiveBufferSize >= receiveBufferSize && maxReceiveBufferSize <= MAX_BUFFER,
                    "maxReceiveBufferSize must be between receiveBufferSize (" + receiveBufferSize + ") and 2^30: "
                            + maxReceiveBufferSize);
            require(windowScaling || receiveBufferSize <= 0xFFFF,
                    "without window scaling the receive buffer cannot exceed 65535: " + receiveBufferSize);
            require(delayedAckTimeoutNanos >= 0 && delayedAckTimeoutNanos <= 500 * MILLIS,
                    "delayedAckTimeout must be between 0 and 500 ms (RFC 5681 section 4.2): "
                            + Duration.ofNanos(delayedAckTimeoutNanos));
            require(minRtoNanos > 0 && minRtoNanos <= initialRtoNanos && initialRtoNanos <= maxRtoNanos,
                    "need 0 < minRto <= initialRto <= maxRto: " + Duration.ofNanos(minRtoNanos) + ", "
                            + Duration.ofNanos(initialRtoNanos) + ", " + Duration.ofNanos(maxRtoNanos));
            require(maxRtoNanos <= 86_400 * SECONDS,
                    "maxRto must not exceed one day: " + Duration.ofNanos(maxRtoNanos));
            require(timeWaitNanos >= 0, "timeWait must not be negative: " + Duration.ofNanos(timeWaitNanos));
            require(finWait2TimeoutNanos >= 0,
                    "finWait2Timeout must not be negative: " + Duration.ofNanos(finWait2TimeoutNanos));
            require(keepAliveIdleNanos > 0,
                    "keepAlive idle time must be positive: " + Duration.ofNanos(keepAliveIdleNanos));
            require(keepAliveIntervalNanos > 0,
                    "keepAlive interval must be positive: " + Duration.ofNanos(keepAliveIntervalNanos));
            require(keepAliveProbes >= 1 && keepAliveProbes <= 127,
                    "keepAlive probes must be between 1 and 127: " + keepAliveProbes);
            require(maxSynRetries >= 0 && maxSynRetries <= 127, "maxSynRetries must be between 0 and 127: "
                    + maxSynRetries);
            require(maxDataRetries >= 1 && maxDataRetries <= 127, "maxDataRetries must be between 1 and 127: "
                    + maxDataRetries);
            require(!congestionControl.isBlank(), "congestionControl must not be blank");
            return new TcpConfig(this);
        }

        private static void require(boolean condition, String message) {
            if (!condition) {
                throw new IllegalArgumentException(message);
            }
        }
    }
}
