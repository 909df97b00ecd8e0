package io.mptcp4j.core.tcp;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static io.mptcp4j.core.tcp.TcpHarness.pattern;
import static org.assertj.core.api.Assertions.assertThat;

class ReceiveBufferTest {

    private final ReceiveBuffer buffer = new ReceiveBuffer();

    private int write(long offset, int n) {
        return buffer.write(offset, ByteBuffer.wrap(pattern(offset, n)));
    }

    private byte[] readAll() {
        ByteBuffer b = ByteBuffer.allocate(buffer.readable());
        buffer.read(b);
        return b.array();
    }

    @Test
    void deliversInOrderData() {
        assertThat(write(0, 10)).isEqualTo(10);
        assertThat(write(10, 5)).isEqualTo(5);
        assertThat(readAll()).isEqualTo(pattern(0, 15));
        assertThat(buffer.readOffset()).isEqualTo(15);
    }

    @Test
    void holdsOutOfOrderDataUntilTheHoleFills() {
        assertThat(write(20, 10)).isZero();
        assertThat(write(40, 10)).isZero();
        assertThat(buffer.readable()).isZero();
        assertThat(buffer.highestReceived()).isEqualTo(50);
        assertThat(write(0, 20)).isEqualTo(30);
        assertThat(write(30, 10)).isEqualTo(20);
        assertThat(buffer.hasOutOfOrder()).isFalse();
        assertThat(readAll()).isEqualTo(pattern(0, 50));
    }

    @Test
    void reassemblesAShuffledStreamExactlyOnceWhateverTheOverlaps() {
        List<long[]> pieces = new ArrayList<>();
        Random random = new Random(1);
        for (long at = 0; at < 200_000; ) {
            int n = 1 + random.nextInt(3000);
            pieces.add(new long[] {at, n});
            // Some pieces arrive twice, some overlapping their neighbours.
            if (random.nextInt(4) == 0) {
                pieces.add(new long[] {Math.max(0, at - 500), n + 500});
            }
            at += n;
        }
        Collections.shuffle(pieces, random);
        ByteBuffer out = ByteBuffer.allocate(400_000);
        for (long[] p : pieces) {
            long from = Math.max(p[0], buffer.inOrderEnd());
            long to = Math.min(p[0] + p[1], 200_000);
            if (to > from) {
                buffer.write(from, ByteBuffer.wrap(pattern(from, (int) (to - from))));
            }
            if (random.nextBoolean()) {
                buffer.read(out);
            }
        }
        buffer.read(out);
        assertThat(out.position()).isEqualTo(200_000);
        byte[] all = new byte[200_000];
        out.flip().get(all);
        assertThat(all).isEqualTo(pattern(0, 200_000));
    }

    @Test
    void reportsTheMostRecentlyTouchedRangesFirst() {
        write(10, 5);
        write(30, 5);
        write(50, 5);
        long[] blocks = new long[8];
        assertThat(buffer.sackBlocks(blocks, 0, 4)).isEqualTo(3);
        assertThat(blocks).startsWith(50, 55, 30, 35, 10, 15);
        write(15, 5);
        assertThat(buffer.sackBlocks(blocks, 0, 2)).isEqualTo(2);
        assertThat(blocks).startsWith(10, 20, 50, 55);
        write(0, 10);
        assertThat(buffer.sackBlocks(blocks, 0, 4)).isEqualTo(2);
        assertThat(blocks).startsWith(50, 55, 30, 35);
    }

    @Test
    void bytesTakenElsewhereAreSkippedAndOutOfOrderDataStaysAddressable() {
        write(0, 4000);
        readAll();
        write(6000, 1000);
        assertThat(buffer.skipConsumed(1000)).isZero();
        assertThat(write(5000, 500)).isEqualTo(500);
        assertThat(readAll()).isEqualTo(pattern(5000, 500));
        // Skipping up to the out-of-order range makes it readable, from the right place in the ring.
        assertThat(buffer.skipConsumed(500)).isEqualTo(1000);
        assertThat(readAll()).isEqualTo(pattern(6000, 1000));
        assertThat(buffer.readOffset()).isEqualTo(7000);
    }

    @Test
    void growsWhileKeepingOutOfOrderBytesInPlace() {
        write(0, 10_000);
        readAll();
        write(10_000 + 60_000, 1000);
        write(10_000, 60_000);
        assertThat(readAll()).isEqualTo(pattern(10_000, 61_000));
    }
}
