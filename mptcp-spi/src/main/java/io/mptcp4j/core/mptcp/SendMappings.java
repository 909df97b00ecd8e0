package io.mptcp4j.core.mptcp;

/**
 * The mappings one subflow sends, in subflow stream order, from the oldest its peer has not yet acknowledged at
 * both levels. Segments look their mapping up by stream offset (retransmissions included); the connection
 * finds here which subflow carried a data sequence number, for reinjection.
 */
final class SendMappings {

    /** The data-level length is a 16-bit field (RFC 8684 section 3.3). */
    static final int MAX_LENGTH = 0xFFFF;

    private SendMapping[] items = new SendMapping[16];
    private int head;
    private int size;

    int size() {
        return size;
    }

    SendMapping get(int i) {
        return items[(head + i) & (items.length - 1)];
    }

    SendMapping last() {
        return size == 0 ? null : get(size - 1);
    }

    /**
     * Maps subflow bytes {@code [offset, offset + length)} to {@code [dsn, dsn + length)}: extends the last mapping
     * when it continues it in both spaces, is not sent yet and stays within 64 KB, else adds one.
     */
    void add(long offset, long dsn, int length) {
        SendMapping last = last();
        if (last != null && !last.frozen && last.end() == offset && last.dsnEnd() == dsn
                && last.length + length <= MAX_LENGTH) {
            last.length += length;
            return;
        }
        if (last != null && offset < last.end()) {
            throw new IllegalArgumentException("mapping at subflow offset " + offset + " overlaps " + last);
        }
        if (size == items.length) {
            SendMapping[] grown = new SendMapping[items.length * 2];
            for (int i = 0; i < size; i++) {
                grown[i] = get(i);
            }
            items = grown;
            head = 0;
        }
        items[(head + size) & (items.length - 1)] = new SendMapping(offset, dsn, length);
        size++;
    }

    /** The mapping that covers subflow offset {@code offset}, or null. */
    SendMapping find(long offset) {
        int low = 0;
        int high = size - 1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            SendMapping m = get(mid);
            if (offset < m.offset) {
                high = mid - 1;
            } else if (offset >= m.end()) {
                low = mid + 1;
            } else {
                return m;
            }
        }
        return null;
    }

    /** Forgets the oldest mappings the peer acknowledged both on the subflow and at the data level. */
    void prune(long subflowAcked, long dataUna) {
        while (size > 0) {
            SendMapping m = get(0);
            if (m.end() > subflowAcked || DataSequence.after(m.dsnEnd(), dataUna)) {
                return;
            }
            items[head] = null;
            head = (head + 1) & (items.length - 1);
            size--;
        }
    }
}
