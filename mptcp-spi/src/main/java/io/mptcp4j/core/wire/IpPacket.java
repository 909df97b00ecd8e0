package io.mptcp4j.core.wire;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.nio.ByteBuffer;
import java.util.Objects;

import static io.mptcp4j.core.wire.MalformedPacketException.Reason.BAD_CHECKSUM;
import static io.mptcp4j.core.wire.MalformedPacketException.Reason.BAD_FIELD;

/**
 * One-step decoding of a received TCP packet: the IP layer, the checksum, then the TCP segment. Every method reads
 * between the buffer's position and limit, never moves the position, and throws only
 * {@link MalformedPacketException}. The decoded payload aliases the buffer (see {@link TcpSegment}).
 */
public final class IpPacket {

    private IpPacket() {
    }

    /**
     * Decodes an IPv4 packet carrying TCP, as a Linux raw IPv4 socket delivers it (header included). Bytes past
     * the IP total length are ignored.
     *
     * @param verifyChecksums whether to check the IPv4 header checksum and the TCP checksum
     * @throws MalformedPacketException any reason of {@link Ipv4Header#parse} or {@link TcpSegment#parse};
     *                                  BAD_FIELD if the protocol is not TCP or the packet is a fragment;
     *                                  BAD_CHECKSUM if a checksum is checked and does not verify
     */
    public static Ipv4Tcp decodeIpv4Tcp(ByteBuffer packet, boolean verifyChecksums) throws MalformedPacketException {
        Ipv4Header header = Ipv4Header.parse(packet);
        // The header checksum first: a corrupt header's protocol and fragment fields mean nothing.
        if (verifyChecksums && !header.checksumValid()) {
            throw new MalformedPacketException(BAD_CHECKSUM, "IPv4 header checksum 0x"
                    + Integer.toHexString(header.headerChecksum()) + " does not verify");
        }
        if (header.protocol() != InternetChecksum.PROTOCOL_TCP) {
            throw new MalformedPacketException(BAD_FIELD, "IP protocol " + header.protocol() + " is not TCP");
        }
        if (header.isFragment()) {
            // Linux reassembles before raw delivery; a fragment here comes from a capture path.
            throw new MalformedPacketException(BAD_FIELD, "fragment at offset " + header.fragmentOffset() * 8
                    + (header.moreFragments() ? " with more to follow" : ""));
        }
        int start = packet.position() + header.headerLength();
        int length = header.payloadLength();
        if (verifyChecksums && !InternetChecksum.verifyTcpIpv4(header.source(), header.destination(), packet, start,
                length)) {
            throw new MalformedPacketException(BAD_CHECKSUM, "TCP checksum does not verify");
        }
        return new Ipv4Tcp(header, TcpSegment.parse(packet, start, start + length));
    }

    /**
     * Decodes a TCP segment that arrived over IPv6 between these addresses, as a Linux raw IPv6 socket delivers
     * it (no IP header; the addresses come from the socket).
     *
     * @param verifyChecksum whether to check the TCP checksum
     * @throws MalformedPacketException any reason of {@link TcpSegment#parse}; BAD_CHECKSUM if the checksum is
     *                                  checked and does not verify
     */
    public static TcpSegment decodeIpv6Tcp(Inet6Address source, Inet6Address destination, ByteBuffer segment,
                                           boolean verifyChecksum) throws MalformedPacketException {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(destination, "destination");
        if (verifyChecksum) {
            verifyIpv6(source.getAddress(), destination.getAddress(), segment, segment.position(),
                    segment.remaining());
        }
        return TcpSegment.parse(segment);
    }

    /**
     * Decodes a whole IPv6 packet whose fixed header is directly followed by TCP (capture paths). Bytes past the
     * payload length are ignored.
     *
     * @param verifyChecksum whether to check the TCP checksum
     * @throws MalformedPacketException any reason of {@link Ipv6Header#parse} or {@link TcpSegment#parse};
     *                                  BAD_FIELD if the next header is not TCP (extension headers are not
     *                                  walked); BAD_CHECKSUM if the checksum is checked and does not verify
     */
    public static Ipv6Tcp decodeIpv6Tcp(ByteBuffer packet, boolean verifyChecksum) throws MalformedPacketException {
        Ipv6Header header = Ipv6Header.parse(packet);
        if (header.nextHeader() != InternetChecksum.PROTOCOL_TCP) {
            throw new MalformedPacketException(BAD_FIELD, "next header " + header.nextHeader() + " is not TCP");
        }
        int start = packet.position() + Ipv6Header.LENGTH;
        int length = header.payloadLength();
        if (verifyChecksum) {
            verifyIpv6(header.source().getAddress(), header.destination().getAddress(), packet, start, length);
        }
        return new Ipv6Tcp(header, TcpSegment.parse(packet, start, start + length));
    }

    private static void verifyIpv6(byte[] source, byte[] destination, ByteBuffer buf, int start, int length)
            throws MalformedPacketException {
        if (!InternetChecksum.verifyTcpIpv6(source, destination, buf, start, length)) {
            throw new MalformedPacketException(BAD_CHECKSUM, "TCP checksum does not verify");
        }
    }

    /** A TCP segment with the IPv4 header it arrived under. */
    public record Ipv4Tcp(Ipv4Header header, TcpSegment segment) {

        public Ipv4Tcp {
            Objects.requireNonNull(header, "header");
            Objects.requireNonNull(segment, "segment");
        }

        public Inet4Address source() {
            return header.sourceAddress();
        }

        public Inet4Address destination() {
            return header.destinationAddress();
        }
    }

    /** A TCP segment with the IPv6 header it arrived under. */
    public record Ipv6Tcp(Ipv6Header header, TcpSegment segment) {

        public Ipv6Tcp {
            Objects.requireNonNull(header, "header");
            Objects.requireNonNull(segment, "segment");
        }
    }
}
