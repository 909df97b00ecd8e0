package io.mptcp4j.io.linux;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Claims a local TCP address and port for the userspace stack, so the local kernel neither answers the peer's
 * segments to it with RST nor hands the port to another socket.
 *
 * <p>How: a kernel TCP socket bound to the address and port, in LISTEN, with a classic BPF filter that drops
 * everything. Segments for that port then find this listener and are silently discarded by the kernel (drop
 * reason {@code SOCKET_FILTER}); raw sockets still get their copies. Measured on Linux 6.18: bind alone,
 * listen without the filter, or bind plus filter without listen do not stop the RSTs.
 *
 * <p>The reservation lives in the network namespace of the thread that made it. IPv6 reservations set
 * {@code IPV6_V6ONLY}, so they do not cover IPv4. Port 0 picks a free ephemeral port; {@link #port()} tells
 * which.
 */
public final class PortReservation implements Closeable {

    private final NativeFd fd;
    private final InetSocketAddress address;

    private PortReservation(int fd, InetSocketAddress address) {
        this.fd = new NativeFd(fd, false);
        this.address = address;
    }

    /** Reserves {@code address}'s port on {@code address}'s IP (the wildcard address reserves it on all). */
    public static PortReservation reserve(InetSocketAddress address) throws IOException {
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("unresolved address: " + address);
        }
        AddressFamily family = AddressFamily.of(address.getAddress());
        int raw = Sockets.open(family, LinuxConstants.SOCK_STREAM, LinuxConstants.IPPROTO_TCP,
                "SOCK_STREAM, IPPROTO_TCP", null);
        try {
            // Filter first, so not even a SYN slips into the accept queue before the listener is deaf.
            Sockets.attachFilter(raw, BpfProgram.dropAll());
            Sockets.setInt(raw, LinuxConstants.SOL_SOCKET, LinuxConstants.SO_REUSEADDR, 1, "SO_REUSEADDR");
            if (family == AddressFamily.IPV6) {
                Sockets.setInt(raw, LinuxConstants.IPPROTO_IPV6, LinuxConstants.IPV6_V6ONLY, 1, "IPV6_V6ONLY");
            }
            Sockets.bind(raw, address);
            if (LibC.INSTANCE.listen(raw, 1) != 0) {
                throw Errno.lastFailure("listen(" + Sockets.format(address) + ")");
            }
            InetSocketAddress bound = Sockets.localAddress(raw);
            return new PortReservation(raw, bound);
        } catch (IOException | RuntimeException | Error e) {
            Sockets.closeQuietly(raw);
            throw e;
        }
    }

    /** Reserves {@code port} (0: any free port) on {@code address}. */
    public static PortReservation reserve(InetAddress address, int port) throws IOException {
        return reserve(new InetSocketAddress(address, port));
    }

    /** The reserved address and port (with the chosen port if 0 was asked for). */
    public InetSocketAddress address() {
        return address;
    }

    /** The reserved port. */
    public int port() {
        return address.getPort();
    }

    /** True until closed. */
    public boolean isOpen() {
        return fd.isOpen();
    }

    /** Releases the port; idempotent. */
    @Override
    public void close() {
        fd.close();
    }

    @Override
    public String toString() {
        return "PortReservation[" + Sockets.format(address) + (isOpen() ? "" : ", released") + "]";
    }
}
