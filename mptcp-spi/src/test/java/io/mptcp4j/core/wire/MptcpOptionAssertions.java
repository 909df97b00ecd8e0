package io.mptcp4j.core.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mptcp4j.core.wire.MalformedPacketException.Reason;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HexFormat;

/** Encoding, decoding and round-trip checks shared by the MPTCP option tests. */
final class MptcpOptionAssertions {

    private MptcpOptionAssertions() {
    }

    /** Bytes from hex digits; spaces are for the reader. */
    static byte[] hex(String digits) {
        return HexFormat.of().parseHex(digits.replace(" ", ""));
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    /** Encodes into a little-endian buffer (fields must come out big-endian anyway) and checks the length. */
    static byte[] encode(MptcpOption option) {
        ByteBuffer dst = ByteBuffer.allocate(option.encodedLength() + 3).order(ByteOrder.LITTLE_ENDIAN);
        dst.position(1);
        option.encode(dst);
        assertThat(dst.position()).as("bytes written by %s", option).isEqualTo(1 + option.encodedLength());
        byte[] out = new byte[option.encodedLength()];
        dst.get(1, out);
        return out;
    }

    /** Decodes the whole array, checking that the position does not move. */
    static MptcpOption parse(byte[] wire) throws MalformedPacketException {
        ByteBuffer buf = ByteBuffer.wrap(wire);
        MptcpOption option = MptcpOption.parse(buf);
        assertThat(buf.position()).isZero();
        return option;
    }

    /** Decodes {@code wire} and checks that it re-encodes to the same bytes, whatever the buffer looks like. */
    static MptcpOption assertRoundTrip(byte[] wire) throws MalformedPacketException {
        MptcpOption option = parse(wire);
        assertThat(hex(encode(option))).as("re-encoding of %s", option).isEqualTo(hex(wire));
        assertThat(parseEmbedded(wire, ByteOrder.LITTLE_ENDIAN, false)).isEqualTo(option);
        assertThat(parseEmbedded(wire, ByteOrder.BIG_ENDIAN, true)).isEqualTo(option);
        return option;
    }

    /** Encodes {@code option}, checks the bytes, and checks that they decode back to an equal record. */
    static void assertEncodes(MptcpOption option, String expectedHex) throws MalformedPacketException {
        byte[] wire = encode(option);
        assertThat(hex(wire)).isEqualTo(expectedHex.replace(" ", ""));
        assertThat(assertRoundTrip(wire)).isEqualTo(option);
    }

    /** The reason {@code wire} is refused for, checking that the position did not move. */
    static Reason rejectReason(byte[] wire) {
        ByteBuffer buf = ByteBuffer.wrap(wire);
        MalformedPacketException e = catchThrowableOfType(MalformedPacketException.class, () -> MptcpOption.parse(buf));
        assertThat(e).as("refusal of %s", hex(wire)).isNotNull();
        assertThat(buf.position()).isZero();
        return e.reason();
    }

    /** {@code bytes} with the length byte set to the array length, the usual shape of a hand-made option. */
    static byte[] withLength(byte[] bytes) {
        bytes[1] = (byte) bytes.length;
        return bytes;
    }

    /** An MPTCP option of the given length: kind, length, subtype byte, then {@code fill}. */
    static byte[] option(int length, int subtypeByte, int fill) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) fill);
        bytes[0] = (byte) TcpOption.KIND_MPTCP;
        bytes[1] = (byte) length;
        if (length > 2) bytes[2] = (byte) subtypeByte;
        return bytes;
    }

    /** Decodes the option from the middle of a larger buffer, with other bytes around it and the given order. */
    private static MptcpOption parseEmbedded(byte[] wire, ByteOrder order, boolean direct)
            throws MalformedPacketException {
        ByteBuffer buf = direct ? ByteBuffer.allocateDirect(wire.length + 10) : ByteBuffer.allocate(wire.length + 10);
        buf.order(order);
        for (int i = 0; i < buf.capacity(); i++) buf.put(i, (byte) 0xA5);
        buf.put(5, wire);
        buf.position(5).limit(5 + wire.length);
        MptcpOption option = MptcpOption.parse(buf);
        assertThat(buf.position()).isEqualTo(5);
        assertThat(buf.limit()).isEqualTo(5 + wire.length);
        return option;
    }
}
