package io.mptcp4j.core.wire;

import static io.mptcp4j.core.wire.MalformedPacketException.Reason.BAD_LENGTH;
import static io.mptcp4j.core.wire.MalformedPacketException.Reason.BAD_VERSION;
import static io.mptcp4j.core.wire.MalformedPacketException.Reason.TRUNCATED;
import static io.mptcp4j.core.wire.WireFixtures.DST6;
import static io.mptcp4j.core.wire.WireFixtures.SRC6;
import static io.mptcp4j.core.wire.WireFixtures.buffer;
import static io.mptcp4j.core.wire.WireFixtures.hex;
import static io.mptcp4j.core.wire.WireFixtures.ipv6;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mptcp4j.core.wire.MalformedPacketException.Reason;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class Ipv6HeaderTest {

    /** Version 6, traffic class 0xb8, flow label 0x12345, payload 20, next header TCP, hop limit 64. */
    private static final String HEADER = "6b812345" + "0014" + "06" + "40"
            + "20010db8000000000000000000000001" + "20010db8000000000000000000000002";

    @Test
    void decodesAKnownHeader() throws MalformedPacketException {
        ByteBuffer packet = buffer(HEADER + "00".repeat(20));

        Ipv6Header header = Ipv6Header.parse(packet);

        assertThat(header).isEqualTo(new Ipv6Header(0xb8, 0x12345, 20, 6, 64, ipv6(SRC6), ipv6(DST6)));
        assertThat(header.dscp()).isEqualTo(46);
        assertThat(header.ecn()).isZero();
        assertThat(packet.position()).isZero();
        assertThat(header.toString()).contains("2001:db8:0:0:0:0:0:1 > 2001:db8:0:0:0:0:0:2", "hlim 64");
    }

    @Test
    void encodesTheSameBytes() {
        ByteBuffer out = ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN);
        new Ipv6Header(0xb8, 0x12345, 20, 6, 64, ipv6(SRC6), ipv6(DST6)).encode(out);
        assertThat(out.position()).isEqualTo(40);
        assertThat(out.array()).isEqualTo(hex(HEADER));
    }

    @Test
    void keepsIpv4MappedAddressesAsIpv6() throws MalformedPacketException {
        String mapped = "00000000000000000000ffffc0a80001";
        Ipv6Header header = Ipv6Header.parse(buffer("60000000000006ff" + mapped + mapped));
        assertThat(header.source().getAddress()).isEqualTo(hex(mapped));
    }

    @Test
    void acceptsTrailingBytesAndAnOffsetPosition() throws MalformedPacketException {
        ByteBuffer packet = buffer("abcd" + HEADER + "00".repeat(30)).position(2);
        assertThat(Ipv6Header.parse(packet).payloadLength()).isEqualTo(20);
        assertThat(packet.position()).isEqualTo(2);
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("39 bytes", HEADER.substring(0, 78), TRUNCATED),
                Arguments.of("version 4", "4" + HEADER.substring(1) + "00".repeat(20), BAD_VERSION),
                Arguments.of("version 7", "7" + HEADER.substring(1) + "00".repeat(20), BAD_VERSION),
                Arguments.of("payload length past the data", HEADER + "00".repeat(19), BAD_LENGTH),
                Arguments.of("payload length 0xffff", HEADER.substring(0, 8) + "ffff" + HEADER.substring(12),
                        BAD_LENGTH));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void rejects(String name, String hex, Reason reason) {
        assertThatThrownBy(() -> Ipv6Header.parse(buffer(hex)))
                .isInstanceOfSatisfying(MalformedPacketException.class, e -> assertThat(e.reason()).isEqualTo(reason));
    }

    @Test
    void constructorRejectsImpossibleFields() {
        assertThatThrownBy(() -> new Ipv6Header(0, 0x100000, 0, 6, 64, ipv6(SRC6), ipv6(DST6)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Ipv6Header(0x100, 0, 0, 6, 64, ipv6(SRC6), ipv6(DST6)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Ipv6Header(0, 0, 0x10000, 6, 64, ipv6(SRC6), ipv6(DST6)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Ipv6Header(0, 0, 0, 6, 64, null, ipv6(DST6)))
                .isInstanceOf(NullPointerException.class);
    }
}
