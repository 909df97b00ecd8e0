package io.mptcp4j.core.tcp;

import io.mptcp4j.core.cc.CongestionControlRegistry;
import io.mptcp4j.core.cc.ConnectionCongestion;
import io.mptcp4j.core.stack.NetworkStack;
import io.mptcp4j.core.stack.PacketSink;
import io.mptcp4j.core.time.Deadlines;
import io.mptcp4j.core.wire.InternetChecksum;
import io.mptcp4j.core.wire.IpAddresses;
import io.mptcp4j.core.wire.IpPacket;
import io.mptcp4j.core.wire.Ipv4Header;
import io.mptcp4j.core.wire.Ipv6Header;
import io.mptcp4j.core.wire.MalformedPacketException;
import io.mptcp4j.core.wire.TcpSegment;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import static io.mptcp4j.core.tcp.TcpStatistics.Counter;
import static io.mptcp4j.core.tcp.TcpStatistics.DropReason;

/**
 * A userspace TCP/IP endpoint: local addresses, listeners and connections, fed whole IPv4 and IPv6 packets and
 * draining packets to send, sans-IO ({@link NetworkStack}).
 *
 * <ul>
 *   <li>Demultiplexing by 4-tuple in a hash map with compact keys (two longs for IPv4, no address objects on the
 *       fast path); then listeners by exact address and port, then by wildcard address; otherwise a RST as
 *       RFC 9293 section 3.10.7.1 prescribes for the CLOSED state.</li>
 *   <li>Timers: an indexed min-heap of connections by next deadline, so {@link #nextTimeout()} and
 *       {@link #handleTimeout} cost O(log n) per connection that has work, however many are idle.</li>
 *   <li>Output: connections that may have something to send are queued as they signal it, so
 *       {@link #pollTransmit} never scans idle connections. IPv4 packets get DF, TTL 64 (configurable) and
 *       an incrementing identification; every TCP checksum is computed.</li>
 *   <li>Initial sequence numbers (RFC 6528), timestamp offsets and ephemeral ports (RFC 6056) come from a keyed
 *       hash under the secret given to {@link Builder#secret}: the stack draws no randomness itself.</li>
 * </ul>
 *
 * <p>Not thread-safe: a stack, its listeners and its connections are driven by one thread at a time. After an
 * application call on a connection (write, read, close), the driver calls {@link #pollTransmit} to send what it
 * produced.
 */
public final class TcpStack implements NetworkStack {

    private static final int MAX_PACKET = 65_535 + Ipv6Header.LENGTH;
    /** Stack-generated RSTs waiting for the sink; beyond this, more are dropped (flood protection). */
    private static final int MAX_PENDING_RESETS = 1024;
    private static final byte[] NO_IP_OPTIONS = {};

    private final InitialSequenceNumbers sequenceNumbers;
    private final CongestionControlRegistry congestionControl;
    private final boolean verifyChecksums;
    private final int ttl;
    private final int ephemeralLow;
    private final int ephemeralHigh;
    private final TcpStatistics statistics = new TcpStatistics();

    private final Set<InetAddress> addresses = new LinkedHashSet<>();
    private int[] ipv4Addresses = new int[0];
    private final Map<ListenerKey, TcpListener> listeners = new HashMap<>();
    private final Map<Object, TcpConnection> connections = new HashMap<>();
    private final TimerHeap timers = new TimerHeap();
    private final ArrayDeque<TcpConnection> pollQueue = new ArrayDeque<>();
    private final ArrayDeque<StackReset> resets = new ArrayDeque<>();
    private final ByteBuffer packetBuffer = ByteBuffer.allocate(MAX_PACKET);
    private final TcpConnection[][] dueScratch = {new TcpConnection[16]};
    private final TcpConnection.Owner owner = new ConnectionEvents();
    private SynInterceptor synInterceptor;
    private boolean packetPending;
    private int ipv4Identification;
    private int ephemeralCounter;

    private TcpStack(Builder b) {
        this.sequenceNumbers = new InitialSequenceNumbers(b.secret);
        this.congestionControl = b.congestionControl;
        this.verifyChecksums = b.verifyChecksums;
        this.ttl = b.ttl;
        this.ephemeralLow = b.ephemeralLow;
        this.ephemeralHigh = b.ephemeralHigh;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Counters for the whole stack, its connections' included. */
    public TcpStatistics statistics() {
        return statistics;
    }

    /** Where this stack looks congestion control algorithms up by name. */
    public CongestionControlRegistry congestionControl() {
        return congestionControl;
    }

    /**
     * New connection-level congestion state of the algorithm called {@code name} in this stack's registry: what an
     * MPTCP connection shares among its subflows (pass it to {@link #connect(long, InetAddress, int, InetAddress,
     * int, TcpConfig, TcpExtension, ConnectionCongestion)} or {@link SynInterceptor.Decision#accept}).
     *
     * @throws IllegalArgumentException if no algorithm has that name
     */
    public ConnectionCongestion newConnectionCongestion(String name) {
        return congestionControl.get(name).newConnection();
    }

    /** Connections known to the stack (any state but CLOSED). */
    public int connectionCount() {
        return connections.size();
    }

    // --- addresses and sockets

    /** Makes {@code address} local: packets to it are accepted, connections may use it. */
    public void addAddress(InetAddress address) {
        Objects.requireNonNull(address, "address");
        if (addresses.add(address) && address instanceof Inet4Address v4) {
            int[] grown = Arrays.copyOf(ipv4Addresses, ipv4Addresses.length + 1);
            grown[grown.length - 1] = IpAddresses.toInt(v4);
            ipv4Addresses = grown;
        }
    }

    /** The local addresses, in the order they were added. */
    public Set<InetAddress> addresses() {
        return Set.copyOf(addresses);
    }

    /**
     * Listens on {@code address} (null: every local address) and {@code port}.
     *
     * @throws IllegalArgumentException if the address is not local, the port or backlog out of range
     * @throws IllegalStateException    if something already listens there
     */
    public TcpListener listen(InetAddress address, int port, int backlog, TcpConfig config) {
        Objects.requireNonNull(config, "config");
        if (address != null && !addresses.contains(address)) {
            throw new IllegalArgumentException(address + " is not an address of this stack");
        }
        if (port < 1 || port > 0xFFFF) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (backlog < 1) {
            throw new IllegalArgumentException("backlog must be positive: " + backlog);
        }
        ListenerKey key = new ListenerKey(address, port);
        if (listeners.containsKey(key)) {
            throw new IllegalStateException("already listening on " + key);
        }
        TcpListener listener = new TcpListener(this, address, port, backlog, config);
        listeners.put(key, listener);
        return listener;
    }

    /** Active open with the algorithm of {@code config}, no extension. */
    public TcpConnection connect(long now, InetAddress localAddress, int localPort, InetAddress remoteAddress,
                                 int remotePort, TcpConfig config) {
        return connect(now, localAddress, localPort, remoteAddress, remotePort, config, null, null);
    }

    /** Active open with an extension (an MPTCP subflow), which sees the SYN before it is sent. */
    public TcpConnection connect(long now, InetAddress localAddress, int localPort, InetAddress remoteAddress,
                                 int remotePort, TcpConfig config, TcpExtension extension) {
        return connect(now, localAddress, localPort, remoteAddress, remotePort, config, extension, null);
    }

    /**
     * Active open (RFC 9293 section 3.10.1). The SYN goes out on the next {@link #pollTransmit}.
     *
     * @param localPort  0 to pick an ephemeral port (RFC 6056 section 3.3.3)
     * @param extension  null for plain TCP
     * @param congestion the connection-level congestion state the subflow's controller comes from, or null for a
     *                   new one of {@link TcpConfig#congestionControl()} from this stack's registry
     * @throws IllegalArgumentException if the local address is not the stack's or the families differ
     * @throws IllegalStateException    if the 4-tuple is in use or no ephemeral port is free
     */
    public TcpConnection connect(long now, InetAddress localAddress, int localPort, InetAddress remoteAddress,
                                 int remotePort, TcpConfig config, TcpExtension extension,
                                 ConnectionCongestion congestion) {
        Objects.requireNonNull(config, "config");
        if (!addresses.contains(localAddress)) {
            throw new IllegalArgumentException(localAddress + " is not an address of this stack");
        }
        if (localAddress instanceof Inet4Address != remoteAddress instanceof Inet4Address) {
            throw new IllegalArgumentException("address families differ: " + localAddress + ", " + remoteAddress);
        }
        if (remotePort < 1 || remotePort > 0xFFFF || localPort < 0 || localPort > 0xFFFF) {
            throw new IllegalArgumentException("port out of range: " + localPort + " -> " + remotePort);
        }
        int port = localPort != 0 ? localPort : ephemeralPort(localAddress, remoteAddress, remotePort);
        Object key = key(localAddress, port, remoteAddress, remotePort);
        if (connections.containsKey(key)) {
            throw new IllegalStateException("connection " + localAddress.getHostAddress() + ":" + port + " -> "
                    + remoteAddress.getHostAddress() + ":" + remotePort + " already exists");
        }
        TcpEndpoint local = new TcpEndpoint(localAddress, port);
        TcpEndpoint remote = new TcpEndpoint(remoteAddress, remotePort);
        TcpConnection c = newConnection(now, config, local, remote)
                .extension(extension)
                .congestion(congestion != null ? congestion
                        : congestionControl.get(config.congestionControl()).newConnection())
                .connect(now);
        register(c, key);
        return c;
    }

    // --- NetworkStack

    @Override
    public void handlePacket(long now, ByteBuffer packet) {
        if (!packet.hasRemaining()) {
            statistics.drop(DropReason.MALFORMED);
            return;
        }
        int version = (packet.get(packet.position()) & 0xF0) >>> 4;
        try {
            if (version == 4) {
                IpPacket.Ipv4Tcp decoded = IpPacket.decodeIpv4Tcp(packet, verifyChecksums);
                Ipv4Header ip = decoded.header();
                if (!isLocalIpv4(ip.destination())) {
                    countUndelivered(DropReason.NOT_LOCAL_ADDRESS);
                    return;
                }
                TcpSegment seg = decoded.segment();
                deliver(now, new Ipv4Key(ip.destination(), seg.destinationPort(), ip.source(), seg.sourcePort()),
                        seg, ip.destination(), ip.source(), null, null);
            } else if (version == 6) {
                IpPacket.Ipv6Tcp decoded = IpPacket.decodeIpv6Tcp(packet, verifyChecksums);
                Ipv6Header ip = decoded.header();
                if (!addresses.contains(ip.destination())) {
                    countUndelivered(DropReason.NOT_LOCAL_ADDRESS);
                    return;
                }
                TcpSegment seg = decoded.segment();
                deliver(now, new Ipv6Key(ip.destination(), ip.source(), seg.destinationPort() << 16 | seg.sourcePort()),
                        seg, 0, 0, ip.destination(), ip.source());
            } else {
                countError(DropReason.MALFORMED);
            }
        } catch (MalformedPacketException e) {
            countError(e.reason() == MalformedPacketException.Reason.BAD_CHECKSUM
                    ? DropReason.BAD_CHECKSUM : DropReason.MALFORMED);
        }
    }

    @Override
    public int pollTransmit(long now, PacketSink sink) {
        int sent = 0;
        if (packetPending) {
            if (!sink.accept(packetBuffer.duplicate())) {
                return 0;
            }
            packetPending = false;
            sent++;
        }
        while (!resets.isEmpty()) {
            StackReset r = resets.poll();
            encode(r.local(), r.remote(), r.segment());
            if (!sink.accept(packetBuffer.duplicate())) {
                packetPending = true;
                return sent;
            }
            sent++;
        }
        while (!pollQueue.isEmpty()) {
            TcpConnection c = pollQueue.peek();
            TcpSegment segment = c.pollTransmit(now);
            if (segment == null) {
                pollQueue.poll();
                c.queuedForPoll = false;
                timers.schedule(c, c.isClosed() ? Deadlines.NEVER : c.nextTimeout());
                continue;
            }
            encode(c, segment);
            if (!sink.accept(packetBuffer.duplicate())) {
                packetPending = true;
                return sent;
            }
            sent++;
        }
        return sent;
    }

    @Override
    public long nextTimeout() {
        for (TcpConnection c : pollQueue) {
            timers.schedule(c, c.isClosed() ? Deadlines.NEVER : c.nextTimeout());
        }
        return timers.earliest();
    }

    @Override
    public void handleTimeout(long now) {
        int due = timers.popDue(now, dueScratch);
        TcpConnection[] list = dueScratch[0];
        for (int i = 0; i < due; i++) {
            TcpConnection c = list[i];
            list[i] = null;
            c.handleTimeout(now);
            if (!c.isClosed()) {
                timers.schedule(c, c.nextTimeout());
            }
        }
    }

    // --- demultiplexing

    private void deliver(long now, Object key, TcpSegment seg, int local4, int remote4, InetAddress local6,
                         InetAddress remote6) {
        TcpConnection c = connections.get(key);
        if (c != null && c.acceptsNewSynInTimeWait(seg) && findListener(local4, local6, seg) != null) {
            // RFC 6191 / RFC 9293 3.10.7.4: a new incarnation may reuse a 4-tuple in TIME_WAIT.
            c.terminate();
            c = null;
        }
        if (c != null) {
            c.handleSegment(now, seg);
            return;
        }
        statistics.increment(Counter.SEGMENTS_IN);
        InetAddress localAddress = local6 != null ? local6 : IpAddresses.inet4(local4);
        InetAddress remoteAddress = remote6 != null ? remote6 : IpAddresses.inet4(remote4);
        if (synInterceptor != null && seg.has(TcpSegment.SYN) && !seg.hasAny(TcpSegment.ACK | TcpSegment.RST)
                && intercepted(now, key, seg, localAddress, remoteAddress)) {
            return;
        }
        TcpListener listener = findListener(local4, local6, seg);
        if (listener != null) {
            handleListen(now, listener, key, seg, localAddress, remoteAddress);
        } else {
            statistics.drop(DropReason.NO_SOCKET);
            resetUnknown(seg, localAddress, remoteAddress);
        }
    }

    private TcpListener findListener(int local4, InetAddress local6, TcpSegment seg) {
        InetAddress localAddress = local6 != null ? local6 : IpAddresses.inet4(local4);
        TcpListener l = listeners.get(new ListenerKey(localAddress, seg.destinationPort()));
        return l != null ? l : listeners.get(new ListenerKey(null, seg.destinationPort()));
    }

    /** Lets the interceptor decide about a SYN; returns whether it did. */
    private boolean intercepted(long now, Object key, TcpSegment seg, InetAddress localAddress,
                                InetAddress remoteAddress) {
        TcpEndpoint local = new TcpEndpoint(localAddress, seg.destinationPort());
        TcpEndpoint remote = new TcpEndpoint(remoteAddress, seg.sourcePort());
        SynInterceptor.Decision decision = synInterceptor.intercept(now, seg, local, remote);
        if (decision == null) {
            return false;
        }
        if (decision instanceof SynInterceptor.Accept a) {
            TcpConnection c = newConnection(now, a.config(), local, remote)
                    .extensionFactory((connection, syn) -> a.extension())
                    .congestion(a.congestion() != null ? a.congestion()
                            : congestionControl.get(a.config().congestionControl()).newConnection())
                    .accept(now, seg);
            if (c.isClosed()) {
                enqueue(c); // the extension refused the SYN after all: its RST is due
            } else {
                register(c, key);
            }
        } else if (decision instanceof SynInterceptor.Reset) {
            statistics.drop(DropReason.NO_SOCKET);
            resetUnknown(seg, localAddress, remoteAddress);
        } else {
            statistics.drop(DropReason.IGNORED);
        }
        return true;
    }

    /** RFC 9293 section 3.10.7.2: LISTEN STATE. */
    private void handleListen(long now, TcpListener listener, Object key, TcpSegment seg, InetAddress localAddress,
                              InetAddress remoteAddress) {
        if (seg.has(TcpSegment.RST)) {
            statistics.drop(DropReason.IGNORED);
            return;
        }
        if (seg.has(TcpSegment.ACK)) {
            statistics.drop(DropReason.NO_SOCKET);
            queueReset(localAddress, remoteAddress, seg.destinationPort(), seg.sourcePort(), seg.acknowledgmentNumber(),
                    0, TcpSegment.RST);
            return;
        }
        if (!seg.has(TcpSegment.SYN)) {
            statistics.drop(DropReason.IGNORED);
            return;
        }
        if (!listener.hasRoom()) {
            statistics.increment(Counter.LISTEN_OVERFLOWS);
            statistics.drop(DropReason.LISTEN_OVERFLOW);
            return;
        }
        TcpEndpoint local = new TcpEndpoint(localAddress, seg.destinationPort());
        TcpEndpoint remote = new TcpEndpoint(remoteAddress, seg.sourcePort());
        TcpConfig config = listener.config();
        TcpConnection c = newConnection(now, config, local, remote)
                .extensionFactory(listener.extensionFactory())
                .congestion(congestionControl.get(config.congestionControl()).newConnection())
                .accept(now, seg);
        if (c.isClosed()) {
            // The extension refused the SYN: the connection only has its RST left to send.
            enqueue(c);
            return;
        }
        register(c, key);
        listener.handshakeStarted(c);
    }

    /** RFC 9293 section 3.10.7.1: no connection; answer anything but a RST with a RST. */
    private void resetUnknown(TcpSegment seg, InetAddress localAddress, InetAddress remoteAddress) {
        if (seg.has(TcpSegment.RST)) {
            return;
        }
        if (seg.has(TcpSegment.ACK)) {
            queueReset(localAddress, remoteAddress, seg.destinationPort(), seg.sourcePort(),
                    seg.acknowledgmentNumber(), 0, TcpSegment.RST);
        } else {
            queueReset(localAddress, remoteAddress, seg.destinationPort(), seg.sourcePort(), 0,
                    (seg.sequenceNumber() + seg.sequenceLength()) & 0xFFFF_FFFFL, TcpSegment.RST | TcpSegment.ACK);
        }
    }

    private void queueReset(InetAddress local, InetAddress remote, int localPort, int remotePort, long seq, long ack,
                            int flags) {
        if (resets.size() >= MAX_PENDING_RESETS) {
            return;
        }
        statistics.increment(Counter.RESETS_OUT);
        statistics.increment(Counter.SEGMENTS_OUT);
        resets.add(new StackReset(local, remote,
                TcpSegment.of(localPort, remotePort, seq, ack, flags, 0, List.of(), ByteBuffer.allocate(0))));
    }

    // --- connections

    private TcpConnection.Builder newConnection(long now, TcpConfig config, TcpEndpoint local, TcpEndpoint remote) {
        return TcpConnection.builder(config, local, remote)
                .initialSequenceNumber(
                        Integer.toUnsignedLong(sequenceNumbers.initialSequenceNumber(now, local, remote)))
                .timestampOffset(sequenceNumbers.timestampOffset(local, remote))
                .statistics(statistics)
                .owner(owner);
    }

    private void register(TcpConnection c, Object key) {
        c.demuxKey = key;
        connections.put(key, c);
        enqueue(c);
    }

    private void enqueue(TcpConnection c) {
        if (!c.queuedForPoll) {
            c.queuedForPoll = true;
            pollQueue.add(c);
        }
    }

    /**
     * Installs what looks at SYNs no connection owns before the listeners do (MPTCP's MP_JOIN handling); null
     * removes it.
     */
    public void synInterceptor(SynInterceptor interceptor) {
        this.synInterceptor = interceptor;
    }

    void removeListener(TcpListener listener) {
        listeners.remove(new ListenerKey(listener.address(), listener.port()), listener);
    }

    /** RFC 6056 section 3.3.3 (algorithm 3): a keyed offset per destination, then the first free port. */
    private int ephemeralPort(InetAddress local, InetAddress remote, int remotePort) {
        int count = ephemeralHigh - ephemeralLow + 1;
        int offset = sequenceNumbers.ephemeralPortOffset(local, remote, remotePort);
        for (int i = 0; i < count; i++) {
            int port = ephemeralLow + Math.floorMod(offset + ephemeralCounter + i, count);
            if (listeners.containsKey(new ListenerKey(local, port))
                    || listeners.containsKey(new ListenerKey(null, port))) {
                continue;
            }
            if (!connections.containsKey(key(local, port, remote, remotePort))) {
                ephemeralCounter += i + 1;
                return port;
            }
        }
        throw new IllegalStateException("no free ephemeral port from " + local.getHostAddress() + " to "
                + remote.getHostAddress() + ":" + remotePort);
    }

    // --- encoding

    private void encode(TcpConnection c, TcpSegment segment) {
        if (c.demuxKey instanceof Ipv4Key k) {
            encodeIpv4(k.local(), k.remote(), segment);
        } else {
            encode(c.local().address(), c.remote().address(), segment);
        }
    }

    private void encode(InetAddress local, InetAddress remote, TcpSegment segment) {
        if (local instanceof Inet4Address l && remote instanceof Inet4Address r) {
            encodeIpv4(IpAddresses.toInt(l), IpAddresses.toInt(r), segment);
            return;
        }
        ByteBuffer b = packetBuffer.clear();
        new Ipv6Header(0, 0, segment.encodedLength(), InternetChecksum.PROTOCOL_TCP, ttl, (Inet6Address) local,
                (Inet6Address) remote).encode(b);
        segment.encode(b, local, remote);
        b.flip();
    }

    private void encodeIpv4(int local, int remote, TcpSegment segment) {
        ByteBuffer b = packetBuffer.clear();
        ipv4Identification = (ipv4Identification + 1) & 0xFFFF;
        new Ipv4Header(0, Ipv4Header.MIN_LENGTH + segment.encodedLength(), ipv4Identification,
                Ipv4Header.FLAG_DONT_FRAGMENT, 0, ttl, InternetChecksum.PROTOCOL_TCP, 0, local, remote, NO_IP_OPTIONS)
                .encode(b);
        segment.encodeIpv4(b, local, remote);
        b.flip();
    }

    // --- small helpers

    private boolean isLocalIpv4(int address) {
        for (int a : ipv4Addresses) {
            if (a == address) {
                return true;
            }
        }
        return false;
    }

    private void countUndelivered(DropReason reason) {
        statistics.increment(Counter.SEGMENTS_IN);
        statistics.drop(reason);
    }

    private void countError(DropReason reason) {
        statistics.increment(Counter.SEGMENTS_IN);
        statistics.increment(Counter.IN_ERRORS);
        statistics.drop(reason);
    }

    private static Object key(InetAddress local, int localPort, InetAddress remote, int remotePort) {
        if (local instanceof Inet4Address l && remote instanceof Inet4Address r) {
            return new Ipv4Key(IpAddresses.toInt(l), localPort, IpAddresses.toInt(r), remotePort);
        }
        return new Ipv6Key((Inet6Address) local, (Inet6Address) remote, localPort << 16 | remotePort);
    }

    /** The IPv4 4-tuple as two primitive fields: addresses in one long, ports in one int. */
    private record Ipv4Key(long addresses, int ports) {
        Ipv4Key(int local, int localPort, int remote, int remotePort) {
            this((long) local << 32 | (remote & 0xFFFF_FFFFL), localPort << 16 | remotePort);
        }

        int local() {
            return (int) (addresses >>> 32);
        }

        int remote() {
            return (int) addresses;
        }
    }

    private record Ipv6Key(Inet6Address local, Inet6Address remote, int ports) {
    }

    private record ListenerKey(InetAddress address, int port) {
        @Override
        public String toString() {
            return (address == null ? "*" : address.getHostAddress()) + ":" + port;
        }
    }

    private record StackReset(InetAddress local, InetAddress remote, TcpSegment segment) {
    }

    /** Receives the connections' signals: output to poll, state changes to account for. */
    private final class ConnectionEvents implements TcpConnection.Owner {
        @Override
        public void onActivity(TcpConnection c) {
            enqueue(c);
        }

        @Override
        public void onStateChanged(TcpConnection c, TcpState from, TcpState to) {
            if (c.listener != null) {
                c.listener.childStateChanged(c, to);
            }
            if (to == TcpState.CLOSED) {
                connections.remove(c.demuxKey, c);
                timers.remove(c);
            }
        }
    }

    /** Configures a {@link TcpStack}. */
    public static final class Builder {
        private byte[] secret;
        private CongestionControlRegistry congestionControl = CongestionControlRegistry.builtIns();
        private boolean verifyChecksums = true;
        private int ttl = 64;
        private int ephemeralLow = 32_768;
        private int ephemeralHigh = 60_999;

        private Builder() {
        }

        /**
         * The 16-byte secret behind ISNs, timestamp offsets and ephemeral ports (RFC 6528 section 3); required.
         * Draw it from a strong random source at the edge (the driver), or fix it in tests.
         */
        public Builder secret(byte[] secret) {
            if (secret.length != 16) {
                throw new IllegalArgumentException("the secret must be 16 bytes, not " + secret.length);
            }
            this.secret = secret.clone();
            return this;
        }

        /** Where congestion control algorithms are looked up by name; default the built-ins. */
        public Builder congestionControl(CongestionControlRegistry registry) {
            this.congestionControl = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /**
         * Whether received IPv4 header and TCP checksums are verified (default); a device whose kernel already
         * verified them may turn this off.
         */
        public Builder verifyChecksums(boolean on) {
            this.verifyChecksums = on;
            return this;
        }

        /** The IPv4 TTL and IPv6 hop limit of sent packets; default 64. */
        public Builder ttl(int ttl) {
            if (ttl < 1 || ttl > 255) {
                throw new IllegalArgumentException("ttl must be between 1 and 255: " + ttl);
            }
            this.ttl = ttl;
            return this;
        }

        /** The ephemeral port range, inclusive; default Linux's 32768 to 60999. */
        public Builder ephemeralPorts(int low, int high) {
            if (low < 1 || high > 0xFFFF || low > high) {
                throw new IllegalArgumentException("bad ephemeral port range: " + low + "-" + high);
            }
            this.ephemeralLow = low;
            this.ephemeralHigh = high;
            return this;
        }

        /**
         * @throws IllegalStateException if no secret was given
         */
        public TcpStack build() {
            if (secret == null) {
                throw new IllegalStateException("a TcpStack needs a secret (Builder.secret)");
            }
            return new TcpStack(this);
        }
    }
}
