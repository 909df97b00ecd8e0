package io.mptcp4j.driver;

import io.mptcp4j.core.tcp.TcpConfig;
import io.mptcp4j.core.tcp.TcpConnection;
import io.mptcp4j.core.tcp.TcpStack;
import io.mptcp4j.core.tcp.TcpStatistics;
import io.mptcp4j.io.Device;
import io.mptcp4j.io.RawSocketDevice;
import io.mptcp4j.io.linux.AddressFamily;
import io.mptcp4j.io.linux.NetworkNamespace;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.BindException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * mptcp4j's TCP for applications: a {@link TcpStack} on its own {@link StackEventLoop} over a
 * {@link RawSocketDevice}, behind blocking sockets ({@link TcpSocket}, {@link TcpServerSocket}).
 *
 * <pre>{@code
 * try (UserspaceTcp tcp = UserspaceTcp.builder().namespace(ns).address(local).open()) {
 *     TcpSocket s = tcp.connect(new InetSocketAddress(server, 80), Duration.ofSeconds(5));
 *     s.write(request);
 *     int n = s.read(response, Duration.ofSeconds(10));
 * }
 * }</pre>
 *
 * <p>How calls reach the stack: application threads never touch a {@link TcpConnection}. Each blocking call
 * becomes one request ({@link LoopRequest}) queued on the loop, which carries it out in the loop's next
 * iteration — so what a write adds is sent in that same iteration — and, when it cannot finish at once, parks
 * it. After every iteration the loop's listener looks at the parked requests only (never at idle connections)
 * and queues again those whose connection became ready. A finished request unparks its caller. So a caller
 * costs one wake-up of the loop per call and one of itself per completion, with no polling on either side.
 *
 * <p>Local ports: a connection takes an ephemeral port from the device ({@link RawSocketDevice#ownPort}, which
 * keeps the local kernel quiet on it) and gives it back once the connection is fully closed, TIME_WAIT
 * included; a listener shares its port with the connections it accepted. A raw socket filter holds at most
 * {@value RawSocketDevice#MAX_PORTS_PER_FAMILY} ports per family.
 *
 * <p>{@link #close()} stops the loop, closes the device (and with it every port and connection, without a FIN
 * or RST) and fails every call still waiting.
 */
public final class UserspaceTcp implements AutoCloseable {

    private final TcpStack stack;
    private final StackEventLoop loop;
    private final LocalPorts ports;
    private final TcpConfig config;
    private final List<InetAddress> addresses;
    private final BlockingLoop blocking;

    private UserspaceTcp(TcpStack stack, Device device, LocalPorts ports, List<InetAddress> addresses,
                         TcpConfig config) {
        this.stack = stack;
        this.ports = ports;
        this.config = config;
        this.addresses = List.copyOf(addresses);
        this.blocking = new BlockingLoop(stack, device, "TCP");
        this.loop = blocking.loop();
    }

    /** A builder; at least one local address is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** Over any device (tests: devices in memory); ports come from {@code ports}. The loop is started. */
    static UserspaceTcp over(Device device, LocalPorts ports, List<InetAddress> addresses, TcpConfig config) {
        TcpStack stack = TcpStack.builder().secret(randomSecret()).build();
        addresses.forEach(stack::addAddress);
        return new UserspaceTcp(stack, device, ports, addresses, config);
    }

    /**
     * Connects from the first local address of {@code remote}'s family; see
     * {@link #connect(InetAddress, InetSocketAddress, Duration)}.
     */
    public TcpSocket connect(InetSocketAddress remote, Duration timeout) throws IOException {
        return connect(null, remote, timeout);
    }

    /**
     * Opens a connection from {@code local} (null: the first local address of the remote's family) and an
     * ephemeral port to {@code remote}, waiting at most {@code timeout} (null: as long as the SYN retries last,
     * about two minutes by default) for the handshake.
     *
     * @throws java.net.ConnectException if the peer refused (RST) or never answered the SYNs
     * @throws SocketTimeoutException     if {@code timeout} passed first (the attempt is aborted)
     */
    public TcpSocket connect(InetAddress local, InetSocketAddress remote, Duration timeout) throws IOException {
        Objects.requireNonNull(remote, "remote");
        if (remote.isUnresolved()) {
            throw new UnknownHostException(remote.getHostString());
        }
        ensureOpen();
        InetAddress from = local != null ? requireLocal(local, addresses) : localFor(remote.getAddress(), addresses);
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
            return request.await(remaining(deadline(timeout)));
        } catch (InterruptedIOException e) { // a timeout (SocketTimeoutException) or an interrupt
            blocking.executeIfRunning(request::abandon);
            throw e;
        }
    }

    /**
     * Listens on {@code local} (null: every local address) and {@code port} (0: a free port, chosen by the kernel
     * for the first family).
     *
     * @throws BindException if this stack listens there already
     * @throws IOException   if the kernel refuses the port (another socket has it)
     */
    public TcpServerSocket listen(InetAddress local, int port, int backlog) throws IOException {
        if (port < 0 || port > 0xFFFF || backlog < 1) {
            throw new IllegalArgumentException("port " + port + " or backlog " + backlog + " out of range");
        }
        ensureOpen();
        PortLease lease = ownAll(ports, listenAddresses(local, addresses), port);
        return blocking.openListener(lease,
                listenPort -> new TcpServerSocket(this, stack.listen(local, listenPort, backlog, config), lease));
    }

    /** The local addresses, in the order given to the builder. */
    public List<InetAddress> addresses() {
        return addresses;
    }

    /** The configuration of every connection and listener. */
    public TcpConfig config() {
        return config;
    }

    /** The loop, for its counters (packets, iterations, failures). */
    public StackEventLoop eventLoop() {
        return loop;
    }

    /** The stack's counters (written by the loop; reads may be slightly stale). */
    public TcpStatistics statistics() {
        return stack.statistics();
    }

    /**
     * Stops the loop and closes the device: connections vanish without FIN or RST, their ports are given back,
     * and calls still waiting fail. Idempotent.
     */
    @Override
    public void close() {
        blocking.close();
    }

    @Override
    public String toString() {
        return "UserspaceTcp" + addresses + (blocking.isClosed() ? "[closed]" : "");
    }

    // --- package-private: the sockets' side

    /** The request machinery the sockets share. */
    BlockingLoop blockingLoop() {
        return blocking;
    }

    /** The deadline for a timeout from now (null: {@link Long#MAX_VALUE}, none). */
    static long deadline(Duration timeout) {
        if (timeout == null) {
            return Long.MAX_VALUE;
        }
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("negative timeout: " + timeout);
        }
        long nanos = timeout.toNanos();
        long now = System.nanoTime();
        return nanos >= Long.MAX_VALUE - now ? Long.MAX_VALUE : now + nanos;
    }

    /** Nanoseconds left until {@code deadline} ({@link Long#MAX_VALUE}: no limit), at least 0. */
    static long remaining(long deadline) {
        return deadline == Long.MAX_VALUE ? Long.MAX_VALUE : Math.max(0, deadline - System.nanoTime());
    }

    /** A duration for messages: "250 ms", "5.0 s". */
    static String format(long nanos) {
        return nanos < 1_000_000_000L ? (nanos / 1_000_000) + " ms" : String.format("%.1f s", nanos / 1e9);
    }

    private void ensureOpen() throws SocketException {
        blocking.ensureOpen();
    }

    static InetAddress requireLocal(InetAddress local, List<InetAddress> addresses) throws SocketException {
        if (!addresses.contains(local)) {
            throw new SocketException(local.getHostAddress() + " is not an address of this stack " + addresses);
        }
        return local;
    }

    static InetAddress localFor(InetAddress remote, List<InetAddress> addresses) throws SocketException {
        for (InetAddress a : addresses) {
            if (a instanceof Inet4Address == remote instanceof Inet4Address) {
                return a;
            }
        }
        throw new SocketException("no local address of " + AddressFamily.of(remote) + " to reach "
                + remote.getHostAddress());
    }

    /** Opens a raw socket device for the families of {@code addresses}, in {@code namespace} (null: this one). */
    static RawSocketDevice openRawDevice(NetworkNamespace namespace, List<InetAddress> addresses,
                                         int receiveBufferBytes) throws IOException {
        return rawDevice(namespace, addresses, receiveBufferBytes).open();
    }

    /** The builder {@link #openRawDevice} opens, for callers that configure more (link monitor, pinning). */
    static RawSocketDevice.Builder rawDevice(NetworkNamespace namespace, List<InetAddress> addresses,
                                             int receiveBufferBytes) {
        Set<AddressFamily> families = families(addresses);
        AddressFamily[] more = families.stream().skip(1).toArray(AddressFamily[]::new);
        RawSocketDevice.Builder raw = RawSocketDevice.builder()
                .families(families.iterator().next(), more)
                .receiveBufferBytes(receiveBufferBytes);
        if (namespace != null) {
            raw.namespace(namespace);
        }
        return raw;
    }

    /** The ports of {@code device}. */
    static LocalPorts portsOf(RawSocketDevice device) {
        return new LocalPorts() {
            @Override
            public int own(InetAddress local, int port) throws IOException {
                return device.ownPort(local, port);
            }

            @Override
            public void release(InetAddress local, int port) throws IOException {
                device.releasePort(local, port);
            }
        };
    }

    /** The addresses to listen on for {@code local} (null: the wildcard of each family of {@code addresses}). */
    static List<InetAddress> listenAddresses(InetAddress local, List<InetAddress> addresses)
            throws UnknownHostException, SocketException {
        List<InetAddress> bindTo = new ArrayList<>();
        if (local != null) {
            bindTo.add(requireLocal(local, addresses));
        } else {
            for (AddressFamily family : families(addresses)) {
                bindTo.add(InetAddress.getByName(family == AddressFamily.IPV4 ? "0.0.0.0" : "::"));
            }
        }
        return bindTo;
    }

    /** Owns {@code port} (0: any) on every address of {@code bindTo}; all or none. */
    static PortLease ownAll(LocalPorts ports, List<InetAddress> bindTo, int port) throws IOException {
        List<InetSocketAddress> owned = new ArrayList<>();
        try {
            for (InetAddress a : bindTo) {
                port = ports.own(a, port);
                owned.add(new InetSocketAddress(a, port));
            }
        } catch (IOException | RuntimeException e) {
            for (InetSocketAddress a : owned) {
                ports.release(a.getAddress(), a.getPort());
            }
            throw e;
        }
        return new PortLease(ports, owned);
    }

    private static Set<AddressFamily> families(List<InetAddress> addresses) {
        Set<AddressFamily> families = EnumSet.noneOf(AddressFamily.class);
        for (InetAddress a : addresses) {
            families.add(AddressFamily.of(a));
        }
        return families;
    }

    private static byte[] randomSecret() {
        byte[] secret = new byte[16];
        new SecureRandom().nextBytes(secret);
        return secret;
    }

    /** One connect: opens the connection, then waits for the handshake to end either way. */
    private final class ConnectRequest extends LoopRequest<TcpSocket> {
        private final InetAddress local;
        private final int port;
        private final InetSocketAddress remote;
        private final PortLease lease;
        private TcpConnection connection;

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
                    connection = stack.connect(loop.clock().nanos(), local, port, remote.getAddress(),
                            remote.getPort(), config);
                } catch (IllegalArgumentException | IllegalStateException e) {
                    lease.release();
                    fail(new SocketException("cannot connect to " + remote + ": " + e.getMessage()));
                    return true;
                }
                return false; // the SYN goes out in this iteration
            }
            if (connection.isConnected()) {
                complete(new TcpSocket(UserspaceTcp.this, connection, lease));
                return true;
            }
            if (connection.isClosed()) {
                lease.release();
                fail(connection.error() != null ? TcpErrors.ofConnect(connection.error())
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

    /** Configures and opens a {@link UserspaceTcp}. */
    public static final class Builder extends RawStackBuilder<Builder> {
        private TcpConfig config = TcpConfig.defaults();

        private Builder() {
        }

        /** The configuration of every connection and listener; {@link TcpConfig#defaults()} by default. */
        public Builder config(TcpConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /**
         * Opens the raw sockets for the families of the addresses and starts the loop.
         *
         * @throws IllegalStateException without an address
         * @throws io.mptcp4j.io.linux.InsufficientPrivilegesException without root or {@code CAP_NET_RAW}
         */
        public UserspaceTcp open() throws IOException {
            List<InetAddress> list = addresses("UserspaceTcp");
            RawSocketDevice device = openRawDevice(namespace, list, receiveBufferBytes);
            try {
                Device wire = decorator.decorate(device);
                LocalPorts ports = portsOf(device);
                TcpStack stack = TcpStack.builder().secret(randomSecret()).build();
                list.forEach(stack::addAddress);
                return new UserspaceTcp(stack, wire, ports, list, config);
            } catch (IOException | RuntimeException | Error e) {
                device.close();
                throw e;
            }
        }
    }

    /** Puts decorators between the loop and the raw device. */
    @FunctionalInterface
    public interface DeviceDecorator {
        /** The device the loop should use, wrapping {@code device}. */
        Device decorate(Device device) throws IOException;
    }
}
