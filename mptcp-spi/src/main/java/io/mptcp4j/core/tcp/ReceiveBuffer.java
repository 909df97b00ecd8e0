package io.mptcp4j.core.tcp;

import java.nio.ByteBuffer;

/**
 * The receive side's bytes: data delivered in order but not yet read by the application, followed by
 * out-of-order data held for reassembly, in one ring buffer addressed by 64-bit stream offsets.
 *
 * <p>In-order data ends at {@link #inOrderEnd()} (RCV.NXT as an offset); out-of-order ranges beyond it are
 * tracked in a {@link RangeSet}. Bytes are stored at their own offset, so a byte is written into the ring at most
 * once per arrival and is handed out once, in order: reads only ever cover {@code [readOffset, inOrderEnd)}.
 * The caller (the connection) keeps every write inside the advertised window, which bounds memory.
 *
 * <p>For SACK (RFC 2018 section 4) it remembers which out-of-order ranges were touched most recently.
 */
final class ReceiveBuffer {

    private static final int INITIAL_CAPACITY = 16 * 1024;
    private static final int MAX_SACK_MEMORY = 4;
    private static final byte[] EMPTY = {};

    private byte[] ring = EMPTY;
    /** Ring index of {@link #readOffset}. */
    private int head;
    private long readOffset;
    private long inOrderEnd;
    private final RangeSet outOfOrder = new RangeSet();
    /** Offsets inside the most recently touched out-of-order ranges, most recent first. */
    private final long[] recent = new long[MAX_SACK_MEMORY];
    private int recentCount;

    /** The stream offset of the next byte the application reads. */
    long readOffset() {
        return readOffset;
    }

    /** The stream offset just past the in-order data (RCV.NXT). */
    long inOrderEnd() {
        return inOrderEnd;
    }

    /** Bytes the application can read now. */
    int readable() {
        return (int) (inOrderEnd - readOffset);
    }

    boolean hasOutOfOrder() {
        return !outOfOrder.isEmpty();
    }

    /** The end of the highest out-of-order range, or {@link #inOrderEnd()}. */
    long highestReceived() {
        return outOfOrder.isEmpty() ? inOrderEnd : outOfOrder.end(outOfOrder.size() - 1);
    }

    /**
     * Stores {@code data} (its remaining bytes, not consumed) at stream offset {@code offset}, which must not be
     * below {@link #inOrderEnd()}, and advances the in-order end over it and over any out-of-order ranges it
     * joins.
     *
     * @return how many bytes became readable
     */
    int write(long offset, ByteBuffer data) {
        int n = data.remaining();
        if (offset < inOrderEnd) {
            throw new IllegalArgumentException("offset " + offset + " is below RCV.NXT " + inOrderEnd);
        }
        if (n == 0) {
            return 0;
        }
        ensureCapacity(offset + n - readOffset);
        copyIn(offset, data);
        if (offset > inOrderEnd) {
            int index = outOfOrder.add(offset, offset + n);
            remember(outOfOrder.start(index));
            return 0;
        }
        long before = inOrderEnd;
        inOrderEnd = offset + n;
        if (!outOfOrder.isEmpty() && outOfOrder.start(0) <= inOrderEnd) {
            inOrderEnd = Math.max(inOrderEnd, outOfOrder.end(0));
            outOfOrder.removeBelow(inOrderEnd);
        }
        return (int) (inOrderEnd - before);
    }

    /**
     * Records that {@code n} in-order bytes at {@link #inOrderEnd()} were consumed elsewhere (an extension took
     * them straight from the segment): both the in-order end and the read offset pass over them, and any
     * out-of-order data they join becomes readable. Only valid when nothing is readable.
     *
     * @return how many bytes became readable
     */
    int skipConsumed(int n) {
        if (readable() != 0) {
            throw new IllegalStateException("readable data must be consumed first");
        }
        inOrderEnd += n;
        readOffset = inOrderEnd;
        // Ring indices stay tied to offsets: the skipped bytes' slots are simply never read.
        if (ring.length > 0) {
            head = (int) ((head + (long) n) % ring.length);
        }
        if (outOfOrder.isEmpty() || outOfOrder.start(0) > inOrderEnd) {
            return 0;
        }
        long end = Math.max(inOrderEnd, outOfOrder.end(0));
        outOfOrder.removeBelow(end);
        int joined = (int) (end - inOrderEnd);
        inOrderEnd = end;
        return joined;
    }

    /** Copies up to {@code dst.remaining()} readable bytes into {@code dst}; returns how many. */
    int read(ByteBuffer dst) {
        int n = Math.min(dst.remaining(), readable());
        if (n == 0) {
            return 0;
        }
        int first = Math.min(n, ring.length - head);
        dst.put(ring, head, first);
        if (first < n) {
            dst.put(ring, 0, n - first);
        }
        advanceRead(n);
        return n;
    }

    /** A view of the readable bytes that are contiguous in the ring (all of them, or those up to its end). */
    ByteBuffer readableChunk() {
        int n = Math.min(readable(), ring.length - head);
        return ByteBuffer.wrap(ring, head, n).slice().asReadOnlyBuffer();
    }

    /** Drops {@code n} readable bytes, as if read. */
    void advanceRead(int n) {
        readOffset += n;
        head += n;
        if (head >= ring.length) {
            head -= ring.length;
        }
        if (readOffset == inOrderEnd && outOfOrder.isEmpty()) {
            head = 0;
        }
    }

    /**
     * Writes up to {@code max} SACK blocks as stream-offset pairs into {@code out} from block {@code first} on
     * (block b's start at index 2b, its end at 2b + 1): the range touched most recently first, then the others
     * in the order they were touched, then any never reported (RFC 2018 section 4).
     *
     * @return the number of blocks written
     */
    int sackBlocks(long[] out, int first, int max) {
        int blocks = 0;
        int kept = 0;
        for (int r = 0; r < recentCount; r++) {
            int index = outOfOrder.indexOf(recent[r]);
            if (index < 0 || listed(out, first, blocks, outOfOrder.start(index))) {
                continue;
            }
            recent[kept++] = outOfOrder.start(index);
            if (blocks < max) {
                out[2 * (first + blocks)] = outOfOrder.start(index);
                out[2 * (first + blocks) + 1] = outOfOrder.end(index);
                blocks++;
            }
        }
        recentCount = kept;
        for (int i = 0; i < outOfOrder.size() && blocks < max; i++) {
            if (!listed(out, first, blocks, outOfOrder.start(i))) {
                out[2 * (first + blocks)] = outOfOrder.start(i);
                out[2 * (first + blocks) + 1] = outOfOrder.end(i);
                blocks++;
            }
        }
        return blocks;
    }

    private static boolean listed(long[] out, int first, int blocks, long start) {
        for (int b = 0; b < blocks; b++) {
            if (out[2 * (first + b)] == start) {
                return true;
            }
        }
        return false;
    }

    private void remember(long offsetInRange) {
        int keep = Math.min(recentCount, MAX_SACK_MEMORY - 1);
        System.arraycopy(recent, 0, recent, 1, keep);
        recent[0] = offsetInRange;
        recentCount = keep + 1;
    }

    private void copyIn(long offset, ByteBuffer data) {
        int n = data.remaining();
        int p = head + (int) (offset - readOffset);
        if (p >= ring.length) {
            p -= ring.length;
        }
        int first = Math.min(n, ring.length - p);
        int at = data.position();
        data.get(at, ring, p, first);
        if (first < n) {
            data.get(at + first, ring, 0, n - first);
        }
    }

    private void ensureCapacity(long span) {
        if (span <= ring.length) {
            return;
        }
        if (span > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("receive span too large: " + span);
        }
        int newCapacity = Math.max(ring.length, INITIAL_CAPACITY);
        while (newCapacity < span) {
            newCapacity = (int) Math.min(2L * newCapacity, Integer.MAX_VALUE - 8);
        }
        byte[] grown = new byte[newCapacity];
        if (ring.length > 0) {
            // Everything between the read offset and the highest out-of-order byte moves, holes included.
            int held = (int) (highestReceived() - readOffset);
            int first = Math.min(held, ring.length - head);
            System.arraycopy(ring, head, grown, 0, first);
            System.arraycopy(ring, 0, grown, first, held - first);
        }
        ring = grown;
        head = 0;
    }
}
