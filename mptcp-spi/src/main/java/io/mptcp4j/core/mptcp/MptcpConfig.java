package io.mptcp4j.core.mptcp;

import io.mptcp4j.core.tcp.TcpConfig;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * How an MPTCP connection behaves: DSS checksums, what to do when MPTCP cannot be used, the connection-level
 * buffers, the packet scheduler, and the {@link TcpConfig} of its subflows. Immutable; build one with
 * {@link #builder()}.
 */
public final class MptcpConfig {

    /** The smallest connection-level buffer: one full 64 KB mapping. */
    public static final int MIN_BUFFER = 64 * 1024;
    /** The largest: the biggest window TCP's window scaling can announce (RFC 7323 section 2.3). */
    public static final int MAX_BUFFER = 1 << 30;

    private final boolean checksums;
    private final FallbackPolicy fallbackPolicy;
    private final int sendBufferSize;
    private final int receiveBufferSize;
    private final TcpConfig subflowConfig;
    private final Supplier<? extends SubflowScheduler> scheduler;

    private MptcpConfig(Builder b) {
        this.checksums = b.checksums;
        this.fallbackPolicy = b.fallbackPolicy;
        this.sendBufferSize = b.sendBufferSize;
        this.receiveBufferSize = b.receiveBufferSize;
        this.subflowConfig = b.subflowConfig;
        this.scheduler = b.scheduler;
    }

    /** The defaults: no checksums, fallback allowed, 4 MiB buffers, {@link TcpConfig#defaults()}. */
    public static MptcpConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.checksums = checksums;
        b.fallbackPolicy = fallbackPolicy;
        b.sendBufferSize = sendBufferSize;
        b.receiveBufferSize = receiveBufferSize;
        b.subflowConfig = subflowConfig;
        b.scheduler = scheduler;
        return b;
    }

    /**
     * Whether this side asks for DSS checksums (the A flag of MP_CAPABLE, RFC 8684 section 3.1). They are used when
     * either side asks.
     */
    public boolean checksums() {
        return checksums;
    }

    public FallbackPolicy fallbackPolicy() {
        return fallbackPolicy;
    }

    /** Bytes the application may have written and the peer not yet acknowledged at the data level. */
    public int sendBufferSize() {
        return sendBufferSize;
    }

    /** The connection-level receive buffer, which bounds the window announced to the peer (section 3.3.4). */
    public int receiveBufferSize() {
        return receiveBufferSize;
    }

    /** The TCP configuration of every subflow. */
    public TcpConfig subflowConfig() {
        return subflowConfig;
    }

    /** A new scheduler for one connection. */
    SubflowScheduler newScheduler() {
        return Objects.requireNonNull(scheduler.get(), "the scheduler factory returned null");
    }

    @Override
    public String toString() {
        return "MptcpConfig[checksums=" + checksums + ", fallback=" + fallbackPolicy + ", sendBuffer="
                + sendBufferSize + ", receiveBuffer=" + receiveBufferSize + ", subflows=" + subflowConfig + "]";
    }

    /** Collects the settings of an {@link MptcpConfig}; {@link #build()} checks them. */
    public static final class Builder {
        private boolean checksums;
        private FallbackPolicy fallbackPolicy = FallbackPolicy.ALLOW;
        private int sendBufferSize = 4 * 1024 * 1024;
        private int receiveBufferSize = 4 * 1024 * 1024;
        private TcpConfig subflowConfig = TcpConfig.defaults();
        private Supplier<? extends SubflowScheduler> scheduler = LowestRttScheduler::new;

        private Builder() {
        }

        /** Asks for DSS checksums (RFC 8684 section 3.3.1); default off, as Linux's {@code net.mptcp.checksum_enabled}. */
        public Builder checksums(boolean on) {
            this.checksums = on;
            return this;
        }

        /** What to do when MPTCP cannot be used; default {@link FallbackPolicy#ALLOW}. */
        public Builder fallbackPolicy(FallbackPolicy policy) {
            this.fallbackPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** Connection-level send buffer in bytes, {@link #MIN_BUFFER} to {@link #MAX_BUFFER}; default 4 MiB. */
        public Builder sendBufferSize(int bytes) {
            this.sendBufferSize = bytes;
            return this;
        }

        /** Connection-level receive buffer in bytes, {@link #MIN_BUFFER} to {@link #MAX_BUFFER}; default 4 MiB. */
        public Builder receiveBufferSize(int bytes) {
            this.receiveBufferSize = bytes;
            return this;
        }

        /** The TCP configuration of the subflows; default {@link TcpConfig#defaults()}. */
        public Builder subflowConfig(TcpConfig config) {
            this.subflowConfig = Objects.requireNonNull(config, "config");
            return this;
        }

        /** Makes each connection's packet scheduler; default {@link LowestRttScheduler}. */
        public Builder scheduler(Supplier<? extends SubflowScheduler> factory) {
            this.scheduler = Objects.requireNonNull(factory, "factory");
            return this;
        }

        /**
         * @throws IllegalArgumentException naming the setting that is out of range
         */
        public MptcpConfig build() {
            checkBuffer("sendBufferSize", sendBufferSize);
            checkBuffer("receiveBufferSize", receiveBufferSize);
            return new MptcpConfig(this);
        }

        private static void checkBuffer(String name, int bytes) {
            if (bytes < MIN_BUFFER || bytes > MAX_BUFFER) {
                throw new IllegalArgumentException(name + " must be between " + MIN_BUFFER + " (one 64 KB DSS "
                        + "mapping) and " + MAX_BUFFER + " (the largest TCP window) bytes, not " + bytes);
            }
        }
    }
}
