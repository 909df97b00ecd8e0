package io.mptcp4j.core.wire;

import java.nio.ByteBuffer;

/**
 * The DSS checksum (RFC 8684 section 3.3.1): the 16-bit one's-complement checksum, as in TCP, over a pseudo-header
 * followed by the payload a mapping covers. The pseudo-header is the 64-bit data sequence number, the 32-bit
 * relative subflow sequence number, the 16-bit data-level length and 16 zero bits; the DSN is always the full
 * 64-bit value, even when the option carries only its low 32 bits. The DATA_FIN counts in the data-level length
 * but adds no payload byte. For the first data of an MP_CAPABLE (length 22 or 24) the DSN is IDSN + 1 and the
 * subflow sequence number 1.
 *
 * <p>A mapping's payload may arrive over several segments: an instance accumulates it, {@link #update} by
 * {@link #update}, keeping track of odd-length pieces, then {@link #checksum} or {@link #verify} adds the
 * pseudo-header. The static {@link #compute} and {@link #verifies} do it for a payload in one buffer. Instances are
 * mutable and not thread-safe; payload buffers are read between position and limit and never moved.
 *
 * <p>Verification follows Linux ({@code validate_data_csum}): the received checksum takes the place of the zero
 * bits, and the whole sum must fold to 0xFFFF.
 */
public final class DssChecksum {

    /** Unfolded sum of the payload so far; 32-bit adds keep it exact for far more than 65535 bytes. */
    private long sum;
    /** Whether the payload so far has an odd length, so the next byte is the low half of a 16-bit word. */
    private boolean odd;

    /** Adds the bytes between the payload's position and limit to the mapped data, without moving the position. */
    public DssChecksum update(ByteBuffer payload) {
        int i = payload.position();
        int end = payload.limit();
        if (odd && i < end) {
            sum += payload.get(i++) & 0xFF; // the low half of the word the previous piece started
            odd = false;
        }
        int rest = end - i;
        if (rest > 0) {
            sum += InternetChecksum.sum(payload, i, rest); // pads an odd last byte as the high half of a word
            odd = (rest & 1) != 0;
        }
        return this;
    }

    /** Forgets the payload added so far, to start another mapping. */
    public DssChecksum reset() {
        sum = 0;
        odd = false;
        return this;
    }

    /** The checksum a sender writes for the payload added so far under this mapping. */
    public int checksum(long dataSequenceNumber, long subflowSequenceNumber, int dataLevelLength) {
        return ~InternetChecksum.fold(sum + pseudoHeader(dataSequenceNumber, subflowSequenceNumber, dataLevelLength, 0)) & 0xFFFF;
    }

    /** Whether {@code received} is the right checksum for the payload added so far under this mapping. */
    public boolean verify(long dataSequenceNumber, long subflowSequenceNumber, int dataLevelLength, int received) {
        return InternetChecksum.fold(sum + pseudoHeader(dataSequenceNumber, subflowSequenceNumber, dataLevelLength, received)) == 0xFFFF;
    }

    /** The checksum of a mapping whose whole payload lies between the buffer's position and limit. */
    public static int compute(long dataSequenceNumber, long subflowSequenceNumber, int dataLevelLength,
            ByteBuffer payload) {
        return new DssChecksum().update(payload).checksum(dataSequenceNumber, subflowSequenceNumber, dataLevelLength);
    }

    /** Whether {@code received} verifies a mapping whose whole payload lies between the buffer's position and limit. */
    public static boolean verifies(long dataSequenceNumber, long subflowSequenceNumber, int dataLevelLength,
            int received, ByteBuffer payload) {
        return new DssChecksum().update(payload)
                .verify(dataSequenceNumber, subflowSequenceNumber, dataLevelLength, received);
    }

    /** The pseudo-header as 32-bit words: DSN high, DSN low, subflow sequence number, length and checksum field. */
    private static long pseudoHeader(long dsn, long ssn, int dataLevelLength, int checksumField) {
        return (dsn >>> 32) + (dsn & 0xFFFF_FFFFL) + (ssn & 0xFFFF_FFFFL)
                + (((long) (dataLevelLength & 0xFFFF) << 16) | (checksumField & 0xFFFF));
    }
}
