package io.mptcp4j.samples;

import io.mptcp4j.core.mptcp.MptcpConfig;
import io.mptcp4j.core.mptcp.MptcpState;
import io.mptcp4j.core.pm.PathManagers;
import io.mptcp4j.core.sched.PacketSchedulers;
import io.mptcp4j.core.tcp.TcpConfig;
import io.mptcp4j.driver.MptcpSocket;
import io.mptcp4j.driver.MptcpSocketInfo;
import io.mptcp4j.driver.UserspaceMptcp;
import io.mptcp4j.io.linux.LinkMonitor;
import io.mptcp4j.io.linux.NetworkNamespace;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Running mptcp4j's userspace MPTCP for the commands ({@code cat}, {@code perf}): which local addresses the stack
 * gets, the stack itself built from {@link StackOptions}, and waiting for a connection's closing handshake.
 */
final class UserspaceStacks {

    /** {@code IFF_UP} of {@code <net/if.h>}. */
    private static final int IFF_UP = 0x1;

    private UserspaceStacks() {
    }

    /**
     * --bind's addresses; else the listen address (for a wildcard, every address of its family on an interface
     * that is up, from rtnetlink: the JDK's interface list mixes the process's namespace with the thread's), or
     * the source address the kernel would route from to {@code connect}; all in {@code namespace} (null: the
     * current one). Exactly one of {@code listen} and {@code connect} is given.
     */
    static List<InetAddress> localAddresses(List<InetAddress> bind, InetSocketAddress listen,
                                            InetSocketAddress connect, NetworkNamespace namespace)
            throws IOException {
        if (!bind.isEmpty()) {
            return bind;
        }
        if (listen != null) {
            if (!listen.getAddress().isAnyLocalAddress()) {
                return List.of(listen.getAddress());
            }
            List<InetAddress> all = new ArrayList<>();
            try (LinkMonitor links = LinkMonitor.open(namespace, null)) {
                for (LinkMonitor.Link link : links.links()) {
                    for (LinkMonitor.LinkAddress a : link.addresses()) {
                        boolean sameFamily = a.address() instanceof Inet4Address
                                == listen.getAddress() instanceof Inet4Address;
                        // administratively up (IFF_UP) is enough: a link still coming up is usable in a moment
                        if ((link.flags() & IFF_UP) != 0 && sameFamily && !a.address().isLinkLocalAddress()) {
                            all.add(a.address());
                        }
                    }
                }
            }
            if (all.isEmpty()) {
                throw new IOException("no local address to listen on; give --bind");
            }
            return all;
        }
        return namespace == null ? routedSource(connect) : namespace.call(() -> routedSource(connect));
    }

    /** The source address the kernel would route from to {@code remote} (in the calling thread's namespace). */
    private static List<InetAddress> routedSource(InetSocketAddress remote) throws IOException {
        try (DatagramSocket probe = new DatagramSocket()) { // no packet is sent: connect only picks a route
            probe.connect(remote);
            InetAddress source = probe.getLocalAddress();
            if (source == null || source.isAnyLocalAddress()) {
                throw new IOException("no route to " + remote.getAddress().getHostAddress() + "; give --bind");
            }
            return List.of(source);
        }
    }

    /**
     * A stack on {@code locals} in {@code namespace} (null: the current one), configured by {@code s}, whose
     * connections record their subflows in {@code log}.
     *
     * @throws IOException if an --announce address is not one of {@code locals}
     */
    static UserspaceMptcp open(StackOptions.Stack s, List<InetAddress> locals, NetworkNamespace namespace,
                               SubflowLog log) throws IOException {
        for (InetAddress a : s.announce()) {
            if (!locals.contains(a)) {
                throw new IOException("--announce " + a.getHostAddress() + " is not an address of this host");
            }
        }
        MptcpConfig config = MptcpConfig.builder()
                .checksums(s.checksum())
                .maxSubflows(s.maxSubflows())
                .backupAddresses(Set.copyOf(s.backup()))
                .pathManager(log.recording(PathManagers.byName(s.pathManager(), s.maxSubflows(), s.announce())))
                .scheduler(PacketSchedulers.byName(s.scheduler()))
                .subflowConfig(TcpConfig.builder().congestionControl(s.congestion()).build())
                .build();
        UserspaceMptcp.Builder builder = UserspaceMptcp.builder().config(config);
        if (namespace != null) {
            builder.namespace(namespace);
        }
        for (InetAddress a : locals) {
            builder.address(a);
        }
        return builder.open();
    }

    /**
     * Waits up to {@code wait} for a closed socket's connection to finish its closing handshake, so that closing
     * the stack right after does not cut it off; returns the last snapshot (check its state).
     */
    static MptcpSocketInfo awaitClosed(MptcpSocket socket, Duration wait) throws IOException {
        long end = System.nanoTime() + wait.toNanos();
        MptcpSocketInfo info = socket.info();
        while (info.state() != MptcpState.CLOSED && System.nanoTime() < end) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted");
            }
            info = socket.info();
        }
        return info;
    }
}
