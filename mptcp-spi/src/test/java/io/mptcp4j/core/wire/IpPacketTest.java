package io.mptcp4j.core.wire;

import static io.mptcp4j.core.wire.MalformedPacketException.Reason.BAD_CHECKSUM;
import static io.mptcp4j.core.wire.MalformedPacketException.Reason.BAD_FIELD;
import static io.mptcp4j.core.wire.MalformedPacketException.Reason.BAD_LENGTH;
import static io.mptcp4j.core.wire.MalformedPacketException.Reason.BAD_VERSION;
import static io.mptcp4j.core.wire.MalformedPacketException.Reason.TRUNCATED;
import static io.mptcp4j.core.wire.WireFixtures.DST4;
import static io.mptcp4j.core.wire.WireFixtures.DST6;
import static io.mptcp4j.core.wire.WireFixtures.LINUX_SYN_IPV4;
import static io.mptcp4j.core.wire.WireFixtures.LINUX_SYN_TCP;
import static io.mptcp4j.core.wire.WireFixtures.SRC4;
import static io.mptcp4j.core.wire.WireFixtures.SRC6;
import static io.mptcp4j.core.wire.WireFixtures.buffer;
import static io.mptcp4j.core.wire.WireFixtures.ipv4;
import static io.mptcp4j.core.wire.WireFixtures.ipv4Int;
import static io.mptcp4j.core.wire.WireFixtures.ipv6;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mptcp4j.core.wire.MalformedPacketException.Reason;
import io.mptcp4j.core.wire.TcpOption.Timestamps;
import java.net.Inet6Address;
import java.nio.ByteBuffer;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class IpPacketTest {

    private static final TcpSegment DATA = TcpSegment.of(40000, 443, 1000, 2000, TcpSegment.PSH | TcpSegment.ACK,
            1024, List.of(new Timestamps(5, 6)), ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5}));

    @Test
    void decodesAndVerifiesALinuxSynOverIpv4() throws MalformedPacketException {
        ByteBuffer packet = buffer(LINUX_SYN_IPV4 + LINUX_SYN_TCP);

        IpPacket.Ipv4Tcp decoded = IpPacket.decodeIpv4Tcp(packet, true);

        assertThat(decoded.header()).isEqualTo(Ipv4Header.parse(buffer(LINUX_SYN_IPV4 + LINUX_SYN_TCP)));
        assertThat(decoded.segment()).isEqualTo(TcpSegment.parse(buffer(LINUX_SYN_TCP)));
        assertThat(decoded.source()).isEqualTo(ipv4(SRC4));
        assertThat(decoded.destination()).isEqualTo(ipv4(DST4));
        assertThat(packet.position()).isZero();
        assertThat(packet.limit()).isEqualTo(60);
    }

    @Test
    void ignoresLinkLayerPaddingPastTheTotalLength() throws MalformedPacketException {
        ByteBuffer packet = ipv4Packet(6, 0, 0, DATA, 6);
        TcpSegment segment = IpPacket.decodeIpv4Tcp(packet, true).segment();
        assertThat(segment.payloadLength()).isEqualTo(5);
        assertThat(segment.timestamps()).contains(new Timestamps(5, 6));
    }

    @Test
    void decodesAtAnOffsetPosition() throws MalformedPacketException {
        ByteBuffer inner = ipv4Packet(6, 0, 0, DATA, 0);
        ByteBuffer packet = ByteBuffer.allocate(inner.remaining() + 9).position(9).put(inner).position(9);
        assertThat(IpPacket.decodeIpv4Tcp(packet, true).segment().payload())
                .isEqualTo(ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5}));
        assertThat(packet.position()).isEqualTo(9);
    }

    @Test
    void aCorruptTcpByteFailsVerificationUnlessSkipped() throws MalformedPacketException {
        ByteBuffer packet = ipv4Packet(6, 0, 0, DATA, 0);
        packet.put(packet.limit() - 1, (byte) 0x55);

        assertRejected(() -> IpPacket.decodeIpv4Tcp(packet, true), BAD_CHECKSUM);
        assertThat(IpPacket.decodeIpv4Tcp(packet, false).segment().payload().get(4)).isEqualTo((byte) 0x55);
    }

    @Test
    void aCorruptIpHeaderFailsVerificationUnlessSkipped() throws MalformedPacketException {
        ByteBuffer packet = ipv4Packet(6, 0, 0, DATA, 0);
        packet.put(8, (byte) 63); // TTL changed without fixing the header checksum

        assertRejected(() -> IpPacket.decodeIpv4Tcp(packet, true), BAD_CHECKSUM);
        assertThat(IpPacket.decodeIpv4Tcp(packet, false).header().timeToLive()).isEqualTo(63);
    }

    @Test
    void rejectsWhatIsNotAWholeTcpDatagram() {
        assertRejected(() -> IpPacket.decodeIpv4Tcp(ipv4Packet(17, 0, 0, DATA, 0), false), BAD_FIELD);
        assertRejected(() -> IpPacket.decodeIpv4Tcp(ipv4Packet(6, Ipv4Header.FLAG_MORE_FRAGMENTS, 0, DATA, 0), false),
                BAD_FIELD);
        assertRejected(() -> IpPacket.decodeIpv4Tcp(ipv4Packet(6, 0, 185, DATA, 0), false), BAD_FIELD);
    }

    @Test
    void passesOnIpAndTcpReasons() {
        assertRejected(() -> IpPacket.decodeIpv4Tcp(buffer("6" + LINUX_SYN_IPV4.substring(1) + LINUX_SYN_TCP), true),
                BAD_VERSION);
        assertRejected(() -> IpPacket.decodeIpv4Tcp(buffer(LINUX_SYN_IPV4.substring(0, 30)), true), TRUNCATED);
        assertRejected(() -> IpPacket.decodeIpv4Tcp(buffer(LINUX_SYN_IPV4 + LINUX_SYN_TCP.substring(0, 60)), false),
                BAD_LENGTH);
        // Total length 39: 19 bytes of TCP.
        String shortIp = "45000027" + LINUX_SYN_IPV4.substring(8);
        assertRejected(() -> IpPacket.decodeIpv4Tcp(buffer(shortIp + LINUX_SYN_TCP.substring(0, 38)), false),
                TRUNCATED);
    }

    @Test
    void decodesASegmentFromAnIpv6RawSocket() throws MalformedPacketException {
        Inet6Address source = ipv6(SRC6);
        Inet6Address destination = ipv6(DST6);
        ByteBuffer segment = ByteBuffer.allocate(DATA.encodedLength());
        DATA.encode(segment, source, destination);
        segment.flip();

        TcpSegment decoded = IpPacket.decodeIpv6Tcp(source, destination, segment, true);

        assertThat(decoded.payload()).isEqualTo(DATA.payload());
        assertThat(decoded.timestamps()).isEqualTo(DATA.timestamps());
        assertThat(segment.position()).isZero();
        assertRejected(() -> IpPacket.decodeIpv6Tcp(source, ipv6("2001:db8::3"), segment, true), BAD_CHECKSUM);
        assertThat(IpPacket.decodeIpv6Tcp(source, ipv6("2001:db8::3"), segment, false)).isEqualTo(decoded);
    }

    @Test
    void decodesAWholeIpv6Packet() throws MalformedPacketException {
        ByteBuffer packet = ipv6Packet(6);

        IpPacket.Ipv6Tcp decoded = IpPacket.decodeIpv6Tcp(packet, true);

        assertThat(decoded.header().source()).isEqualTo(ipv6(SRC6));
        assertThat(decoded.header().payloadLength()).isEqualTo(DATA.encodedLength());
        assertThat(decoded.segment().payload()).isEqualTo(DATA.payload());
        assertThat(packet.position()).isZero();

        packet.put(packet.limit() - 3, (byte) 0x77); // inside the 4 trailing padding bytes: ignored
        assertThat(IpPacket.decodeIpv6Tcp(packet, true)).isEqualTo(decoded);
        packet.put(40 + 20 + 6, (byte) 0x77); // inside a timestamp value, aligned or not
        assertRejected(() -> IpPacket.decodeIpv6Tcp(packet, true), BAD_CHECKSUM);
        assertThat(IpPacket.decodeIpv6Tcp(packet, false).segment().options()).isNotEqualTo(DATA.options());
    }

    @Test
    void rejectsAnIpv6PacketWhoseNextHeaderIsNotTcp() {
        assertRejected(() -> IpPacket.decodeIpv6Tcp(ipv6Packet(0), true), BAD_FIELD);
        assertRejected(() -> IpPacket.decodeIpv6Tcp(ipv6Packet(17), false), BAD_FIELD);
    }

    /** IPv4 header with a valid checksum, then the segment with a valid checksum, then padding. */
    private static ByteBuffer ipv4Packet(int protocol, int flags, int fragmentOffset, TcpSegment segment, int padding) {
        int total = Ipv4Header.MIN_LENGTH + segment.encodedLength();
        Ipv4Header header = new Ipv4Header(0, total, 7, flags, fragmentOffset, 64, protocol, 0, ipv4Int(SRC4),
                ipv4Int(DST4), new byte[0]);
        ByteBuffer packet = ByteBuffer.allocate(total + padding);
        header.encode(packet);
        segment.encodeIpv4(packet, ipv4Int(SRC4), ipv4Int(DST4));
        return packet.clear();
    }

    private static ByteBuffer ipv6Packet(int nextHeader) {
        Ipv6Header header = new Ipv6Header(0, 0, DATA.encodedLength(), nextHeader, 64, ipv6(SRC6), ipv6(DST6));
        ByteBuffer packet = ByteBuffer.allocate(Ipv6Header.LENGTH + DATA.encodedLength() + 4);
        header.encode(packet);
        DATA.encode(packet, ipv6(SRC6), ipv6(DST6));
        return packet.clear();
    }

    private static void assertRejected(ThrowingCallable decode, Reason reason) {
        assertThatThrownBy(decode)
                .isInstanceOfSatisfying(MalformedPacketException.class, e -> assertThat(e.reason()).isEqualTo(reason));
    }
}
