package io.mptcp4j.core.wire;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * The Internet checksum (RFC 1071): the 16-bit one's complement of the one's complement sum of the data taken
 * as big-endian 16-bit words, an odd final byte padded with a zero byte.
 *
 * <p>{@code sum} methods return an unfolded accumulator; accumulators of pieces that each start at an even
 * offset of the checksummed data add up with {@code +}, and {@link #fold} reduces the total to 16 bits. The bulk
 * loops add 8 bytes per step: 2^16 is 1 modulo 2^16 - 1, so 32-bit and 64-bit words give the same folded sum as
 * 16-bit words (RFC 1071 section 2(C)). All offsets are absolute; no buffer position moves.
 *
 * <p>The TCP helpers cover the pseudo-headers of RFC 9293 section 3.1 (IPv4) and RFC 8200 section 8.1 (IPv6).
 * Their compute form returns the value for the checksum field whatever the field currently holds; their verify
 * form checks a received segment as it is.
 */
public final class InternetChecksum {

    /** The IP protocol number, and IPv6 next header value, of TCP. */
    public static final int PROTOCOL_TCP = 6;

    /** Offset of the checksum field in the TCP header (RFC 9293 section 3.1). */
    private static final int TCP_CHECKSUM_OFFSET = 16;
    private static final int TCP_MIN_HEADER = 20;

    private static final VarHandle LONGS_BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private InternetChecksum() {
    }

    /** The unfolded sum of {@code data[offset, offset + length)}. */
    public static long sum(byte[] data, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, data.length);
        int end = offset + length;
        int i = offset;
        long sum = 0;
        for (; i <= end - 8; i += 8) {
            long v = (long) LONGS_BE.get(data, i);
            sum += (v >>> 32) + (v & 0xFFFFFFFFL);
        }
        for (; i <= end - 2; i += 2) {
            sum += ((data[i] & 0xFF) << 8) | (data[i + 1] & 0xFF);
        }
        if (i < end) {
            sum += (data[i] & 0xFF) << 8;
        }
        return sum;
    }

    /** The unfolded sum of the buffer's bytes at absolute indices {@code [offset, offset + length)}. */
    public static long sum(ByteBuffer buf, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, buf.limit());
        int end = offset + length;
        int i = offset;
        long sum = 0;
        for (; i <= end - 8; i += 8) {
            long v = buf.getLong(i);
            sum += (v >>> 32) + (v & 0xFFFFFFFFL);
        }
        if (buf.order() == ByteOrder.LITTLE_ENDIAN) {
            // Summing byte-swapped words gives the byte-swapped sum (RFC 1071 section 2(B)): swap it back once.
            int folded = fold(sum);
            sum = ((folded & 0xFF) << 8) | (folded >>> 8);
        }
        for (; i <= end - 2; i += 2) {
            sum += ((buf.get(i) & 0xFF) << 8) | (buf.get(i + 1) & 0xFF);
        }
        if (i < end) {
            sum += (buf.get(i) & 0xFF) << 8;
        }
        return sum;
    }

    /** Folds an accumulator (read as unsigned) to its 16-bit one's complement sum, end-around carries added in. */
    public static int fold(long sum) {
        long s = (sum & 0xFFFFFFFFL) + (sum >>> 32);
        s = (s & 0xFFFF) + (s >>> 16);
        s = (s & 0xFFFF) + (s >>> 16);
        s = (s & 0xFFFF) + (s >>> 16);
        return (int) s;
    }

    /** The checksum field value for an accumulator: the one's complement of its folded sum. */
    public static int complement(long sum) {
        return ~fold(sum) & 0xFFFF;
    }

    /** The Internet checksum of the buffer's bytes at absolute indices {@code [offset, offset + length)}. */
    public static int checksum(ByteBuffer buf, int offset, int length) {
        return complement(sum(buf, offset, length));
    }

    /** The Internet checksum of {@code data[offset, offset + length)}. */
    public static int checksum(byte[] data, int offset, int length) {
        return complement(sum(data, offset, length));
    }

    /**
     * The unfolded sum of the IPv4 pseudo-header (RFC 9293 section 3.1): source, destination, a zero byte, the
     * protocol and the 16-bit upper-layer length. Addresses are the 32-bit big-endian values.
     */
    public static long ipv4PseudoHeaderSum(int source, int destination, int protocol, int length) {
        if (length < 0 || length > 0xFFFF) {
            throw new IllegalArgumentException("an IPv4 upper-layer length is 16 bits, not " + length);
        }
        return (source >>> 16) + (source & 0xFFFF) + (destination >>> 16) + (destination & 0xFFFF)
                + (protocol & 0xFF) + length;
    }

    /**
     * The unfolded sum of the IPv6 pseudo-header (RFC 8200 section 8.1): 16-byte source and destination, the
     * 32-bit upper-layer packet length, three zero bytes and the next header value.
     */
    public static long ipv6PseudoHeaderSum(byte[] source, byte[] destination, int nextHeader, long length) {
        if (source.length != 16 || destination.length != 16) {
            throw new IllegalArgumentException("IPv6 addresses are 16 bytes");
        }
        if ((length >>> 32) != 0) {
            throw new IllegalArgumentException("an IPv6 upper-layer length is 32 bits, not " + length);
        }
        return sum(source, 0, 16) + sum(destination, 0, 16) + (length >>> 16) + (length & 0xFFFF)
                + (nextHeader & 0xFF);
    }

    /** The TCP checksum field value for the segment at {@code [offset, offset + length)} carried over IPv4. */
    public static int computeTcpIpv4(int source, int destination, ByteBuffer segment, int offset, int length) {
        return complement(ipv4PseudoHeaderSum(source, destination, PROTOCOL_TCP, length)
                + sumSkippingTcpChecksum(segment, offset, length));
    }

    /** Whether the TCP segment at {@code [offset, offset + length)}, carried over IPv4, has a valid checksum. */
    public static boolean verifyTcpIpv4(int source, int destination, ByteBuffer segment, int offset, int length) {
        return fold(ipv4PseudoHeaderSum(source, destination, PROTOCOL_TCP, length)
                + sum(segment, offset, length)) == 0xFFFF;
    }

    /** The TCP checksum field value for the segment at {@code [offset, offset + length)} carried over IPv6. */
    public static int computeTcpIpv6(byte[] source, byte[] destination, ByteBuffer segment, int offset, int length) {
        return complement(ipv6PseudoHeaderSum(source, destination, PROTOCOL_TCP, length)
                + sumSkippingTcpChecksum(segment, offset, length));
    }

    /** Whether the TCP segment at {@code [offset, offset + length)}, carried over IPv6, has a valid checksum. */
    public static boolean verifyTcpIpv6(byte[] source, byte[] destination, ByteBuffer segment, int offset,
                                        int length) {
        return fold(ipv6PseudoHeaderSum(source, destination, PROTOCOL_TCP, length)
                + sum(segment, offset, length)) == 0xFFFF;
    }

    /**
     * The TCP checksum field value with the pseudo-header of the addresses' family; both addresses must be of
     * the same family.
     */
    public static int computeTcp(InetAddress source, InetAddress destination, ByteBuffer segment, int offset,
                                 int length) {
        if (source instanceof Inet4Address s4 && destination instanceof Inet4Address d4) {
            return computeTcpIpv4(IpAddresses.toInt(s4), IpAddresses.toInt(d4), segment, offset, length);
        }
        if (source instanceof Inet6Address && destination instanceof Inet6Address) {
            return computeTcpIpv6(source.getAddress(), destination.getAddress(), segment, offset, length);
        }
        throw new IllegalArgumentException("addresses of different families: " + source + ", " + destination);
    }

    /** Whether the TCP segment verifies with the pseudo-header of the addresses' family. */
    public static boolean verifyTcp(InetAddress source, InetAddress destination, ByteBuffer segment, int offset,
                                    int length) {
        if (source instanceof Inet4Address s4 && destination instanceof Inet4Address d4) {
            return verifyTcpIpv4(IpAddresses.toInt(s4), IpAddresses.toInt(d4), segment, offset, length);
        }
        if (source instanceof Inet6Address && destination instanceof Inet6Address) {
            return verifyTcpIpv6(source.getAddress(), destination.getAddress(), segment, offset, length);
        }
        throw new IllegalArgumentException("addresses of different families: " + source + ", " + destination);
    }

    /** The segment's sum with its checksum field read as zero: both pieces start at even offsets. */
    private static long sumSkippingTcpChecksum(ByteBuffer segment, int offset, int length) {
        if (length < TCP_MIN_HEADER) {
            throw new IllegalArgumentException("a TCP segment has at least 20 bytes, not " + length);
        }
        int afterChecksum = TCP_CHECKSUM_OFFSET + 2;
        return sum(segment, offset, TCP_CHECKSUM_OFFSET)
                + sum(segment, offset + afterChecksum, length - afterChecksum);
    }
}
