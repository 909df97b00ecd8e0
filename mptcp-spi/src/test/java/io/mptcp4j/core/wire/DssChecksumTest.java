package io.mptcp4j.core.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DssChecksumTest {

    private static final byte[] PAYLOAD = "hello, multipath world!".getBytes(StandardCharsets.US_ASCII);
    private static final long DSN = 0x1122334455667788L;

    /** Computed outside this project: one's complement over the 16-byte pseudo-header, then the 23 bytes. */
    @Test
    void knownVector() {
        int checksum = DssChecksum.compute(DSN, 1, PAYLOAD.length, ByteBuffer.wrap(PAYLOAD));
        assertThat(checksum).isEqualTo(0x9E39);
        assertThat(DssChecksum.verifies(DSN, 1, PAYLOAD.length, 0x9E39, ByteBuffer.wrap(PAYLOAD))).isTrue();
    }

    @Test
    void anyChangeFailsVerification() {
        ByteBuffer payload = ByteBuffer.wrap(PAYLOAD);
        int checksum = DssChecksum.compute(DSN, 1, PAYLOAD.length, payload);
        assertThat(DssChecksum.verifies(DSN, 1, PAYLOAD.length, checksum ^ 1, payload)).isFalse();
        assertThat(DssChecksum.verifies(DSN + 1, 1, PAYLOAD.length, checksum, payload)).isFalse();
        assertThat(DssChecksum.verifies(DSN, 2, PAYLOAD.length, checksum, payload)).isFalse();
        assertThat(DssChecksum.verifies(DSN, 1, PAYLOAD.length + 1, checksum, payload)).isFalse();
        byte[] corrupted = PAYLOAD.clone();
        corrupted[10] ^= 0x40;
        assertThat(DssChecksum.verifies(DSN, 1, PAYLOAD.length, checksum, ByteBuffer.wrap(corrupted))).isFalse();
    }

    @Test
    void matchesANaiveComputationForRandomMappings() {
        SplittableRandom random = new SplittableRandom(8684);
        for (int i = 0; i < 2_000; i++) {
            byte[] payload = new byte[random.nextInt(0, 1500)];
            random.nextBytes(payload);
            long dsn = random.nextLong();
            long ssn = random.nextLong() & 0xFFFF_FFFFL;
            int length = random.nextInt(0x10000);
            int expected = naiveChecksum(dsn, ssn, length, payload);
            assertThat(DssChecksum.compute(dsn, ssn, length, ByteBuffer.wrap(payload))).isEqualTo(expected);
            assertThat(DssChecksum.verifies(dsn, ssn, length, expected, ByteBuffer.wrap(payload))).isTrue();
        }
    }

    /** A mapping received over several segments of odd and even sizes sums as one piece. */
    @Test
    void piecesOfAnySizeAddUp() {
        SplittableRandom random = new SplittableRandom(30);
        for (int i = 0; i < 500; i++) {
            byte[] payload = new byte[random.nextInt(1, 3000)];
            random.nextBytes(payload);
            int expected = naiveChecksum(DSN, 77, payload.length, payload);
            DssChecksum running = new DssChecksum();
            int at = 0;
            while (at < payload.length) {
                int piece = Math.min(payload.length - at, random.nextInt(0, 9));
                ByteBuffer buf = segment(payload, at, piece, random.nextBoolean(), random.nextBoolean());
                int position = buf.position();
                running.update(buf);
                assertThat(buf.position()).isEqualTo(position);
                at += piece;
            }
            assertThat(running.checksum(DSN, 77, payload.length)).isEqualTo(expected);
            assertThat(running.verify(DSN, 77, payload.length, expected)).isTrue();
            assertThat(running.reset().update(ByteBuffer.wrap(payload)).checksum(DSN, 77, payload.length))
                    .isEqualTo(expected);
        }
    }

    /** The received checksum verifies when the sum including it folds to 0xFFFF, as Linux's csum_fold(...) == 0. */
    @Test
    void verificationIncludesTheReceivedChecksumInTheSum() {
        byte[] zeros = new byte[4];
        int checksum = DssChecksum.compute(0, 0, 0, ByteBuffer.wrap(zeros));
        assertThat(checksum).isEqualTo(0xFFFF);
        assertThat(DssChecksum.verifies(0, 0, 0, 0xFFFF, ByteBuffer.wrap(zeros))).isTrue();
        assertThat(DssChecksum.verifies(0, 0, 0, 0, ByteBuffer.wrap(zeros))).isFalse();
    }

    /** RFC 8684 section 3.3.1: the pseudo-header always holds the 64-bit DSN, even for a 32-bit DSS mapping. */
    @Test
    void pseudoHeaderUsesTheFullDsn() {
        long dsn = 0x00000001_00000010L;
        int full = DssChecksum.compute(dsn, 1, PAYLOAD.length, ByteBuffer.wrap(PAYLOAD));
        int truncated = DssChecksum.compute(dsn & 0xFFFF_FFFFL, 1, PAYLOAD.length, ByteBuffer.wrap(PAYLOAD));
        assertThat(full).isNotEqualTo(truncated);
        assertThat(full).isEqualTo(naiveChecksum(dsn, 1, PAYLOAD.length, PAYLOAD));
    }

    private static ByteBuffer segment(byte[] payload, int at, int length, boolean littleEndian, boolean direct) {
        ByteBuffer buf = direct ? ByteBuffer.allocateDirect(length + 3) : ByteBuffer.allocate(length + 3);
        buf.order(littleEndian ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        buf.put(0, (byte) 0x5A).put(1, (byte) 0xA5);
        buf.put(2, payload, at, length);
        buf.put(2 + length, (byte) 0xFF);
        return buf.position(2).limit(2 + length);
    }

    /** The textbook algorithm: concatenate pseudo-header and payload, pad to even, add 16-bit words, fold, invert. */
    private static int naiveChecksum(long dsn, long ssn, int dataLevelLength, byte[] payload) {
        ByteBuffer all = ByteBuffer.allocate(16 + payload.length + 1);
        all.putLong(dsn).putInt((int) ssn).putShort((short) dataLevelLength).putShort((short) 0).put(payload);
        int words = (16 + payload.length + 1) / 2;
        long sum = 0;
        for (int i = 0; i < words; i++) sum += all.getShort(2 * i) & 0xFFFF;
        while (sum > 0xFFFF) sum = (sum & 0xFFFF) + (sum >>> 16);
        return (int) ~sum & 0xFFFF;
    }
}
