package io.mptcp4j.core.wire;

import static io.mptcp4j.core.wire.WireFixtures.DST4;
import static io.mptcp4j.core.wire.WireFixtures.DST6;
import static io.mptcp4j.core.wire.WireFixtures.LINUX_SYN_TCP;
import static io.mptcp4j.core.wire.WireFixtures.LINUX_SYN_TCP_CHECKSUM_IPV6;
import static io.mptcp4j.core.wire.WireFixtures.SRC4;
import static io.mptcp4j.core.wire.WireFixtures.SRC6;
import static io.mptcp4j.core.wire.WireFixtures.hex;
import static io.mptcp4j.core.wire.WireFixtures.ipv4;
import static io.mptcp4j.core.wire.WireFixtures.ipv4Int;
import static io.mptcp4j.core.wire.WireFixtures.ipv4PseudoHeader;
import static io.mptcp4j.core.wire.WireFixtures.ipv6;
import static io.mptcp4j.core.wire.WireFixtures.ipv6PseudoHeader;
import static io.mptcp4j.core.wire.WireFixtures.referenceChecksum;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class InternetChecksumTest {

    @Test
    void rfc1071NumericalExample() {
        // RFC 1071 section 3: these eight bytes sum to 0xddf2.
        byte[] data = hex("0001f203f4f5f6f7");
        assertThat(InternetChecksum.fold(InternetChecksum.sum(data, 0, data.length))).isEqualTo(0xddf2);
        assertThat(InternetChecksum.checksum(data, 0, data.length)).isEqualTo(0x220d);
        assertThat(InternetChecksum.checksum(ByteBuffer.wrap(data), 0, data.length)).isEqualTo(0x220d);
    }

    @Test
    void knownIpv4HeaderChecksum() {
        // A widely quoted example header whose checksum field holds 0xb861.
        byte[] header = hex("45000073000040004011" + "0000" + "c0a80001c0a800c7");
        assertThat(InternetChecksum.checksum(header, 0, header.length)).isEqualTo(0xb861);
    }

    @Test
    void oddLengthPadsTheLastByteWithZero() {
        byte[] odd = hex("0102030405");
        byte[] padded = hex("010203040500");
        assertThat(InternetChecksum.checksum(odd, 0, 5)).isEqualTo(InternetChecksum.checksum(padded, 0, 6));
        assertThat(InternetChecksum.checksum(ByteBuffer.wrap(odd), 0, 5)).isEqualTo(referenceChecksum(odd));
    }

    @Test
    void emptyRangeSumsToZero() {
        assertThat(InternetChecksum.sum(new byte[0], 0, 0)).isZero();
        assertThat(InternetChecksum.checksum(ByteBuffer.allocate(0), 0, 0)).isEqualTo(0xFFFF);
    }

    @Test
    void foldAddsEndAroundCarries() {
        assertThat(InternetChecksum.fold(0x1_FFFFL)).isEqualTo(0x1);
        assertThat(InternetChecksum.fold(0xFFFF_FFFFL)).isEqualTo(0xFFFF);
        assertThat(InternetChecksum.fold(0xFFFF_FFFF_FFFF_FFFFL)).isEqualTo(0xFFFF);
        assertThat(InternetChecksum.fold(0)).isZero();
    }

    @ParameterizedTest(name = "length {0}")
    @ValueSource(ints = {1, 2, 3, 7, 8, 9, 15, 16, 17, 63, 64, 65, 1499, 1500, 9001})
    void agreesWithTheReferenceForArraysAndEveryKindOfBuffer(int length) {
        Random random = new Random(1071L * length);
        for (int offset = 0; offset < 8; offset++) {
            byte[] data = new byte[length + offset + 3];
            random.nextBytes(data);
            byte[] range = Arrays.copyOfRange(data, offset, offset + length);
            int expected = referenceChecksum(range);

            assertThat(InternetChecksum.checksum(data, offset, length)).isEqualTo(expected);
            assertThat(InternetChecksum.checksum(ByteBuffer.wrap(data), offset, length)).isEqualTo(expected);
            assertThat(InternetChecksum.checksum(ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN), offset,
                    length)).as("little-endian buffer").isEqualTo(expected);
            ByteBuffer direct = ByteBuffer.allocateDirect(data.length).put(data).clear();
            assertThat(InternetChecksum.checksum(direct, offset, length)).as("direct").isEqualTo(expected);
            assertThat(InternetChecksum.checksum(direct.order(ByteOrder.LITTLE_ENDIAN), offset, length))
                    .as("direct little-endian").isEqualTo(expected);
        }
    }

    @Test
    void allOnesDataFoldsToAllOnes() {
        byte[] ones = new byte[1 << 16];
        Arrays.fill(ones, (byte) 0xFF);
        assertThat(InternetChecksum.checksum(ones, 0, ones.length)).isZero();
        assertThat(InternetChecksum.checksum(ByteBuffer.wrap(ones).order(ByteOrder.LITTLE_ENDIAN), 0, ones.length))
                .isZero();
    }

    @Test
    void sumsOfEvenOffsetPiecesAdd() {
        byte[] data = new byte[301];
        new Random(7).nextBytes(data);
        long whole = InternetChecksum.sum(data, 0, data.length);
        long pieces = InternetChecksum.sum(data, 0, 6) + InternetChecksum.sum(data, 6, 100)
                + InternetChecksum.sum(data, 106, 195);
        assertThat(InternetChecksum.fold(pieces)).isEqualTo(InternetChecksum.fold(whole));
    }

    @Test
    void sumRejectsARangeOutsideTheData() {
        assertThatThrownBy(() -> InternetChecksum.sum(new byte[4], 2, 3)).isInstanceOf(IndexOutOfBoundsException.class);
        ByteBuffer buf = ByteBuffer.allocate(8).limit(4);
        assertThatThrownBy(() -> InternetChecksum.sum(buf, 0, 5)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void tcpIpv4ChecksumOfTheLinuxSyn() {
        byte[] syn = hex(LINUX_SYN_TCP);
        ByteBuffer buf = ByteBuffer.wrap(syn);
        int source = ipv4Int(SRC4);
        int destination = ipv4Int(DST4);

        assertThat(InternetChecksum.computeTcpIpv4(source, destination, buf, 0, syn.length)).isEqualTo(0x6bf2);
        assertThat(InternetChecksum.verifyTcpIpv4(source, destination, buf, 0, syn.length)).isTrue();
        assertThat(InternetChecksum.computeTcp(ipv4(SRC4), ipv4(DST4), buf, 0, syn.length)).isEqualTo(0x6bf2);
        assertThat(InternetChecksum.verifyTcp(ipv4(SRC4), ipv4(DST4), buf, 0, syn.length)).isTrue();
    }

    @Test
    void tcpIpv4ComputeIgnoresTheFieldAndMatchesTheReference() {
        Random random = new Random(793);
        for (int length = 20; length < 200; length++) {
            byte[] segment = new byte[length];
            random.nextBytes(segment);
            ByteBuffer buf = ByteBuffer.wrap(segment);
            int computed = InternetChecksum.computeTcpIpv4(ipv4Int(SRC4), ipv4Int(DST4), buf, 0, length);
            segment[16] = 0;
            segment[17] = 0;
            assertThat(computed).isEqualTo(referenceChecksum(ipv4PseudoHeader(SRC4, DST4, length), segment));

            buf.putShort(16, (short) computed);
            assertThat(InternetChecksum.verifyTcpIpv4(ipv4Int(SRC4), ipv4Int(DST4), buf, 0, length)).isTrue();
            segment[length - 1] ^= 0x10;
            assertThat(InternetChecksum.verifyTcpIpv4(ipv4Int(SRC4), ipv4Int(DST4), buf, 0, length)).isFalse();
        }
    }

    @Test
    void tcpIpv6ChecksumOfTheLinuxSyn() {
        byte[] syn = hex(LINUX_SYN_TCP);
        ByteBuffer buf = ByteBuffer.wrap(syn);
        byte[] source = ipv6(SRC6).getAddress();
        byte[] destination = ipv6(DST6).getAddress();

        int computed = InternetChecksum.computeTcpIpv6(source, destination, buf, 0, syn.length);
        assertThat(computed).isEqualTo(LINUX_SYN_TCP_CHECKSUM_IPV6);
        syn[16] = 0;
        syn[17] = 0;
        assertThat(computed).isEqualTo(referenceChecksum(ipv6PseudoHeader(SRC6, DST6, syn.length), syn));

        assertThat(InternetChecksum.verifyTcpIpv6(source, destination, buf, 0, syn.length)).isFalse();
        buf.putShort(16, (short) computed);
        assertThat(InternetChecksum.verifyTcpIpv6(source, destination, buf, 0, syn.length)).isTrue();
        assertThat(InternetChecksum.verifyTcp(ipv6(SRC6), ipv6(DST6), buf, 0, syn.length)).isTrue();
        assertThat(InternetChecksum.verifyTcp(ipv6(SRC6), ipv6("2001:db8::3"), buf, 0,
                syn.length)).isFalse();
    }

    @Test
    void tcpChecksumWorksAtAnOffsetInALittleEndianBuffer() {
        byte[] syn = hex(LINUX_SYN_TCP);
        ByteBuffer buf = ByteBuffer.allocate(syn.length + 13).order(ByteOrder.LITTLE_ENDIAN);
        buf.put(13, syn);
        assertThat(InternetChecksum.computeTcpIpv4(ipv4Int(SRC4), ipv4Int(DST4), buf, 13, syn.length))
                .isEqualTo(0x6bf2);
        assertThat(InternetChecksum.verifyTcpIpv4(ipv4Int(SRC4), ipv4Int(DST4), buf, 13, syn.length)).isTrue();
    }

    @Test
    void pseudoHeaderSumsMatchTheirBytes() {
        long ipv4 = InternetChecksum.ipv4PseudoHeaderSum(ipv4Int(SRC4), ipv4Int(DST4), 6, 1234);
        long ipv4Bytes = InternetChecksum.sum(ipv4PseudoHeader(SRC4, DST4, 1234), 0, 12);
        assertThat(InternetChecksum.fold(ipv4)).isEqualTo(InternetChecksum.fold(ipv4Bytes));

        long ipv6 = InternetChecksum.ipv6PseudoHeaderSum(ipv6(SRC6).getAddress(), ipv6(DST6).getAddress(), 6,
                0x12345);
        long ipv6Bytes = InternetChecksum.sum(ipv6PseudoHeader(SRC6, DST6, 0x12345), 0, 40);
        assertThat(InternetChecksum.fold(ipv6)).isEqualTo(InternetChecksum.fold(ipv6Bytes));
    }

    @Test
    void misuseIsAnIllegalArgument() {
        ByteBuffer tiny = ByteBuffer.allocate(19);
        assertThatThrownBy(() -> InternetChecksum.computeTcpIpv4(1, 2, tiny, 0, 19))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> InternetChecksum.ipv4PseudoHeaderSum(1, 2, 6, 0x10000))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> InternetChecksum.ipv6PseudoHeaderSum(new byte[4], new byte[16], 6, 20))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> InternetChecksum.computeTcp(ipv4(SRC4), ipv6(DST6), ByteBuffer.allocate(20), 0, 20))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
