package io.mptcp4j.core.mptcp;

import io.mptcp4j.core.wire.DssChecksum;

/**
 * One data sequence mapping a subflow sends (RFC 8684 section 3.3.1): subflow stream bytes
 * {@code [offset, offset + length)} carry the data sequence numbers {@code [dsn, dsn + length)}. It may grow while
 * none of its bytes has been sent; once sent it is frozen, so every segment that carries it, retransmissions
 * included, repeats exactly the same mapping and checksum.
 */
final class SendMapping {

    /** The subflow stream offset of the first byte (0 is the byte after the SYN: relative sequence number 1). */
    final long offset;
    final long dsn;
    int length;
    boolean frozen;
    /** The DSS checksum of the bytes so far, while the mapping may still grow (when checksums are in use). */
    DssChecksum partialSum;
    /** The DSS checksum, fixed when the mapping is frozen (when checksums are in use). */
    int checksum;

    SendMapping(long offset, long dsn, int length) {
        this.offset = offset;
        this.dsn = dsn;
        this.length = length;
    }

    /** Fixes the mapping at its first transmission, and its checksum if one is being computed. */
    void freeze() {
        if (frozen) {
            return;
        }
        frozen = true;
        if (partialSum != null) {
            checksum = partialSum.checksum(dsn, subflowSequenceNumber(), length);
            partialSum = null;
        }
    }

    long end() {
        return offset + length;
    }

    long dsnEnd() {
        return dsn + length;
    }

    /** The data sequence number of the byte at subflow offset {@code at}, which the mapping covers. */
    long dsnAt(long at) {
        return dsn + (at - offset);
    }

    /** The 32-bit relative subflow sequence number the DSS option carries. */
    long subflowSequenceNumber() {
        return (offset + 1) & 0xFFFF_FFFFL;
    }

    @Override
    public String toString() {
        return "SendMapping[off=" + offset + ", dsn=" + Long.toUnsignedString(dsn) + ", len=" + length
                + (frozen ? ", sent" : "") + "]";
    }
}
