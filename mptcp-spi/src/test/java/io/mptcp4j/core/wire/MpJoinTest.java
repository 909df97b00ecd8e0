package io.mptcp4j.core.wire;

import static io.mptcp4j.core.wire.MptcpOptionAssertions.assertEncodes;
import static io.mptcp4j.core.wire.MptcpOptionAssertions.assertRoundTrip;
import static io.mptcp4j.core.wire.MptcpOptionAssertions.hex;
import static io.mptcp4j.core.wire.MptcpOptionAssertions.option;
import static io.mptcp4j.core.wire.MptcpOptionAssertions.rejectReason;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.mptcp4j.core.wire.MalformedPacketException.Reason;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class MpJoinTest {

    private static final String HMAC20 = "f61753d6b8ac227764b9d1b17a6f5ceeec9d1a8a";

    @Test
    void synCarriesTokenAndRandom() throws Exception {
        assertEncodes(new MpJoin.Syn(false, 2, 0x55C53F5DL, 0x11223344L), "1e 0c 10 02 55c53f5d 11223344");
        assertEncodes(new MpJoin.Syn(true, 255, 0xFFFFFFFFL, 0), "1e 0c 11 ff ffffffff 00000000");
    }

    @Test
    void synAckCarriesTruncatedHmacAndRandom() throws Exception {
        assertEncodes(new MpJoin.SynAck(true, 0, 0x3BAE5ABC810A33C2L, 0xAABBCCDDL),
                "1e 10 11 00 3bae5abc810a33c2 aabbccdd");
    }

    @Test
    void thirdAckCarries160BitsOfHmac() throws Exception {
        assertEncodes(new MpJoin.Ack(hex(HMAC20)), "1e 18 10 00" + HMAC20);
    }

    @Test
    void decodedSynFields() throws Exception {
        MpJoin.Syn syn = (MpJoin.Syn) assertRoundTrip(hex("1e 0c 11 07 8000000a fffffffe"));
        assertThat(syn.backup()).isTrue();
        assertThat(syn.addressId()).isEqualTo(7);
        assertThat(syn.receiverToken()).isEqualTo(0x8000000AL);
        assertThat(syn.senderRandom()).isEqualTo(0xFFFFFFFEL);
        assertThat(syn.reserved()).isZero();
        assertThat(syn.subtype()).isEqualTo(MptcpOption.SUBTYPE_MP_JOIN);
    }

    @Test
    void decodedSynAckFields() throws Exception {
        MpJoin.SynAck synAck = (MpJoin.SynAck) assertRoundTrip(hex("1e 10 10 03 ffffffffffffffff 00000001"));
        assertThat(synAck.backup()).isFalse();
        assertThat(synAck.addressId()).isEqualTo(3);
        assertThat(synAck.truncatedHmac()).isEqualTo(-1L);
        assertThat(synAck.senderRandom()).isEqualTo(1);
    }

    @Test
    void decodedAckFieldsAreACopy() throws Exception {
        MpJoin.Ack ack = (MpJoin.Ack) assertRoundTrip(hex("1e 18 10 00" + HMAC20));
        assertThat(hex(ack.hmac())).isEqualTo(HMAC20);
        ack.hmac()[0] = 0;
        assertThat(hex(ack.hmac())).isEqualTo(HMAC20);
        assertThat(ack).isEqualTo(new MpJoin.Ack(hex(HMAC20))).hasSameHashCodeAs(new MpJoin.Ack(hex(HMAC20)));
        assertThat(ack.toString()).contains(HMAC20);
    }

    /** Every value of the low nibble (reserved bits and B) round-trips on each form. */
    @ParameterizedTest
    @ValueSource(ints = {12, 16, 24})
    void reservedBitsRoundTrip(int length) throws Exception {
        for (int nibble = 0; nibble < 16; nibble++) {
            MpJoin join = (MpJoin) assertRoundTrip(option(length, 0x10 | nibble, 0xC3));
            if (join instanceof MpJoin.Syn syn) {
                assertThat(syn.backup()).isEqualTo((nibble & 1) == 1);
                assertThat(syn.reserved()).isEqualTo(nibble & 0x0E);
            } else if (join instanceof MpJoin.SynAck synAck) {
                assertThat(synAck.backup()).isEqualTo((nibble & 1) == 1);
                assertThat(synAck.reserved()).isEqualTo(nibble & 0x0E);
            } else {
                assertThat(((MpJoin.Ack) join).reserved()).isEqualTo(nibble << 8 | 0xC3);
            }
        }
    }

    static IntStream invalidLengths() {
        return IntStream.rangeClosed(3, 40).filter(length -> length != 12 && length != 16 && length != 24);
    }

    @ParameterizedTest
    @MethodSource("invalidLengths")
    void otherLengthsAreRefused(int length) {
        assertThat(rejectReason(option(length, 0x10, 0))).isEqualTo(Reason.BAD_OPTION_LENGTH);
    }

    @Test
    void constructorsCheckRanges() {
        assertThatIllegalArgumentException().isThrownBy(() -> new MpJoin.Syn(false, 256, 0, 0));
        assertThatIllegalArgumentException().isThrownBy(() -> new MpJoin.Syn(false, 0, 1L << 32, 0));
        assertThatIllegalArgumentException().isThrownBy(() -> new MpJoin.Syn(false, 0, 0, -1));
        assertThatIllegalArgumentException().isThrownBy(() -> new MpJoin.Syn(false, 0, 0, 0, 1));
        assertThatIllegalArgumentException().isThrownBy(() -> new MpJoin.SynAck(false, 0, 0, 1L << 32));
        assertThatIllegalArgumentException().isThrownBy(() -> new MpJoin.Ack(new byte[32]));
        assertThatIllegalArgumentException().isThrownBy(() -> new MpJoin.Ack(new byte[20], 0x1000));
    }
}
