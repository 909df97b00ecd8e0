package io.mptcp4j.io.linux;

import java.nio.ByteBuffer;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * Native memory for {@code sendmmsg(2)} of whole IP packets: an array of {@code struct mmsghdr}, each with one
 * {@code struct iovec} pointing straight into the caller's direct buffer and a destination sockaddr copied from
 * the packet's own IP header. Not thread-safe: the owning socket serialises sends.
 */
final class SendSlots {

    // struct msghdr (64-bit): name 0, namelen 8, iov 16, iovlen 24, control 32, controllen 40, flags 48.
    private static final int MMSGHDR_SIZE = 64; // msghdr (56) + msg_len (4) + padding (4)
    private static final int IOVEC_SIZE = 16;
    private static final int NAME_SIZE = 32; // sockaddr_in6 (28), rounded up

    private static final int IPV4_DESTINATION_OFFSET = 16;
    private static final int IPV6_DESTINATION_OFFSET = 24;

    private final Pointer meta;
    private final long iovecs;
    private final long names;

    SendSlots(int count) {
        this.meta = Memory.allocateDirect(LibC.runtime(), count * (MMSGHDR_SIZE + IOVEC_SIZE + NAME_SIZE), true);
        this.iovecs = (long) count * MMSGHDR_SIZE;
        this.names = iovecs + (long) count * IOVEC_SIZE;
    }

    /** The mmsghdr vector starting at {@code slot}, for sendmmsg. */
    Pointer vector(int slot) {
        return meta.slice((long) slot * MMSGHDR_SIZE);
    }

    /**
     * Points {@code slot} at the packet between {@code packet}'s position and limit (a direct buffer) and sets
     * its destination to the one in the packet's IP header.
     */
    void prepare(int slot, ByteBuffer packet, AddressFamily family) {
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
        meta.putAddress(header + 32, 0);
        meta.putLong(header + 40, 0);
        meta.putInt(header + 48, 0);
        meta.putInt(header + 56, 0);
    }
}
