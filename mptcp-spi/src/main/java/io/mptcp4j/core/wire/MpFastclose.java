package io.mptcp4j.core.wire;

import static io.mptcp4j.core.wire.MptcpOptions.checkBits;
import static io.mptcp4j.core.wire.MptcpOptions.putHeader;
import static io.mptcp4j.core.wire.WireBytes.putU64;
import static io.mptcp4j.core.wire.WireBytes.u64;
import static io.mptcp4j.core.wire.WireBytes.u8;

import java.nio.ByteBuffer;

/**
 * MP_FASTCLOSE, subtype 7 (RFC 8684 section 3.5): closes the whole connection at once, proven by the receiver's
 * key. Length 12.
 *
 * @param receiverKey the 64-bit key of the option's receiver, which it checks against its own
 * @param reserved the 12 reserved bits: the low nibble of the subtype byte, then the byte after it
 */
public record MpFastclose(long receiverKey, int reserved) implements MptcpOption {

    private static final int LENGTH = 12;

    public MpFastclose {
        checkBits("reserved", reserved, 0xFFF);
    }

    /** The fast close with the reserved bits zero, as a sender writes it. */
    public MpFastclose(long receiverKey) {
        this(receiverKey, 0);
    }

    @Override
    public int subtype() {
        return SUBTYPE_MP_FASTCLOSE;
    }

    @Override
    public int encodedLength() {
        return LENGTH;
    }

    @Override
    public void encode(ByteBuffer dst) {
        putHeader(dst, LENGTH, SUBTYPE_MP_FASTCLOSE, reserved >>> 8);
        dst.put((byte) reserved);
        putU64(dst, receiverKey);
    }

    static MpFastclose decode(ByteBuffer b, int start, int length) throws MalformedPacketException {
        if (length != LENGTH) throw MptcpOptions.badLength("MP_FASTCLOSE", length);
        return new MpFastclose(u64(b, start + 4), (u8(b, start + 2) & 0x0F) << 8 | u8(b, start + 3));
    }
}
