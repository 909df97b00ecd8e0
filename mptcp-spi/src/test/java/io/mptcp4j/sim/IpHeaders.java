package io.mptcp4j.sim;

import java.nio.ByteBuffer;

/**
 * The little the simulator reads from an IP header: the version, where the addresses are, and how long the
 * header is. Every method reads with absolute indexes from the buffer's position and allocates nothing.
 */
final class IpHeaders {

    static final int IPV4_HEADER = 20;
    static final int IPV6_HEADER = 40;

    private IpHeaders() {
    }

    /**
     * The length of the addresses of a complete IPv4 or IPv6 packet: 4 or 16.
     *
     * @throws IllegalArgumentException if the buffer does not hold exactly one IP packet by its length fields
     */
    static int addressLength(ByteBuffer packet) {
        int start = packet.position();
        int size = packet.remaining();
        int version = size == 0 ? -1 : (packet.get(start) & 0xFF) >>> 4;
        if (version == 4 && size >= IPV4_HEADER) {
            int totalLength = packet.getShort(start + 2) & 0xFFFF;
            requireLength(totalLength, size);
            return 4;
        }
        if (version == 6 && size >= IPV6_HEADER) {
            int totalLength = IPV6_HEADER + (packet.getShort(start + 4) & 0xFFFF);
            requireLength(totalLength, size);
            return 16;
        }
        throw new IllegalArgumentException("not an IPv4 or IPv6 packet: " + size + " bytes, version " + version);
    }

    /** Offset of the source address from the buffer's start, given the {@link #addressLength}. */
    static int sourceOffset(ByteBuffer packet, int addressLength) {
        return packet.position() + (addressLength == 4 ? 12 : 8);
    }

    /** Offset of the destination address from the buffer's start, given the {@link #addressLength}. */
    static int destinationOffset(ByteBuffer packet, int addressLength) {
        return packet.position() + (addressLength == 4 ? 16 : 24);
    }

    /** Whether the bytes at {@code offset} equal {@code address}. */
    static boolean addressEquals(ByteBuffer packet, int offset, byte[] address) {
        for (int i = 0; i < address.length; i++) {
            if (packet.get(offset + i) != address[i]) {
                return false;
            }
        }
        return true;
    }

    /** The length of the fixed IP header of a packet already checked by {@link #addressLength}. */
    static int headerLength(byte[] packet) {
        return (packet[0] & 0xF0) == 0x40 ? (packet[0] & 0x0F) * 4 : IPV6_HEADER;
    }

    private static void requireLength(int declared, int actual) {
        if (declared != actual) {
            throw new IllegalArgumentException(
                    "IP length field says " + declared + " bytes but the packet has " + actual);
        }
    }
}
