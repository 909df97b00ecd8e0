package io.mptcp4j.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ByteStreamCheckerTest {

    @Test
    void aStreamCopiedInOddChunksChecksOut() throws Exception {
        ByteStreamChecker checker = new ByteStreamChecker(42, 100_003);
        SplittableRandom sizes = new SplittableRandom(1);
        ByteBuffer wire = ByteBuffer.allocate(40_000);
        while (!checker.source().finished()) {
            wire.clear().limit(1 + sizes.nextInt(wire.capacity()));
            checker.source().read(wire);
            wire.flip();
            while (wire.hasRemaining()) {
                ByteBuffer piece = wire.slice().limit(Math.min(wire.remaining(), 1 + sizes.nextInt(3000)));
                wire.position(wire.position() + piece.remaining());
                checker.verifier().accept(piece);
            }
        }

        checker.assertTransferred();
        assertThat(checker.source().read(ByteBuffer.allocate(10))).isEqualTo(-1);
        assertThat(checker.verifier().sha256()).isEqualTo(checker.source().sha256()).isEqualTo(sha256Of(checker));
    }

    @Test
    void thePatternDependsOnTheSeedAndTheOffsetOnly() {
        ByteStreamChecker a = new ByteStreamChecker(1, 64);
        ByteStreamChecker sameSeed = new ByteStreamChecker(1, 1_000);
        ByteStreamChecker otherSeed = new ByteStreamChecker(2, 64);
        ByteBuffer fromA = ByteBuffer.allocate(64);
        a.source().read(fromA);

        for (int i = 0; i < 64; i++) {
            assertThat(fromA.get(i)).isEqualTo(a.expectedByte(i)).isEqualTo(sameSeed.expectedByte(i));
        }
        ByteBuffer fromOther = ByteBuffer.allocate(64);
        otherSeed.source().read(fromOther);
        assertThat(fromOther.array()).isNotEqualTo(fromA.array());
    }

    @Test
    void aChangedByteIsReportedByItsOffset() {
        ByteStreamChecker checker = new ByteStreamChecker(7, 50_000);
        ByteBuffer all = ByteBuffer.allocate(50_000);
        checker.source().read(all);
        all.put(31_337, (byte) ~all.get(31_337)).flip();

        checker.verifier().accept(all);

        assertThat(checker.verifier().firstMismatch()).isEqualTo(31_337);
        assertThatThrownBy(checker::assertTransferred).isInstanceOf(AssertionError.class)
                .hasMessageContaining("byte 31337 differs")
                .hasMessageContaining("pattern seed 7");
    }

    @Test
    void missingAndExtraBytesAreReported() {
        ByteStreamChecker short_ = new ByteStreamChecker(3, 1_000);
        ByteBuffer all = ByteBuffer.allocate(1_000);
        short_.source().read(all);
        short_.verifier().accept(all.flip().limit(999));
        assertThatThrownBy(short_::assertTransferred).hasMessageContaining("only 999 bytes arrived");

        ByteStreamChecker twice = new ByteStreamChecker(3, 1_000);
        twice.source().read(all.clear());
        twice.verifier().accept(all.flip());
        twice.verifier().accept(ByteBuffer.wrap(new byte[5]));
        assertThatThrownBy(twice::assertTransferred).hasMessageContaining("5 bytes more than were sent");

        ByteStreamChecker unsent = new ByteStreamChecker(3, 1_000);
        assertThatThrownBy(unsent::assertTransferred).hasMessageContaining("the sender read only 0 bytes");
        assertThatThrownBy(() -> unsent.source().sha256()).isInstanceOf(IllegalStateException.class);
    }

    private static String sha256Of(ByteStreamChecker checker) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        for (long i = 0; i < checker.length(); i++) {
            digest.update(checker.expectedByte(i));
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
