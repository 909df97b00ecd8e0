package io.mptcp4j.core.mptcp;

/**
 * Arithmetic on 64-bit data sequence numbers (RFC 8684 section 3.3), which start at a random IDSN and may wrap,
 * and on the 32-bit forms that stand for them on the wire.
 */
final class DataSequence {

    private static final long HALF_32 = 1L << 31;
    private static final long SPAN_32 = 1L << 32;

    private DataSequence() {
    }

    /** Whether {@code a} comes before {@code b} in a space that wraps at 2^64. */
    static boolean before(long a, long b) {
        return a - b < 0;
    }

    /** Whether {@code a} comes after {@code b}. */
    static boolean after(long a, long b) {
        return a - b > 0;
    }

    /** The later of two sequence numbers. */
    static long max(long a, long b) {
        return after(a, b) ? a : b;
    }

    /**
     * The 64-bit value whose low 32 bits are {@code low32} nearest to {@code reference}: how a 32-bit DSN or
     * DATA_ACK is widened against the value expected (section 3.3, as Linux's {@code mptcp_expand_seq}). Also
     * widens 32-bit relative subflow sequence numbers into 64-bit stream offsets.
     */
    static long widen(long low32, long reference) {
        long candidate = (reference & 0xFFFF_FFFF_0000_0000L) | (low32 & 0xFFFF_FFFFL);
        long diff = candidate - reference;
        if (diff > HALF_32) {
            return candidate - SPAN_32;
        }
        if (diff < -HALF_32) {
            return candidate + SPAN_32;
        }
        return candidate;
    }
}
