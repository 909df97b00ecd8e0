package io.mptcp4j.driver;

import io.mptcp4j.core.cc.CongestionControlRegistry;
import io.mptcp4j.core.event.SubflowEvent;
import io.mptcp4j.core.mptcp.MptcpConfig;
import io.mptcp4j.core.mptcp.MptcpConnection;
import io.mptcp4j.core.mptcp.MptcpStack;
import io.mptcp4j.core.mptcp.MptcpStatistics;
import io.mptcp4j.core.tcp.TcpStack;
import io.mptcp4j.core.tcp.TcpStatistics;
import io.mptcp4j.event.SubflowEventPublisher;
import io.mptcp4j.io.Device;
import io.mptcp4j.io.EgressPinning;
import io.mptcp4j.io.RawSocketDevice;
import io.mptcp4j.io.linux.LinkMonitor;
import io.mptcp4j.io.linux.NetworkNamespace;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Flow;
import java.util.concurrent.ForkJoinPool;

/**
 * mptcp4j's MPTCP for applications: an {@link MptcpStack} on its own {@link StackEventLoop} over a
 * {@link RawSocketDevice}, behind blocking sockets ({@link MptcpSocket}, {@link MptcpServerSocket}). The twin of
 * {@link UserspaceTcp}, sharing its request machinery ({@link BlockingLoop}), port handling and failures.
 *
 * <pre>{@code
 * try (UserspaceMptcp mptcp = UserspaceMptcp.builder().namespace(ns).address(local).open()) {
 *     MptcpSocket s = mptcp.connect(new InetSocketAddress(server, 80), Duration.ofSeconds(5));
 *     s.write(request);
 *     int n = s.read(response, Duration.ofSeconds(10));
 * }
 * }</pre>
 *
 * <p>Every address given to the builder is an address of the stack; connections start from the first of the
 * remote's family.
 *
 * <p>Links: a {@link LinkMonitor} of the namespace tells the stack about every change of the interfaces
 * ({@link MptcpStack#updateLinks}, on the loop thread), so subflows over a link that went down are given up at
 * once and path managers use it again when it comes back. The subflows the stack opens on its own take their
 * ports from the device ({@link DeviceSubflowPorts}) and their (local, remote) address pair is pinned to the
 * local address's interface ({@link EgressPinning#PINNED_ROUTES}); other packets are routed by destination.
 */
public final class UserspaceMptcp implements AutoCloseable {

    private final MptcpStack stack;
    private final BlockingLoop blocking;
    private final LocalPorts ports;
    private final MptcpConfig config;
    private final List<InetAddress> addresses;
    private final LinkMonitor links;
    private final SubflowEventPublisher events;

    /** Events a subscriber may have waiting before it is failed for falling behind. */
    public static final int EVENT_BUFFER = 4096;

    private UserspaceMptcp(MptcpStack stack, Device device, LocalPorts ports, List<InetAddress> addresses,
                           MptcpConfig config, LinkMonitor links, SubflowEventPublisher events) {
        this.stack = stack;
        this.events = events != null ? events : new SubflowEventPublisher(ForkJoinPool.commonPool(), EVENT_BUFFER);
        this.links = links;
        this.ports = ports;
        this.config = config;
        this.addresses = List.copyOf(addresses);
        this.blocking = new BlockingLoop(stack, device, "MPTCP");
        // Every iteration hands the stack's events to the publisher, which drops them while nobody subscribes, and
        // those of a connection with a java.nio channel to that channel's subscribers too.
        SubflowEventPublisher publisher = this.events;
        blocking.loop().addIterationListener(() -> {
            for (SubflowEvent e; (e = stack.pollEvent()) != null; ) {
                publisher.publish(e);
                blocking.dispatch(e);
            }
        });
    }

    /**
     * The subflow events of every connection of this stack, in order (subflows up and down with their reason,
     * addresses announced and removed, priority changes, fallbacks; see {@link SubflowEvent}). Each subscriber
     * gets them on the common pool with a bounded buffer of {@value #EVENT_BUFFER} events; one that falls behind
     * gets {@code onError} with an overflow exception rather than a silent loss. Completes when the stack closes.
     */
    public Flow.Publisher<SubflowEvent> events() {
        return events;
    }

    /** A builder; at least one local address is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** Connects from the first local address of {@code remote}'s family; see {@link UserspaceTcp#connect}. */
    public MptcpSocket connect(InetSocketAddress remote, Duration timeout) throws IOException {
        return connect(null, remote, timeout);
    }

    /**
     * Opens a connection from {@code local} (null: the first local address of the remote's family) to
     * {@code remote}, waiting at most {@code timeout} (null: as long as the SYN retries last) for the handshake.
     * Whether MPTCP or a fallback to TCP was agreed shows in {@link MptcpSocket#info()}.
     *
     * @throws java.net.ConnectException         if the peer refused or never answered
     * @throws java.net.SocketTimeoutException if {@code timeout} passed first (the attempt is aborted)
     */
    public MptcpSocket connect(InetAddress local, InetSocketAddress remote, Duration timeout) throws IOException {
        Objects.requireNonNull(remote, "remote");
        if (remote.isUnresolved()) {
            throw new UnknownHostException(remote.getHostString());
        }
        blocking.ensureOpen();
        InetAddress from = local != null ? UserspaceTcp.requireLocal(local, addresses)
                : UserspaceTcp.localFor(remote.getAddress(), addresses);
        int port = ports.own(from, 0);
        PortLease lease = new PortLease(ports, List.of(new InetSocketAddress(from, port)));
        ConnectRequest request = new ConnectRequest(from, port, remote, lease);
        try {
            blocking.submit(request);
        } catch (IOException e) {
            ports.release(from, port);
            throw e;
        }
        try {
            return request.await(UserspaceTcp.remaining(UserspaceTcp.deadline(timeout)));
        } catch (InterruptedIOException e) {
            blocking.executeIfRunning(request::abandon);
            throw e;
        }
    }

    /**
     * Listens on {@code local} (null: every local address) and {@code port} (0: a free port).
     *
     * @throws BindException if this stack listens there already
     * @throws IOException   if the kernel refuses the port (another socket has it)
     */
    public MptcpServerSocket listen(InetAddress local, int port, int backlog) throws IOException {
        if (port < 0 || port > 0xFFFF || backlog < 1) {
            throw new IllegalArgumentException("port " + port + " or backlog " + backlog + " out of range");
        }
        blocking.ensureOpen();
        PortLease lease = UserspaceTcp.ownAll(ports, UserspaceTcp.listenAddresses(local, addresses), port);
        return blocking.openListener(lease,
                listenPort -> new MptcpServerSocket(blocking, stack.listen(local, listenPort, backlog, config), lease));
    }

    /**
     * Starts a connection for a java.nio channel and returns at once; the handshake goes on in the loop and
     * {@link ChannelStream#finishConnect} tells how it ended.
     *
     * @param local     the local address (null: the first of the remote's family)
     * @param localPort the local port (0: a free one)
     * @param config    this connection's configuration
     * @throws java.net.SocketException if no local address fits, or the stack is closed
     * @throws IOException              if the port cannot be had
     */
    public ChannelStream openStream(InetAddress local, int localPort, InetSocketAddress remote, MptcpConfig config)
            throws IOException {
        Objects.requireNonNull(remote, "remote");
        Objects.requireNonNull(config, "config");
        if (remote.isUnresolved()) {
            throw new UnknownHostException(remote.getHostString());
        }
        blocking.ensureOpen();
        InetAddress from = local != null ? UserspaceTcp.requireLocal(local, addresses)
                : UserspaceTcp.localFor(remote.getAddress(), addresses);
        int port = ports.own(from, localPort);
        PortLease lease = new PortLease(ports, List.of(new InetSocketAddress(from, port)));
        ChannelStream stream = new ChannelStream(blocking, remote);
        InetSocketAddress localEnd = new InetSocketAddress(from, port);
        try {
            blocking.loop().execute(() -> {
                MptcpConnection c;
                try {
                    c = stack.connect(blocking.loop().clock().nanos(), from, port, remote.getAddress(),
                            remote.getPort(), config);
                } catch (IllegalArgumentException | IllegalStateException e) {
                    lease.release();
                    stream.failConnect(new SocketException("cannot connect to " + remote + ": " + e.getMessage()));
                    return;
                }
                stream.attach(c, lease, localEnd, remote);
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            ports.release(from, port);
            throw blocking.stackClosed();
        }
        return stream;
    }

    /**
     * Listens for a java.nio server channel on {@code local} (null: every local address) and {@code port} (0: a
     * free one), each accepted connection configured by {@code config}.
     *
     * @throws BindException if this stack listens there already
     * @throws IOException   if the kernel refuses the port (another socket has it)
     */
    public ChannelAcceptor listenChannel(InetAddress local, int port, int backlog, MptcpConfig config)
            throws IOException {
        if (port < 0 || port > 0xFFFF || backlog < 1) {
            throw new IllegalArgumentException("port " + port + " or backlog " + backlog + " out of range");
        }
        Objects.requireNonNull(config, "config");
        blocking.ensureOpen();
        // Each address of the stack is reserved on its own, not the wildcard: the java.nio server channel serves
        // loopback clients through a kernel listener on the same port, which a wildcard reservation would block.
        List<InetAddress> reserve = local != null ? UserspaceTcp.listenAddresses(local, addresses) : addresses;
        PortLease lease = UserspaceTcp.ownAll(ports, reserve, port);
        return blocking.openListener(lease,
                listenPort -> new ChannelAcceptor(blocking, stack.listen(local, listenPort, backlog, config), lease));
    }

    /** The local addresses, in the order given to the builder. */
    public List<InetAddress> addresses() {
        return addresses;
    }

    /** The configuration of every connection and listener. */
    public MptcpConfig config() {
        return config;
    }

    /** The loop, for its counters. */
    public StackEventLoop eventLoop() {
        return blocking.loop();
    }

    /** The stack's MPTCP counters (written by the loop; reads may be slightly stale). */
    public MptcpStatistics statistics() {
        return stack.statistics();
    }

    /** The counters of the TCP under the subflows: retransmissions, recoveries, drops (slightly stale, as above). */
    public TcpStatistics tcpStatistics() {
        return stack.tcp().statistics();
    }

    /**
     * Stops the loop and closes the device and the link monitor; connections vanish without a FIN, calls still
     * waiting fail. Idempotent.
     */
    @Override
    public void close() {
        blocking.close();
        links.close();
        events.close();
    }

    /** The stack, for tests (touch it on the loop thread only). */
    MptcpStack stack() {
        return stack;
    }

    /** The link monitor that feeds the stack. */
    LinkMonitor linkMonitor() {
        return links;
    }

    @Override
    public String toString() {
        return "UserspaceMptcp" + addresses + (blocking.isClosed() ? "[closed]" : "");
    }

    private static byte[] randomSecret() {
        byte[] secret = new byte[16];
        new SecureRandom().nextBytes(secret);
        return secret;
    }

    /** One connect: opens the connection, then waits for the handshake to end either way. */
    private final class ConnectRequest extends LoopRequest<MptcpSocket> {
        private final InetAddress local;
        private final int port;
        private final InetSocketAddress remote;
        private final PortLease lease;
        private MptcpConnection connection;

        ConnectRequest(InetAddress local, int port, InetSocketAddress remote, PortLease lease) {
            super(blocking);
            this.local = local;
            this.port = port;
            this.remote = remote;
            this.lease = lease;
        }

        @Override
        boolean attempt() {
            if (connection == null) {
                try {
                    connection = stack.connect(blocking.loop().clock().nanos(), local, port, remote.getAddress(),
                            remote.getPort(), config);
                } catch (IllegalArgumentException | IllegalStateException e) {
                    lease.release();
                    fail(new SocketException("cannot connect to " + remote + ": " + e.getMessage()));
                    return true;
                }
                return false; // the SYN goes out in this iteration
            }
            if (connection.isConnected()) {
                complete(new MptcpSocket(blocking, connection, lease));
                return true;
            }
            if (connection.isClosed()) {
                lease.release();
                IOException error = StreamConnection.of(connection, null, remote).connectFailure();
                fail(error != null ? error
                        : new SocketException("connection to " + remote + " closed during the handshake"));
                return true;
            }
            return false;
        }

        @Override
        boolean isReady() {
            return connection.isConnected() || connection.isClosed();
        }

        @Override
        String describe() {
            return "connect to " + remote;
        }

        /** On the loop thread, after the caller gave up: the half-open connection goes, and its port. */
        void abandon() {
            if (connection != null) {
                connection.abort();
            }
            lease.release();
        }
    }

    /** Configures and opens a {@link UserspaceMptcp}. */
    public static final class Builder extends RawStackBuilder<Builder> {
        private MptcpConfig config = MptcpConfig.defaults();
        private CongestionControlRegistry congestionControl;
        private SubflowEventPublisher events;

        private Builder() {
        }

        /** Where the stack's events go (it is closed with the stack); by default a publisher of its own. */
        public Builder events(SubflowEventPublisher publisher) {
            this.events = Objects.requireNonNull(publisher, "publisher");
            return this;
        }

        /**
         * The congestion control algorithms connections may name; by default the built-ins and those found with
         * {@link java.util.ServiceLoader} ({@link CongestionControlRegistry#discover()}).
         */
        public Builder congestionControl(CongestionControlRegistry registry) {
            this.congestionControl = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /** The configuration of every connection and listener; {@link MptcpConfig#defaults()} by default. */
        public Builder config(MptcpConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /**
         * Opens the link monitor and the raw sockets for the families of the addresses (both in the namespace)
         * and starts the loop.
         *
         * @throws IllegalStateException without an address
         * @throws io.mptcp4j.io.linux.InsufficientPrivilegesException without root or {@code CAP_NET_RAW}, or
         *         without {@code CAP_SYS_ADMIN} to enter the namespace
         */
        public UserspaceMptcp open() throws IOException {
            List<InetAddress> list = addresses("UserspaceMptcp");
            LinkUpdates updates = new LinkUpdates();
            LinkMonitor monitor = LinkMonitor.open(namespace, updates);
            RawSocketDevice device = null;
            try {
                device = UserspaceTcp.rawDevice(namespace, list, receiveBufferBytes)
                        .linkMonitor(monitor)
                        .egressPinning(EgressPinning.PINNED_ROUTES)
                        .open();
                Device wire = decorator.decorate(device);
                LocalPorts ports = UserspaceTcp.portsOf(device);
                MptcpStack stack = MptcpStack.builder()
                        // Third-party congestion controllers on the class path are found here (ServiceLoader).
                        .tcpStack(TcpStack.builder().secret(randomSecret())
                                .congestionControl(congestionControl != null ? congestionControl
                                        : CongestionControlRegistry.discover()).build())
                        .subflowPorts(new DeviceSubflowPorts(ports, device))
                        .build();
                list.forEach(stack::addAddress);
                UserspaceMptcp mptcp = new UserspaceMptcp(stack, wire, ports, list, config, monitor, events);
                updates.attach(mptcp.blocking, stack, monitor);
                return mptcp;
            } catch (IOException | RuntimeException | Error e) {
                if (device != null) {
                    device.close();
                }
                monitor.close();
                throw e;
            }
        }
    }
}
