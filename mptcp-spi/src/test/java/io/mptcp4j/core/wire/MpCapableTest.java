package io.mptcp4j.core.wire;

import static io.mptcp4j.core.wire.MptcpOptionAssertions.assertEncodes;
import static io.mptcp4j.core.wire.MptcpOptionAssertions.assertRoundTrip;
import static io.mptcp4j.core.wire.MptcpOptionAssertions.hex;
import static io.mptcp4j.core.wire.MptcpOptionAssertions.option;
import static io.mptcp4j.core.wire.MptcpOptionAssertions.rejectReason;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.mptcp4j.core.wire.MalformedPacketException.Reason;
import io.mptcp4j.core.wire.MpCapable.Form;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class MpCapableTest {

    private static final long KEY_A = 0x0123456789ABCDEFL;
    private static final long KEY_B = 0xFEDCBA9876543210L;
    private static final int H = MpCapable.FLAG_HMAC_SHA256;

    @Test
    void linuxSynIsFourBytes() throws Exception {
        assertEncodes(MpCapable.syn(H), "1e 04 01 01");
    }

    @Test
    void linuxSynWithChecksumRequired() throws Exception {
        assertEncodes(MpCapable.syn(MpCapable.FLAG_CHECKSUM_REQUIRED | H), "1e 04 01 81");
    }

    @Test
    void synAckCarriesTheResponderKey() throws Exception {
        assertEncodes(MpCapable.synAck(H, KEY_B), "1e 0c 01 01 fedcba9876543210");
    }

    @Test
    void thirdAckCarriesBothKeysSenderFirst() throws Exception {
        assertEncodes(MpCapable.ack(H, KEY_A, KEY_B), "1e 14 01 01 0123456789abcdef fedcba9876543210");
    }

    @Test
    void firstDataCarriesTheDataLevelLength() throws Exception {
        assertEncodes(MpCapable.ackWithData(H, KEY_A, KEY_B, 1400),
                "1e 16 01 01 0123456789abcdef fedcba9876543210 0578");
    }

    @Test
    void firstDataWithChecksum() throws Exception {
        assertEncodes(MpCapable.ackWithData(MpCapable.FLAG_CHECKSUM_REQUIRED | H, KEY_A, KEY_B, 1400, 0xBEEF),
                "1e 18 01 81 0123456789abcdef fedcba9876543210 0578 beef");
    }

    @Test
    void decodedFieldsAndFlags() throws Exception {
        MpCapable mpc = (MpCapable) assertRoundTrip(hex("1e 18 01 e1 0123456789abcdef fedcba9876543210 0578 beef"));
        assertThat(mpc.form()).isEqualTo(Form.ACK_DATA_CHECKSUM);
        assertThat(mpc.version()).isEqualTo(1);
        assertThat(mpc.senderKey()).isEqualTo(KEY_A);
        assertThat(mpc.receiverKey()).isEqualTo(KEY_B);
        assertThat(mpc.dataLevelLength()).isEqualTo(1400);
        assertThat(mpc.checksum()).isEqualTo(0xBEEF);
        assertThat(mpc.checksumRequired()).isTrue();
        assertThat(mpc.extensibility()).isTrue();
        assertThat(mpc.noJoinToSourceAddress()).isTrue();
        assertThat(mpc.hmacSha256()).isTrue();
        assertThat(mpc.hasData()).isTrue();
        assertThat(mpc.hasChecksum()).isTrue();
        assertThat(mpc.subtype()).isEqualTo(MptcpOption.SUBTYPE_MP_CAPABLE);
        assertThat(mpc.kind()).isEqualTo(TcpOption.KIND_MPTCP);
    }

    /** Every flags byte with a crypto bit set, on every form, round-trips. */
    @ParameterizedTest
    @EnumSource(Form.class)
    void everyValidFlagsByteRoundTrips(Form form) throws Exception {
        for (int flags = 0; flags < 256; flags++) {
            if ((flags & MpCapable.CRYPTO_ALGORITHM_MASK) == 0) continue;
            byte[] wire = option(form.length(), 0x01, 0x5A);
            wire[3] = (byte) flags;
            MpCapable mpc = (MpCapable) assertRoundTrip(wire);
            assertThat(mpc.form()).isEqualTo(form);
            assertThat(mpc.flags()).isEqualTo(flags);
        }
    }

    @ParameterizedTest
    @EnumSource(Form.class)
    void fieldsAbsentFromAFormAreZero(Form form) throws Exception {
        MpCapable mpc = (MpCapable) assertRoundTrip(option(form.length(), 0x01, 0xFF));
        assertThat(mpc.senderKey()).isEqualTo(form == Form.SYN ? 0 : -1L);
        assertThat(mpc.receiverKey()).isEqualTo(form == Form.SYN || form == Form.SYN_ACK ? 0 : -1L);
        assertThat(mpc.dataLevelLength()).isEqualTo(mpc.hasData() ? 0xFFFF : 0);
        assertThat(mpc.checksum()).isEqualTo(mpc.hasChecksum() ? 0xFFFF : 0);
    }

    static IntStream invalidLengths() {
        return IntStream.rangeClosed(3, 40).filter(length -> Form.ofLength(length) == null);
    }

    @ParameterizedTest
    @MethodSource("invalidLengths")
    void otherLengthsAreRefused(int length) {
        byte[] wire = option(length, 0x01, 0x01);
        if (length > 3) wire[3] = (byte) H;
        assertThat(rejectReason(wire)).isEqualTo(Reason.BAD_OPTION_LENGTH);
    }

    @ParameterizedTest
    @EnumSource(Form.class)
    void versionZeroIsRefused(Form form) {
        byte[] wire = option(form.length(), 0x00, 0x01);
        assertThat(rejectReason(wire)).isEqualTo(Reason.BAD_VERSION);
    }

    /** A v0 SYN has length 12 with the initiator's key: the length of a v1 SYN/ACK, told apart by the version. */
    @Test
    void version0SynWithKeyIsRefused() {
        assertThat(rejectReason(hex("1e 0c 00 81 0123456789abcdef"))).isEqualTo(Reason.BAD_VERSION);
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 15})
    void aSynMayOfferAHigherVersion(int version) throws Exception {
        MpCapable mpc = (MpCapable) assertRoundTrip(hex("1e 04 0" + Integer.toHexString(version) + " 01"));
        assertThat(mpc.version()).isEqualTo(version);
    }

    @ParameterizedTest
    @EnumSource(value = Form.class, names = "SYN", mode = EnumSource.Mode.EXCLUDE)
    void laterFormsMustSayVersion1(Form form) {
        assertThat(rejectReason(option(form.length(), 0x02, 0x01))).isEqualTo(Reason.BAD_VERSION);
    }

    @ParameterizedTest
    @EnumSource(Form.class)
    void noCryptoAlgorithmIsRefused(Form form) {
        byte[] wire = option(form.length(), 0x01, 0x00);
        wire[3] = (byte) 0xE0;
        assertThat(rejectReason(wire)).isEqualTo(Reason.BAD_FIELD);
    }

    @Test
    void constructorRefusesInconsistentRecords() {
        assertThatIllegalArgumentException().isThrownBy(() -> new MpCapable(1, H, Form.SYN, KEY_A, 0, 0, 0));
        assertThatIllegalArgumentException().isThrownBy(() -> new MpCapable(1, H, Form.SYN_ACK, KEY_A, KEY_B, 0, 0));
        assertThatIllegalArgumentException().isThrownBy(() -> new MpCapable(1, H, Form.ACK, KEY_A, KEY_B, 5, 0));
        assertThatIllegalArgumentException().isThrownBy(() -> new MpCapable(1, H, Form.ACK_DATA, KEY_A, KEY_B, 5, 7));
        assertThatIllegalArgumentException().isThrownBy(() -> new MpCapable(2, H, Form.ACK, KEY_A, KEY_B, 0, 0));
        assertThatIllegalArgumentException().isThrownBy(() -> new MpCapable(0, H, Form.SYN, 0, 0, 0, 0));
        assertThatIllegalArgumentException().isThrownBy(() -> MpCapable.syn(0x80));
        assertThatIllegalArgumentException().isThrownBy(() -> MpCapable.syn(0x101));
        assertThatIllegalArgumentException().isThrownBy(() -> MpCapable.ackWithData(H, KEY_A, KEY_B, 0x10000));
        assertThatIllegalArgumentException().isThrownBy(() -> new MpCapable(1, H, null, 0, 0, 0, 0));
    }
}
