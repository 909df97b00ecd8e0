package io.mptcp4j.core.mptcp;

import io.mptcp4j.core.pm.FullMeshPathManager;
import io.mptcp4j.core.pm.PathManager;
import io.mptcp4j.core.sched.MinRttScheduler;
import io.mptcp4j.core.sched.PacketScheduler;
import io.mptcp4j.core.tcp.TcpConfig;

import java.net.InetAddress;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * How an MPTCP connection behaves: DSS checksums, what to do when MPTCP cannot be used, the connection-level
 * buffers, the packet scheduler, the path manager and its limits, and the {@link TcpConfig} of its subflows. Immutable; build one with
 * {@link #builder()}.
 */
public final class MptcpConfig {

    /** The smallest connection-level buffer: one full 64 KB mapping. */
    public static final int MIN_BUFFER = 64 * 1024;
    /** The largest: the biggest window TCP's window scaling can announce (RFC 7323 section 2.3). */
    public static final int MAX_BUFFER = 1 << 30;
    /** Where an auto-tuned receive window starts (at most the configured receive buffer). */
    public static final int INITIAL_TUNED_RECEIVE_BUFFER = 256 * 1024;
    /** The most subflows a connection may have: address ids are one byte (RFC 8684 section 3.2). */
    public static final int MAX_SUBFLOWS = 64;

    private final boolean checksums;
    private final FallbackPolicy fallbackPolicy;
    private final int sendBufferSize;
    private final int receiveBufferSize;
    private final boolean receiveBufferAutoTuning;
    private final TcpConfig subflowConfig;
    private final Supplier<? extends PacketScheduler> scheduler;
    private final Supplier<? extends PathManager> pathManager;
    private final int maxSubflows;
    private final int maxAcceptedAddresses;
    private final Set<InetAddress> backupAddresses;

    private MptcpConfig(Builder b) {
        this.checksums = b.checksums;
        this.fallbackPolicy = b.fallbackPolicy;
        this.sendBufferSize = b.sendBufferSize;
        this.receiveBufferSize = b.receiveBufferSize;
        this.receiveBufferAutoTuning = b.receiveBufferAutoTuning;
        this.subflowConfig = b.subflowConfig;
        this.scheduler = b.scheduler;
        this.pathManager = b.pathManager;
        this.maxSubflows = b.maxSubflows;
        this.maxAcceptedAddresses = b.maxAcceptedAddresses;
        this.backupAddresses = b.backupAddresses;
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
        b.receiveBufferAutoTuning = receiveBufferAutoTuning;
        b.subflowConfig = subflowConfig;
        b.scheduler = scheduler;
        b.pathManager = pathManager;
        b.maxSubflows = maxSubflows;
        b.maxAcceptedAddresses = maxAcceptedAddresses;
        b.backupAddresses = backupAddresses;
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

    /** Whether the receive window is auto-tuned up to {@link #receiveBufferSize()}. */
    public boolean receiveBufferAutoTuning() {
        return receiveBufferAutoTuning;
    }

    /** The TCP configuration of every subflow. */
    public TcpConfig subflowConfig() {
        return subflowConfig;
    }

    /** The most subflows a connection keeps at once, the initial one included; joins beyond it are refused. */
    public int maxSubflows() {
        return maxSubflows;
    }

    /** The most addresses the peer may announce (ADD_ADDR) that a connection keeps; more are ignored. */
    public int maxAcceptedAddresses() {
        return maxAcceptedAddresses;
    }

    /** Local addresses whose subflows are backups (RFC 8684 section 3.3.8): used only when no other path works. */
    public Set<InetAddress> backupAddresses() {
        return backupAddresses;
    }

    /** A new scheduler for one connection. */
    PacketScheduler newScheduler() {
        return Objects.requireNonNull(scheduler.get(), "the scheduler factory returned null");
    }

    /** A new path manager for one connection. */
    PathManager newPathManager() {
        return Objects.requireNonNull(pathManager.get(), "the path manager factory returned null");
    }

    @Override
    public String toString() {
        return "MptcpConfig[checksums=" + checksums + ", fallback=" + fallbackPolicy + ", sendBuffer="
                + sendBufferSize + ", receiveBuffer=" + receiveBufferSize
                + (receiveBufferAutoTuning ? " (auto-tuned)" : "") + ", maxSubflows=" + maxSubflows
                + ", maxAcceptedAddresses=" + maxAcceptedAddresses + ", backup=" + backupAddresses + ", subflows="
                + subflowConfig + "]";
    }

    /** Collects the settings of an {@link MptcpConfig}; {@link #build()} checks them. */
    public static final class Builder {
        private boolean checksums;
        private FallbackPolicy fallbackPolicy = FallbackPolicy.ALLOW;
        private int sendBufferSize = 4 * 1024 * 1024;
        private int receiveBufferSize = 4 * 1024 * 1024;
        private boolean receiveBufferAutoTuning = true;
        private TcpConfig subflowConfig = TcpConfig.defaults();
        private Supplier<? extends PacketScheduler> scheduler = MinRttScheduler::new;
        private Supplier<? extends PathManager> pathManager = FullMeshPathManager::new;
        private int maxSubflows = 8;
        private int maxAcceptedAddresses = 8;
        private Set<InetAddress> backupAddresses = Set.of();

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

        /**
         * Connection-level receive buffer in bytes, {@link #MIN_BUFFER} to {@link #MAX_BUFFER}; default 4 MiB. With
         * auto-tuning (the default) it is the most the window grows to.
         */
        public Builder receiveBufferSize(int bytes) {
            this.receiveBufferSize = bytes;
            return this;
        }

        /**
         * Whether the connection-level receive window starts small ({@link #INITIAL_TUNED_RECEIVE_BUFFER}) and grows
         * with what the application reads per round trip, up to {@link #receiveBufferSize}; default true. Off, the
         * window is the whole buffer from the start, which lets a sender queue that much in the network.
         */
        public Builder receiveBufferAutoTuning(boolean on) {
            this.receiveBufferAutoTuning = on;
            return this;
        }

        /** The TCP configuration of the subflows; default {@link TcpConfig#defaults()}. */
        public Builder subflowConfig(TcpConfig config) {
            this.subflowConfig = Objects.requireNonNull(config, "config");
            return this;
        }

        /** Makes each connection's packet scheduler; default {@link MinRttScheduler}. */
        public Builder scheduler(Supplier<? extends PacketScheduler> factory) {
            this.scheduler = Objects.requireNonNull(factory, "factory");
            return this;
        }

        /** Makes each connection's path manager; default {@link FullMeshPathManager}. */
        public Builder pathManager(Supplier<? extends PathManager> factory) {
            this.pathManager = Objects.requireNonNull(factory, "factory");
            return this;
        }

        /** Subflows per connection at most, the initial one included, 1 to {@link #MAX_SUBFLOWS}; default 8. */
        public Builder maxSubflows(int count) {
            this.maxSubflows = count;
            return this;
        }

        /** Peer addresses (ADD_ADDR) kept per connection at most, 0 to 255; default 8. */
        public Builder maxAcceptedAddresses(int count) {
            this.maxAcceptedAddresses = count;
            return this;
        }

        /** Local addresses whose subflows start as backups (the B flag of MP_JOIN); default none. */
        public Builder backupAddresses(Set<InetAddress> addresses) {
            this.backupAddresses = Set.copyOf(addresses);
            return this;
        }

        /**
         * @throws IllegalArgumentException naming the setting that is out of range
         */
        public MptcpConfig build() {
            checkBuffer("sendBufferSize", sendBufferSize);
            checkBuffer("receiveBufferSize", receiveBufferSize);
            if (maxSubflows < 1 || maxSubflows > MAX_SUBFLOWS) {
                throw new IllegalArgumentException("maxSubflows must be between 1 and " + MAX_SUBFLOWS + ", not "
                        + maxSubflows);
            }
            if (maxAcceptedAddresses < 0 || maxAcceptedAddresses > 255) {
                throw new IllegalArgumentException("maxAcceptedAddresses must be between 0 and 255, not "
                        + maxAcceptedAddresses);
            }
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
