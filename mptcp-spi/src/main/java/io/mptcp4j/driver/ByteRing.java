package io.mptcp4j.driver;

import io.mptcp4j.core.mptcp.MptcpConnection;
import java.nio.ByteBuffer;

/**
 * A fixed-size ring of bytes between an application thread and the loop: {@link ChannelStream} keeps one per
 * direction. Not thread-safe: its owner guards it with a lock.
 */
final class ByteRing {

    private final byte[] bytes;
    private int head;
    private int size;

    ByteRing(int capacity) {
        this.bytes = new byte[capacity];
    }

    int size() {
        return size;
    }

    int free() {
        return bytes.length - size;
    }

    int capacity() {
        return bytes.length;
    }

    boolean isEmpty() {
        return size == 0;
    }

    void clear() {
        head = 0;
        size = 0;
    }

    /** Copies what fits of {@code src} in; returns the count. */
    int put(ByteBuffer src) {
        int total = 0;
        while (src.hasRemaining() && free() > 0) {
            int tail = (head + size) % bytes.length;
            int n = Math.min(src.remaining(), Math.min(free(), bytes.length - tail));
            src.get(bytes, tail, n);
            size += n;
            total += n;
        }
        return total;
    }

    /** Copies what fits into {@code dst}; returns the count. */
    int take(ByteBuffer dst) {
        int total = 0;
        while (dst.hasRemaining() && size > 0) {
            int n = Math.min(dst.remaining(), Math.min(size, bytes.length - head));
            dst.put(bytes, head, n);
            consume(n);
            total += n;
        }
        return total;
    }

    /**
     * Moves bytes from {@code connection} into the ring until it is full or the connection has nothing more.
     *
     * @return the bytes moved, or -1 if the connection's stream ended before anything was moved
     */
    int fillFrom(MptcpConnection connection) {
        int total = 0;
        while (free() > 0) {
            int tail = (head + size) % bytes.length;
            ByteBuffer window = ByteBuffer.wrap(bytes, tail, Math.min(free(), bytes.length - tail));
            int n = connection.read(window);
            if (n < 0) {
                return total == 0 ? -1 : total;
            }
            if (n == 0) {
                break;
            }
            size += n;
            total += n;
        }
        return total;
    }

    /** Moves bytes from the ring into {@code connection}'s send buffer while it takes them; returns the count. */
    int drainTo(MptcpConnection connection) {
        int total = 0;
        while (size > 0 && connection.sendBufferFree() > 0) {
            ByteBuffer window = ByteBuffer.wrap(bytes, head, Math.min(size, bytes.length - head));
            int n = connection.write(window);
            if (n <= 0) {
                break;
            }
            consume(n);
            total += n;
        }
        return total;
    }

    private void consume(int n) {
        head = (head + n) % bytes.length;
        size -= n;
        if (size == 0) {
            head = 0;
        }
    }
}
