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

class DssTest {

    private static final int ACK = Dss.FLAG_DATA_ACK;
    private static final int ACK64 = Dss.FLAG_DATA_ACK_64;
    private static final int MAP = Dss.FLAG_MAPPING;
    private static final int DSN64 = Dss.FLAG_DSN_64;
    private static final int FIN = Dss.FLAG_DATA_FIN;

    // ---- what Linux sends: 64-bit DATA_ACK once the peer used 64-bit DSNs, always 64-bit DSNs ----

    @Test
    void linuxDataAck64Alone() throws Exception {
        assertEncodes(Dss.dataAck(0x0102030405060708L, true), "1e 0c 20 03 0102030405060708");
    }

    @Test
    void dataAck32Alone() throws Exception {
        assertEncodes(Dss.dataAck(0xDEADBEEFL, false), "1e 08 20 01 deadbeef");
    }

    @Test
    void linuxMappingAndDataAckAre26BytesWithoutChecksum() throws Exception {
        assertEncodes(Dss.dataAckAndMapping(0x1111111111111111L, true, 0x2222222222222222L, true, 1, 1400, false),
                "1e 1a 20 0f 1111111111111111 2222222222222222 00000001 0578");
    }

    @Test
    void linuxMappingAndDataAckAre28BytesWithChecksum() throws Exception {
        assertEncodes(Dss.dataAckAndMapping(0x1111111111111111L, true, 0x2222222222222222L, true, 1, 1400, false)
                        .withChecksum(0xABCD),
                "1e 1c 20 0f 1111111111111111 2222222222222222 00000001 0578 abcd");
    }

    @Test
    void mapping64AloneIs18Or20Bytes() throws Exception {
        Dss mapping = Dss.mapping(0x2222222222222222L, true, 7, 100, false);
        assertEncodes(mapping, "1e 12 20 0c 2222222222222222 00000007 0064");
        assertEncodes(mapping.withChecksum(0x1234), "1e 14 20 0c 2222222222222222 00000007 0064 1234");
    }

    @Test
    void linuxDataFinWithoutData() throws Exception {
        Dss fin = Dss.dataFin(0x2222222222222222L);
        assertEncodes(fin, "1e 12 20 1c 2222222222222222 00000000 0001");
        assertThat(fin.isDataFin()).isTrue();
        assertThat(fin.subflowSequenceNumber()).isZero();
        assertThat(fin.dataLevelLength()).isEqualTo(1);
        assertThat(fin.isDataFinAlone()).isTrue();
        assertThat(Dss.mapping(5, true, 6, 101, true).isDataFinAlone()).as("a last mapping with the DATA_FIN")
                .isFalse();
        assertThat(Dss.dataAck(5, true).isDataFinAlone()).isFalse();
    }

    @Test
    void mapping32AndDataAck32() throws Exception {
        assertEncodes(Dss.dataAckAndMapping(0xFFFFFFFFL, false, 0x80000000L, false, 0xFFFFFFFFL, 0xFFFF, true),
                "1e 12 20 15 ffffffff 80000000 ffffffff ffff");
    }

    @Test
    void withDataAckReplacesTheAckAndKeepsTheRest() throws Exception {
        Dss dss = Dss.mapping(5, false, 6, 7, true).withChecksum(8).withDataAck(9, true).withDataAck(10, false);
        assertThat(dss.hasDataAck()).isTrue();
        assertThat(dss.isDataAck64()).isFalse();
        assertThat(dss.dataAck()).isEqualTo(10);
        assertThat(dss.flags()).isEqualTo(FIN | MAP | ACK);
        assertEncodes(dss, "1e 14 20 15 0000000a 00000005 00000006 0007 0008");
    }

    // ---- every flags byte, checksum present and absent ----

    static IntStream everyFlagsByte() {
        return IntStream.range(0, 256);
    }

    /** Length the flags call for without checksum, computed independently of {@link Dss}. */
    private static int expectedLength(int flags) {
        int length = 4;
        if ((flags & ACK) != 0) length += (flags & ACK64) != 0 ? 8 : 4;
        if ((flags & MAP) != 0) length += ((flags & DSN64) != 0 ? 8 : 4) + 4 + 2;
        return length;
    }

    @ParameterizedTest
    @MethodSource("everyFlagsByte")
    void everyFlagsCombinationRoundTrips(int flags) throws Exception {
        boolean map = (flags & MAP) != 0;
        for (boolean checksum : map ? new boolean[] {false, true} : new boolean[] {false}) {
            int length = expectedLength(flags) + (checksum ? 2 : 0);
            for (int reservedNibble : new int[] {0, 0xF}) {
                byte[] wire = option(length, 0x20 | reservedNibble, 0x9C);
                wire[3] = (byte) flags;
                Dss dss = (Dss) assertRoundTrip(wire);
                assertThat(dss.flags()).isEqualTo(flags);
                assertThat(dss.reserved()).isEqualTo(reservedNibble);
                assertThat(dss.hasChecksum()).isEqualTo(checksum);
                assertThat(dss.hasDataAck()).isEqualTo((flags & ACK) != 0);
                assertThat(dss.hasMapping()).isEqualTo(map);
                assertThat(dss.isDataFin()).isEqualTo((flags & FIN) != 0);
                long ack = (flags & ACK64) != 0 ? 0x9C9C9C9C9C9C9C9CL : 0x9C9C9C9CL;
                assertThat(dss.dataAck()).isEqualTo((flags & ACK) != 0 ? ack : 0);
                long dsn = (flags & DSN64) != 0 ? 0x9C9C9C9C9C9C9C9CL : 0x9C9C9C9CL;
                assertThat(dss.dataSequenceNumber()).isEqualTo(map ? dsn : 0);
                assertThat(dss.subflowSequenceNumber()).isEqualTo(map ? 0x9C9C9C9CL : 0);
                assertThat(dss.dataLevelLength()).isEqualTo(map ? 0x9C9C : 0);
                assertThat(dss.checksum()).isEqualTo(checksum ? 0x9C9C : 0);
                assertThat(dss.encodedLength()).isEqualTo(length);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("everyFlagsByte")
    void everyOtherLengthIsRefused(int flags) {
        int exact = expectedLength(flags);
        boolean map = (flags & MAP) != 0;
        for (int length = 3; length <= 40; length++) {
            if (length == exact || (map && length == exact + 2)) continue;
            byte[] wire = option(length, 0x20, 0);
            if (length > 3) wire[3] = (byte) flags;
            assertThat(rejectReason(wire)).as("flags %02x length %d", flags, length)
                    .isEqualTo(Reason.BAD_OPTION_LENGTH);
        }
    }

    @Test
    void widthFlagsWithoutTheirFieldAreIgnoredButKept() throws Exception {
        Dss dss = (Dss) assertRoundTrip(hex("1e 04 20 1a"));
        assertThat(dss.hasDataAck()).isFalse();
        assertThat(dss.hasMapping()).isFalse();
        assertThat(dss.isDataAck64()).isTrue();
        assertThat(dss.isDsn64()).isTrue();
        assertThat(dss.isDataFin()).isTrue();
    }

    @Test
    void aChecksumNeedsAMapping() {
        assertThat(rejectReason(hex("1e 0a 20 01 00000001 abcd"))).isEqualTo(Reason.BAD_OPTION_LENGTH);
        assertThat(rejectReason(hex("1e 06 20 00 abcd"))).isEqualTo(Reason.BAD_OPTION_LENGTH);
    }

    @Test
    void constructorRefusesInconsistentRecords() {
        assertThatIllegalArgumentException().isThrownBy(() -> Dss.dataAck(1L << 32, false));
        assertThatIllegalArgumentException().isThrownBy(() -> Dss.mapping(1L << 32, false, 0, 0, false));
        assertThatIllegalArgumentException().isThrownBy(() -> Dss.mapping(0, true, 1L << 32, 0, false));
        assertThatIllegalArgumentException().isThrownBy(() -> Dss.mapping(0, true, 0, 0x10000, false));
        assertThatIllegalArgumentException().isThrownBy(() -> Dss.dataAck(1, true).withChecksum(1));
        assertThatIllegalArgumentException().isThrownBy(() -> Dss.mapping(0, true, 0, 0, false).withChecksum(0x10000));
        assertThatIllegalArgumentException().isThrownBy(() -> new Dss(0, 1, 0, 0, 0, false, 0, 0));
        assertThatIllegalArgumentException().isThrownBy(() -> new Dss(0, 0, 1, 0, 0, false, 0, 0));
        assertThatIllegalArgumentException().isThrownBy(() -> new Dss(MAP, 0, 0, 0, 0, false, 1, 0));
        assertThatIllegalArgumentException().isThrownBy(() -> new Dss(0x100, 0, 0, 0, 0, false, 0, 0));
        assertThatIllegalArgumentException().isThrownBy(() -> new Dss(0, 0, 0, 0, 0, false, 0, 0x10));
    }
}
