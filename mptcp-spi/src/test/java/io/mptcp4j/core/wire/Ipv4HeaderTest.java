package io.mptcp4j.core.wire;

import static io.mptcp4j.core.wire.MalformedPacketException.Reason.BAD_LENGTH;
import static io.mptcp4j.core.wire.MalformedPacketException.Reason.BAD_VERSION;
import static io.mptcp4j.core.wire.MalformedPacketException.Reason.TRUNCATED;
import static io.mptcp4j.core.wire.WireFixtures.DST4;
import static io.mptcp4j.core.wire.WireFixtures.LINUX_SYN_IPV4;
import static io.mptcp4j.core.wire.WireFixtures.LINUX_SYN_TCP;
import static io.mptcp4j.core.wire.WireFixtures.SRC4;
import static io.mptcp4j.core.wire.WireFixtures.buffer;
import static io.mptcp4j.core.wire.WireFixtures.hex;
import static io.mptcp4j.core.wire.WireFixtures.ipv4;
import static io.mptcp4j.core.wire.WireFixtures.ipv4Int;
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

class Ipv4HeaderTest {

    @Test
    void decodesTheHeaderOfALinuxSyn() throws MalformedPacketException {
        ByteBuffer packet = buffer(LINUX_SYN_IPV4 + LINUX_SYN_TCP);

        Ipv4Header header = Ipv4Header.parse(packet);

        assertThat(header.headerLength()).isEqualTo(20);
        assertThat(header.totalLength()).isEqualTo(60);
        assertThat(header.payloadLength()).isEqualTo(40);
        assertThat(header.identification()).isEqualTo(0x1c46);
        assertThat(header.dontFragment()).isTrue();
        assertThat(header.moreFragments()).isFalse();
        assertThat(header.isFragment()).isFalse();
        assertThat(header.timeToLive()).isEqualTo(64);
        assertThat(header.protocol()).isEqualTo(6);
        assertThat(header.headerChecksum()).isEqualTo(0x9cbc);
        assertThat(header.checksumValid()).isTrue();
        assertThat(header.sourceAddress()).isEqualTo(ipv4(SRC4));
        assertThat(header.destinationAddress()).isEqualTo(ipv4(DST4));
        assertThat(header.source()).isEqualTo(ipv4Int(SRC4));
        assertThat(header.options()).isEmpty();
        assertThat(packet.position()).isZero();
    }

    @Test
    void encodeWritesTheComputedChecksum() {
        Ipv4Header header = new Ipv4Header(0, 60, 0x1c46, Ipv4Header.FLAG_DONT_FRAGMENT, 0, 64, 6, 0,
                ipv4Int(SRC4), ipv4Int(DST4), new byte[0]);
        ByteBuffer out = ByteBuffer.allocate(20);

        header.encode(out);

        assertThat(out.position()).isEqualTo(20);
        assertThat(out.array()).isEqualTo(hex(LINUX_SYN_IPV4));
        assertThat(header.computeChecksum()).isEqualTo(0x9cbc);
        assertThat(header.checksumValid()).isFalse();
    }

    @Test
    void roundTripsOptionsFragmentsAndTos() throws MalformedPacketException {
        byte[] options = hex("01010101" + "94040000"); // NOPs and a router alert, kept as bytes
        int checksum = new Ipv4Header(0xb9, 128, 0xbeef, Ipv4Header.FLAG_MORE_FRAGMENTS, 0x1abc, 1, 17, 0,
                0x0a000001, 0xfffffffe, options).computeChecksum();
        Ipv4Header header = new Ipv4Header(0xb9, 128, 0xbeef, Ipv4Header.FLAG_MORE_FRAGMENTS, 0x1abc, 1, 17,
                checksum, 0x0a000001, 0xfffffffe, options);
        ByteBuffer out = ByteBuffer.allocate(128).order(ByteOrder.LITTLE_ENDIAN);

        header.encode(out);
        assertThat(out.position()).isEqualTo(28);
        Ipv4Header decoded = Ipv4Header.parse(out.clear());

        assertThat(decoded).isEqualTo(header);
        assertThat(decoded.hashCode()).isEqualTo(header.hashCode());
        assertThat(decoded.headerLength()).isEqualTo(28);
        assertThat(decoded.dscp()).isEqualTo(0xb9 >>> 2);
        assertThat(decoded.ecn()).isEqualTo(1);
        assertThat(decoded.isFragment()).isTrue();
        assertThat(decoded.checksumValid()).isTrue();
        assertThat(decoded.options()).isEqualTo(options);
        assertThat(decoded.destinationAddress().getHostAddress()).isEqualTo("255.255.255.254");
        assertThat(decoded.toString()).contains("10.0.0.1 > 255.255.255.254", "ttl 1", "proto 17", "flags [+]");
    }

    @Test
    void acceptsTrailingBytesPastTheTotalLength() throws MalformedPacketException {
        Ipv4Header header = Ipv4Header.parse(buffer(LINUX_SYN_IPV4 + LINUX_SYN_TCP + "000000000000"));
        assertThat(header.totalLength()).isEqualTo(60);
    }

    @Test
    void parsesAtTheBufferPositionWithoutMovingIt() throws MalformedPacketException {
        ByteBuffer packet = buffer("ffffff" + LINUX_SYN_IPV4 + LINUX_SYN_TCP).position(3);
        Ipv4Header header = Ipv4Header.parse(packet);
        assertThat(header.checksumValid()).isTrue();
        assertThat(packet.position()).isEqualTo(3);
        assertThat(packet.limit()).isEqualTo(63);
    }

    static Stream<Arguments> malformed() {
        String tcp = LINUX_SYN_TCP;
        return Stream.of(
                Arguments.of("empty", "", TRUNCATED),
                Arguments.of("19 bytes", LINUX_SYN_IPV4.substring(0, 38), TRUNCATED),
                Arguments.of("version 6", "6" + LINUX_SYN_IPV4.substring(1) + tcp, BAD_VERSION),
                Arguments.of("version 0", "0" + LINUX_SYN_IPV4.substring(1) + tcp, BAD_VERSION),
                Arguments.of("IHL 4", "44" + LINUX_SYN_IPV4.substring(2) + tcp, BAD_LENGTH),
                Arguments.of("IHL 0", "40" + LINUX_SYN_IPV4.substring(2) + tcp, BAD_LENGTH),
                Arguments.of("IHL 15 past the data", "4f00001e" + LINUX_SYN_IPV4.substring(8) + "0000", BAD_LENGTH),
                Arguments.of("total length under IHL", "46000014" + LINUX_SYN_IPV4.substring(8) + tcp, BAD_LENGTH),
                Arguments.of("total length 0", "45000000" + LINUX_SYN_IPV4.substring(8) + tcp, BAD_LENGTH),
                Arguments.of("total length past the data", "4500003d" + LINUX_SYN_IPV4.substring(8) + tcp, BAD_LENGTH),
                Arguments.of("truncated capture", LINUX_SYN_IPV4 + tcp.substring(0, 40), BAD_LENGTH));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void rejects(String name, String hex, Reason reason) {
        ByteBuffer packet = buffer(hex);
        assertThatThrownBy(() -> Ipv4Header.parse(packet))
                .isInstanceOfSatisfying(MalformedPacketException.class, e -> assertThat(e.reason()).isEqualTo(reason));
        assertThat(packet.position()).isZero();
    }

    @Test
    void constructorRejectsImpossibleFields() {
        int a = ipv4Int(SRC4);
        assertThatThrownBy(() -> new Ipv4Header(0, 60, 0, 0, 0, 64, 6, 0, a, a, new byte[3]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Ipv4Header(0, 60, 0, 0, 0, 64, 6, 0, a, a, new byte[44]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Ipv4Header(0, 19, 0, 0, 0, 64, 6, 0, a, a, new byte[0]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Ipv4Header(0, 60, 0, 8, 0, 64, 6, 0, a, a, new byte[0]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Ipv4Header(0, 60, 0x10000, 0, 0, 64, 6, 0, a, a, new byte[0]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void optionsAreDefensivelyCopied() {
        byte[] options = new byte[4];
        Ipv4Header header = new Ipv4Header(0, 24, 0, 0, 0, 64, 6, 0, 1, 2, options);
        options[0] = 7;
        header.options()[1] = 9;
        assertThat(header.options()).containsOnly(0);
    }
}
