package io.mptcp4j.io;

import io.mptcp4j.io.linux.AddressFamily;
import io.mptcp4j.io.linux.BpfProgram;
import io.mptcp4j.io.linux.InsufficientPrivilegesException;
import io.mptcp4j.io.linux.LinkMonitor;
import io.mptcp4j.io.linux.NetworkNamespace;
import io.mptcp4j.io.linux.PortReservation;
import io.mptcp4j.io.linux.RawSocketPoller;
import io.mptcp4j.io.linux.RawTcpSocket;
import io.mptcp4j.io.linux.ReceivedPacket;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The real wire: raw {@code IPPROTO_TCP} sockets for IPv4, IPv6 or both, which see only TCP segments to the ports
 * the stack owns ({@link #ownPort}), each owned port also held by a {@link PortReservation} so the local kernel
 * neither answers those segments with RST nor gives the port to anyone else.
 *
 * <ul>
 *   <li>Receive: up to {@link Device#MAX_BATCH} packets per call with {@code recvmmsg(2)}, alternating which
 *       family goes first. IPv4 raw sockets deliver the IP header. IPv6 raw sockets do not, so the device
 *       writes a 40-byte header in front of each segment from the addresses the kernel reports and the segment
 *       length: traffic class 0, flow label 0, next header TCP and hop limit {@value #SYNTHESIZED_HOP_LIMIT} (the
 *       received values are not known). Buffers need {@link Device#MAX_PACKET_LENGTH} bytes of room to be sure
 *       no packet is dropped for size.</li>
 *   <li>Send: the stack's own header goes on the wire, {@code IP_HDRINCL} for IPv4 and {@code IPV6_HDRINCL} for
 *       IPv6, so its choice of source address, TTL and traffic class holds on both (rather than stripping the
 *       IPv6 header and passing the source as {@code IPV6_PKTINFO}, which would lose the traffic class and hop
 *       limit). Packets are copied into a per-family batch and leave with {@code sendmmsg(2)} on {@link #flush()}
 *       or when the batch is full. Packets the kernel refuses for good (no route, too long, interface down) are
 *       dropped and counted; when its send buffer is full the batch waits and {@link #awaitReadable} also wakes
 *       when it drains.</li>
 *   <li>Egress pinning ({@link EgressPinning}): a packet leaves through the interface that owns its source
 *       address, as the kernel's {@code ip mptcp endpoint ... dev X} subflows do, not wherever its destination
 *       is routed: multipath needs a subflow from path 2's address to stay on path 2 even towards path 1's
 *       address. By default only the address pairs given to {@link #pinRoute} are pinned so
 *       ({@link EgressPinning#PINNED_ROUTES}, what the MPTCP stack asks for the subflows it opens), the rest is
 *       routed by destination as the kernel's own sockets are; {@link EgressPinning#BY_SOURCE} pins every packet. The sendmmsg slot
 *       of such a packet carries an {@code IP_PKTINFO} / {@code IPV6_PKTINFO} message with the interface index
 *       (see {@link RawTcpSocket#sendPackets(ByteBuffer[], int[], int, int)} for what the kernel makes of it).
 *       Which interface owns which address comes from a {@link LinkMonitor} (rtnetlink dump at open, then
 *       notifications). Packets whose source no interface owns, whose source is on a loopback interface or
 *       whose destination is local are routed by destination, as before.</li>
 *   <li>Waiting: one {@code poll(2)} over the sockets and an {@code eventfd(2)} that {@link #wakeup()}
 *       signals.</li>
 * </ul>
 *
 * <p>Sockets and reservations are made in the network namespace given to {@link Builder#namespace}, else in the
 * calling thread's; {@link #ownPort} and {@link #releasePort} may be called from any thread. Opening needs root or
 * {@code CAP_NET_RAW} ({@link InsufficientPrivilegesException} otherwise). A classic BPF filter holds at most
 * {@value #MAX_PORTS_PER_FAMILY} ports per family.
 */
public final class RawSocketDevice implements Device {

    /** The hop limit written into synthesized IPv6 headers. */
    public static final int SYNTHESIZED_HOP_LIMIT = 64;

    /** The most ports one family's socket filter can hold. */
    public static final int MAX_PORTS_PER_FAMILY = 250;



    private static final int IPV6_HEADER_LENGTH = 40;
    private static final int TX_ARENA_BYTES = 256 * 1024;

    private final NetworkNamespace namespace;
    private final LinkMonitor links;
    private final boolean ownsLinks;
    private final EgressPinning pinning;
    private final PinnedRoutes pinnedRoutes = new PinnedRoutes();
    private final FamilySocket[] sockets;
    private final RawSocketPoller poller;
    private final Map<InetSocketAddress, PortReservation> reservations = new LinkedHashMap<>();
    private final ReceivedPacket[] results = new ReceivedPacket[MAX_BATCH];
    private final ByteBuffer[] fullBatch = new ByteBuffer[MAX_BATCH];
    private final int[] starts = new int[MAX_BATCH];
    private final int[] limits = new int[MAX_BATCH];
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong receiveDrops = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong sendDrops = new AtomicLong();
    private final AtomicLong pinned = new AtomicLong();
    private int firstFamily;
    private volatile boolean open = true;

    private RawSocketDevice(NetworkNamespace namespace, FamilySocket[] sockets, RawSocketPoller poller,
                            LinkMonitor links, boolean ownsLinks, EgressPinning pinning) {
        this.namespace = namespace;
        this.sockets = sockets;
        this.poller = poller;
        this.links = links;
        this.ownsLinks = ownsLinks;
        this.pinning = pinning;
    }

    /** A builder for a device on both families in the caller's namespace. */
    public static Builder builder() {
        return new Builder();
    }

    /** The families this device carries. */
    public Set<AddressFamily> families() {
        Set<AddressFamily> families = EnumSet.noneOf(AddressFamily.class);
        for (FamilySocket s : sockets) {
            families.add(s.family);
        }
        return families;
    }

    /**
     * Takes {@code port} on {@code local} for the stack (0: a free port the kernel picks) and returns it: a
     * {@link PortReservation} holds it and the family's filter lets its segments in. {@code local} may be the
     * wildcard address of its family.
     *
     * @throws IllegalArgumentException if the device does not carry {@code local}'s family
     * @throws IllegalStateException    if the address and port are owned already, or the filter is full
     * @throws IOException              if the kernel refuses the port (in use, not a local address)
     */
    public int ownPort(InetAddress local, int port) throws IOException {
        FamilySocket socket = socketFor(AddressFamily.of(local));
        if (port < 0 || port > 0xffff) {
            throw new IllegalArgumentException("bad port " + port);
        }
        synchronized (reservations) {
            ensureOpen();
            if (port != 0 && reservations.containsKey(new InetSocketAddress(local, port))) {
                throw new IllegalStateException("already owned: " + new InetSocketAddress(local, port));
            }
            PortReservation reservation = inNamespace(() -> PortReservation.reserve(local, port));
            try {
                Set<Integer> ports = ports(socket.family);
                ports.add(reservation.port());
                if (ports.size() > MAX_PORTS_PER_FAMILY) {
                    throw new IllegalStateException("a filter holds at most " + MAX_PORTS_PER_FAMILY + " "
                            + socket.family + " ports");
                }
                socket.raw.attachFilter(BpfProgram.tcpDestinationPorts(socket.family, ports));
            } catch (IOException | RuntimeException e) {
                reservation.close();
                throw e;
            }
            reservations.put(reservation.address(), reservation);
            return reservation.port();
        }
    }

    /**
     * With {@link EgressPinning#PINNED_ROUTES}: packets from {@code local} to {@code remote} leave through the
     * interface that owns {@code local} until the matching {@link #unpinRoute} (pins are counted: one per
     * subflow). Any thread; the device's other modes ignore pins.
     */
    public void pinRoute(InetAddress local, InetAddress remote) {
        pinnedRoutes.pin(local, remote);
    }

    /** Takes back one {@link #pinRoute} of the pair; false if it was not pinned. */
    public boolean unpinRoute(InetAddress local, InetAddress remote) {
        return pinnedRoutes.unpin(local, remote);
    }

    /** Which packets are pinned to the interface of their source. */
    public EgressPinning egressPinning() {
        return pinning;
    }

    /** Gives {@code port} on {@code local} back: its segments are filtered out, then the reservation ends. */
    public void releasePort(InetAddress local, int port) throws IOException {
        FamilySocket socket = socketFor(AddressFamily.of(local));
        synchronized (reservations) {
            PortReservation reservation = reservations.remove(new InetSocketAddress(local, port));
            if (reservation == null) {
                throw new IllegalArgumentException("not owned: " + new InetSocketAddress(local, port));
            }
            try {
                if (open) {
                    socket.raw.attachFilter(filter(socket.family));
                }
            } finally {
                reservation.close();
            }
        }
    }

    /** The addresses and ports owned now. */
    public Set<InetSocketAddress> ownedPorts() {
        synchronized (reservations) {
            return Set.copyOf(reservations.keySet());
        }
    }

    @Override
    public int receive(ByteBuffer[] packets) throws IOException {
        ensureOpen();
        int wanted = Math.min(packets.length, MAX_BATCH);
        int filled = 0;
        for (int k = 0; k < sockets.length && filled < wanted; k++) {
            filled += receive(sockets[(firstFamily + k) % sockets.length], packets, filled, wanted);
        }
        firstFamily = (firstFamily + 1) % sockets.length;
        return filled;
    }

    @Override
    public boolean send(ByteBuffer packet) throws IOException {
        ensureOpen();
        int length = packet.remaining();
        if (length > MAX_PACKET_LENGTH) {
            throw new IllegalArgumentException("a " + length + "-byte packet is longer than any IP packet");
        }
        int version = length == 0 ? 0 : (packet.get(packet.position()) & 0xf0) >>> 4;
        FamilySocket socket = version == 4 ? find(AddressFamily.IPV4) : version == 6 ? find(AddressFamily.IPV6) : null;
        if (socket == null || length < (version == 4 ? 20 : IPV6_HEADER_LENGTH)) {
            sendDrops.incrementAndGet(); // not an IP packet of a family this device carries
            return true;
        }
        int egress = egressInterface(packet);
        if (!socket.hold(packet, egress)) {
            flush(socket);
            if (!socket.hold(packet, egress)) {
                return false;
            }
        }
        if (egress > 0) {
            pinned.lazySet(pinned.get() + 1); // one writer (the sending thread): no atomic read-modify-write
        }
        return true;
    }

    @Override
    public void flush() throws IOException {
        ensureOpen();
        for (FamilySocket socket : sockets) {
            flush(socket);
        }
    }

    @Override
    public void awaitReadable(long timeoutNanos) throws IOException {
        ensureOpen();
        poller.await(timeoutNanos);
    }

    @Override
    public void wakeup() {
        poller.wakeup();
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    /** Closes the sockets and ends every reservation; the device's thread must not be inside a call. */
    @Override
    public void close() {
        synchronized (reservations) {
            if (!open) {
                return;
            }
            open = false;
            poller.close();
            for (FamilySocket s : sockets) {
                s.raw.close();
            }
            reservations.values().forEach(PortReservation::close);
            reservations.clear();
            if (ownsLinks) {
                links.close();
            }
        }
    }

    /** Packets handed out by {@link #receive}. */
    public long receivedPackets() {
        return received.get();
    }

    /** Received packets dropped because they did not fit a buffer or lacked an address. */
    public long receiveDrops() {
        return receiveDrops.get();
    }

    /** Packets the kernel took for sending. */
    public long sentPackets() {
        return sent.get();
    }

    /**
     * The errno of the last packet the kernel refused (e.g. 101, {@code ENETUNREACH}), of the first family that
     * had a refusal; 0 if none was refused.
     */
    public int lastRefusedErrno() {
        int errno = 0;
        for (FamilySocket s : sockets) {
            errno = errno != 0 ? errno : s.raw.lastRefusedErrno();
        }
        return errno;
    }

    /** Packets taken for sending with their outgoing interface fixed by their source address. */
    public long pinnedPackets() {
        return pinned.get();
    }

    /**
     * The link monitor whose address table pins outgoing packets (this device's own, or the builder's); null with
     * {@link EgressPinning#OFF} unless the builder was given one.
     */
    public LinkMonitor linkMonitor() {
        return links;
    }

    /** Packets dropped on the way out: refused by the kernel (no route, too long) or of a family not carried. */
    public long sendDrops() {
        long refused = 0;
        for (FamilySocket s : sockets) {
            refused += s.raw.refusedPackets();
        }
        return sendDrops.get() + refused;
    }

    @Override
    public String toString() {
        return "RawSocketDevice[" + families() + (namespace == null ? "" : ", " + namespace) + ", owned "
                + ownedPorts() + (open ? "" : ", closed") + "]";
    }

    private int receive(FamilySocket socket, ByteBuffer[] packets, int from, int to) throws IOException {
        int count = to - from;
        boolean v6 = socket.family == AddressFamily.IPV6;
        ByteBuffer[] targets = count == MAX_BATCH ? fullBatch : new ByteBuffer[count];
        for (int i = 0; i < count; i++) {
            ByteBuffer b = packets[from + i];
            targets[i] = b;
            starts[i] = b.position();
            limits[i] = b.limit();
            if (v6) {
                if (b.remaining() <= IPV6_HEADER_LENGTH) {
                    throw new IllegalArgumentException("a receive buffer needs more than 40 bytes of room");
                }
                b.position(starts[i] + IPV6_HEADER_LENGTH);
            }
        }
        int got;
        try {
            got = socket.raw.receiveBatch(targets, results, Duration.ZERO);
        } finally {
            if (v6) {
                for (int i = 0; i < count; i++) {
                    targets[i].position(starts[i]); // unfilled buffers back as they came
                }
            }
        }
        int kept = 0;
        for (int i = 0; i < got; i++) {
            ReceivedPacket p = results[i];
            results[i] = null;
            ByteBuffer b = targets[i];
            int length = p.length() + (v6 ? IPV6_HEADER_LENGTH : 0);
            if (p.truncated() || (v6 && (p.source() == null || p.destination() == null))) {
                receiveDrops.incrementAndGet();
                continue;
            }
            b.limit(starts[i] + length).position(starts[i]);
            if (v6) {
                writeIpv6Header(b, starts[i], p);
            }
            if (kept != i && !moveDown(b, targets[kept], starts[kept], limits[kept])) {
                receiveDrops.incrementAndGet();
                continue;
            }
            kept++;
        }
        for (int i = kept; i < got; i++) {
            targets[i].limit(limits[i]).position(starts[i]); // slots freed by drops
        }
        received.addAndGet(kept);
        return kept;
    }

    /** Copies the packet in {@code from} into the earlier buffer {@code to}; false if it does not fit there. */
    private static boolean moveDown(ByteBuffer from, ByteBuffer to, int start, int limit) {
        if (from.remaining() > limit - start) {
            return false;
        }
        to.limit(limit).position(start);
        to.put(start, from, from.position(), from.remaining());
        to.limit(start + from.remaining());
        return true;
    }

    private static void writeIpv6Header(ByteBuffer b, int at, ReceivedPacket p) {
        b.putInt(at, 0x6000_0000); // version 6, traffic class 0, flow label 0
        b.putShort(at + 4, (short) p.length());
        b.put(at + 6, (byte) 6); // next header: TCP
        b.put(at + 7, (byte) SYNTHESIZED_HOP_LIMIT);
        b.put(at + 8, p.source().getAddress());
        b.put(at + 24, p.destination().getAddress());
    }

    /** The interface {@code packet} must leave by under the pinning mode, 0 for "routed by destination". */
    private int egressInterface(ByteBuffer packet) {
        return switch (pinning) {
            case BY_SOURCE -> links.interfaceAddresses().egressInterface(packet);
            case PINNED_ROUTES -> pinnedRoutes.isPinned(packet)
                    ? links.interfaceAddresses().egressInterface(packet) : 0;
            case OFF -> 0;
        };
    }

    private void flush(FamilySocket socket) throws IOException {
        long refusedBefore = socket.raw.refusedPackets();
        int consumed = socket.drain();
        sent.addAndGet(consumed - (socket.raw.refusedPackets() - refusedBefore));
        poller.setWriteInterest(socket.raw, socket.pendingTo > socket.pendingFrom);
    }

    private FamilySocket socketFor(AddressFamily family) {
        FamilySocket socket = find(family);
        if (socket == null) {
            throw new IllegalArgumentException("this device does not carry " + family);
        }
        return socket;
    }

    private FamilySocket find(AddressFamily family) {
        for (FamilySocket s : sockets) {
            if (s.family == family) {
                return s;
            }
        }
        return null;
    }

    private Set<Integer> ports(AddressFamily family) {
        Set<Integer> ports = new TreeSet<>();
        for (InetSocketAddress owned : reservations.keySet()) {
            if (AddressFamily.of(owned.getAddress()) == family) {
                ports.add(owned.getPort());
            }
        }
        return ports;
    }

    private BpfProgram filter(AddressFamily family) {
        Set<Integer> ports = ports(family);
        return ports.isEmpty() ? BpfProgram.dropAll() : BpfProgram.tcpDestinationPorts(family, ports);
    }

    private void ensureOpen() throws ClosedChannelException {
        if (!open) {
            throw new ClosedChannelException();
        }
    }

    private <T> T inNamespace(NetworkNamespace.Task<T, IOException> task) throws IOException {
        return inNamespace(namespace, task);
    }

    private static <T> T inNamespace(NetworkNamespace namespace, NetworkNamespace.Task<T, IOException> task)
            throws IOException {
        return namespace == null ? task.run() : namespace.call(task);
    }

    /** One family's raw socket and the packets waiting in its send batch. */
    private static final class FamilySocket {
        final AddressFamily family;
        final RawTcpSocket raw;
        final ByteBuffer arena = ByteBuffer.allocateDirect(TX_ARENA_BYTES);
        final ByteBuffer[] pending = new ByteBuffer[MAX_BATCH];
        final int[] pendingInterfaces = new int[MAX_BATCH];
        int pendingFrom;
        int pendingTo;
        int arenaUsed;

        FamilySocket(AddressFamily family, RawTcpSocket raw) {
            this.family = family;
            this.raw = raw;
        }

        /** Copies {@code packet} into the batch, to leave by {@code egress} (0: routed); false if full. */
        boolean hold(ByteBuffer packet, int egress) {
            int length = packet.remaining();
            if (pendingTo == MAX_BATCH || arenaUsed + length > TX_ARENA_BYTES) {
                return false;
            }
            ByteBuffer slot = arena.slice(arenaUsed, length);
            slot.put(0, packet, packet.position(), length);
            pendingInterfaces[pendingTo] = egress;
            pending[pendingTo++] = slot;
            arenaUsed += (length + 7) & ~7;
            return true;
        }

        /** Sends what the kernel takes, emptying the batch once all went; returns how many went. */
        int drain() throws IOException {
            if (pendingFrom == pendingTo) {
                return 0;
            }
            int consumed = raw.sendPackets(pending, pendingInterfaces, pendingFrom, pendingTo);
            pendingFrom += consumed;
            if (pendingFrom == pendingTo) {
                Arrays.fill(pending, 0, pendingTo, null);
                pendingFrom = 0;
                pendingTo = 0;
                arenaUsed = 0;
            }
            return consumed;
        }
    }

    /** Configures and opens a {@link RawSocketDevice}. */
    public static final class Builder {
        private NetworkNamespace namespace;
        private final Set<AddressFamily> families = EnumSet.allOf(AddressFamily.class);
        private int receiveBufferBytes = 4 << 20;
        private int sendBufferBytes = 16 << 20;
        private LinkMonitor linkMonitor;
        private EgressPinning pinning = EgressPinning.PINNED_ROUTES;

        private Builder() {
        }

        /** The namespace to open sockets and reservations in; by default the calling thread's. */
        public Builder namespace(NetworkNamespace namespace) {
            this.namespace = Objects.requireNonNull(namespace);
            return this;
        }

        /** The families to carry; both by default. */
        public Builder families(AddressFamily first, AddressFamily... more) {
            families.clear();
            families.add(first);
            families.addAll(List.of(more));
            return this;
        }

        /**
         * The kernel send buffer of each socket (beyond {@code wmem_max} when privileged); 16 MiB by default. Packets
         * waiting in an interface's queue count against it until they leave, and one socket carries every path, so
         * it must hold every path's queue: with less, a full queue on one path stalls the others.
         */
        public Builder sendBufferBytes(int bytes) {
            if (bytes < 4096) {
                throw new IllegalArgumentException("send buffer of " + bytes + " bytes is below 4096");
            }
            this.sendBufferBytes = bytes;
            return this;
        }

        /** The kernel receive buffer of each socket (beyond {@code rmem_max} when privileged); 4 MiB by default. */
        public Builder receiveBufferBytes(int bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("receive buffer must be positive: " + bytes);
            }
            this.receiveBufferBytes = bytes;
            return this;
        }

        /**
         * The link monitor to take address-to-interface indexes from, which must watch the device's namespace and
         * stays the caller's to close; by default the device opens (and closes) its own.
         */
        public Builder linkMonitor(LinkMonitor monitor) {
            this.linkMonitor = Objects.requireNonNull(monitor);
            return this;
        }

        /**
         * Which packets leave through the interface that owns their source address rather than wherever the
         * kernel routes their destination; {@link EgressPinning#PINNED_ROUTES} (the pairs given to
         * {@link RawSocketDevice#pinRoute}) by default. With
         * {@link EgressPinning#OFF} no link monitor is opened.
         */
        public Builder egressPinning(EgressPinning mode) {
            this.pinning = Objects.requireNonNull(mode);
            return this;
        }

        /**
         * Opens the sockets, each with a drop-all filter until a port is owned, and, for egress pinning, a
         * {@link LinkMonitor} of the namespace unless one was given.
         *
         * @throws InsufficientPrivilegesException without root or {@code CAP_NET_RAW}
         */
        public RawSocketDevice open() throws IOException {
            List<FamilySocket> opened = new ArrayList<>();
            LinkMonitor ownMonitor = null;
            try {
                for (AddressFamily family : families) {
                    RawTcpSocket raw = inNamespace(namespace, () -> RawTcpSocket.open(family, BpfProgram.dropAll()));
                    opened.add(new FamilySocket(family, raw));
                    raw.setHeaderIncluded(true);
                    raw.setReceiveBufferSize(receiveBufferBytes);
                    raw.setSendBufferSize(sendBufferBytes);
                }
                LinkMonitor links = linkMonitor;
                if (links == null && pinning != EgressPinning.OFF) {
                    ownMonitor = LinkMonitor.open(namespace, null);
                    links = ownMonitor;
                }
                RawSocketPoller poller = RawSocketPoller.open(opened.stream().map(s -> s.raw).toList());
                return new RawSocketDevice(namespace, opened.toArray(FamilySocket[]::new), poller, links,
                        ownMonitor != null, pinning);
            } catch (IOException | RuntimeException | Error e) {
                opened.forEach(s -> s.raw.close());
                if (ownMonitor != null) {
                    ownMonitor.close();
                }
                throw e;
            }
        }
    }
}
