package io.mptcp4j.core.wire;

import static io.mptcp4j.core.wire.MalformedPacketException.Reason.BAD_LENGTH;
import static io.mptcp4j.core.wire.MalformedPacketException.Reason.BAD_OPTION_LENGTH;
import static io.mptcp4j.core.wire.WireFixtures.LINUX_SYN_OPTIONS;
import static io.mptcp4j.core.wire.WireFixtures.buffer;
import static io.mptcp4j.core.wire.WireFixtures.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mptcp4j.core.wire.MalformedPacketException.Reason;
import io.mptcp4j.core.wire.TcpOption.Mss;
import io.mptcp4j.core.wire.TcpOption.Sack;
import io.mptcp4j.core.wire.TcpOption.SackBlock;
import io.mptcp4j.core.wire.TcpOption.SackPermitted;
import io.mptcp4j.core.wire.TcpOption.Timestamps;
import io.mptcp4j.core.wire.TcpOption.Unknown;
import io.mptcp4j.core.wire.TcpOption.WindowScale;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TcpOptionsTest {

    private static final long MAX_U32 = 0xFFFF_FFFFL;

    static Stream<Arguments> everyOptionForm() {
        return Stream.of(
                form("MSS 0", "02040000", new Mss(0)),
                form("MSS 1460", "020405b4", new Mss(1460)),
                form("MSS 65535", "0204ffff", new Mss(0xFFFF)),
                form("wscale 0", "030300", new WindowScale(0)),
                form("wscale 7", "030307", new WindowScale(7)),
                form("wscale 14", "03030e", new WindowScale(14)),
                form("wscale 255, kept unclamped", "0303ff", new WindowScale(255)),
                form("SACK permitted", "0402", new SackPermitted()),
                form("SACK 1 block", "050a" + "00000001" + "ffffffff", sack(1, MAX_U32)),
                form("SACK 2 blocks", "0512" + "00000000" + "00000010" + "80000000" + "80000100",
                        sack(0, 0x10, 0x8000_0000L, 0x8000_0100L)),
                form("SACK 3 blocks", "051a" + "0000000100000002" + "0000000300000004" + "0000000500000006",
                        sack(1, 2, 3, 4, 5, 6)),
                form("SACK 4 blocks", "0522" + "0000000100000002" + "0000000300000004" + "0000000500000006"
                        + "0000000700000008", sack(1, 2, 3, 4, 5, 6, 7, 8)),
                form("timestamps 0 0", "080a" + "00000000" + "00000000", new Timestamps(0, 0)),
                form("timestamps max", "080a" + "ffffffff" + "00000001", new Timestamps(MAX_U32, 1)),
                form("unknown, empty", "fe02", new Unknown(254, new byte[0])),
                form("unknown, 2 bytes (TFO cookie request style)", "2204abcd", new Unknown(34, hex("abcd"))),
                form("unknown, 38 bytes", "fd28" + "11".repeat(38), new Unknown(253, hex("11".repeat(38)))));
    }

    private static Arguments form(String name, String hex, TcpOption option) {
        return Arguments.of(name, hex, option);
    }

    private static Sack sack(long... edges) {
        SackBlock[] blocks = new SackBlock[edges.length / 2];
        for (int i = 0; i < blocks.length; i++) {
            blocks[i] = new SackBlock(edges[2 * i], edges[2 * i + 1]);
        }
        return new Sack(List.of(blocks));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyOptionForm")
    void decodesAndEncodesEachForm(String name, String hex, TcpOption option) throws MalformedPacketException {
        assertThat(TcpOptions.parse(buffer(hex))).containsExactly(option);
        assertThat(option.encodedLength()).isEqualTo(hex.length() / 2);

        int padded = (hex.length() / 2 + 3) & ~3;
        ByteBuffer out = ByteBuffer.allocate(padded);
        TcpOptions.encode(List.of(option), out);
        assertThat(out.position()).isEqualTo(padded).isEqualTo(TcpOptions.encodedLength(List.of(option)));
        String expected = option instanceof Timestamps
                ? "0101" + hex // RFC 7323 appendix A: NOP, NOP, timestamps fill the padding
                : hex + "00".repeat(padded - hex.length() / 2);
        assertThat(HexFormat.of().formatHex(out.array())).isEqualTo(expected);
        assertThat(TcpOptions.parse(out.flip())).containsExactly(option);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyOptionForm")
    void encodesBigEndianIntoALittleEndianBuffer(String name, String hex, TcpOption option) {
        ByteBuffer out = ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN);
        option.encode(out);
        assertThat(HexFormat.of().formatHex(out.array(), 0, out.position())).isEqualTo(hex);
    }

    @Test
    void decodesTheOptionsOfALinuxSyn() throws MalformedPacketException {
        assertThat(TcpOptions.parse(buffer(LINUX_SYN_OPTIONS))).containsExactly(
                new Mss(1460), new SackPermitted(), new Timestamps(0x009c2734L, 0), new WindowScale(7));
    }

    @Test
    void roundTripsACombinationAndPadsWithEol() throws MalformedPacketException {
        List<TcpOption> options = List.of(new Mss(1460), new SackPermitted(), new Timestamps(0x009c2734L, 0),
                new WindowScale(7));
        ByteBuffer out = ByteBuffer.allocate(40);

        TcpOptions.encode(options, out);

        // 19 bytes of options, one EOL to make 20.
        assertThat(out.position()).isEqualTo(20);
        assertThat(HexFormat.of().formatHex(out.array(), 0, 20))
                .isEqualTo("020405b4" + "0402" + "080a009c273400000000" + "030307" + "00");
        assertThat(TcpOptions.parse(out.flip())).isEqualTo(options);
    }

    @Test
    void nothingToEncodeIsNothing() {
        ByteBuffer out = ByteBuffer.allocate(0);
        TcpOptions.encode(List.of(), out);
        assertThat(TcpOptions.encodedLength(List.of())).isZero();
    }

    @Test
    void skipsNopsAndStopsAtEolIgnoringWhatFollows() throws MalformedPacketException {
        assertThat(TcpOptions.parse(buffer("0101" + "080a0000000100000002" + "01" + "030307" + "00" + "ff01ff")))
                .containsExactly(new Timestamps(1, 2), new WindowScale(7));
        assertThat(TcpOptions.parse(buffer("00" + "0201"))).isEmpty();
        assertThat(TcpOptions.parse(buffer("01010101"))).isEmpty();
        assertThat(TcpOptions.parse(buffer(""))).isEmpty();
    }

    @Test
    void keepsDuplicatesInWireOrder() throws MalformedPacketException {
        assertThat(TcpOptions.parse(buffer("02040001" + "02040002")))
                .containsExactly(new Mss(1), new Mss(2));
    }

    @Test
    void readsBetweenPositionAndLimitOfAnyBufferWithoutMovingThem() throws MalformedPacketException {
        ByteBuffer buf = buffer("ffff" + "020405b4" + "030307" + "ffff").order(ByteOrder.LITTLE_ENDIAN);
        buf.position(2).limit(9);
        assertThat(TcpOptions.parse(buf)).containsExactly(new Mss(1460), new WindowScale(7));
        assertThat(buf.position()).isEqualTo(2);
        assertThat(buf.limit()).isEqualTo(9);

        ByteBuffer direct = ByteBuffer.allocateDirect(4).put(hex("020405b4")).flip();
        assertThat(TcpOptions.parse(direct)).containsExactly(new Mss(1460));
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                bad("kind without a length byte", "02", BAD_OPTION_LENGTH),
                bad("unknown kind without a length byte", "0101fe", BAD_OPTION_LENGTH),
                bad("length 0", "0200", BAD_OPTION_LENGTH),
                bad("length 1", "fe01", BAD_OPTION_LENGTH),
                bad("MPTCP length 1", "1e01", BAD_OPTION_LENGTH),
                bad("length past the area", "020505b4", BAD_OPTION_LENGTH),
                bad("unknown length past the area", "fe0a0000", BAD_OPTION_LENGTH),
                bad("MSS length 3", "020305", BAD_OPTION_LENGTH),
                bad("MSS length 6", "020605b40000", BAD_OPTION_LENGTH),
                bad("window scale length 2", "0302", BAD_OPTION_LENGTH),
                bad("window scale length 4", "03040700", BAD_OPTION_LENGTH),
                bad("SACK permitted length 3", "040300", BAD_OPTION_LENGTH),
                bad("SACK with no block", "0502", BAD_OPTION_LENGTH),
                bad("SACK length 9", "0509" + "00".repeat(7), BAD_OPTION_LENGTH),
                bad("SACK length 11", "050b" + "00".repeat(9), BAD_OPTION_LENGTH),
                bad("SACK length 40, not 2 + 8n", "0528" + "00".repeat(38), BAD_OPTION_LENGTH),
                bad("timestamps length 8", "0808" + "00".repeat(6), BAD_OPTION_LENGTH),
                bad("timestamps length 12", "080c" + "00".repeat(10), BAD_OPTION_LENGTH),
                bad("area of 41 bytes", "01".repeat(41), BAD_LENGTH));
    }

    private static Arguments bad(String name, String hex, Reason reason) {
        return Arguments.of(name, hex, reason);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void rejects(String name, String hex, Reason reason) {
        ByteBuffer area = buffer(hex);
        assertThatThrownBy(() -> TcpOptions.parse(area))
                .isInstanceOfSatisfying(MalformedPacketException.class, e -> assertThat(e.reason()).isEqualTo(reason));
        assertThat(area.position()).isZero();
    }

    /**
     * Kind 30 goes to MptcpOption.parse on exactly its own bytes; an option it refuses is kept as MpMalformed, so
     * the rest of the segment still decodes.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("mptcpOptionBytes")
    void delegatesKind30ToMptcpOptionOnExactlyItsBytes(String option) {
        Object direct = outcome(() -> List.of(MptcpOption.parse(buffer(option))));
        Object viaArea = outcome(() -> TcpOptions.parse(buffer("01" + option + "030307")));

        if (direct instanceof Reason reason) {
            assertThat(viaArea).isEqualTo(List.of(new MpMalformed(reason, hex(option)), new WindowScale(7)));
        } else {
            List<?> decoded = (List<?>) direct;
            assertThat(viaArea).isEqualTo(List.of(decoded.get(0), new WindowScale(7)));
        }
    }

    static Stream<String> mptcpOptionBytes() {
        return Stream.of(
                "1e040181",
                "1e0c0181" + "0102030405060708",
                "1e0c1001" + "0000000100000002",
                "1e082001" + "00000001",
                "1e03f0",
                "1e02");
    }

    private interface Decode {
        List<?> run() throws MalformedPacketException;
    }

    private static Object outcome(Decode decode) {
        try {
            return decode.run();
        } catch (MalformedPacketException e) {
            return e.reason();
        }
    }

    @Test
    void encodeRejectsMoreThan40Bytes() {
        List<TcpOption> tooMany = List.of(sack(1, 2, 3, 4, 5, 6, 7, 8), new Timestamps(1, 2));
        assertThatThrownBy(() -> TcpOptions.encodedLength(tooMany)).isInstanceOf(IllegalArgumentException.class);
        ByteBuffer out = ByteBuffer.allocate(64);
        assertThatThrownBy(() -> TcpOptions.encode(tooMany, out)).isInstanceOf(IllegalArgumentException.class);
        assertThat(out.position()).isZero();
    }

    @Test
    void exactly40BytesFit() throws MalformedPacketException {
        List<TcpOption> full = List.of(sack(1, 2, 3, 4, 5, 6, 7, 8), new SackPermitted(), new Mss(1));
        ByteBuffer out = ByteBuffer.allocate(40);
        TcpOptions.encode(full, out);
        assertThat(out.position()).isEqualTo(40);
        assertThat(TcpOptions.parse(out.flip())).isEqualTo(full);
    }

    @Test
    void encodeWritesNothingIntoATooSmallBuffer() {
        ByteBuffer out = ByteBuffer.allocate(7);
        assertThatThrownBy(() -> TcpOptions.encode(List.of(new Mss(1), new WindowScale(2)), out))
                .isInstanceOf(BufferOverflowException.class);
        assertThat(out.position()).isZero();
    }

    @Test
    void alignsLeadingTimestampsOnlyWhenThePaddingHasRoom() throws MalformedPacketException {
        Timestamps ts = new Timestamps(1, 2);
        ByteBuffer alone = ByteBuffer.allocate(12);
        TcpOptions.encode(List.of(ts), alone);
        assertThat(HexFormat.of().formatHex(alone.array())).isEqualTo("0101080a0000000100000002");

        // Timestamps + a 2-block SACK is 28 bytes with no padding: no room for the NOPs, the header stays 28.
        List<TcpOption> withSack = List.of(ts, sack(10, 20, 30, 40));
        ByteBuffer packed = ByteBuffer.allocate(TcpOptions.encodedLength(withSack));
        TcpOptions.encode(withSack, packed);
        assertThat(packed.position()).isEqualTo(28);
        assertThat(TcpOptions.parse(packed.flip())).isEqualTo(withSack);
    }
}
