package io.mptcp4j.core.wire;

import static io.mptcp4j.core.wire.MptcpOptions.checkBits;
import static io.mptcp4j.core.wire.MptcpOptions.putHeader;
import static io.mptcp4j.core.wire.WireBytes.putU64;
import static io.mptcp4j.core.wire.WireBytes.u64;
import static io.mptcp4j.core.wire.WireBytes.u8;

import java.nio.ByteBuffer;

/**
 * MP_FAIL, subtype 6 (RFC 8684 section 3.7): a DSS checksum failed; the sender falls back from the given data
 * sequence number. Length 12.
 *
 * @param dataSequenceNumber the full 64-bit DSN of the start of the failed mapping
 * @param reserved the 12 reserved bits: the low nibble of the subtype byte, then the byte after it
 */
public record MpFail(long dataSequenceNumber, int reserved) implements MptcpOption {

    private static final int LENGTH = 12;

    public MpFail {
        checkBits("reserved", reserved, 0xFFF);
    }

    /** The failure signal with the reserved bits zero, as a sender writes it. */
    public MpFail(long dataSequenceNumber) {
        this(dataSequenceNumber, 0);
    }

    @Override
    public int subtype() {
        return SUBTYPE_MP_FAIL;
    }

    @Override
    public int encodedLength() {
        return LENGTH;
    }

    @Override
    public void encode(ByteBuffer dst) {
        putHeader(dst, LENGTH, SUBTYPE_MP_FAIL, reserved >>> 8);
        dst.put((byte) reserved);
        putU64(dst, dataSequenceNumber);
    }

    static MpFail decode(ByteBuffer b, int start, int length) throws MalformedPacketException {
        if (length != LENGTH) throw MptcpOptions.badLength("MP_FAIL", length);
        return new MpFail(u64(b, start + 4), (u8(b, start + 2) & 0x0F) << 8 | u8(b, start + 3));
    }
}
