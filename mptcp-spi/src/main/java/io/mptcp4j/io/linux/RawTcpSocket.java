package io.mptcp4j.io.linux;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * A raw {@code IPPROTO_TCP} socket: sends TCP segments the caller built (header, options, payload, checksum
 * already computed) and receives every TCP segment the local host gets, subject to an optional classic BPF
 * filter.
 *
 * <ul>
 *   <li>IPv4: the kernel adds the IP header on send (unless {@link #setHeaderIncluded}); received packets include
 *       the IPv4 header, and {@link ReceivedPacket#transportOffset()} says where TCP starts.</li>
 *   <li>IPv6: received packets never carry the IPv6 header, sent ones only with {@link #setHeaderIncluded}; the
 *       destination address comes from {@code IPV6_PKTINFO} and {@code transportOffset} is 0.</li>
 *   <li>The source address the kernel puts on sent packets is the one given to {@link #bind(InetAddress)}, else
 *       the routing choice; the TCP checksum covers it, so stacks should bind. With the header included, the
 *       caller's header decides.</li>
 * </ul>
 *
 * <p>The descriptor is non-blocking; {@link #receive(ByteBuffer)} returns at once, the variants with a timeout
 * wait with poll(2). One thread may send while another receives. Creation needs root or {@code CAP_NET_RAW}
 * ({@link InsufficientPrivilegesException} otherwise). The socket lives in the network namespace of the thread
 * that opened it (see {@link NetworkNamespace}).
 */
public final class RawTcpSocket implements Closeable {

    /** Most packets one {@link #receiveBatch} call takes. */
    public static final int MAX_BATCH = 64;

    private final AddressFamily family;
    private final NativeFd fd;
    private final ReentrantLock receiveLock = new ReentrantLock();
    private final ReentrantLock sendLock = new ReentrantLock();
    private final ReceiveSlots single = new ReceiveSlots(1);
    private ReceiveSlots batch;
    private Pointer sendScratch;
    private SendSlots sendSlots;
    private volatile boolean headerIncluded;
    private final AtomicLong refusedPackets = new AtomicLong();
    private volatile int lastRefusal;

    private RawTcpSocket(AddressFamily family, int fd) {
        this.family = family;
        this.fd = new NativeFd(fd, false);
    }

    /** Opens a raw TCP socket of {@code family} that receives every TCP segment (no filter yet). */
    public static RawTcpSocket open(AddressFamily family) throws IOException {
        int raw = Sockets.open(family, LinuxConstants.SOCK_RAW, LinuxConstants.IPPROTO_TCP,
                "SOCK_RAW, IPPROTO_TCP", Errno.CAP_NET_RAW);
        try {
            if (family == AddressFamily.IPV4) {
                Sockets.setInt(raw, LinuxConstants.IPPROTO_IP, LinuxConstants.IP_PKTINFO, 1, "IP_PKTINFO");
            } else {
                Sockets.setInt(raw, LinuxConstants.IPPROTO_IPV6, LinuxConstants.IPV6_RECVPKTINFO, 1,
                        "IPV6_RECVPKTINFO");
            }
            return new RawTcpSocket(family, raw);
        } catch (IOException | RuntimeException | Error e) {
            Sockets.closeQuietly(raw);
            throw e;
        }
    }

    /**
     * Opens a raw TCP socket that only ever sees what {@code filter} accepts: a drop-all filter is attached
     * first, segments queued before it are discarded, then {@code filter} replaces it. Nothing unfiltered
     * reaches the caller.
     */
    public static RawTcpSocket open(AddressFamily family, BpfProgram filter) throws IOException {
        RawTcpSocket socket = open(family);
        try {
            socket.attachFilter(BpfProgram.dropAll());
            socket.discardQueued();
            socket.attachFilter(filter);
            return socket;
        } catch (IOException | RuntimeException | Error e) {
            socket.close();
            throw e;
        }
    }

    /** Convenience: a socket seeing only TCP segments addressed to one of {@code localPorts}. */
    public static RawTcpSocket openForPorts(AddressFamily family, Integer... localPorts) throws IOException {
        return open(family, BpfProgram.tcpDestinationPorts(family, java.util.List.of(localPorts)));
    }

    /** IPv4 or IPv6. */
    public AddressFamily family() {
        return family;
    }

    /**
     * Fixes the source address of sent packets. On IPv4 this also limits reception to packets addressed to
     * {@code local}; on IPv6 reception is not limited.
     */
    public void bind(InetAddress local) throws IOException {
        checkFamily(local);
        int f = fd.acquire();
        try {
            Sockets.bind(f, new InetSocketAddress(local, 0));
        } finally {
            fd.release();
        }
    }

    /** Restricts sending and receiving to one interface ({@code SO_BINDTODEVICE}). */
    public void bindToDevice(String interfaceName) throws IOException {
        byte[] name = (interfaceName + "\0").getBytes(StandardCharsets.US_ASCII);
        int f = fd.acquire();
        try {
            if (LibC.INSTANCE.setsockopt(f, LinuxConstants.SOL_SOCKET, LinuxConstants.SO_BINDTODEVICE, name,
                    name.length) != 0) {
                throw Errno.lastFailure("setsockopt(SO_BINDTODEVICE, " + interfaceName + ")", Errno.CAP_NET_RAW);
            }
        } finally {
            fd.release();
        }
    }

    /** Replaces the socket filter with {@code program}; packets already queued are not re-filtered. */
    public void attachFilter(BpfProgram program) throws IOException {
        int f = fd.acquire();
        try {
            Sockets.attachFilter(f, program);
        } finally {
            fd.release();
        }
    }

    /** Removes the socket filter: every TCP segment is received again. */
    public void detachFilter() throws IOException {
        int f = fd.acquire();
        try {
            Sockets.detachFilter(f);
        } finally {
            fd.release();
        }
    }

    /** Sets the kernel receive buffer (bursts at high rates need more than the default). */
    public void setReceiveBufferSize(int bytes) throws IOException {
        int f = fd.acquire();
        try {
            Sockets.setReceiveBuffer(f, bytes);
        } finally {
            fd.release();
        }
    }

    /**
     * Sets the kernel send buffer. Packets waiting in an interface's queue (a shaping qdisc) count against it until
     * they leave, so one socket that sends on several paths needs room for every path's queue: otherwise a full
     * queue on one path blocks the others.
     */
    public void setSendBufferSize(int bytes) throws IOException {
        int f = fd.acquire();
        try {
            Sockets.setSendBuffer(f, bytes);
        } finally {
            fd.release();
        }
    }

    /**
     * With {@code on}, sent buffers are whole IP packets whose header the kernel keeps as given ({@code IP_HDRINCL}
     * on IPv4, which still fills in the total length, the header checksum and a zero identification;
     * {@code IPV6_HDRINCL} on IPv6, Linux 4.5 and later, which changes nothing). The caller then chooses the
     * source address, TTL or hop limit, and traffic class of every packet. Reception is not affected.
     */
    public void setHeaderIncluded(boolean on) throws IOException {
        int f = fd.acquire();
        try {
            if (family == AddressFamily.IPV4) {
                Sockets.setInt(f, LinuxConstants.IPPROTO_IP, LinuxConstants.IP_HDRINCL, on ? 1 : 0, "IP_HDRINCL");
            } else {
                Sockets.setInt(f, LinuxConstants.IPPROTO_IPV6, LinuxConstants.IPV6_HDRINCL, on ? 1 : 0,
                        "IPV6_HDRINCL");
            }
            headerIncluded = on;
        } finally {
            fd.release();
        }
    }

    /** Whether sent buffers are whole IP packets (see {@link #setHeaderIncluded}). */
    public boolean isHeaderIncluded() {
        return headerIncluded;
    }

    /**
     * Sends whole IP packets, {@code packets[from..to)}, each between its position and limit in a direct buffer,
     * with as few {@code sendmmsg(2)} calls as it takes (at most {@link #MAX_BATCH} packets each), never waiting.
     * Each goes to the destination in its own IP header; positions and limits are left as they are. Needs
     * {@link #setHeaderIncluded} on.
     *
     * <p>Returns how many packets were consumed from {@code from} on: sent, or refused by the kernel for good (no
     * route, larger than the MTU, dropped by a firewall: counted in {@link #refusedPackets()}). It returns fewer
     * than {@code to - from} only when the socket's send buffer is full; {@code POLLOUT} says when to go on.
     *
     * @throws IllegalStateException    if the header is not included
     * @throws IllegalArgumentException if a buffer is not direct or does not hold an IP header of this family
     * @throws NativeCallException      if the socket itself failed
     */
    public int sendPackets(ByteBuffer[] packets, int from, int to) throws IOException {
        return sendPackets(packets, null, from, to);
    }

    /**
     * Like {@link #sendPackets(ByteBuffer[], int, int)}, with the outgoing interface of each packet fixed by
     * index: packet {@code i} leaves through interface {@code interfaceIndexes[i]} when that is positive (an
     * {@code IP_PKTINFO} or {@code IPV6_PKTINFO} control message on its {@code mmsghdr}), else (0, or a null
     * array) wherever the kernel routes its destination.
     *
     * <p>What the kernel does with the interface (Linux 6.x, measured in {@code EgressPinningInteropTest}):
     * <ul>
     *   <li>IPv4 ({@code raw_sendmsg}): the route lookup only accepts routes through that interface; if there is
     *       none, the destination is assumed to be on that link and resolved with ARP there. An interface that
     *       is down refuses the packet ({@code ENETUNREACH}, counted in {@link #refusedPackets()}).</li>
     *   <li>IPv6 ({@code rawv6_sendmsg}): the route lookup only accepts routes through that interface (also one
     *       of higher metric than the destination's best route). If there is none the packet is refused
     *       ({@code ENETUNREACH}): IPv6 makes no on-link assumption, so a destination must be routed through the
     *       interface (or be on its prefix).</li>
     * </ul>
     * Both match what a socket bound to the interface ({@code SO_BINDTODEVICE}) gets, which is how the kernel's
     * own MPTCP pins subflows of {@code ip mptcp endpoint ... dev X}.
     *
     * @throws IllegalArgumentException if {@code interfaceIndexes} is shorter than {@code to}
     */
    public int sendPackets(ByteBuffer[] packets, int[] interfaceIndexes, int from, int to) throws IOException {
        if (!headerIncluded) {
            throw new IllegalStateException("sendPackets needs setHeaderIncluded(true)");
        }
        if (from < 0 || to > packets.length || from > to) {
            throw new IndexOutOfBoundsException("range [" + from + ", " + to + ") of " + packets.length);
        }
        if (interfaceIndexes != null && interfaceIndexes.length < to) {
            throw new IllegalArgumentException(interfaceIndexes.length + " interface indexes for " + to + " packets");
        }
        for (int i = from; i < to; i++) {
            checkWholePacket(packets[i]);
        }
        int f = fd.acquire();
        sendLock.lock();
        try {
            if (sendSlots == null) {
                sendSlots = new SendSlots(MAX_BATCH);
            }
            int consumed = 0;
            while (from + consumed < to) {
                int count = Math.min(to - from - consumed, MAX_BATCH);
                for (int i = 0; i < count; i++) {
                    int packet = from + consumed + i;
                    sendSlots.prepare(i, packets[packet], family,
                            interfaceIndexes == null ? 0 : interfaceIndexes[packet]);
                }
                int sent = LibC.INSTANCE.sendmmsg(f, sendSlots.vector(0), count, LinuxConstants.MSG_DONTWAIT);
                if (sent > 0) {
                    consumed += sent;
                    continue;
                }
                int errno = sent == 0 ? Errno.EAGAIN : LibC.errno();
                if (errno == Errno.EINTR) {
                    continue;
                }
                if (errno == Errno.EAGAIN) {
                    return consumed;
                }
                if (errno == Errno.EBADF || errno == Errno.ENOTSOCK || errno == Errno.EFAULT) {
                    throw Errno.failure("sendmmsg(" + count + " packets)", errno, null);
                }
                // The first packet of the batch was refused (sendmmsg reports an error only for the first).
                refusedPackets.incrementAndGet();
                lastRefusal = errno;
                consumed++;
            }
            return consumed;
        } finally {
            sendLock.unlock();
            fd.release();
        }
    }

    /** Packets {@link #sendPackets} gave up on because the kernel refused them for good. */
    public long refusedPackets() {
        return refusedPackets.get();
    }

    /** The errno of the last packet the kernel refused (e.g. {@code ENETUNREACH} = 101), 0 if none was. */
    public int lastRefusedErrno() {
        return lastRefusal;
    }

    /**
     * Sends the TCP segment between {@code segment}'s position and limit to {@code destination}, waiting while
     * the socket's send buffer is full, and advances the position. Returns false if the kernel dropped it
     * locally ({@code ENOBUFS}, e.g. a full queue), which TCP treats like loss.
     */
    public boolean send(ByteBuffer segment, InetAddress destination) throws IOException {
        checkFamily(destination);
        byte[] address = SocketAddresses.encode(destination, 0);
        int length = segment.remaining();
        if (length > ReceiveSlots.MAX_PACKET) {
            throw new IllegalArgumentException("segment of " + length + " bytes is too large");
        }
        int f = fd.acquire();
        sendLock.lock();
        try {
            long from;
            if (segment.isDirect()) {
                from = DirectBuffers.address(segment) + segment.position();
            } else {
                if (sendScratch == null) {
                    sendScratch = Memory.allocateDirect(LibC.runtime(), ReceiveSlots.MAX_PACKET);
                }
                if (segment.hasArray()) {
                    sendScratch.put(0, segment.array(), segment.arrayOffset() + segment.position(), length);
                } else {
                    byte[] copy = new byte[length];
                    segment.duplicate().get(copy);
                    sendScratch.put(0, copy, 0, length);
                }
                from = sendScratch.address();
            }
            Pointer buffer = Pointer.wrap(LibC.runtime(), from, length);
            while (true) {
                long sent = LibC.INSTANCE.sendto(f, buffer, length, LinuxConstants.MSG_DONTWAIT, address,
                        address.length);
                if (sent >= 0) {
                    segment.position(segment.position() + length);
                    return true;
                }
                int errno = LibC.errno();
                if (errno == Errno.EINTR) {
                    continue;
                }
                if (errno == Errno.EAGAIN) {
                    fd.await(LinuxConstants.POLLOUT, Long.MAX_VALUE);
                    continue;
                }
                if (errno == Errno.ENOBUFS) {
                    segment.position(segment.position() + length);
                    return false;
                }
                throw Errno.failure("sendto(" + destination.getHostAddress() + ", " + length + " bytes)", errno,
                        Errno.CAP_NET_RAW);
            }
        } finally {
            sendLock.unlock();
            fd.release();
        }
    }

    /**
     * Receives one packet into {@code target} (from its position; the position advances) without waiting.
     * Returns null if none is queued.
     */
    public ReceivedPacket receive(ByteBuffer target) throws IOException {
        return receive(target, Duration.ZERO);
    }

    /**
     * Receives one packet, waiting up to {@code timeout} for it (null waits indefinitely). Returns null on
     * timeout. Throws {@link java.nio.channels.AsynchronousCloseException} if the socket is closed meanwhile.
     */
    public ReceivedPacket receive(ByteBuffer target, Duration timeout) throws IOException {
        checkWritable(target);
        int f = fd.acquire();
        receiveLock.lock();
        try {
            long deadline = NativeFd.deadline(timeout);
            while (true) {
                single.prepare(0, target);
                long n = LibC.INSTANCE.recvmsg(f, single.header(0),
                        LinuxConstants.MSG_DONTWAIT | LinuxConstants.MSG_TRUNC);
                if (n >= 0) {
                    return single.complete(0, target, (int) n, family);
                }
                int errno = LibC.errno();
                if (errno == Errno.EINTR) {
                    continue;
                }
                if (errno != Errno.EAGAIN) {
                    throw Errno.failure("recvmsg", errno, null);
                }
                if (!waitReadable(deadline)) {
                    return null;
                }
            }
        } finally {
            receiveLock.unlock();
            fd.release();
        }
    }

    /**
     * Receives up to {@code targets.length} (at most {@link #MAX_BATCH}) packets with one
     * {@code recvmmsg(2)}: waits up to {@code timeout} for the first (null: indefinitely, zero: not at all),
     * then takes whatever else is queued. Packet i goes to {@code targets[i]} and is described by
     * {@code results[i]}. Returns the number received, 0 on timeout.
     */
    public int receiveBatch(ByteBuffer[] targets, ReceivedPacket[] results, Duration timeout) throws IOException {
        int wanted = Math.min(Math.min(targets.length, results.length), MAX_BATCH);
        if (wanted == 0) {
            return 0;
        }
        for (int i = 0; i < wanted; i++) {
            checkWritable(targets[i]);
        }
        int f = fd.acquire();
        receiveLock.lock();
        try {
            if (batch == null || batch.count() < wanted) {
                batch = new ReceiveSlots(MAX_BATCH);
            }
            long deadline = NativeFd.deadline(timeout);
            while (true) {
                for (int i = 0; i < wanted; i++) {
                    batch.prepare(i, targets[i]);
                }
                int n = LibC.INSTANCE.recvmmsg(f, batch.vector(), wanted,
                        LinuxConstants.MSG_DONTWAIT | LinuxConstants.MSG_TRUNC, null);
                if (n > 0) {
                    for (int i = 0; i < n; i++) {
                        results[i] = batch.complete(i, targets[i], batch.messageLength(i), family);
                    }
                    return n;
                }
                int errno = n == 0 ? Errno.EAGAIN : LibC.errno();
                if (errno == Errno.EINTR) {
                    continue;
                }
                if (errno != Errno.EAGAIN) {
                    throw Errno.failure("recvmmsg", errno, null);
                }
                if (!waitReadable(deadline)) {
                    return 0;
                }
            }
        } finally {
            receiveLock.unlock();
            fd.release();
        }
    }

    /** Drops every packet queued right now; returns how many. */
    public int discardQueued() throws IOException {
        ByteBuffer sink = ByteBuffer.allocateDirect(ReceiveSlots.MAX_PACKET);
        int dropped = 0;
        while (receive(sink.clear()) != null) {
            dropped++;
        }
        return dropped;
    }

    /** True until closed. */
    public boolean isOpen() {
        return fd.isOpen();
    }

    /** Closes the socket; idempotent. Waiting receivers end with an AsynchronousCloseException. */
    @Override
    public void close() {
        fd.close();
    }

    @Override
    public String toString() {
        return "RawTcpSocket[" + family + ", " + fd + "]";
    }

    private boolean waitReadable(long deadline) throws IOException {
        long remaining = deadline == Long.MAX_VALUE ? Long.MAX_VALUE : deadline - System.nanoTime();
        if (remaining <= 0) {
            return false;
        }
        return fd.await(LinuxConstants.POLLIN, remaining) != 0;
    }

    private void checkFamily(InetAddress address) {
        if (AddressFamily.of(address) != family) {
            throw new IllegalArgumentException(address + " is not " + family);
        }
    }

    private void checkWholePacket(ByteBuffer packet) {
        if (!packet.isDirect()) {
            throw new IllegalArgumentException("sendPackets needs direct buffers");
        }
        int minimum = family == AddressFamily.IPV4 ? 20 : 40;
        int version = packet.remaining() == 0 ? 0 : (packet.get(packet.position()) & 0xf0) >>> 4;
        if (packet.remaining() < minimum || version != (family == AddressFamily.IPV4 ? 4 : 6)) {
            throw new IllegalArgumentException("not an " + family + " packet: " + packet.remaining()
                    + " bytes, version " + version);
        }
    }

    /** The descriptor, for {@link RawSocketPoller}. */
    NativeFd nativeFd() {
        return fd;
    }

    private static void checkWritable(ByteBuffer target) {
        if (target.isReadOnly()) {
            throw new IllegalArgumentException("read-only buffer");
        }
    }
}
