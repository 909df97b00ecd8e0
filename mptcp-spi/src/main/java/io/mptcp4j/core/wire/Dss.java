package io.mptcp4j.core.wire;

import static io.mptcp4j.core.wire.MptcpOptions.checkBits;
import static io.mptcp4j.core.wire.MptcpOptions.checkU16;
import static io.mptcp4j.core.wire.MptcpOptions.checkU32;
import static io.mptcp4j.core.wire.MptcpOptions.checkU8;
import static io.mptcp4j.core.wire.MptcpOptions.putHeader;
import static io.mptcp4j.core.wire.WireBytes.putU16;
import static io.mptcp4j.core.wire.WireBytes.putU32;
import static io.mptcp4j.core.wire.WireBytes.putU64;
import static io.mptcp4j.core.wire.WireBytes.u16;
import static io.mptcp4j.core.wire.WireBytes.u32;
import static io.mptcp4j.core.wire.WireBytes.u64;
import static io.mptcp4j.core.wire.WireBytes.u8;

import java.nio.ByteBuffer;

/**
 * Data Sequence Signal, subtype 2 (RFC 8684 section 3.3): a DATA_ACK, a mapping of subflow bytes to the data
 * sequence space, or both, and the DATA_FIN.
 *
 * <p>The flags byte says which fields are present and how wide they are; the length must then be exactly
 * {@code 4 + (A ? (a ? 8 : 4) : 0) + (M ? (m ? 8 : 4) + 4 + 2 : 0)}, plus 2 when a checksum follows the mapping. No
 * flag announces the checksum: its presence is read from the length (as Linux does), and only a mapping can carry
 * one. Whether a checksum must be there is the connection's business (section 3.3), not the codec's.
 *
 * <p>A width flag without its field (m without M, a without A) is ignored, as section 3.3 says, but kept so that
 * the option re-encodes to the same bytes; so are the reserved bits. DATA_FIN (section 3.3.3) belongs to a mapping:
 * a DATA_FIN on a segment without data is a mapping with subflow sequence number 0 and data-level length 1
 * ({@link #dataFin(long)}). A lone F without M is kept too; it carries no data sequence number, and the protocol
 * layer ignores it, as Linux does.
 *
 * <p>32-bit fields are widened unsigned into {@code long}s; {@link #isDataAck64()} and {@link #isDsn64()} remember
 * the width so that a 32-bit field is written back as 32 bits. Infinite mappings (data-level length 0, section
 * 3.3.1) are ordinary values here.
 *
 * @param flags the whole flags byte: three reserved bits, then F, m, M, a, A
 * @param dataAck the DATA_ACK, when A is set
 * @param dataSequenceNumber the mapping's data sequence number (DSN), when M is set
 * @param subflowSequenceNumber the mapping's subflow sequence number, relative to the subflow's initial sequence
 *     number, when M is set
 * @param dataLevelLength the number of data-level bytes the mapping covers (DATA_FIN included), when M is set
 * @param hasChecksum whether the mapping carries a DSS checksum
 * @param checksum the DSS checksum, when {@code hasChecksum}
 * @param reserved the reserved low nibble of the subtype byte
 */
public record Dss(int flags, long dataAck, long dataSequenceNumber, long subflowSequenceNumber, int dataLevelLength,
        boolean hasChecksum, int checksum, int reserved) implements MptcpOption {

    /** F: the mapping ends with the DATA_FIN. */
    public static final int FLAG_DATA_FIN = 0x10;
    /** m: the DSN is 8 bytes rather than 4. */
    public static final int FLAG_DSN_64 = 0x08;
    /** M: a mapping (DSN, subflow sequence number, data-level length, maybe a checksum) is present. */
    public static final int FLAG_MAPPING = 0x04;
    /** a: the DATA_ACK is 8 bytes rather than 4. */
    public static final int FLAG_DATA_ACK_64 = 0x02;
    /** A: a DATA_ACK is present. */
    public static final int FLAG_DATA_ACK = 0x01;

    private static final int BASE_LENGTH = 4;
    private static final int CHECKSUM_LENGTH = 2;

    public Dss {
        checkU8("flags", flags);
        checkBits("reserved", reserved, 0x0F);
        boolean ack = (flags & FLAG_DATA_ACK) != 0;
        boolean map = (flags & FLAG_MAPPING) != 0;
        if (!ack && dataAck != 0) throw new IllegalArgumentException("DATA_ACK given without flag A");
        if (ack && (flags & FLAG_DATA_ACK_64) == 0) checkU32("32-bit DATA_ACK", dataAck);
        if (map) {
            if ((flags & FLAG_DSN_64) == 0) checkU32("32-bit DSN", dataSequenceNumber);
            checkU32("subflowSequenceNumber", subflowSequenceNumber);
            checkU16("dataLevelLength", dataLevelLength);
            checkU16("checksum", checksum);
        } else if (dataSequenceNumber != 0 || subflowSequenceNumber != 0 || dataLevelLength != 0) {
            throw new IllegalArgumentException("mapping fields given without flag M");
        }
        if (!map && hasChecksum) throw new IllegalArgumentException("only a mapping carries a checksum");
        if (!hasChecksum && checksum != 0) throw new IllegalArgumentException("checksum value without hasChecksum");
    }

    /** A DATA_ACK alone; {@code dataAck64} picks the 8-byte form, else {@code dataAck} must fit 32 bits. */
    public static Dss dataAck(long dataAck, boolean dataAck64) {
        return new Dss(ackFlags(dataAck64), dataAck, 0, 0, 0, false, 0, 0);
    }

    /** A mapping alone, without checksum; {@code dsn64} picks the 8-byte DSN, else it must fit 32 bits. */
    public static Dss mapping(long dataSequenceNumber, boolean dsn64, long subflowSequenceNumber, int dataLevelLength,
            boolean dataFin) {
        return new Dss(mapFlags(dsn64, dataFin), 0, dataSequenceNumber, subflowSequenceNumber, dataLevelLength, false,
                0, 0);
    }

    /** A DATA_ACK and a mapping, without checksum. */
    public static Dss dataAckAndMapping(long dataAck, boolean dataAck64, long dataSequenceNumber, boolean dsn64,
            long subflowSequenceNumber, int dataLevelLength, boolean dataFin) {
        return new Dss(ackFlags(dataAck64) | mapFlags(dsn64, dataFin), dataAck, dataSequenceNumber,
                subflowSequenceNumber, dataLevelLength, false, 0, 0);
    }

    /**
     * The DATA_FIN of a segment without data (section 3.3.3): a 64-bit mapping of the DATA_FIN's own data sequence
     * number, subflow sequence number 0, data-level length 1.
     */
    public static Dss dataFin(long dataFinSequenceNumber) {
        return mapping(dataFinSequenceNumber, true, 0, 1, true);
    }

    /** This option with the mapping's checksum set (see {@link DssChecksum}); it must carry a mapping. */
    public Dss withChecksum(int checksum) {
        return new Dss(flags, dataAck, dataSequenceNumber, subflowSequenceNumber, dataLevelLength, true, checksum,
                reserved);
    }

    /** This option with a DATA_ACK added or replaced. */
    public Dss withDataAck(long dataAck, boolean dataAck64) {
        int newFlags = flags & ~(FLAG_DATA_ACK | FLAG_DATA_ACK_64) | ackFlags(dataAck64);
        return new Dss(newFlags, dataAck, dataSequenceNumber, subflowSequenceNumber, dataLevelLength, hasChecksum,
                checksum, reserved);
    }

    /** A: a DATA_ACK is present. */
    public boolean hasDataAck() {
        return (flags & FLAG_DATA_ACK) != 0;
    }

    /** a: the DATA_ACK is on 8 bytes (meaningful only with {@link #hasDataAck()}). */
    public boolean isDataAck64() {
        return (flags & FLAG_DATA_ACK_64) != 0;
    }

    /** M: a mapping is present. */
    public boolean hasMapping() {
        return (flags & FLAG_MAPPING) != 0;
    }

    /** m: the DSN is on 8 bytes (meaningful only with {@link #hasMapping()}). */
    public boolean isDsn64() {
        return (flags & FLAG_DSN_64) != 0;
    }

    /** F: the DATA_FIN; its data sequence number is the last one the mapping covers. */
    public boolean isDataFin() {
        return (flags & FLAG_DATA_FIN) != 0;
    }

    /**
     * A DATA_FIN on a segment without data (RFC 8684 section 3.3.3): its mapping has subflow sequence number 0 and
     * maps no subflow bytes, only the DATA_FIN.
     */
    public boolean isDataFinAlone() {
        return hasMapping() && isDataFin() && subflowSequenceNumber == 0;
    }

    @Override
    public int subtype() {
        return SUBTYPE_DSS;
    }

    @Override
    public int encodedLength() {
        return expectedLength(flags) + (hasChecksum ? CHECKSUM_LENGTH : 0);
    }

    @Override
    public void encode(ByteBuffer dst) {
        putHeader(dst, encodedLength(), SUBTYPE_DSS, reserved);
        dst.put((byte) flags);
        if (hasDataAck()) {
            if (isDataAck64()) putU64(dst, dataAck);
            else putU32(dst, dataAck);
        }
        if (hasMapping()) {
            if (isDsn64()) putU64(dst, dataSequenceNumber);
            else putU32(dst, dataSequenceNumber);
            putU32(dst, subflowSequenceNumber);
            putU16(dst, dataLevelLength);
            if (hasChecksum) putU16(dst, checksum);
        }
    }

    static Dss decode(ByteBuffer b, int start, int length) throws MalformedPacketException {
        if (length < BASE_LENGTH) throw MptcpOptions.badLength("DSS without flags", length);
        int flags = u8(b, start + 3);
        int expected = expectedLength(flags);
        boolean map = (flags & FLAG_MAPPING) != 0;
        boolean checksumPresent = map && length == expected + CHECKSUM_LENGTH;
        if (length != expected && !checksumPresent) throw MptcpOptions.badLength("DSS with flags " + flags, length);
        int at = start + BASE_LENGTH;
        long dataAck = 0;
        if ((flags & FLAG_DATA_ACK) != 0) {
            boolean wide = (flags & FLAG_DATA_ACK_64) != 0;
            dataAck = wide ? u64(b, at) : u32(b, at);
            at += wide ? 8 : 4;
        }
        long dsn = 0;
        long ssn = 0;
        int dataLevelLength = 0;
        int checksum = 0;
        if (map) {
            boolean wide = (flags & FLAG_DSN_64) != 0;
            dsn = wide ? u64(b, at) : u32(b, at);
            at += wide ? 8 : 4;
            ssn = u32(b, at);
            dataLevelLength = u16(b, at + 4);
            if (checksumPresent) checksum = u16(b, at + 6);
        }
        return new Dss(flags, dataAck, dsn, ssn, dataLevelLength, checksumPresent, checksum, u8(b, start + 2) & 0x0F);
    }

    /** The length the flags call for, without checksum (RFC 8684 section 3.3). */
    private static int expectedLength(int flags) {
        int length = BASE_LENGTH;
        if ((flags & FLAG_DATA_ACK) != 0) length += (flags & FLAG_DATA_ACK_64) != 0 ? 8 : 4;
        if ((flags & FLAG_MAPPING) != 0) length += ((flags & FLAG_DSN_64) != 0 ? 8 : 4) + 4 + 2;
        return length;
    }

    private static int ackFlags(boolean dataAck64) {
        return FLAG_DATA_ACK | (dataAck64 ? FLAG_DATA_ACK_64 : 0);
    }

    private static int mapFlags(boolean dsn64, boolean dataFin) {
        return FLAG_MAPPING | (dsn64 ? FLAG_DSN_64 : 0) | (dataFin ? FLAG_DATA_FIN : 0);
    }
}
