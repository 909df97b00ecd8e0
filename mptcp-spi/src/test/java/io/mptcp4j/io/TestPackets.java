package io.mptcp4j.io;

import io.mptcp4j.core.wire.Ipv4Header;
import io.mptcp4j.core.wire.Ipv6Header;
import io.mptcp4j.core.wire.TcpOption;
import io.mptcp4j.core.wire.TcpSegment;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.List;

/** Complete IPv4 and IPv6 TCP packets built with the {@code core.wire} codecs, for device tests. */
public final class TestPackets {

    private static final int PROTOCOL_TCP = 6;
    private static final ByteBuffer NO_PAYLOAD = ByteBuffer.allocate(0);

    private TestPackets() {
    }

    /**
     * {@code segment} behind an IP header from {@code source} to {@code destination} (the family of the
     * addresses) with {@code ttl} as TTL or hop limit, checksums computed; a flipped direct buffer.
     */
    public static ByteBuffer packet(InetAddress source, InetAddress destination, int ttl, TcpSegment segment) {
        int tcpLength = segment.encodedLength();
        ByteBuffer b;
        if (source instanceof Inet4Address) {
            b = ByteBuffer.allocateDirect(Ipv4Header.MIN_LENGTH + tcpLength);
            new Ipv4Header(0, Ipv4Header.MIN_LENGTH + tcpLength, 0x1234, Ipv4Header.FLAG_DONT_FRAGMENT, 0, ttl,
                    PROTOCOL_TCP, 0, ByteBuffer.wrap(source.getAddress()).getInt(),
                    ByteBuffer.wrap(destination.getAddress()).getInt(), new byte[0]).encode(b);
        } else {
            b = ByteBuffer.allocateDirect(Ipv6Header.LENGTH + tcpLength);
            new Ipv6Header(0, 0, tcpLength, PROTOCOL_TCP, ttl, (Inet6Address) source, (Inet6Address) destination)
                    .encode(b);
        }
        segment.encode(b, source, destination);
        return b.flip();
    }

    /** A SYN with an MSS option. */
    public static ByteBuffer syn(InetAddress source, InetAddress destination, int sourcePort, int destinationPort,
                                 long isn) {
        return packet(source, destination, 64, TcpSegment.of(sourcePort, destinationPort, isn, 0, TcpSegment.SYN,
                65_535, List.of(new TcpOption.Mss(1460)), NO_PAYLOAD));
    }

    /** A RST with sequence number {@code seq}, to end a half-open handshake politely. */
    public static ByteBuffer reset(InetAddress source, InetAddress destination, int sourcePort, int destinationPort,
                                   long seq) {
        return packet(source, destination, 64, TcpSegment.of(sourcePort, destinationPort, seq, 0, TcpSegment.RST,
                0, List.of(), NO_PAYLOAD));
    }

    /** The bytes between position and limit. */
    public static byte[] bytes(ByteBuffer packet) {
        byte[] out = new byte[packet.remaining()];
        packet.get(packet.position(), out);
        return out;
    }
}
