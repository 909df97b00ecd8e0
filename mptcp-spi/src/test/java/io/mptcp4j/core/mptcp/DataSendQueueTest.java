package io.mptcp4j.core.mptcp;

import io.mptcp4j.core.wire.DssChecksum;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The connection-level send queue: bytes by DSN until a DATA_ACK covers them. */
class DataSendQueueTest {

    private static final long START = 0xFFFF_FFFF_FFFF_FF00L; // crosses the end of the 64-bit space

    private static byte[] bytes(int from, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (from + i);
        }
        return b;
    }

    @Test
    void holdsWhatWasWrittenUntilAcknowledged() {
        DataSendQueue q = new DataSendQueue(MptcpConfig.MIN_BUFFER);
        q.start(START);
        assertThat(q.write(ByteBuffer.wrap(bytes(0, 1000)))).isEqualTo(1000);
        assertThat(q.end()).isEqualTo(START + 1000);
        q.acknowledge(START + 300);
        assertThat(q.una()).isEqualTo(START + 300);
        assertThat(q.length()).isEqualTo(700);
        assertThat(q.view(START + 300, 10).get(0)).isEqualTo((byte) 300);
        // An acknowledgment outside the queue changes nothing.
        q.acknowledge(START + 5000);
        q.acknowledge(START);
        assertThat(q.una()).isEqualTo(START + 300);
    }

    @Test
    void refusesWhatDoesNotFitAndWrapsItsRing() {
        DataSendQueue q = new DataSendQueue(MptcpConfig.MIN_BUFFER);
        q.start(START);
        assertThat(q.write(ByteBuffer.wrap(new byte[MptcpConfig.MIN_BUFFER + 10]))).isEqualTo(MptcpConfig.MIN_BUFFER);
        assertThat(q.free()).isZero();
        q.acknowledge(START + 1000);
        assertThat(q.write(ByteBuffer.wrap(bytes(7, 1000)))).isEqualTo(1000);
        // The last 1000 bytes wrapped around the ring: a view stops at the wrap, the next one continues.
        long dsn = START + MptcpConfig.MIN_BUFFER;
        ByteBuffer first = q.view(dsn, 1000);
        assertThat(first.remaining()).isEqualTo(1000);
        assertThat(first.get(0)).isEqualTo((byte) 7);
        assertThatThrownBy(() -> q.view(START, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void feedsAChecksumAcrossTheWrap() {
        DataSendQueue q = new DataSendQueue(MptcpConfig.MIN_BUFFER);
        q.start(START);
        q.write(ByteBuffer.wrap(new byte[MptcpConfig.MIN_BUFFER - 100]));
        q.acknowledge(START + MptcpConfig.MIN_BUFFER - 101); // one byte stays, so the ring keeps its position
        byte[] data = bytes(1, 333);
        q.write(ByteBuffer.wrap(data));
        long dsn = START + MptcpConfig.MIN_BUFFER - 100;
        assertThat(q.view(dsn, 333).remaining()).isLessThan(333);
        DssChecksum sum = new DssChecksum();
        q.addTo(sum, dsn, 333);
        assertThat(sum.checksum(dsn, 1, 333)).isEqualTo(DssChecksum.compute(dsn, 1, 333, ByteBuffer.wrap(data)));
    }
}
