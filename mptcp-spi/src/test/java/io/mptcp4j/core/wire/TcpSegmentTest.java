package io.mptcp4j.core.wire;

import static io.mptcp4j.core.wire.MalformedPacketException.Reason.BAD_LENGTH;
import static io.mptcp4j.core.wire.MalformedPacketException.Reason.BAD_OPTION_LENGTH;
import static io.mptcp4j.core.wire.MalformedPacketException.Reason.TRUNCATED;
import static io.mptcp4j.core.wire.TcpSegment.ACK;
import static io.mptcp4j.core.wire.TcpSegment.AE;
import static io.mptcp4j.core.wire.TcpSegment.CWR;
import static io.mptcp4j.core.wire.TcpSegment.ECE;
import static io.mptcp4j.core.wire.TcpSegment.FIN;
import static io.mptcp4j.core.wire.TcpSegment.PSH;
import static io.mptcp4j.core.wire.TcpSegment.RST;
import static io.mptcp4j.core.wire.TcpSegment.SYN;
import static io.mptcp4j.core.wire.TcpSegment.URG;
import static io.mptcp4j.core.wire.WireFixtures.DST4;
import static io.mptcp4j.core.wire.WireFixtures.DST6;
import static io.mptcp4j.core.wire.WireFixtures.LINUX_SYN_TCP;
import static io.mptcp4j.core.wire.WireFixtures.SRC4;
import static io.mptcp4j.core.wire.WireFixtures.SRC6;
import static io.mptcp4j.core.wire.WireFixtures.buffer;
import static io.mptcp4j.core.wire.WireFixtures.hex;
import static io.mptcp4j.core.wire.WireFixtures.ipv4;
import static io.mptcp4j.core.wire.WireFixtures.ipv4Int;
import static io.mptcp4j.core.wire.WireFixtures.ipv4PseudoHeader;
import static io.mptcp4j.core.wire.WireFixtures.ipv6;
import static io.mptcp4j.core.wire.WireFixtures.ipv6PseudoHeader;
import static io.mptcp4j.core.wire.WireFixtures.referenceChecksum;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.mptcp4j.core.wire.MalformedPacketException.Reason;
import io.mptcp4j.core.wire.TcpOption.Mss;
import io.mptcp4j.core.wire.TcpOption.Sack;
import io.mptcp4j.core.wire.TcpOption.SackBlock;
import io.mptcp4j.core.wire.TcpOption.SackPermitted;
import io.mptcp4j.core.wire.TcpOption.Timestamps;
import io.mptcp4j.core.wire.TcpOption.WindowScale;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ReadOnlyBufferException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TcpSegmentTest {

    private static final ByteBuffer NO_DATA = ByteBuffer.allocate(0);

    @Test
    void decodesALinuxSyn() throws MalformedPacketException {
        TcpSegment syn = TcpSegment.parse(buffer(LINUX_SYN_TCP));

        assertThat(syn.sourcePort()).isEqualTo(41138);
        assertThat(syn.destinationPort()).isEqualTo(80);
        assertThat(syn.sequenceNumber()).isEqualTo(0x3a8f5c01L);
        assertThat(syn.acknowledgmentNumber()).isZero();
        assertThat(syn.dataOffset()).isEqualTo(10);
        assertThat(syn.headerLength()).isEqualTo(40);
        assertThat(syn.flags()).isEqualTo(SYN);
        assertThat(syn.window()).isEqualTo(64240);
        assertThat(syn.checksum()).isEqualTo(0x6bf2);
        assertThat(syn.urgentPointer()).isZero();
        assertThat(syn.options()).containsExactly(new Mss(1460), new SackPermitted(),
                new Timestamps(0x009c2734L, 0), new WindowScale(7));
        assertThat(syn.payloadLength()).isZero();
        assertThat(syn.sequenceLength()).isEqualTo(1);

        assertThat(syn.mss()).isEqualTo(1460);
        assertThat(syn.windowScale()).isEqualTo(7);
        assertThat(syn.sackPermitted()).isTrue();
        assertThat(syn.timestamps()).contains(new Timestamps(0x009c2734L, 0));
        assertThat(syn.sackBlocks()).isEmpty();
        assertThat(syn.mptcpOptions()).isEmpty();

        assertThat(syn.has(SYN)).isTrue();
        assertThat(syn.has(ACK)).isFalse();
        assertThat(syn.has(SYN | ACK)).isFalse();
        assertThat(syn.hasAny(SYN | ACK)).isTrue();

        assertThat(syn).hasToString("TCP 41138 > 80: Flags [S], seq 982473729, win 64240, "
                + "options [mss 1460,sackOK,TS val 10233652 ecr 0,wscale 7], cksum 0x6bf2, length 0");
    }

    @Test
    void encodesTheSameSynWithItsChecksumOverIpv4() throws MalformedPacketException {
        TcpSegment syn = TcpSegment.parse(buffer(LINUX_SYN_TCP));
        ByteBuffer out = ByteBuffer.allocate(syn.encodedLength());

        int checksum = syn.encode(out, ipv4(SRC4), ipv4(DST4));

        // Same fields, but EOL padding at the end where Linux put a NOP before the window scale.
        byte[] bytes = out.array();
        assertThat(out.position()).isEqualTo(40);
        assertThat(Arrays.copyOfRange(bytes, 20, 40))
                .isEqualTo(hex("020405b4" + "0402" + "080a009c273400000000" + "030307" + "00"));
        assertThat(checksum).isEqualTo(WireBytes.u16(out, 16));
        bytes[16] = 0;
        bytes[17] = 0;
        assertThat(checksum).isEqualTo(referenceChecksum(ipv4PseudoHeader(SRC4, DST4, 40), bytes));
    }

    @Test
    void roundTripsADataSegmentWithChecksumOverIpv4AndIpv6() throws MalformedPacketException {
        byte[] data = "hello, multipath".getBytes(StandardCharsets.US_ASCII);
        TcpSegment segment = TcpSegment.of(443, 50000, 0xFFFF_FFF0L, 0x8000_0001L, PSH | ACK, 501,
                List.of(new Timestamps(123456789L, 987654321L),
                        new Sack(List.of(new SackBlock(0xFFFF_FFF0L, 0x10L)))),
                ByteBuffer.wrap(data));

        assertThat(segment.dataOffset()).isEqualTo(5 + 5);
        ByteBuffer out = ByteBuffer.allocate(segment.encodedLength() + 5).position(5);
        int checksum4 = segment.encode(out, ipv4(SRC4), ipv4(DST4));
        assertThat(out.position()).isEqualTo(5 + 40 + data.length);
        assertThat(InternetChecksum.verifyTcpIpv4(ipv4Int(SRC4), ipv4Int(DST4), out, 5, 40 + data.length)).isTrue();

        TcpSegment decoded = TcpSegment.parse(out.flip().position(5));
        assertThat(decoded).isEqualTo(withChecksum(segment, checksum4));
        assertThat(decoded.sackBlocks()).containsExactly(new SackBlock(0xFFFF_FFF0L, 0x10L));
        assertThat(decoded.sequenceLength()).isEqualTo(data.length);

        ByteBuffer out6 = ByteBuffer.allocate(segment.encodedLength());
        int checksum6 = segment.encode(out6, ipv6(SRC6), ipv6(DST6));
        byte[] bytes6 = out6.array();
        bytes6[16] = 0;
        bytes6[17] = 0;
        assertThat(checksum6).isEqualTo(referenceChecksum(ipv6PseudoHeader(SRC6, DST6, bytes6.length), bytes6));

        ByteBuffer out4 = ByteBuffer.allocate(segment.encodedLength());
        assertThat(segment.encodeIpv4(out4, ipv4Int(SRC4), ipv4Int(DST4))).isEqualTo(checksum4);
    }

    private static TcpSegment withChecksum(TcpSegment s, int checksum) {
        return new TcpSegment(s.sourcePort(), s.destinationPort(), s.sequenceNumber(), s.acknowledgmentNumber(),
                s.dataOffset(), s.flags(), s.window(), checksum, s.urgentPointer(), s.options(), s.payload());
    }

    @Test
    void plainEncodeKeepsTheRecordedChecksumAndPadsToTheDataOffset() throws MalformedPacketException {
        TcpSegment segment = new TcpSegment(1, 2, 3, 4, 8, ACK, 5, 0xabcd, 0, List.of(new Mss(536)), NO_DATA);
        ByteBuffer out = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);

        segment.encode(out);

        assertThat(out.array()).isEqualTo(hex("00010002" + "00000003" + "00000004" + "8010" + "0005" + "abcd"
                + "0000" + "02040218" + "00".repeat(8)));
        assertThat(TcpSegment.parse(out.flip())).isEqualTo(segment);
        assertThat(segment.toString()).contains("hlen 32");
    }

    @Test
    void everyFlagAndTheReservedBitsRoundTrip() throws MalformedPacketException {
        int all = FIN | SYN | RST | PSH | ACK | URG | ECE | CWR | 0xF00;
        TcpSegment segment = new TcpSegment(1, 2, 3, 4, 5, all, 5, 0, 77, List.of(), NO_DATA);
        ByteBuffer out = ByteBuffer.allocate(20);
        segment.encode(out);

        assertThat(out.get(12)).isEqualTo((byte) 0x5F);
        assertThat(out.get(13)).isEqualTo((byte) 0xFF);
        TcpSegment decoded = TcpSegment.parse(out.flip());
        assertThat(decoded.flags()).isEqualTo(all);
        assertThat(decoded.has(AE)).isTrue();
        assertThat(decoded.sequenceLength()).isEqualTo(2);
        assertThat(decoded.toString()).contains("Flags [FSRP.UEW reserved 0xf]", "ack 4", "urg 77");
        assertThat(new TcpSegment(1, 2, 3, 0, 5, 0, 5, 0, 0, List.of(), NO_DATA).toString())
                .contains("Flags [none]").doesNotContain("ack");
    }

    @Test
    void payloadIsAReadOnlyViewOfTheReceivedBytes() throws MalformedPacketException {
        byte[] wire = hex("0001000200000003000000045018ffff00000000" + "616263");
        TcpSegment segment = TcpSegment.parse(ByteBuffer.wrap(wire));

        ByteBuffer payload = segment.payload();
        assertThat(payload.isReadOnly()).isTrue();
        assertThat(payload.position()).isZero();
        assertThat(payload.remaining()).isEqualTo(3);
        assertThatThrownBy(() -> payload.put(0, (byte) 1)).isInstanceOf(ReadOnlyBufferException.class);

        payload.get(new byte[3]);
        assertThat(segment.payload().remaining()).as("reading one view leaves the record intact").isEqualTo(3);

        wire[20] = 'x';
        assertThat(segment.payload().get(0)).as("no copy on parse").isEqualTo((byte) 'x');
    }

    @Test
    void parseReadsBetweenPositionAndLimitOnly() throws MalformedPacketException {
        ByteBuffer buf = buffer("eeee" + "0001000200000003000000045018ffff00000000" + "6162" + "eeee")
                .order(ByteOrder.LITTLE_ENDIAN);
        buf.position(2).limit(24);

        TcpSegment segment = TcpSegment.parse(buf);

        assertThat(segment.sourcePort()).isEqualTo(1);
        assertThat(segment.window()).isEqualTo(0xffff);
        assertThat(segment.payload()).isEqualTo(ByteBuffer.wrap(hex("6162")));
        assertThat(buf.position()).isEqualTo(2);
        assertThat(buf.limit()).isEqualTo(24);
    }

    @Test
    void constructorTakesItsOwnViewOfThePayload() {
        ByteBuffer data = ByteBuffer.wrap(hex("00010203")).position(1);
        TcpSegment segment = TcpSegment.of(1, 2, 0, 0, ACK, 0, List.of(), data);
        data.position(4);
        assertThat(segment.payload()).isEqualTo(ByteBuffer.wrap(hex("010203")));
    }

    @Test
    void mptcpOptionsAreCollectedInWireOrder() {
        MptcpOption mptcp;
        try {
            mptcp = MptcpOption.parse(buffer("1e040181"));
        } catch (MalformedPacketException e) {
            mptcp = null;
        }
        assumeTrue(mptcp != null, "the MPTCP codec does not decode an MP_CAPABLE SYN yet");
        TcpSegment segment = TcpSegment.of(1, 2, 0, 0, SYN, 0, List.of(new Mss(1), mptcp, new WindowScale(2)),
                NO_DATA);
        assertThat(segment.mptcpOptions()).containsExactly(mptcp);
    }

    @Test
    void absentOptionsHaveNeutralAccessors() {
        TcpSegment segment = TcpSegment.of(1, 2, 0, 0, ACK, 0, List.of(), NO_DATA);
        assertThat(segment.mss()).isEqualTo(TcpSegment.ABSENT);
        assertThat(segment.windowScale()).isEqualTo(TcpSegment.ABSENT);
        assertThat(segment.sackPermitted()).isFalse();
        assertThat(segment.timestamps()).isEmpty();
        assertThat(segment.sackBlocks()).isEmpty();
        assertThat(segment.mptcpOptions()).isEmpty();
    }

    static Stream<Arguments> malformed() {
        String header = "0001000200000003000000045010ffff00000000";
        return Stream.of(
                Arguments.of("empty", "", TRUNCATED),
                Arguments.of("19 bytes", header.substring(0, 38), TRUNCATED),
                Arguments.of("data offset 0", header.substring(0, 24) + "0010" + header.substring(28), BAD_LENGTH),
                Arguments.of("data offset 4", header.substring(0, 24) + "4010" + header.substring(28), BAD_LENGTH),
                Arguments.of("data offset 6 in 20 bytes", header.substring(0, 24) + "6010" + header.substring(28),
                        BAD_LENGTH),
                Arguments.of("data offset 15 in 59 bytes",
                        header.substring(0, 24) + "f010" + header.substring(28) + "01".repeat(39), BAD_LENGTH),
                Arguments.of("bad option inside",
                        header.substring(0, 24) + "6010" + header.substring(28) + "02030000", BAD_OPTION_LENGTH));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void rejects(String name, String hex, Reason reason) {
        ByteBuffer segment = buffer(hex);
        assertThatThrownBy(() -> TcpSegment.parse(segment))
                .isInstanceOfSatisfying(MalformedPacketException.class, e -> assertThat(e.reason()).isEqualTo(reason));
        assertThat(segment.position()).isZero();
    }

    @Test
    void constructorRejectsImpossibleFields() {
        List<TcpOption> none = List.of();
        assertThatThrownBy(() -> new TcpSegment(0x10000, 2, 0, 0, 5, 0, 0, 0, 0, none, NO_DATA))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TcpSegment(1, 2, 0x1_0000_0000L, 0, 5, 0, 0, 0, 0, none, NO_DATA))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TcpSegment(1, 2, 0, -1, 5, 0, 0, 0, 0, none, NO_DATA))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TcpSegment(1, 2, 0, 0, 4, 0, 0, 0, 0, none, NO_DATA))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TcpSegment(1, 2, 0, 0, 16, 0, 0, 0, 0, none, NO_DATA))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TcpSegment(1, 2, 0, 0, 5, 0x1000, 0, 0, 0, none, NO_DATA))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TcpSegment(1, 2, 0, 0, 5, 0, 0x10000, 0, 0, none, NO_DATA))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TcpSegment(1, 2, 0, 0, 5, 0, 0, 0, 0, List.of(new Mss(1)), NO_DATA))
                .as("no room for the MSS option").isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void encodeMisuseFailsBeforeWriting() {
        TcpSegment segment = TcpSegment.of(1, 2, 0, 0, ACK, 0, List.of(), ByteBuffer.allocate(10));
        ByteBuffer small = ByteBuffer.allocate(29);
        assertThatThrownBy(() -> segment.encode(small)).isInstanceOf(BufferOverflowException.class);
        assertThat(small.position()).isZero();

        ByteBuffer out = ByteBuffer.allocate(30);
        assertThatThrownBy(() -> segment.encode(out, ipv4(SRC4), ipv6(DST6)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(out.position()).isZero();

        TcpSegment huge = TcpSegment.of(1, 2, 0, 0, ACK, 0, List.of(), ByteBuffer.allocate(0xFFFF));
        ByteBuffer big = ByteBuffer.allocate(0x10100);
        assertThatThrownBy(() -> huge.encodeIpv4(big, 1, 2)).isInstanceOf(IllegalArgumentException.class);
        assertThat(big.position()).isZero();
        assertThat(huge.encode(big, ipv6(SRC6), ipv6(DST6))).isBetween(0, 0xFFFF);
    }
}
