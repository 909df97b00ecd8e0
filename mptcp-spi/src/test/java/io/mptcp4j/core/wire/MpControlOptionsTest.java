package io.mptcp4j.core.wire;

import static io.mptcp4j.core.wire.MptcpOptionAssertions.assertEncodes;
import static io.mptcp4j.core.wire.MptcpOptionAssertions.assertRoundTrip;
import static io.mptcp4j.core.wire.MptcpOptionAssertions.hex;
import static io.mptcp4j.core.wire.MptcpOptionAssertions.option;
import static io.mptcp4j.core.wire.MptcpOptionAssertions.rejectReason;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.mptcp4j.core.wire.MalformedPacketException.Reason;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** MP_PRIO, MP_FAIL, MP_FASTCLOSE and MP_TCPRST: fixed-length options with one field or two. */
class MpControlOptionsTest {

    @Test
    void mpPrio() throws Exception {
        assertEncodes(new MpPrio(true), "1e 03 51");
        assertEncodes(new MpPrio(false), "1e 03 50");
        for (int nibble = 0; nibble < 16; nibble++) {
            MpPrio prio = (MpPrio) assertRoundTrip(option(3, 0x50 | nibble, 0));
            assertThat(prio.backup()).isEqualTo((nibble & 1) == 1);
            assertThat(prio.reserved()).isEqualTo(nibble & 0x0E);
        }
    }

    /** RFC 6824's MP_PRIO carried an address ID in a fourth byte; RFC 8684 dropped it. */
    @Test
    void mpPrioWithAddressIdIsV0() {
        assertThat(rejectReason(hex("1e 04 51 03"))).isEqualTo(Reason.BAD_OPTION_LENGTH);
    }

    @Test
    void mpFail() throws Exception {
        assertEncodes(new MpFail(0x8877665544332211L), "1e 0c 60 00 8877665544332211");
        MpFail fail = (MpFail) assertRoundTrip(hex("1e 0c 6a bc 0000000000000001"));
        assertThat(fail.dataSequenceNumber()).isEqualTo(1);
        assertThat(fail.reserved()).isEqualTo(0xABC);
    }

    @Test
    void mpFastclose() throws Exception {
        assertEncodes(new MpFastclose(0xFEDCBA9876543210L), "1e 0c 70 00 fedcba9876543210");
        MpFastclose close = (MpFastclose) assertRoundTrip(hex("1e 0c 7f ff ffffffffffffffff"));
        assertThat(close.receiverKey()).isEqualTo(-1L);
        assertThat(close.reserved()).isEqualTo(0xFFF);
    }

    @Test
    void mpTcpRst() throws Exception {
        assertEncodes(new MpTcpRst(true, MpTcpRst.REASON_MIDDLEBOX_INTERFERENCE), "1e 04 81 06");
        assertEncodes(new MpTcpRst(false, MpTcpRst.REASON_MPTCP_ERROR), "1e 04 80 01");
        MpTcpRst rst = (MpTcpRst) assertRoundTrip(hex("1e 04 8f ff"));
        assertThat(rst.transientError()).isTrue();
        assertThat(rst.reserved()).isEqualTo(0x0E);
        assertThat(rst.reason()).isEqualTo(0xFF);
    }

    @Test
    void reasonCodesOfRfc8684Section36() {
        assertThat(new int[] {MpTcpRst.REASON_UNSPECIFIED, MpTcpRst.REASON_MPTCP_ERROR,
                MpTcpRst.REASON_LACK_OF_RESOURCES, MpTcpRst.REASON_ADMINISTRATIVELY_PROHIBITED,
                MpTcpRst.REASON_TOO_MUCH_OUTSTANDING_DATA, MpTcpRst.REASON_UNACCEPTABLE_PERFORMANCE,
                MpTcpRst.REASON_MIDDLEBOX_INTERFERENCE}).containsExactly(0, 1, 2, 3, 4, 5, 6);
    }

    static Stream<Arguments> fixedLengths() {
        return Stream.of(Arguments.of(0x50, 3), Arguments.of(0x60, 12), Arguments.of(0x70, 12), Arguments.of(0x80, 4));
    }

    @ParameterizedTest
    @MethodSource("fixedLengths")
    void everyOtherLengthIsRefused(int subtypeByte, int validLength) {
        for (int length = 3; length <= 40; length++) {
            if (length == validLength) continue;
            assertThat(rejectReason(option(length, subtypeByte, 0))).as("length %d", length)
                    .isEqualTo(Reason.BAD_OPTION_LENGTH);
        }
    }

    @Test
    void constructorsCheckRanges() {
        assertThatIllegalArgumentException().isThrownBy(() -> new MpPrio(false, 1));
        assertThatIllegalArgumentException().isThrownBy(() -> new MpFail(0, 0x1000));
        assertThatIllegalArgumentException().isThrownBy(() -> new MpFastclose(0, -1));
        assertThatIllegalArgumentException().isThrownBy(() -> new MpTcpRst(false, 256));
        assertThatIllegalArgumentException().isThrownBy(() -> new MpTcpRst(false, 0, 1));
    }
}
