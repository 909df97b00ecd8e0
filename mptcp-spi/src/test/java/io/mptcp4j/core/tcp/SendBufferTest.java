package io.mptcp4j.core.tcp;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static io.mptcp4j.core.tcp.TcpHarness.pattern;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SendBufferTest {

    private static byte[] bytes(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return a;
    }

    @Test
    void takesWhatFitsUnderTheLimit() {
        SendBuffer buffer = new SendBuffer(100, 50);
        assertThat(buffer.write(ByteBuffer.wrap(pattern(0, 150)))).isEqualTo(100);
        assertThat(buffer.free()).isZero();
        assertThat(buffer.write(ByteBuffer.wrap(new byte[1]))).isZero();
        assertThat(bytes(buffer.slice(20, 30))).isEqualTo(pattern(20, 30));
    }

    @Test
    void slicesAcrossTheRingsEndAreContiguousThanksToTheMirror() {
        SendBuffer buffer = new SendBuffer(100, 40);
        long offset = 0;
        for (int lap = 0; lap < 20; lap++) {
            ByteBuffer src = ByteBuffer.wrap(pattern(buffer.endOffset(), 70));
            buffer.write(src);
            for (long at = offset; at + 40 <= buffer.endOffset(); at += 7) {
                ByteBuffer slice = buffer.slice(at, 40);
                assertThat(slice.isReadOnly()).isTrue();
                assertThat(bytes(slice)).isEqualTo(pattern(at, 40));
            }
            offset = buffer.endOffset() - 10;
            buffer.discardTo(offset);
        }
        assertThat(buffer.startOffset()).isEqualTo(offset);
    }

    @Test
    void growsByDoublingUpToARaisedLimitAndKeepsItsBytes() {
        SendBuffer buffer = new SendBuffer(1 << 20, 1000);
        byte[] data = pattern(0, 100_000);
        assertThat(buffer.write(ByteBuffer.wrap(data))).isEqualTo(100_000);
        buffer.discardTo(99_000);
        assertThat(buffer.write(ByteBuffer.wrap(pattern(100_000, 5000)))).isEqualTo(5000);
        assertThat(bytes(buffer.slice(99_500, 1000))).isEqualTo(pattern(99_500, 1000));
        buffer.raiseLimit(2 << 20);
        assertThat(buffer.limit()).isEqualTo(2 << 20);
        buffer.raiseLimit(10);
        assertThat(buffer.limit()).isEqualTo(2 << 20);
    }

    @Test
    void refusesSlicesOfBytesItDoesNotHold() {
        SendBuffer buffer = new SendBuffer(100, 50);
        buffer.write(ByteBuffer.wrap(new byte[60]));
        buffer.discardTo(10);
        assertThatThrownBy(() -> buffer.slice(5, 10)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> buffer.slice(55, 10)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(buffer.slice(20, 0).remaining()).isZero();
    }
}
