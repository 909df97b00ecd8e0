package io.mptcp4j.sim;

import io.mptcp4j.core.mptcp.SubflowPorts;
import io.mptcp4j.core.stack.NetworkStack;
import io.mptcp4j.core.stack.PacketSink;
import io.mptcp4j.core.time.Deadlines;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A simulated machine: a name, interfaces with addresses, and the {@link NetworkStack} that runs on it.
 *
 * <p>Routing, as a Linux host does it for a raw-socket stack: a packet whose pair of addresses is pinned
 * ({@link #pinRoute}, what an MPTCP stack asks for the subflows it opens from one of its addresses) leaves on the
 * interface that owns its source address; otherwise on the link whose far interface owns its destination (a
 * connected route); failing that, on the interface that owns its source address; failing that, on the first link
 * whose far host owns the destination; failing that, it is dropped as {@link DropReason#NO_ROUTE}. A host hands its stack every packet
 * its links deliver, whatever the destination.
 *
 * <p>A stack sees each received packet in a buffer the simulator reuses once {@code handlePacket} returns, as a
 * real driver would: a stack must copy what it keeps. One {@code pollTransmit} takes at most 1024 packets, then
 * the sink reports full; the stack is polled again at the same instant.
 */
public final class SimHost {

    /** Packets taken per {@code pollTransmit} call; the rest wait for the next round at the same instant. */
    private static final int POLL_BUDGET = 1024;

    private final SimNetwork network;
    private final String name;
    private final List<SimInterface> interfaces = new ArrayList<>();
    private final TransmitSink sink = new TransmitSink();
    private final java.util.Map<String, Integer> pins = new java.util.HashMap<>();
    private NetworkStack stack;

    /** While a stuck timer is being held back: the earliest instant to run it again. */
    private long timerNotBefore = Long.MIN_VALUE;
    private int consecutiveStalls;

    private long sentPackets;
    private long receivedPackets;
    private long unroutablePackets;

    SimHost(SimNetwork network, String name) {
        this.network = network;
        this.name = name;
    }

    public String name() {
        return name;
    }

    public SimNetwork network() {
        return network;
    }

    /**
     * Puts {@code stack} on this host; a host gets exactly one stack, before the network runs.
     *
     * @throws IllegalStateException if the host already has one
     */
    public SimHost install(NetworkStack stack) {
        Objects.requireNonNull(stack, "stack");
        if (this.stack != null) {
            throw new IllegalStateException(name + " already runs " + this.stack);
        }
        this.stack = stack;
        return this;
    }

    /** The installed stack, or null before {@link #install}. */
    public NetworkStack stack() {
        return stack;
    }

    /**
     * Adds an interface with these addresses, not yet connected.
     *
     * @throws IllegalArgumentException if the name is taken or an address is already assigned on this host
     */
    public SimInterface addInterface(String interfaceName, InetAddress... addresses) {
        Objects.requireNonNull(interfaceName, "interfaceName");
        for (SimInterface existing : interfaces) {
            if (existing.name().equals(interfaceName)) {
                throw new IllegalArgumentException(name + " already has an interface " + interfaceName);
            }
        }
        for (InetAddress address : addresses) {
            if (owns(Objects.requireNonNull(address, "address"))) {
                throw new IllegalArgumentException(address.getHostAddress() + " is already assigned on " + name);
            }
        }
        SimInterface added = new SimInterface(this, interfaceName, Arrays.asList(addresses));
        interfaces.add(added);
        return added;
    }

    public List<SimInterface> interfaces() {
        return List.copyOf(interfaces);
    }

    /** The interface named {@code interfaceName}. */
    public SimInterface interfaceNamed(String interfaceName) {
        for (SimInterface candidate : interfaces) {
            if (candidate.name().equals(interfaceName)) {
                return candidate;
            }
        }
        throw new IllegalArgumentException(name + " has no interface " + interfaceName);
    }

    /** Whether one of this host's interfaces has {@code address}. */
    public boolean owns(InetAddress address) {
        for (SimInterface candidate : interfaces) {
            if (candidate.owns(address)) {
                return true;
            }
        }
        return false;
    }

    /** Packets the stack handed over, routed or not. */
    public long sentPackets() {
        return sentPackets;
    }

    /** Packets the links delivered to the stack. */
    public long receivedPackets() {
        return receivedPackets;
    }

    /** Packets dropped for lack of a route. */
    public long unroutablePackets() {
        return unroutablePackets;
    }

    @Override
    public String toString() {
        return name;
    }

    /** Takes what the stack has to send now; returns the number of packets taken. */
    int pollTransmit(long now) {
        sink.now = now;
        sink.budget = POLL_BUDGET;
        try {
            return stack.pollTransmit(now, sink);
        } catch (RuntimeException | AssertionError e) {
            throw network.wrapFailure(name + ": pollTransmit threw", e);
        }
    }

    void receive(long now, ByteBuffer packet) {
        receivedPackets++;
        try {
            stack.handlePacket(now, packet);
        } catch (RuntimeException | AssertionError e) {
            throw network.wrapFailure(name + ": handlePacket threw", e);
        }
    }

    /** When the stack's timer should next run, holding back a stuck one; {@link Deadlines#NEVER} if none. */
    long timerDeadline() {
        long next = stack.nextTimeout();
        return next == Deadlines.NEVER ? next : Math.max(next, timerNotBefore);
    }

    /**
     * Runs the stack's timers if due. A timer still due right after it ran is stuck: it is held back by the
     * network's quantum, and too many stalls in a row fail the simulation.
     */
    boolean runTimersIfDue(long now) {
        if (!Deadlines.isDue(timerDeadline(), now)) {
            return false;
        }
        try {
            stack.handleTimeout(now);
        } catch (RuntimeException | AssertionError e) {
            throw network.wrapFailure(name + ": handleTimeout threw", e);
        }
        long next = stack.nextTimeout();
        if (Deadlines.isDue(next, now)) {
            consecutiveStalls++;
            network.timerStalled(this, next, consecutiveStalls);
            timerNotBefore = now + network.timerQuantumNanos();
        } else {
            consecutiveStalls = 0;
            timerNotBefore = Long.MIN_VALUE;
        }
        return true;
    }

    private SimLink route(ByteBuffer packet) {
        int addressLength;
        try {
            addressLength = IpHeaders.addressLength(packet);
        } catch (IllegalArgumentException e) {
            throw network.wrapFailure(name + ": the stack sent a malformed packet", e);
        }
        int source = IpHeaders.sourceOffset(packet, addressLength);
        int destination = IpHeaders.destinationOffset(packet, addressLength);
        if (!pins.isEmpty() && pins.containsKey(pairKey(packet, source, destination, addressLength))) {
            for (SimInterface candidate : interfaces) {
                if (candidate.link() != null && candidate.owns(packet, source, addressLength)) {
                    return candidate.link();
                }
            }
        }
        for (SimInterface candidate : interfaces) {
            SimLink link = candidate.link();
            if (link != null && link.to().owns(packet, destination, addressLength)) {
                return link;
            }
        }
        for (SimInterface candidate : interfaces) {
            if (candidate.link() != null && candidate.owns(packet, source, addressLength)) {
                return candidate.link();
            }
        }
        for (SimInterface candidate : interfaces) {
            SimLink link = candidate.link();
            if (link != null && link.to().host().owns(packet, destination, addressLength)) {
                return link;
            }
        }
        return null;
    }

    /**
     * Makes packets from {@code local} to {@code remote} leave on the interface that owns {@code local} (counted:
     * every pin is matched by one {@link #unpinRoute}).
     */
    public void pinRoute(InetAddress local, InetAddress remote) {
        pins.merge(local.getHostAddress() + ">" + remote.getHostAddress(), 1, Integer::sum);
    }

    /**
     * What an {@code MptcpStack} on this host gives its joins: ports the TCP stack picks itself (the simulator has
     * no kernel to reserve them from), routes pinned here.
     */
    public SubflowPorts subflowPorts() {
        return new SubflowPorts() {
            @Override
            public int acquire(InetAddress local) {
                return 0;
            }

            @Override
            public void release(InetAddress local, int port) {
            }

            @Override
            public void pinRoute(InetAddress local, InetAddress remote) {
                SimHost.this.pinRoute(local, remote);
            }

            @Override
            public void unpinRoute(InetAddress local, InetAddress remote) {
                SimHost.this.unpinRoute(local, remote);
            }
        };
    }

    /** Undoes one {@link #pinRoute}. */
    public void unpinRoute(InetAddress local, InetAddress remote) {
        pins.computeIfPresent(local.getHostAddress() + ">" + remote.getHostAddress(), (k, n) -> n > 1 ? n - 1 : null);
    }

    /** Pinned pairs now, for tests. */
    public int pinnedRoutes() {
        return pins.size();
    }

    private static String pairKey(ByteBuffer packet, int source, int destination, int length) {
        byte[] from = new byte[length];
        byte[] to = new byte[length];
        packet.get(source, from);
        packet.get(destination, to);
        try {
            return InetAddress.getByAddress(from).getHostAddress() + ">" + InetAddress.getByAddress(to).getHostAddress();
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private boolean owns(ByteBuffer packet, int offset, int length) {
        for (SimInterface candidate : interfaces) {
            if (candidate.owns(packet, offset, length)) {
                return true;
            }
        }
        return false;
    }

    /** Routes each packet the stack sends; refuses more than the budget of one poll. */
    private final class TransmitSink implements PacketSink {

        long now;
        int budget;

        @Override
        public boolean accept(ByteBuffer packet) {
            if (budget == 0) {
                return false;
            }
            budget--;
            sentPackets++;
            SimLink link = route(packet);
            if (link != null) {
                link.transmit(now, packet);
            } else {
                unroutablePackets++;
                network.trace(now, TraceKind.SENT, name, null, packet);
                network.trace(now, TraceKind.DROPPED, name, DropReason.NO_ROUTE, packet);
            }
            return true;
        }
    }
}
