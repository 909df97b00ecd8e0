package io.mptcp4j.core.mptcp;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.TreeMap;

/**
 * The connection-level receive buffer: bytes in data sequence order for the application, and the bytes that
 * arrived ahead of a gap (from another subflow, or reinjected) held until the gap fills (RFC 8684 section 3.3:
 * data-level reassembly).
 *
 * <p>The window it offers ends {@link #limit} bytes after the next byte the application reads
 * ({@link #rightEdge()}), so the edge never moves left (section 3.3.4) and the in-order and out-of-order bytes
 * together never exceed the limit. Out-of-order pieces are stored without overlap, each byte at most once.
 */
final class DataReceiveBuffer {

    private static final int INITIAL_CAPACITY = 16 * 1024;
    private static final byte[] EMPTY = {};

    private int limit;
    private byte[] ring = EMPTY;
    private int head;
    private int readable;
    /** The data sequence number of the next byte the application reads. */
    private long readDsn;
    /** Pieces beyond a gap, by their first data sequence number; never overlapping, never at or below rcvNxt. */
    private final TreeMap<Long, byte[]> outOfOrder = new TreeMap<>(this::compareInWindow);
    private long outOfOrderBytes;

    DataReceiveBuffer(int limit) {
        this.limit = limit;
    }

    /** Starts the sequence space: the first byte expected has {@code dsn}. Only while empty. */
    void start(long dsn) {
        if (readable != 0 || !outOfOrder.isEmpty()) {
            throw new IllegalStateException("the receive buffer already holds data");
        }
        readDsn = dsn;
    }

    /** The next data sequence number expected in order (the DATA_ACK, before any DATA_FIN). */
    long rcvNxt() {
        return readDsn + readable;
    }

    /** The first data sequence number beyond the window: the buffer accepts bytes below it. */
    long rightEdge() {
        return readDsn + limit;
    }

    int limit() {
        return limit;
    }

    /** Raises the limit (receive auto-tuning); the right edge moves right with it, never left. */
    void raiseLimit(int newLimit) {
        limit = Math.max(limit, newLimit);
    }

    /** The data sequence number of the next byte the application reads. */
    long readDsn() {
        return readDsn;
    }

    /** Bytes the application can read now. */
    int readable() {
        return readable;
    }

    boolean hasOutOfOrder() {
        return !outOfOrder.isEmpty();
    }

    long outOfOrderBytes() {
        return outOfOrderBytes;
    }

    /**
     * Stores the bytes of {@code data} (its remaining bytes, consumed) at {@code dsn}. The caller has trimmed them
     * to {@code [rcvNxt(), rightEdge())}. Bytes at {@link #rcvNxt()} extend the in-order data, and join any
     * out-of-order pieces they reach; others are held out of order.
     *
     * @return whether the bytes were in order
     */
    boolean store(long dsn, ByteBuffer data) {
        int n = data.remaining();
        if (DataSequence.before(dsn, rcvNxt()) || DataSequence.after(dsn + n, rightEdge())) {
            throw new IllegalArgumentException("bytes [" + Long.toUnsignedString(dsn) + ", +" + n
                    + ") outside the window [" + Long.toUnsignedString(rcvNxt()) + ", "
                    + Long.toUnsignedString(rightEdge()) + ")");
        }
        if (dsn == rcvNxt()) {
            append(data);
            drainOutOfOrder();
            return true;
        }
        holdOutOfOrder(dsn, data);
        return false;
    }

    /** Copies readable bytes into {@code dst}; returns how many. */
    int read(ByteBuffer dst) {
        int n = Math.min(dst.remaining(), readable);
        if (n == 0) {
            return 0;
        }
        int first = Math.min(n, ring.length - head);
        dst.put(ring, head, first);
        dst.put(ring, 0, n - first);
        head = (head + n) % ring.length;
        readable -= n;
        readDsn += n;
        if (readable == 0) {
            head = 0;
        }
        return n;
    }

    private void append(ByteBuffer data) {
        int n = data.remaining();
        ensureCapacity(readable + n);
        int tail = (head + readable) % ring.length;
        int first = Math.min(n, ring.length - tail);
        data.get(ring, tail, first);
        data.get(ring, 0, n - first);
        readable += n;
    }

    /** Keeps the parts of {@code [dsn, dsn + n)} no stored piece covers yet. */
    private void holdOutOfOrder(long dsn, ByteBuffer data) {
        long end = dsn + data.remaining();
        long at = dsn;
        Map.Entry<Long, byte[]> e = outOfOrder.floorEntry(dsn);
        if (e != null && DataSequence.after(e.getKey() + e.getValue().length, at)) {
            at = e.getKey() + e.getValue().length;
        }
        while (DataSequence.before(at, end)) {
            Map.Entry<Long, byte[]> next = outOfOrder.ceilingEntry(at);
            long gapEnd = next == null || !DataSequence.before(next.getKey(), end) ? end : next.getKey();
            if (DataSequence.before(at, gapEnd)) {
                byte[] piece = new byte[(int) (gapEnd - at)];
                data.get(data.position() + (int) (at - dsn), piece);
                outOfOrder.put(at, piece);
                outOfOrderBytes += piece.length;
            }
            at = next == null ? end : DataSequence.max(gapEnd, next.getKey() + next.getValue().length);
        }
        data.position(data.limit());
    }

    /** Moves the pieces the in-order data now reaches into it. */
    private void drainOutOfOrder() {
        while (!outOfOrder.isEmpty()) {
            Map.Entry<Long, byte[]> first = outOfOrder.firstEntry();
            long start = first.getKey();
            byte[] piece = first.getValue();
            long next = rcvNxt();
            if (DataSequence.after(start, next)) {
                return;
            }
            outOfOrder.pollFirstEntry();
            outOfOrderBytes -= piece.length;
            long skip = next - start;
            if (skip < piece.length) {
                append(ByteBuffer.wrap(piece, (int) skip, piece.length - (int) skip));
            }
        }
    }

    /** Orders data sequence numbers of the window, which may wrap at 2^64, by their distance from the read point. */
    private int compareInWindow(Long a, Long b) {
        return Long.compare(a - readDsn, b - readDsn);
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
        if (readable > 0) {
            int first = Math.min(readable, ring.length - head);
            System.arraycopy(ring, head, grown, 0, first);
            System.arraycopy(ring, 0, grown, first, readable - first);
        }
        ring = grown;
        head = 0;
    }
}
