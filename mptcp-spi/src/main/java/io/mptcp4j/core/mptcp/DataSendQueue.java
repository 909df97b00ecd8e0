package io.mptcp4j.core.mptcp;

import io.mptcp4j.core.wire.DssChecksum;

import java.nio.ByteBuffer;

/**
 * The connection-level send buffer: every byte the application wrote from the oldest one not yet covered by a
 * DATA_ACK, addressed by data sequence number, in a ring that grows up to its limit. Bytes stay until the peer
 * acknowledges them at the data level (RFC 8684 section 3.3.2), so any of them can be sent again on any subflow
 * (reinjection).
 */
final class DataSendQueue {

    private static final int INITIAL_CAPACITY = 16 * 1024;
    private static final byte[] EMPTY = {};

    private final int limit;
    private byte[] ring = EMPTY;
    private int head;
    private int length;
    /** The data sequence number of the oldest byte held (DATA_ACK so far). */
    private long una;

    DataSendQueue(int limit) {
        this.limit = limit;
    }

    /** Starts the sequence space: the first byte written gets {@code dsn}. Only while empty. */
    void start(long dsn) {
        if (length != 0) {
            throw new IllegalStateException("the send queue already holds " + length + " bytes");
        }
        una = dsn;
    }

    /** The first data sequence number not yet acknowledged. */
    long una() {
        return una;
    }

    /** The data sequence number the next written byte gets. */
    long end() {
        return una + length;
    }

    int length() {
        return length;
    }

    int free() {
        return limit - length;
    }

    /** Appends what fits of {@code src}; returns the number of bytes taken. */
    int write(ByteBuffer src) {
        int n = Math.min(src.remaining(), free());
        if (n == 0) {
            return 0;
        }
        ensureCapacity(length + n);
        int tail = (head + length) % ring.length;
        int first = Math.min(n, ring.length - tail);
        src.get(ring, tail, first);
        src.get(ring, 0, n - first);
        length += n;
        return n;
    }

    /** Forgets the bytes before {@code dsn} (a DATA_ACK); ignores values outside the queue. */
    void acknowledge(long dsn) {
        long n = dsn - una;
        if (n <= 0 || n > length) {
            return;
        }
        head = (int) ((head + n) % Math.max(1, ring.length));
        length -= (int) n;
        una = dsn;
        if (length == 0) {
            head = 0;
        }
    }

    /**
     * A read-only view of up to {@code max} bytes from {@code dsn}, stopping where the ring wraps: call again for
     * the rest.
     *
     * @throws IllegalArgumentException if {@code dsn} is not held
     */
    ByteBuffer view(long dsn, int max) {
        int offset = offsetOf(dsn);
        int start = (head + offset) % ring.length;
        int n = Math.min(Math.min(max, length - offset), ring.length - start);
        return ByteBuffer.wrap(ring, start, n).slice().asReadOnlyBuffer();
    }

    /** Adds the {@code n} bytes from {@code dsn} to a DSS checksum under way (RFC 8684 section 3.3.1). */
    void addTo(DssChecksum checksum, long dsn, int n) {
        long at = dsn;
        int left = n;
        while (left > 0) {
            ByteBuffer piece = view(at, left);
            checksum.update(piece);
            at += piece.remaining();
            left -= piece.remaining();
        }
    }

    private int offsetOf(long dsn) {
        long offset = dsn - una;
        if (offset < 0 || offset >= length) {
            throw new IllegalArgumentException("data sequence number " + Long.toUnsignedString(dsn)
                    + " is not in the send queue [" + Long.toUnsignedString(una) + ", +" + length + ")");
        }
        return (int) offset;
    }

    private void ensureCapacity(int needed) {
        if (needed <= ring.length) {
            return;
        }
        int capacity = Math.max(INITIAL_CAPACITY, ring.length);
        while (capacity < needed) {
            capacity = (int) Math.min((long) capacity * 2, limit);
        }
        byte[] grown = new byte[capacity];
        int first = Math.min(length, ring.length - head);
        if (length > 0) {
            System.arraycopy(ring, head, grown, 0, first);
            System.arraycopy(ring, 0, grown, first, length - first);
        }
        ring = grown;
        head = 0;
    }
}
