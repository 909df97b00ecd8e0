package io.mptcp4j.core.mptcp;

import io.mptcp4j.core.cc.ConnectionCongestion;
import io.mptcp4j.core.event.SubflowEvent;
import io.mptcp4j.core.stack.LocalLink;
import io.mptcp4j.core.stack.NetworkStack;
import io.mptcp4j.core.stack.PacketSink;
import io.mptcp4j.core.tcp.SynInterceptor;
import io.mptcp4j.core.tcp.TcpEndpoint;
import io.mptcp4j.core.tcp.TcpListener;
import io.mptcp4j.core.tcp.TcpStack;
import io.mptcp4j.core.time.Deadlines;
import io.mptcp4j.core.wire.MpJoin;
import io.mptcp4j.core.wire.MptcpCrypto;
import io.mptcp4j.core.wire.MptcpOption;
import io.mptcp4j.core.wire.TcpSegment;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.random.RandomGenerator;

import static io.mptcp4j.core.time.Deadlines.NEVER;

/**
 * A userspace MPTCP endpoint (RFC 8684) over a {@link TcpStack}: it opens and accepts {@link MptcpConnection}s,
 * whose subflows are connections of the TCP stack, and is itself the {@link NetworkStack} the driver feeds —
 * IP packets in, IP packets out, {@code now} passed in, nothing read from a clock.
 *
 * <ul>
 *   <li>Keys come from the injected random source; every token (RFC 8684 section 3.1) is unique within the
 *       stack: a key whose token is taken is drawn again, as Linux does.</li>
 *   <li>Events ({@link SubflowEvent}) are queued as they happen and drained with {@link #pollEvent()}, like
 *       output: the driver polls after every call.</li>
 *   <li>Connection-level timers sit in a heap next to the TCP stack's timers; {@link #nextTimeout()} is the
 *       earlier of both.</li>
 * </ul>
 *
 * <p>The underlying {@link #tcp()} stack remains usable for plain TCP. Not thread-safe: one thread drives the
 * stack, its listeners and connections.
 */
public final class MptcpStack implements NetworkStack {

    /** Attempts at a key with a free token before giving up (2^32 tokens make a collision rare already). */
    private static final int MAX_KEY_ATTEMPTS = 64;

    private final TcpStack tcp;
    private final RandomGenerator random;
    private final SubflowPorts subflowPorts;
    private final MptcpStatistics statistics = new MptcpStatistics(null);
    private final Map<Long, MptcpConnection> tokens = new HashMap<>();
    private final Set<MptcpConnection> connections = Collections.newSetFromMap(new IdentityHashMap<>());
    private final ArrayDeque<SubflowEvent> events = new ArrayDeque<>();
    private final PriorityQueue<ConnectionDeadline> timers = new PriorityQueue<>();
    private final Map<MptcpConnection, Long> scheduled = new IdentityHashMap<>();
    private final Set<InetAddress> downAddresses = new HashSet<>();
    private List<LocalLink> links = List.of();
    private long now;

    private MptcpStack(Builder b) {
        this.tcp = b.tcp;
        this.random = b.random;
        this.subflowPorts = b.subflowPorts;
        tcp.synInterceptor(this::interceptSyn);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The TCP stack the subflows run on. */
    public TcpStack tcp() {
        return tcp;
    }

    /** Makes {@code address} local (see {@link TcpStack#addAddress}). */
    public void addAddress(InetAddress address) {
        tcp.addAddress(address);
    }

    /** Counters summed over all connections, closed ones included. */
    public MptcpStatistics statistics() {
        return statistics;
    }

    /** Connections not closed yet. */
    public int connectionCount() {
        return connections.size();
    }

    /** The open connection whose local token is {@code token}, or null. */
    public MptcpConnection connection(long token) {
        return tokens.get(token);
    }

    /**
     * The next event in the order they happened, or null when none is waiting. The queue is not bounded: the driver
     * drains it after every call into the stack, as it drains packets (see {@code io.mptcp4j.event} for the
     * bounded, thread-safe side).
     */
    public SubflowEvent pollEvent() {
        return events.poll();
    }

    /**
     * Opens a connection: its initial subflow sends an MP_CAPABLE SYN on the next {@link #pollTransmit}.
     *
     * @param localPort 0 for an ephemeral port
     * @throws IllegalArgumentException if the local address is not the stack's or the families differ
     * @throws IllegalStateException    if the 4-tuple is in use
     */
    public MptcpConnection connect(long now, InetAddress localAddress, int localPort, InetAddress remoteAddress,
                                   int remotePort, MptcpConfig config) {
        Objects.requireNonNull(config, "config");
        this.now = now;
        // One congestion state for the whole connection: coupled algorithms (lia, olia, balia) link its subflows.
        ConnectionCongestion congestion = tcp.newConnectionCongestion(config.subflowConfig().congestionControl());
        MptcpConnection c = newConnection(config, false);
        c.congestion(congestion);
        Subflow initial = new Subflow(c, true, false, 0, 0, false);
        c.startClient(initial);
        try {
            tcp.connect(now, localAddress, localPort, remoteAddress, remotePort, config.subflowConfig(), initial,
                    congestion);
        } catch (RuntimeException e) {
            connectionClosed(c);
            throw e;
        }
        return c;
    }

    /**
     * Listens on {@code address} (null: every local address) and {@code port}.
     *
     * @throws IllegalArgumentException if the address is not local, the port or backlog out of range
     * @throws IllegalStateException    if something already listens there
     */
    public MptcpListener listen(InetAddress address, int port, int backlog, MptcpConfig config) {
        Objects.requireNonNull(config, "config");
        TcpListener listener = tcp.listen(address, port, backlog, config.subflowConfig());
        return new MptcpListener(this, listener, config);
    }

    /**
     * The host's interfaces as the driver's link monitor sees them now (every change, the whole list). Subflows
     * whose packets leave through a link that went down are given up at once when another subflow remains,
     * their unacknowledged data moved to the others; path managers stop using the addresses of a down link and
     * are told when it comes back (see {@link LocalLink} for which link a subflow uses). Addresses on no listed
     * interface count as up.
     */
    public void updateLinks(long now, List<LocalLink> current) {
        this.now = now;
        List<LocalLink> previous = links;
        links = List.copyOf(current);
        Set<InetAddress> wasDown = Set.copyOf(downAddresses);
        downAddresses.clear();
        for (LocalLink l : links) {
            if (!l.up()) {
                for (LocalLink.Prefix p : l.addresses()) {
                    if (tcp.addresses().contains(p.address())) {
                        downAddresses.add(p.address());
                    }
                }
            }
        }
        List<LocalLink> wentDown = new ArrayList<>();
        for (LocalLink l : links) {
            if (!l.up() && isUpIn(previous, l)) {
                wentDown.add(l);
            }
        }
        for (MptcpConnection c : List.copyOf(connections)) {
            if (!wentDown.isEmpty()) {
                c.onLinksDown(wentDown);
            }
            for (InetAddress a : wasDown) {
                if (!downAddresses.contains(a)) {
                    c.onLocalAddressUp(a);
                }
            }
            timerChanged(c);
        }
    }

    /** The interfaces last given to {@link #updateLinks}. */
    public List<LocalLink> links() {
        return links;
    }

    private static boolean isUpIn(List<LocalLink> links, LocalLink link) {
        for (LocalLink l : links) {
            if (l.name().equals(link.name())) {
                return l.up();
            }
        }
        return true;
    }

    /** Whether {@code address} is the stack's and its link is not known to be down. */
    public boolean isUsable(InetAddress address) {
        return tcp.addresses().contains(address) && !downAddresses.contains(address);
    }

    // --- NetworkStack

    @Override
    public void handlePacket(long now, ByteBuffer packet) {
        this.now = now;
        tcp.handlePacket(now, packet);
    }

    @Override
    public int pollTransmit(long now, PacketSink sink) {
        this.now = now;
        return tcp.pollTransmit(now, sink);
    }

    @Override
    public long nextTimeout() {
        while (!timers.isEmpty() && isStale(timers.peek())) {
            timers.poll();
        }
        long own = timers.isEmpty() ? NEVER : timers.peek().deadline;
        return Deadlines.earliest(own, tcp.nextTimeout());
    }

    @Override
    public void handleTimeout(long now) {
        this.now = now;
        while (!timers.isEmpty() && Deadlines.isDue(timers.peek().deadline, now)) {
            ConnectionDeadline t = timers.poll();
            if (isStale(t)) {
                continue;
            }
            scheduled.remove(t.connection);
            t.connection.handleTimeout(now);
            timerChanged(t.connection);
        }
        tcp.handleTimeout(now);
    }

    // --- MP_JOIN SYNs (RFC 8684 section 3.2)

    /**
     * A SYN no connection owns: with MP_JOIN it belongs to the connection its token names, whatever the port's
     * listener; an unknown token gets a RST and leaves nothing behind.
     */
    private SynInterceptor.Decision interceptSyn(long now, TcpSegment syn, TcpEndpoint local, TcpEndpoint remote) {
        MpJoin.Syn join = null;
        for (MptcpOption o : syn.mptcpOptions()) {
            if (o instanceof MpJoin.Syn j) {
                join = j;
                break;
            }
        }
        if (join == null) {
            return null;
        }
        this.now = now;
        statistics.increment(MptcpStatistics.Counter.MP_JOIN_SYN_RX);
        MptcpConnection c = tokens.get(join.receiverToken());
        if (c == null) {
            statistics.increment(MptcpStatistics.Counter.MP_JOIN_NO_TOKEN);
            return SynInterceptor.Decision.RESET;
        }
        SynInterceptor.Decision decision = c.acceptJoin(join, local);
        timerChanged(c);
        return decision;
    }

    // --- for connections

    /** A port for a subflow a path manager opens (see {@link SubflowPorts}). */
    int acquirePort(InetAddress local) {
        return subflowPorts.acquire(local);
    }

    void releasePort(InetAddress local, int port) {
        subflowPorts.release(local, port);
    }

    void pinRoute(InetAddress local, InetAddress remote) {
        subflowPorts.pinRoute(local, remote);
    }

    void unpinRoute(InetAddress local, InetAddress remote) {
        subflowPorts.unpinRoute(local, remote);
    }

    /** A random number for an MP_JOIN (section 3.2). */
    long newJoinRandom() {
        return MptcpCrypto.newJoinRandom(random);
    }

    /** The {@code now} of the latest call into the stack: what application calls, which get none, act at. */
    long now() {
        return now;
    }

    MptcpConnection newConnection(MptcpConfig config, boolean serverSide) {
        MptcpConnection c = new MptcpConnection(this, config, serverSide);
        connections.add(c);
        return c;
    }

    /** A new key whose token no open connection of this stack has, registered for {@code c}. */
    long registerNewKey(MptcpConnection c) {
        for (int i = 0; i < MAX_KEY_ATTEMPTS; i++) {
            long key = MptcpCrypto.newKey(random);
            long token = MptcpCrypto.token(key);
            if (!tokens.containsKey(token)) {
                tokens.put(token, c);
                return key;
            }
        }
        throw new IllegalStateException("no key with a free token after " + MAX_KEY_ATTEMPTS + " attempts ("
                + tokens.size() + " tokens in use)");
    }

    void emit(SubflowEvent event) {
        events.add(event);
    }

    /** The connection's deadline may have moved earlier. */
    void timerChanged(MptcpConnection c) {
        long deadline = c.nextTimeout();
        Long current = scheduled.get(c);
        if (deadline != NEVER && (current == null || deadline < current)) {
            scheduled.put(c, deadline);
            timers.add(new ConnectionDeadline(deadline, c));
        }
    }

    void connectionClosed(MptcpConnection c) {
        connections.remove(c);
        scheduled.remove(c);
        if (c.hasLocalKey()) {
            tokens.remove(c.token(), c);
        }
    }

    /** An entry superseded by an earlier one for its connection, or for a closed connection. */
    private boolean isStale(ConnectionDeadline t) {
        Long current = scheduled.get(t.connection);
        return current == null || current != t.deadline;
    }

    private record ConnectionDeadline(long deadline, MptcpConnection connection)
            implements Comparable<ConnectionDeadline> {
        @Override
        public int compareTo(ConnectionDeadline other) {
            return Long.compare(deadline, other.deadline);
        }
    }

    /** Configures an {@link MptcpStack}. */
    public static final class Builder {
        private TcpStack tcp;
        private RandomGenerator random;
        private SubflowPorts subflowPorts = SubflowPorts.EPHEMERAL;

        private Builder() {
        }

        /** The TCP stack to run on; alternatively {@link #secret} makes one. */
        public Builder tcpStack(TcpStack stack) {
            this.tcp = Objects.requireNonNull(stack, "stack");
            return this;
        }

        /** Makes the TCP stack from this 16-byte secret (see {@link TcpStack.Builder#secret}). */
        public Builder secret(byte[] secret) {
            this.tcp = TcpStack.builder().secret(secret).build();
            return this;
        }

        /** Where keys come from (RFC 8684 section 3.1); default a {@link SecureRandom}. Tests fix a seed. */
        public Builder random(RandomGenerator random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        /** Where the ports of the subflows path managers open come from; default {@link SubflowPorts#EPHEMERAL}. */
        public Builder subflowPorts(SubflowPorts ports) {
            this.subflowPorts = Objects.requireNonNull(ports, "ports");
            return this;
        }

        /**
         * @throws IllegalStateException if neither a TCP stack nor a secret was given
         */
        public MptcpStack build() {
            if (tcp == null) {
                throw new IllegalStateException("an MptcpStack needs a TCP stack (Builder.tcpStack or Builder.secret)");
            }
            if (random == null) {
                random = new SecureRandom();
            }
            return new MptcpStack(this);
        }
    }
}
