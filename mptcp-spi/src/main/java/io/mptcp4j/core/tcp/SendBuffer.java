package io.mptcp4j.core.tcp;

import java.nio.ByteBuffer;

/**
 * The bytes of one connection's send stream that are written but not yet acknowledged: a ring buffer addressed
 * by 64-bit stream offsets.
 *
 * <p>Segments are cut as zero-copy views ({@link #slice}). So that a segment never has to be gathered from the
 * ring's end and start, the first {@code mirror} bytes of the ring are kept duplicated just past its end (a
 * "magic ring" of limited reach): any slice up to {@code mirror} bytes long is contiguous. The mirror costs one
 * extra copy of at most a segment's worth of bytes per lap of the ring.
 *
 * <p>The array is allocated on the first write and grows by doubling, up to a limit that may itself be raised
 * (send-buffer auto-tuning), so idle connections hold no buffer memory.
 */
final class SendBuffer {

    private static final int INITIAL_CAPACITY = 16 * 1024;
    private static final byte[] EMPTY = {};

    private final int maxSlice;
    private byte[] ring = EMPTY;
    private int capacity;
    private int mirror;
    private int limit;
    /** Ring index of {@link #startOffset}. */
    private int head;
    private int length;
    private long startOffset;

    /**
     * @param limit    how many bytes the buffer may hold
     * @param maxSlice the longest slice a caller will ask for (the largest segment payload)
     */
    SendBuffer(int limit, int maxSlice) {
        this.limit = limit;
        this.maxSlice = maxSlice;
    }

    /** The stream offset of the first byte held. */
    long startOffset() {
        return startOffset;
    }

    /** The stream offset just past the last byte written. */
    long endOffset() {
        return startOffset + length;
    }

    int length() {
        return length;
    }

    int limit() {
        return limit;
    }

    /** Free space under the limit. */
    int free() {
        return limit - length;
    }

    /** Raises the limit (auto-tuning); a lower value is ignored. */
    void raiseLimit(int newLimit) {
        if (newLimit > limit) {
            limit = newLimit;
        }
    }

    /** Copies as much of {@code src} as fits under the limit; returns how many bytes were taken. */
    int write(ByteBuffer src) {
        int n = Math.min(src.remaining(), limit - length);
        if (n <= 0) {
            return 0;
        }
        ensureCapacity(length + n);
        int tail = index(length);
        int first = Math.min(n, capacity - tail);
        int at = src.position();
        src.get(at, ring, tail, first);
        if (first < n) {
            src.get(at + first, ring, 0, n - first);
        }
        src.position(at + n);
        refreshMirror(tail, first);
        if (first < n) {
            refreshMirror(0, n - first);
        }
        length += n;
        return n;
    }

    /**
     * A read-only view of {@code length} bytes from stream offset {@code offset}; they must be held, and
     * {@code length} must not exceed the {@code maxSlice} given at construction. The view aliases the buffer: it
     * is valid until those bytes are acknowledged and the space is written again.
     */
    ByteBuffer slice(long offset, int length) {
        long from = offset - startOffset;
        if (from < 0 || length < 0 || from + length > this.length
                || length > 0 && index((int) from) + length > capacity + mirror) {
            throw new IndexOutOfBoundsException("slice [" + offset + ", +" + length + ") of [" + startOffset + ", "
                    + endOffset() + ")");
        }
        if (length == 0) {
            return ByteBuffer.allocate(0);
        }
        return ByteBuffer.wrap(ring, index((int) from), length).slice().asReadOnlyBuffer();
    }

    /** Drops every byte below stream offset {@code offset} (they were acknowledged). */
    void discardTo(long offset) {
        long drop = Math.min(offset - startOffset, length);
        if (drop <= 0) {
            return;
        }
        head = index((int) drop);
        length -= (int) drop;
        startOffset += drop;
        if (length == 0) {
            head = 0;
        }
    }

    private int index(int fromHead) {
        int i = head + fromHead;
        return i >= capacity ? i - capacity : i;
    }

    /** Keeps the mirror equal to the ring's first {@code mirror} bytes after ring[at, at+n) changed. */
    private void refreshMirror(int at, int n) {
        int end = Math.min(at + n, mirror);
        if (at < end) {
            System.arraycopy(ring, at, ring, capacity + at, end - at);
        }
    }

    private void ensureCapacity(int needed) {
        if (needed <= capacity) {
            return;
        }
        int newCapacity = Math.max(capacity == 0 ? Math.min(INITIAL_CAPACITY, limit) : capacity, 1);
        while (newCapacity < needed) {
            newCapacity = (int) Math.min((long) newCapacity * 2, limit);
        }
        int newMirror = Math.min(maxSlice, newCapacity);
        byte[] grown = new byte[newCapacity + newMirror];
        int first = Math.min(length, capacity - head);
        System.arraycopy(ring, head, grown, 0, first);
        System.arraycopy(ring, 0, grown, first, length - first);
        ring = grown;
        capacity = newCapacity;
        mirror = newMirror;
        head = 0;
        refreshMirror(0, length);
    }
}
