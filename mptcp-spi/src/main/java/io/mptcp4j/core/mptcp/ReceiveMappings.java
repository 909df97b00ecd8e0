package io.mptcp4j.core.mptcp;

import java.util.Map;
import java.util.TreeMap;

/**
 * The mappings received on one subflow whose bytes have not all been taken yet, by subflow stream offset. A peer
 * may repeat a mapping on every segment it covers or send it once (RFC 8684 section 3.3.1); either way it is
 * stored once. Two different mappings for the same bytes are a protocol error (Linux's DSSNotMatching); the same
 * mapping with and without the DATA_FIN is not (see {@link ReceivedMapping#mapsSameBytes}).
 */
final class ReceiveMappings {

    /** Bounds the memory a peer can make us spend on mappings of bytes far ahead. */
    static final int MAX_MAPPINGS = 1024;

    /** What {@link #add} made of a mapping. */
    enum Outcome {
        ADDED,
        /** The same mapping was already known (give or take its DATA_FIN). */
        REPEATED,
        /** It overlaps a different mapping. */
        CONFLICT,
        /** Too many mappings are pending; it was not stored. */
        FULL
    }

    private final TreeMap<Long, ReceivedMapping> byOffset = new TreeMap<>();

    Outcome add(ReceivedMapping m) {
        Map.Entry<Long, ReceivedMapping> before = byOffset.floorEntry(m.offset());
        if (before != null && before.getValue().end() > m.offset()) {
            // The first one is kept: a checksum is verified with the data-level length it was computed over.
            return before.getValue().mapsSameBytes(m) ? Outcome.REPEATED : Outcome.CONFLICT;
        }
        Map.Entry<Long, ReceivedMapping> after = byOffset.higherEntry(m.offset());
        if (after != null && after.getKey() < m.end()) {
            return Outcome.CONFLICT;
        }
        if (byOffset.size() >= MAX_MAPPINGS) {
            return Outcome.FULL;
        }
        byOffset.put(m.offset(), m);
        return Outcome.ADDED;
    }

    /** The mapping that covers subflow offset {@code offset}, or null. */
    ReceivedMapping find(long offset) {
        Map.Entry<Long, ReceivedMapping> e = byOffset.floorEntry(offset);
        return e != null && e.getValue().end() > offset ? e.getValue() : null;
    }

    /** Forgets the mappings that end at or before {@code offset}. */
    void discardBefore(long offset) {
        while (!byOffset.isEmpty() && byOffset.firstEntry().getValue().end() <= offset) {
            byOffset.pollFirstEntry();
        }
    }

    int size() {
        return byOffset.size();
    }

    void clear() {
        byOffset.clear();
    }
}
