package io.mptcp4j.core.mptcp;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Data-level reassembly (RFC 8684 section 3.3): in order, out of order, overlapping, across the 2^64 wrap. */
class DataReceiveBufferTest {

    private static final long START = 0xFFFF_FFFF_FFFF_FFF0L;

    private static ByteBuffer bytes(long from, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (from + i);
        }
        return ByteBuffer.wrap(b);
    }

    private static byte[] read(DataReceiveBuffer buffer) {
        ByteBuffer dst = ByteBuffer.allocate(buffer.readable());
        buffer.read(dst);
        return dst.array();
    }

    @Test
    void joinsOutOfOrderPiecesOnceTheGapFills() {
        DataReceiveBuffer b = new DataReceiveBuffer(MptcpConfig.MIN_BUFFER);
        b.start(START);
        assertThat(b.store(START + 100, bytes(100, 50))).isFalse();
        assertThat(b.store(START + 20, bytes(20, 30))).isFalse();
        assertThat(b.hasOutOfOrder()).isTrue();
        assertThat(b.readable()).isZero();
        assertThat(b.store(START, bytes(0, 20))).isTrue();
        assertThat(b.rcvNxt()).isEqualTo(START + 50);
        assertThat(b.store(START + 50, bytes(50, 50))).isTrue();
        assertThat(b.rcvNxt()).isEqualTo(START + 150);
        assertThat(b.hasOutOfOrder()).isFalse();
        assertThat(read(b)).isEqualTo(bytes(0, 150).array());
        assertThat(b.readable()).isZero();
    }

    @Test
    void keepsEachByteOnceWhenPiecesOverlap() {
        DataReceiveBuffer b = new DataReceiveBuffer(MptcpConfig.MIN_BUFFER);
        b.start(START);
        b.store(START + 10, bytes(10, 20));
        b.store(START + 40, bytes(40, 10));
        // Covers both pieces and the gaps around them (a reinjection over another subflow).
        b.store(START + 5, bytes(5, 50));
        assertThat(b.outOfOrderBytes()).isEqualTo(50);
        b.store(START, bytes(0, 5));
        assertThat(read(b)).isEqualTo(bytes(0, 55).array());
        assertThat(b.outOfOrderBytes()).isZero();
    }

    @Test
    void offersAWindowThatEndsALimitAfterTheReadPoint() {
        DataReceiveBuffer b = new DataReceiveBuffer(MptcpConfig.MIN_BUFFER);
        b.start(START);
        assertThat(b.rightEdge()).isEqualTo(START + MptcpConfig.MIN_BUFFER);
        b.store(START, bytes(0, 1000));
        assertThat(b.rightEdge()).as("unread bytes do not move the edge").isEqualTo(START + MptcpConfig.MIN_BUFFER);
        b.read(ByteBuffer.allocate(400));
        assertThat(b.rightEdge()).isEqualTo(START + 400 + MptcpConfig.MIN_BUFFER);
        assertThatThrownBy(() -> b.store(START + 400 + MptcpConfig.MIN_BUFFER, bytes(0, 1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.store(START + 10, bytes(0, 1))).isInstanceOf(IllegalArgumentException.class);
    }
}
