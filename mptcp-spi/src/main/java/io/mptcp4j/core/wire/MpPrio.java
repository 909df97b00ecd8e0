package io.mptcp4j.core.wire;

import static io.mptcp4j.core.wire.MptcpOptions.checkBits;
import static io.mptcp4j.core.wire.MptcpOptions.putHeader;
import static io.mptcp4j.core.wire.WireBytes.u8;

import java.nio.ByteBuffer;

/**
 * MP_PRIO, subtype 5 (RFC 8684 section 3.3.8): changes the priority of the subflow it is sent on. Length 3 only:
 * RFC 6824's length-4 form with an address ID is gone from v1, so it is {@code BAD_OPTION_LENGTH}.
 *
 * @param backup B: the sender wants the subflow it receives this on used as a backup
 * @param reserved the reserved bits of the subtype byte, within {@link #RESERVED_MASK}
 */
public record MpPrio(boolean backup, int reserved) implements MptcpOption {

    /** B, the low bit of the subtype byte. */
    public static final int FLAG_BACKUP = 0x01;
    /** The three bits between the subtype and B. */
    public static final int RESERVED_MASK = 0x0E;

    private static final int LENGTH = 3;

    public MpPrio {
        checkBits("reserved", reserved, RESERVED_MASK);
    }

    /** The priority change with the reserved bits zero, as a sender writes it. */
    public MpPrio(boolean backup) {
        this(backup, 0);
    }

    @Override
    public int subtype() {
        return SUBTYPE_MP_PRIO;
    }

    @Override
    public int encodedLength() {
        return LENGTH;
    }

    @Override
    public void encode(ByteBuffer dst) {
        putHeader(dst, LENGTH, SUBTYPE_MP_PRIO, reserved | (backup ? FLAG_BACKUP : 0));
    }

    static MpPrio decode(ByteBuffer b, int start, int length) throws MalformedPacketException {
        if (length != LENGTH) throw MptcpOptions.badLength("MP_PRIO", length);
        int subtypeByte = u8(b, start + 2);
        return new MpPrio((subtypeByte & FLAG_BACKUP) != 0, subtypeByte & RESERVED_MASK);
    }
}
