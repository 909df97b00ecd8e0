package io.mptcp4j.samples;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The bytes {@code mptcp perf} sends: a pseudo-random stream chosen by a seed, where the 8 bytes at every offset
 * {@code 8k} are the little-endian word {@link #word(long, long) word(seed, k)}. Any byte can be computed from its
 * offset alone, so the receiver checks each chunk where it lands without keeping state, and a byte that arrives
 * at the wrong offset (lost, duplicated or reordered data, a wrong DSS mapping) shows as a mismatch there, not only
 * in a final hash. Cheap: one SplitMix64 step per 8 bytes.
 */
final class PerfPattern {

    private PerfPattern() {
    }

    /** The word at {@code index} (stream offset {@code 8 * index}): SplitMix64 (Steele et al., 2014) of the index. */
    static long word(long seed, long index) {
        long z = seed + (index + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The byte at stream {@code offset}. */
    static byte at(long seed, long offset) {
        return (byte) (word(seed, offset >>> 3) >>> ((offset & 7) << 3));
    }

    /**
     * Writes the stream's bytes from {@code offset} on into {@code dst} from its position to its limit; the
     * position does not move.
     */
    static void fill(ByteBuffer dst, long seed, long offset) {
        ByteBuffer b = dst.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int p = b.position();
        int end = b.limit();
        long o = offset;
        while (p < end && (o & 7) != 0) {
            b.put(p++, at(seed, o++));
        }
        while (end - p >= 8) {
            b.putLong(p, word(seed, o >>> 3));
            p += 8;
            o += 8;
        }
        while (p < end) {
            b.put(p++, at(seed, o++));
        }
    }

    /**
     * Checks {@code src} from its position to its limit against the stream from {@code offset} on; the position
     * does not move.
     *
     * @return the stream offset of the first byte that differs, or -1 if none does
     */
    static long check(ByteBuffer src, long seed, long offset) {
        ByteBuffer b = src.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int p = b.position();
        int end = b.limit();
        long o = offset;
        while (p < end && (o & 7) != 0) {
            if (b.get(p++) != at(seed, o++)) {
                return o - 1;
            }
        }
        while (end - p >= 8) {
            long expected = word(seed, o >>> 3);
            long got = b.getLong(p);
            if (got != expected) {
                // the first differing byte of a little-endian word is its lowest differing one
                return o + (Long.numberOfTrailingZeros(got ^ expected) >>> 3);
            }
            p += 8;
            o += 8;
        }
        while (p < end) {
            if (b.get(p++) != at(seed, o++)) {
                return o - 1;
            }
        }
        return -1;
    }
}
