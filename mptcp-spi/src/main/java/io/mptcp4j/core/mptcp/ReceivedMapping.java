package io.mptcp4j.core.mptcp;

/**
 * A data sequence mapping received on a subflow (RFC 8684 section 3.3.1), with its 32-bit fields already widened:
 * subflow stream bytes {@code [offset, offset + length)} carry data sequence numbers {@code [dsn, dsn + length)},
 * and when {@code dataFin} the DATA_FIN follows at {@code dsn + length} (section 3.3.3).
 *
 * @param offset the subflow stream offset of the first byte (the relative subflow sequence number minus 1)
 * @param dsn the data sequence number of the first byte
 * @param length subflow bytes mapped: the data-level length, less 1 for a DATA_FIN
 * @param dataFin whether the mapping ends with the DATA_FIN
 * @param hasChecksum whether it carried a DSS checksum
 * @param checksum the checksum, when it did
 */
record ReceivedMapping(long offset, long dsn, int length, boolean dataFin, boolean hasChecksum, int checksum) {

    long end() {
        return offset + length;
    }

    /** The data-level length the option carried. */
    int dataLevelLength() {
        return length + (dataFin ? 1 : 0);
    }

    /** The 32-bit relative subflow sequence number the option carried. */
    long subflowSequenceNumber() {
        return (offset + 1) & 0xFFFF_FFFFL;
    }

    /** The data sequence number of the byte at subflow offset {@code at}. */
    long dsnAt(long at) {
        return dsn + (at - offset);
    }

    /**
     * Whether both map the same bytes to the same data sequence numbers: a repeated option. The DATA_FIN may differ,
     * and the checksum with it: Linux adds its DATA_FIN to the last mapping of its stream whenever it sends bytes of
     * that mapping after its application closed (later segments of it, or a retransmission), so one mapping can
     * arrive both without and with it (its {@code mptcp_write_data_fin}; its receiver accepts both, as RFC 8684
     * section 3.3.3 makes the DATA_FIN one more byte of data-level length, not other bytes).
     */
    boolean mapsSameBytes(ReceivedMapping other) {
        return offset == other.offset && dsn == other.dsn && length == other.length;
    }
}
