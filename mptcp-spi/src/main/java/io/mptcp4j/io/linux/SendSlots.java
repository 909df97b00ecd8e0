package io.mptcp4j.io.linux;

import java.nio.ByteBuffer;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * Native memory for {@code sendmmsg(2)} of whole IP packets: an array of {@code struct mmsghdr}, each with one
 * {@code struct iovec} pointing straight into the caller's direct buffer, a destination sockaddr copied from
 * the packet's own IP header and a control area for one packet-info message that fixes the outgoing interface
 * ({@code IP_PKTINFO} or {@code IPV6_PKTINFO}; see {@link RawTcpSocket#sendPackets(ByteBuffer[], int[], int, int)}).
 * Everything is allocated once; preparing a slot only writes into it. Not thread-safe: the owning socket
 * serialises sends.
 */
final class SendSlots {

    // struct msghdr (64-bit): name 0, namelen 8, iov 16, iovlen 24, control 32, controllen 40, flags 48.
    private static final int MMSGHDR_SIZE = 64; // msghdr (56) + msg_len (4) + padding (4)
    private static final int IOVEC_SIZE = 16;
    private static final int NAME_SIZE = 32; // sockaddr_in6 (28), rounded up
    // cmsg(3) on LP64: struct cmsghdr is size_t cmsg_len, int cmsg_level, int cmsg_type (16 bytes), data follows.
    private static final int CMSG_HEADER = 16;
    private static final int IN_PKTINFO_SIZE = 12;  // ip(7): int ipi_ifindex; in_addr ipi_spec_dst, ipi_addr
    private static final int IN6_PKTINFO_SIZE = 20; // ipv6(7): in6_addr ipi6_addr; int ipi6_ifindex
    private static final int CONTROL_SIZE = CMSG_HEADER + 24; // CMSG_SPACE(in6_pktinfo) = 16 + align8(20)

    private static final int IPV4_DESTINATION_OFFSET = 16;
    private static final int IPV6_DESTINATION_OFFSET = 24;

    private final Pointer meta;
    private final long iovecs;
    private final long names;
    private final long controls;

    SendSlots(int count) {
        this.meta = Memory.allocateDirect(LibC.runtime(),
                count * (MMSGHDR_SIZE + IOVEC_SIZE + NAME_SIZE + CONTROL_SIZE), true);
        this.iovecs = (long) count * MMSGHDR_SIZE;
        this.names = iovecs + (long) count * IOVEC_SIZE;
        this.controls = names + (long) count * NAME_SIZE;
    }

    /** The mmsghdr vector starting at {@code slot}, for sendmmsg. */
    Pointer vector(int slot) {
        return meta.slice((long) slot * MMSGHDR_SIZE);
    }

    /**
     * Points {@code slot} at the packet between {@code packet}'s position and limit (a direct buffer) and sets
     * its destination to the one in the packet's IP header. With {@code interfaceIndex > 0} the slot also carries
     * a packet-info message naming that interface as the outgoing one; with 0 it carries none.
     */
    void prepare(int slot, ByteBuffer packet, AddressFamily family, int interfaceIndex) {
        int start = packet.position();
        long header = (long) slot * MMSGHDR_SIZE;
        long iovec = iovecs + (long) slot * IOVEC_SIZE;
        long name = names + (long) slot * NAME_SIZE;
        meta.putAddress(iovec, DirectBuffers.address(packet) + start);
        meta.putLong(iovec + 8, packet.remaining());

        meta.putShort(name, (short) family.nativeValue());
        meta.putShort(name + 2, (short) 0); // port: unused by raw sockets
        int nameLength;
        if (family == AddressFamily.IPV4) {
            for (int i = 0; i < 4; i++) {
                meta.putByte(name + 4 + i, packet.get(start + IPV4_DESTINATION_OFFSET + i));
            }
            meta.putLong(name + 8, 0); // sin_zero
            nameLength = SocketAddresses.IN4_LENGTH;
        } else {
            meta.putInt(name + 4, 0); // flow info: the packet's header carries it
            for (int i = 0; i < 16; i++) {
                meta.putByte(name + 8 + i, packet.get(start + IPV6_DESTINATION_OFFSET + i));
            }
            meta.putInt(name + 24, 0); // scope id: link-local destinations are not supported
            nameLength = SocketAddresses.IN6_LENGTH;
        }

        meta.putAddress(header, meta.address() + name);
        meta.putInt(header + 8, nameLength);
        meta.putAddress(header + 16, meta.address() + iovec);
        meta.putLong(header + 24, 1);
        if (interfaceIndex > 0) {
            long control = controls + (long) slot * CONTROL_SIZE;
            meta.putAddress(header + 32, meta.address() + control);
            meta.putLong(header + 40, writePacketInfo(control, family, interfaceIndex));
        } else {
            meta.putAddress(header + 32, 0);
            meta.putLong(header + 40, 0);
        }
        meta.putInt(header + 48, 0);
        meta.putInt(header + 56, 0);
    }

    /**
     * Writes one {@code cmsghdr} with the packet info for {@code interfaceIndex} at {@code control}; returns the
     * {@code msg_controllen} to use.
     *
     * <ul>
     *   <li>IPv4, ip(7) {@code IP_PKTINFO}: {@code ipi_ifindex} fixes the interface; {@code ipi_spec_dst} (the
     *       route's source) and {@code ipi_addr} stay 0, so the route lookup is the one a socket bound to that
     *       interface would make. The kernel's {@code ip_cmsg_send} wants {@code cmsg_len} to be exactly
     *       {@code CMSG_LEN(sizeof(struct in_pktinfo))}. With {@code IP_HDRINCL} the header's source is sent
     *       as it is.</li>
     *   <li>IPv6, ipv6(7) / RFC 3542 section 6.1 {@code IPV6_PKTINFO}: {@code ipi6_ifindex} is the interface,
     *       {@code ipi6_addr} stays {@code ::} ("let the kernel choose"). It must: with a source address there
     *       the kernel's route lookup ({@code ip6_route_output}) no longer insists on the interface, and in the
     *       lab the packets left by the destination's route although a route through the interface existed.
     *       With {@code IPV6_HDRINCL} the header's source is sent as it is either way.</li>
     * </ul>
     */
    private long writePacketInfo(long control, AddressFamily family, int interfaceIndex) {
        boolean v4 = family == AddressFamily.IPV4;
        int dataLength = v4 ? IN_PKTINFO_SIZE : IN6_PKTINFO_SIZE;
        meta.putLong(control, CMSG_HEADER + dataLength); // CMSG_LEN
        meta.putInt(control + 8, v4 ? LinuxConstants.IPPROTO_IP : LinuxConstants.IPPROTO_IPV6);
        meta.putInt(control + 12, v4 ? LinuxConstants.IP_PKTINFO : LinuxConstants.IPV6_PKTINFO);
        long data = control + CMSG_HEADER;
        if (v4) {
            meta.putInt(data, interfaceIndex);
            meta.putInt(data + 4, 0);
            meta.putInt(data + 8, 0);
        } else {
            meta.putLong(data, 0);
            meta.putLong(data + 8, 0);
            meta.putInt(data + 16, interfaceIndex);
        }
        return CMSG_HEADER + ((dataLength + 7) & ~7); // CMSG_SPACE
    }
}
