package io.mptcp4j.core.wire;

import io.mptcp4j.core.wire.MalformedPacketException.Reason;
import static io.mptcp4j.core.wire.WireBytes.u8;

import java.nio.ByteBuffer;

/**
 * The MPTCP option codec behind {@link MptcpOption#parse}: checks the kind and length bytes, dispatches on the
 * subtype (RFC 8684 section 3) to the suboption records' decoders, and holds the big-endian byte and range helpers
 * they share.
 *
 * <p>Every read is an absolute get between the buffer's position and limit, so decoding never moves the position;
 * every length is checked before the bytes it covers are read, so arbitrary input ends in a record or a
 * {@link MalformedPacketException}, never in an unchecked exception.
 */
final class MptcpOptions {

    /** Kind, length and the subtype byte: the shortest MPTCP option that names its subtype. */
    static final int MIN_LENGTH = 3;

    private MptcpOptions() {
    }

    /**
     * Decodes one whole MPTCP option, kind and length bytes included, held between the buffer's position and limit:
     * {@code TRUNCATED} when the buffer ends before the length byte says, {@code BAD_LENGTH} when it holds more,
     * {@code BAD_FIELD} for a kind other than 30, and the suboption's own reasons otherwise.
     */
    static MptcpOption parse(ByteBuffer option) throws MalformedPacketException {
        int start = option.position();
        int available = option.remaining();
        if (available < 2) {
            throw new MalformedPacketException(Reason.TRUNCATED, "no kind and length in " + available + " bytes");
        }
        int kind = u8(option, start);
        if (kind != TcpOption.KIND_MPTCP) {
            throw new MalformedPacketException(Reason.BAD_FIELD, "not an MPTCP option: kind " + kind);
        }
        int length = u8(option, start + 1);
        if (length != available) {
            throw new MalformedPacketException(length > available ? Reason.TRUNCATED : Reason.BAD_LENGTH,
                    "MPTCP option length " + length + " in " + available + " bytes");
        }
        if (length < MIN_LENGTH) {
            throw badLength("MPTCP option without subtype", length);
        }
        int subtype = u8(option, start + 2) >>> 4;
        return switch (subtype) {
            case MptcpOption.SUBTYPE_MP_CAPABLE -> MpCapable.decode(option, start, length);
            case MptcpOption.SUBTYPE_MP_JOIN -> decodeJoin(option, start, length);
            case MptcpOption.SUBTYPE_DSS -> Dss.decode(option, start, length);
            case MptcpOption.SUBTYPE_ADD_ADDR -> AddAddr.decode(option, start, length);
            case MptcpOption.SUBTYPE_REMOVE_ADDR -> RemoveAddr.decode(option, start, length);
            case MptcpOption.SUBTYPE_MP_PRIO -> MpPrio.decode(option, start, length);
            case MptcpOption.SUBTYPE_MP_FAIL -> MpFail.decode(option, start, length);
            case MptcpOption.SUBTYPE_MP_FASTCLOSE -> MpFastclose.decode(option, start, length);
            case MptcpOption.SUBTYPE_MP_TCPRST -> MpTcpRst.decode(option, start, length);
            default -> MpOpaque.decode(option, start, length);
        };
    }

    /** MP_JOIN's length names its handshake step (RFC 8684 section 3.2). */
    private static MpJoin decodeJoin(ByteBuffer option, int start, int length) throws MalformedPacketException {
        return switch (length) {
            case MpJoin.Syn.LENGTH -> MpJoin.Syn.decode(option, start);
            case MpJoin.SynAck.LENGTH -> MpJoin.SynAck.decode(option, start);
            case MpJoin.Ack.LENGTH -> MpJoin.Ack.decode(option, start);
            default -> throw badLength("MP_JOIN", length);
        };
    }

    // ---- shared by the suboption codecs ----

    static MalformedPacketException badLength(String suboption, int length) {
        return new MalformedPacketException(Reason.BAD_OPTION_LENGTH, suboption + " cannot have length " + length);
    }

    /** Writes kind 30, the length and the subtype byte (subtype in the high nibble, {@code lowNibble} below it). */
    static void putHeader(ByteBuffer dst, int length, int subtype, int lowNibble) {
        dst.put((byte) TcpOption.KIND_MPTCP).put((byte) length).put((byte) (subtype << 4 | lowNibble));
    }

    // ---- argument checks for the records' constructors ----

    static int checkU8(String name, int value) {
        if ((value & ~0xFF) != 0) throw new IllegalArgumentException(name + " is an unsigned 8-bit value: " + value);
        return value;
    }

    static int checkU16(String name, int value) {
        if ((value & ~0xFFFF) != 0) throw new IllegalArgumentException(name + " is an unsigned 16-bit value: " + value);
        return value;
    }

    static long checkU32(String name, long value) {
        if ((value >>> 32) != 0) throw new IllegalArgumentException(name + " is an unsigned 32-bit value: " + value);
        return value;
    }

    static int checkBits(String name, int value, int mask) {
        if ((value & ~mask) != 0) {
            throw new IllegalArgumentException(
                    name + " 0x" + Integer.toHexString(value) + " outside mask 0x" + Integer.toHexString(mask));
        }
        return value;
    }
}
