package io.mptcp4j.nio;

import io.mptcp4j.core.mptcp.MptcpConfig;
import io.mptcp4j.core.tcp.TcpConfig;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The socket options of one mptcp4j channel: the standard ones a TCP channel supports and the MPTCP ones of
 * {@link MptcpSocketOptions}, checked as the JDK checks them, and turned into the connection's
 * {@link MptcpConfig}. Thread-safe.
 */
final class ChannelOptions {

    /** What a socket channel supports. */
    static final Set<SocketOption<?>> SOCKET = Set.of(StandardSocketOptions.SO_RCVBUF,
            StandardSocketOptions.SO_SNDBUF, StandardSocketOptions.TCP_NODELAY, StandardSocketOptions.SO_KEEPALIVE,
            StandardSocketOptions.SO_LINGER, StandardSocketOptions.SO_REUSEADDR, MptcpSocketOptions.SCHEDULER,
            MptcpSocketOptions.CONGESTION_CONTROL, MptcpSocketOptions.PATH_MANAGER, MptcpSocketOptions.MAX_SUBFLOWS,
            MptcpSocketOptions.CHECKSUM);

    /** What a server socket channel supports (the MPTCP ones apply to the connections it accepts). */
    static final Set<SocketOption<?>> SERVER = Set.of(StandardSocketOptions.SO_RCVBUF,
            StandardSocketOptions.SO_REUSEADDR, MptcpSocketOptions.SCHEDULER, MptcpSocketOptions.CONGESTION_CONTROL,
            MptcpSocketOptions.PATH_MANAGER, MptcpSocketOptions.MAX_SUBFLOWS, MptcpSocketOptions.CHECKSUM);

    private final Set<SocketOption<?>> supported;
    private final MptcpProviderConfig defaults;
    private final Map<SocketOption<?>, Object> values = new ConcurrentHashMap<>();
    private final Set<SocketOption<?>> explicit = ConcurrentHashMap.newKeySet();

    ChannelOptions(Set<SocketOption<?>> supported, MptcpProviderConfig defaults, boolean server) {
        this.supported = supported;
        this.defaults = defaults;
        MptcpConfig d = MptcpConfig.defaults();
        values.put(StandardSocketOptions.SO_RCVBUF, d.receiveBufferSize());
        if (supported.contains(StandardSocketOptions.SO_SNDBUF)) {
            values.put(StandardSocketOptions.SO_SNDBUF, d.sendBufferSize());
            values.put(StandardSocketOptions.TCP_NODELAY, false);
            values.put(StandardSocketOptions.SO_KEEPALIVE, false);
            values.put(StandardSocketOptions.SO_LINGER, -1);
        }
        values.put(StandardSocketOptions.SO_REUSEADDR, server); // the JDK's defaults on Linux
        values.put(MptcpSocketOptions.SCHEDULER, defaults.scheduler());
        values.put(MptcpSocketOptions.CONGESTION_CONTROL, defaults.congestionControl());
        values.put(MptcpSocketOptions.PATH_MANAGER, defaults.pathManager());
        values.put(MptcpSocketOptions.MAX_SUBFLOWS, defaults.maxSubflows());
        values.put(MptcpSocketOptions.CHECKSUM, defaults.checksum());
    }

    Set<SocketOption<?>> supported() {
        return supported;
    }

    static boolean isMptcp(SocketOption<?> name) {
        return name == MptcpSocketOptions.SCHEDULER || name == MptcpSocketOptions.CONGESTION_CONTROL
                || name == MptcpSocketOptions.PATH_MANAGER || name == MptcpSocketOptions.MAX_SUBFLOWS
                || name == MptcpSocketOptions.CHECKSUM;
    }

    /**
     * Checks and stores a value.
     *
     * @throws UnsupportedOperationException for an option this channel does not have
     * @throws IllegalArgumentException      for a value it cannot take (an unknown name: a
     *                                       {@link MptcpConfigurationException})
     */
    <T> void set(SocketOption<T> name, T value) {
        Objects.requireNonNull(name, "name");
        if (!supported.contains(name)) {
            throw new UnsupportedOperationException("'" + name + "' not supported");
        }
        if (!name.type().isInstance(value)) {
            // As the JDK: null (SO_LINGER's too) or a value of another type, passed through a raw SocketOption.
            throw new IllegalArgumentException("Invalid value '" + value + "'");
        }
        Object v = value;
        if (name == StandardSocketOptions.SO_RCVBUF || name == StandardSocketOptions.SO_SNDBUF) {
            int n = (Integer) value;
            if (n < 0) { // the JDK refuses negative sizes only; 0 goes to the kernel, which rounds it up
                throw new IllegalArgumentException("Invalid send/receive buffer size");
            }
            v = Math.max(MptcpConfig.MIN_BUFFER, Math.min(MptcpConfig.MAX_BUFFER, n)); // clamped, as the kernel does
        } else if (name == StandardSocketOptions.SO_LINGER) {
            int n = (Integer) value;
            v = n < 0 ? -1 : Math.min(n, 65535);
        } else if (name == MptcpSocketOptions.SCHEDULER) {
            if (!value.equals(defaults.scheduler())) {
                MptcpProviderConfig.schedulerByName((String) value);
            }
        } else if (name == MptcpSocketOptions.CONGESTION_CONTROL) {
            MptcpProviderConfig.checkCongestionControl((String) value, defaults.congestionControlAlgorithms());
        } else if (name == MptcpSocketOptions.PATH_MANAGER) {
            if (!value.equals(defaults.pathManager())) {
                MptcpProviderConfig.pathManagerByName((String) value, 1, defaults.announce());
            }
        } else if (name == MptcpSocketOptions.MAX_SUBFLOWS) {
            MptcpProviderConfig.checkSubflows((Integer) value);
        }
        values.put(name, v);
        explicit.add(name);
    }

    @SuppressWarnings("unchecked")
    <T> T get(SocketOption<T> name) {
        Objects.requireNonNull(name, "name");
        if (!supported.contains(name)) {
            throw new UnsupportedOperationException("'" + name + "' not supported");
        }
        return (T) values.get(name);
    }

    int linger() {
        return (Integer) values.get(StandardSocketOptions.SO_LINGER);
    }

    /** The standard options set explicitly on this channel, to copy onto a platform channel. */
    Set<SocketOption<?>> standardOptions() {
        Set<SocketOption<?>> out = new LinkedHashSet<>();
        for (SocketOption<?> o : explicit) {
            if (!isMptcp(o)) {
                out.add(o);
            }
        }
        return out;
    }

    /** The connection's configuration: the provider's, with this channel's options. */
    MptcpConfig connectionConfig() {
        MptcpConfig base = defaults.connectionConfig(get(MptcpSocketOptions.SCHEDULER),
                get(MptcpSocketOptions.CONGESTION_CONTROL), get(MptcpSocketOptions.PATH_MANAGER),
                get(MptcpSocketOptions.MAX_SUBFLOWS), get(MptcpSocketOptions.CHECKSUM));
        MptcpConfig.Builder b = base.toBuilder().receiveBufferSize(get(StandardSocketOptions.SO_RCVBUF));
        TcpConfig.Builder tcp = base.subflowConfig().toBuilder();
        if (supported.contains(StandardSocketOptions.SO_SNDBUF)) {
            b.sendBufferSize(get(StandardSocketOptions.SO_SNDBUF));
            tcp.noDelay(get(StandardSocketOptions.TCP_NODELAY)).keepAlive(get(StandardSocketOptions.SO_KEEPALIVE));
        }
        return b.subflowConfig(tcp.build()).build();
    }
}
