package io.mptcp4j.spring;

import io.mptcp4j.core.mptcp.MptcpStatistics;
import io.mptcp4j.core.mptcp.SendLimit;
import io.mptcp4j.driver.MptcpSocketInfo;
import io.mptcp4j.driver.UserspaceMptcp;
import io.mptcp4j.nio.MptcpChannel;
import io.mptcp4j.nio.MptcpProviderConfig;
import io.mptcp4j.nio.MptcpSelectorProvider;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.NetworkChannel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * The {@code mptcp} actuator endpoint ({@code GET /actuator/mptcp} once exposed): the configuration, the stack's
 * addresses and counters, and every MPTCP connection with its subflows (addresses, TCP state, RTT, congestion
 * window, bytes, backup flag).
 */
@Endpoint(id = "mptcp")
public class MptcpEndpoint {

    private final MptcpSelectorProvider provider;

    public MptcpEndpoint(MptcpSelectorProvider provider) {
        this.provider = Objects.requireNonNull(provider, "provider");
    }

    @ReadOperation
    public MptcpDescriptor mptcp() {
        MptcpProviderConfig config = provider.config();
        Optional<UserspaceMptcp> stack = provider.stackIfOpen();
        List<String> addresses = new ArrayList<>();
        Map<String, Long> counters = new LinkedHashMap<>();
        stack.ifPresent(s -> {
            for (InetAddress a : s.addresses()) {
                addresses.add(a.getHostAddress());
            }
            MptcpStatistics statistics = s.statistics();
            for (MptcpStatistics.Counter c : MptcpStatistics.Counter.values()) {
                counters.put(c.mibName(), statistics.get(c));
            }
        });
        List<ConnectionDescriptor> connections = new ArrayList<>();
        for (MptcpChannel channel : provider.connections()) {
            ConnectionDescriptor c = connection(channel);
            if (c != null) {
                connections.add(c);
            }
        }
        return new MptcpDescriptor(configuration(config), stack.isPresent(), addresses, counters, connections);
    }

    static ConfigurationDescriptor configuration(MptcpProviderConfig config) {
        List<String> announce = new ArrayList<>();
        config.announce().forEach(a -> announce.add(a.getHostAddress()));
        return new ConfigurationDescriptor(config.scheduler(), config.congestionControl(), config.pathManager(),
                config.maxSubflows(), config.localAddresses(), announce, config.checksum(),
                new ExcludeDescriptor(config.exclusion().loopback(), config.exclusion().cidrs(),
                        new ArrayList<>(config.exclusion().ports())), config.namespace());
    }

    /** The connection's snapshot, or null if it closed meanwhile. */
    static ConnectionDescriptor connection(MptcpChannel channel) {
        MptcpSocketInfo info;
        try {
            info = channel.info();
        } catch (IOException | IllegalStateException e) { // not connected (any more), or the stack closed
            return null;
        }
        String local = null;
        String remote = null;
        if (channel instanceof NetworkChannel) {
            try {
                local = format(((NetworkChannel) channel).getLocalAddress());
                if (channel instanceof java.nio.channels.SocketChannel) {
                    remote = format(((java.nio.channels.SocketChannel) channel).getRemoteAddress());
                }
            } catch (IOException e) {
                // closed meanwhile: the subflows still say where it went
            }
        }
        List<SubflowDescriptor> subflows = new ArrayList<>();
        for (MptcpSocketInfo.Subflow s : info.subflows()) {
            subflows.add(new SubflowDescriptor(format(s.local()), format(s.remote()), s.state().name(), s.initial(),
                    s.backup(), s.rttNanos() / 1e6, s.congestionWindow(), s.bytesSent(), s.bytesReceived(),
                    s.localId(), s.remoteId()));
        }
        Map<String, Long> limited = new LinkedHashMap<>();
        for (SendLimit l : SendLimit.values()) {
            limited.put(l.name().toLowerCase(Locale.ROOT), info.sendLimitedNanos().getOrDefault(l, 0L) / 1_000_000);
        }
        return new ConnectionDescriptor(local, remote, info.state().name(), info.fallback(), info.checksums(),
                info.subflowsEstablished(), info.bytesWritten(), info.bytesAcked(), limited,
                info.error() == null ? null : String.valueOf(info.error().getMessage()), subflows);
    }

    /** {@code 10.0.0.2:8080}, {@code [fd00::2]:8080}. */
    static String format(SocketAddress address) {
        if (!(address instanceof InetSocketAddress)) {
            return address == null ? null : address.toString();
        }
        InetSocketAddress isa = (InetSocketAddress) address;
        InetAddress ip = isa.getAddress();
        String host = ip == null ? isa.getHostString() : ip.getHostAddress();
        int scope = host.indexOf('%');
        if (scope >= 0) {
            host = host.substring(0, scope);
        }
        return (ip instanceof Inet6Address ? "[" + host + "]" : host) + ":" + isa.getPort();
    }

    /**
     * What the endpoint answers.
     *
     * @param configuration how the stack is set up
     * @param open          whether the stack is open (it opens at start-up, or at the first MPTCP connection)
     * @param addresses     the stack's local addresses (empty while it is not open)
     * @param counters      the stack's event counters by their Linux {@code nstat} names (without
     *                      {@code MPTcpExt}): joins, fallbacks, retransmissions (reinjections), ...
     * @param connections   every connection over MPTCP now
     */
    public record MptcpDescriptor(ConfigurationDescriptor configuration, boolean open, List<String> addresses,
                                  Map<String, Long> counters, List<ConnectionDescriptor> connections) {
    }

    /** The stack's configuration; scheduler, congestion control and path manager by name. */
    public record ConfigurationDescriptor(String scheduler, String congestionControl, String pathManager,
                                          int maxSubflows, List<String> localAddresses,
                                          List<String> announceAddresses, boolean checksum, ExcludeDescriptor exclude,
                                          String namespace) {
    }

    /** Which destinations bypass MPTCP. */
    public record ExcludeDescriptor(boolean loopback, List<String> cidrs, List<Integer> ports) {
    }

    /**
     * One MPTCP connection.
     *
     * @param local               the socket's local address as the application sees it
     * @param remote              the peer's address as the application sees it
     * @param state               the connection-level state
     * @param fallback            whether it fell back to plain TCP
     * @param checksums           whether DSS checksums are on
     * @param subflowsEstablished subflows that completed their handshake and are not closed
     * @param bytesWritten        connection-level bytes the application wrote
     * @param bytesAcked          connection-level bytes the peer acknowledged
     * @param sendLimitedMillis   how long sending waited for the application, the peer's window and the subflows
     *                            ({@code application}, {@code window}, {@code subflows}; see {@code SendLimit})
     * @param error               why it failed, or null
     * @param subflows            every subflow it has now
     */
    public record ConnectionDescriptor(String local, String remote, String state, boolean fallback, boolean checksums,
                                       int subflowsEstablished, long bytesWritten, long bytesAcked,
                                       Map<String, Long> sendLimitedMillis, String error,
                                       List<SubflowDescriptor> subflows) {
    }

    /**
     * One subflow.
     *
     * @param local            this host's end
     * @param remote           the peer's end
     * @param state            the TCP state
     * @param initial          whether it is the connection's first subflow
     * @param backup           whether it is a backup path (carries data only when no other subflow works)
     * @param rttMillis        smoothed round-trip time in milliseconds (0 before the first sample)
     * @param congestionWindow congestion window in bytes
     * @param bytesSent        data bytes sent on it
     * @param bytesReceived    data bytes received on it
     * @param localId          the local address id (RFC 8684 section 3.4; 0 for the initial subflow's)
     * @param remoteId         the peer's address id
     */
    public record SubflowDescriptor(String local, String remote, String state, boolean initial, boolean backup,
                                    double rttMillis, long congestionWindow, long bytesSent, long bytesReceived,
                                    int localId, int remoteId) {
    }
}
