package io.mptcp4j.core.wire;

import static io.mptcp4j.core.wire.MptcpOptionAssertions.assertEncodes;
import static io.mptcp4j.core.wire.MptcpOptionAssertions.assertRoundTrip;
import static io.mptcp4j.core.wire.MptcpOptionAssertions.hex;
import static io.mptcp4j.core.wire.MptcpOptionAssertions.option;
import static io.mptcp4j.core.wire.MptcpOptionAssertions.rejectReason;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.mptcp4j.core.wire.MalformedPacketException.Reason;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The dispatcher's own checks, and the opaque subtypes. */
class MptcpOptionsTest {

    @Test
    void fewerThanTwoBytesIsTruncated() {
        assertThat(rejectReason(new byte[0])).isEqualTo(Reason.TRUNCATED);
        assertThat(rejectReason(hex("1e"))).isEqualTo(Reason.TRUNCATED);
    }

    @Test
    void lengthBeyondTheBufferIsTruncated() {
        assertThat(rejectReason(hex("1e 05 50 00"))).isEqualTo(Reason.TRUNCATED);
    }

    @Test
    void bytesBeyondTheLengthAreABadLength() {
        assertThat(rejectReason(hex("1e 03 51 01"))).isEqualTo(Reason.BAD_LENGTH);
    }

    @Test
    void otherKindsAreABadField() {
        assertThat(rejectReason(hex("02 04 05 b4"))).isEqualTo(Reason.BAD_FIELD);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1})
    void lengthBytesShorterThanKindAndLengthAreABadLength(int length) {
        assertThat(rejectReason(new byte[] {(byte) TcpOption.KIND_MPTCP, (byte) length})).isEqualTo(Reason.BAD_LENGTH);
    }

    @Test
    void lengthTwoHasNoSubtype() {
        assertThat(rejectReason(hex("1e 02"))).isEqualTo(Reason.BAD_OPTION_LENGTH);
    }

    @Test
    void theLimitBoundsTheOptionNotTheCapacity() throws Exception {
        ByteBuffer buf = ByteBuffer.wrap(hex("1e 03 51 ff ff"));
        buf.limit(3);
        assertThat(MptcpOption.parse(buf)).isEqualTo(new MpPrio(true));
    }

    @ParameterizedTest
    @ValueSource(ints = {0x9, 0xA, 0xB, 0xC, 0xD, 0xE, 0xF})
    void unassignedAndExperimentalSubtypesAreKeptOpaque(int subtype) throws Exception {
        for (int length = 3; length <= 255; length++) {
            MpOpaque opaque = (MpOpaque) assertRoundTrip(option(length, subtype << 4 | 0x5, 0x77));
            assertThat(opaque.subtype()).isEqualTo(subtype);
            assertThat(opaque.lowBits()).isEqualTo(0x5);
            byte[] expected = new byte[length - 3];
            Arrays.fill(expected, (byte) 0x77);
            assertThat(opaque.data()).isEqualTo(expected);
            assertThat(opaque.isExperimental()).isEqualTo(subtype == MptcpOption.SUBTYPE_MP_EXPERIMENTAL);
        }
    }

    @Test
    void opaqueRecordsAreValues() throws Exception {
        MpOpaque opaque = new MpOpaque(0xF, 0, hex("0102"));
        assertEncodes(opaque, "1e 05 f0 0102");
        MpOpaque same = new MpOpaque(0xF, 0, hex("0102"));
        assertThat(opaque).isEqualTo(same).hasSameHashCodeAs(same);
        assertThat(opaque.toString()).contains("0102");
        opaque.data()[0] = 9;
        assertThat(opaque.data()).containsExactly(1, 2);
        assertThatIllegalArgumentException().isThrownBy(() -> new MpOpaque(0x8, 0, new byte[0]));
        assertThatIllegalArgumentException().isThrownBy(() -> new MpOpaque(0xF, 0, new byte[253]));
    }

    @Test
    void everyRecordReportsItsSubtypeAndKind() throws Exception {
        String[] wires = {"1e 04 01 01", "1e 18 10 00 0000000000000000000000000000000000000000", "1e 04 20 00",
            "1e 08 31 00 00000000", "1e 04 40 00", "1e 03 50", "1e 0c 60 00 0000000000000000",
            "1e 0c 70 00 0000000000000000", "1e 04 80 00", "1e 03 f0"};
        int[] subtypes = {0, 1, 2, 3, 4, 5, 6, 7, 8, 15};
        for (int i = 0; i < wires.length; i++) {
            MptcpOption option = assertRoundTrip(hex(wires[i]));
            assertThat(option.subtype()).isEqualTo(subtypes[i]);
            assertThat(option.kind()).isEqualTo(TcpOption.KIND_MPTCP);
        }
    }
}
