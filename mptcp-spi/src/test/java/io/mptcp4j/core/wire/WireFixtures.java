package io.mptcp4j.core.wire;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.HexFormat;

/** Byte vectors and a deliberately naive checksum, shared by the IP and TCP codec tests. */
final class WireFixtures {

    static final String SRC4 = "192.168.0.104";
    static final String DST4 = "192.168.0.1";
    static final String SRC6 = "2001:db8::1";
    static final String DST6 = "2001:db8::2";

    /** The option area of a Linux SYN: MSS 1460, SACK permitted, timestamps, NOP, window scale 7. */
    static final String LINUX_SYN_OPTIONS = "020405b4" + "0402" + "080a009c273400000000" + "01" + "030307";

    /**
     * A Linux SYN from 192.168.0.104:41138 to 192.168.0.1:80, seq 0x3a8f5c01, window 64240, with the options
     * above; its checksum, 0x6bf2, was computed outside this project.
     */
    static final String LINUX_SYN_TCP = "a0b20050" + "3a8f5c01" + "00000000" + "a002" + "faf0" + "6bf2" + "0000"
            + LINUX_SYN_OPTIONS;

    /** The same SYN's TCP checksum over IPv6 from 2001:db8::1 to 2001:db8::2, computed outside this project. */
    static final int LINUX_SYN_TCP_CHECKSUM_IPV6 = 0x9237;

    /** The IPv4 header in front of that SYN: DF, TTL 64, id 0x1c46, header checksum 0x9cbc. */
    static final String LINUX_SYN_IPV4 = "4500003c" + "1c464000" + "4006" + "9cbc" + "c0a80068" + "c0a80001";

    private WireFixtures() {
    }

    static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex);
    }

    static ByteBuffer buffer(String hex) {
        return ByteBuffer.wrap(hex(hex));
    }

    static Inet4Address ipv4(String literal) {
        return (Inet4Address) address(literal);
    }

    static Inet6Address ipv6(String literal) {
        return (Inet6Address) address(literal);
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    static int ipv4Int(String literal) {
        return ByteBuffer.wrap(ipv4(literal).getAddress()).getInt();
    }

    /** RFC 1071 done the slow, obvious way: 16-bit words one at a time, carries folded at the end. */
    static int referenceChecksum(byte[]... parts) {
        int total = 0;
        for (byte[] part : parts) {
            total += part.length;
        }
        byte[] all = new byte[total + 1];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        long sum = 0;
        for (int i = 0; i < total; i += 2) {
            sum += ((all[i] & 0xFF) << 8) + (all[i + 1] & 0xFF);
        }
        while (sum > 0xFFFF) {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        return (int) (~sum & 0xFFFF);
    }

    /** The IPv4 pseudo-header bytes of RFC 9293 section 3.1, for the reference checksum. */
    static byte[] ipv4PseudoHeader(String source, String destination, int tcpLength) {
        return ByteBuffer.allocate(12).put(ipv4(source).getAddress()).put(ipv4(destination).getAddress())
                .put((byte) 0).put((byte) 6).putShort((short) tcpLength).array();
    }

    /** The IPv6 pseudo-header bytes of RFC 8200 section 8.1, for the reference checksum. */
    static byte[] ipv6PseudoHeader(String source, String destination, int tcpLength) {
        return ByteBuffer.allocate(40).put(ipv6(source).getAddress()).put(ipv6(destination).getAddress())
                .putInt(tcpLength).put(new byte[3]).put((byte) 6).array();
    }
}
