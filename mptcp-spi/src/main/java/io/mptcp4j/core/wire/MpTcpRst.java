package io.mptcp4j.core.wire;

import static io.mptcp4j.core.wire.MptcpOptions.checkBits;
import static io.mptcp4j.core.wire.MptcpOptions.checkU8;
import static io.mptcp4j.core.wire.MptcpOptions.putHeader;
import static io.mptcp4j.core.wire.WireBytes.u8;

import java.nio.ByteBuffer;

/**
 * MP_TCPRST, subtype 8 (RFC 8684 section 3.6): why a subflow is being reset, carried on the RST. Length 4.
 *
 * <p>Flags U, V and W are undefined and must be ignored; they are kept in {@code reserved} so that the option
 * re-encodes to the same bytes. Reason codes outside the registry are kept as received.
 *
 * @param transientError T: the error is transient, the subflow may be re-established
 * @param reason the reason code, one of the {@code REASON_} constants or an unregistered value
 * @param reserved the U, V, W bits of the subtype byte, within {@link #RESERVED_MASK}
 */
public record MpTcpRst(boolean transientError, int reason, int reserved) implements MptcpOption {

    /** T, the low bit of the subtype byte. */
    public static final int FLAG_TRANSIENT = 0x01;
    /** U, V, W: the three bits between the subtype and T. */
    public static final int RESERVED_MASK = 0x0E;

    /** Unspecified error: the default, saying only that an MPTCP-aware host sent the RST (reason 0x00). */
    public static final int REASON_UNSPECIFIED = 0x00;
    /** An error in processing MPTCP options, the usual code for an invalid response (reason 0x01). */
    public static final int REASON_MPTCP_ERROR = 0x01;
    /** The sender lacks the resources to keep the subflow (reason 0x02). */
    public static final int REASON_LACK_OF_RESOURCES = 0x02;
    /** The sender's policy prohibits the subflow (reason 0x03). */
    public static final int REASON_ADMINISTRATIVELY_PROHIBITED = 0x03;
    /** Too much data queued on this subflow that other subflows have already delivered (reason 0x04). */
    public static final int REASON_TOO_MUCH_OUTSTANDING_DATA = 0x04;
    /** The subflow performs too poorly next to the connection's other subflows (reason 0x05). */
    public static final int REASON_UNACCEPTABLE_PERFORMANCE = 0x05;
    /** Middlebox interference made MPTCP signalling invalid, e.g. a failed DSS checksum (reason 0x06). */
    public static final int REASON_MIDDLEBOX_INTERFERENCE = 0x06;

    private static final int LENGTH = 4;

    public MpTcpRst {
        checkU8("reason", reason);
        checkBits("reserved", reserved, RESERVED_MASK);
    }

    /** The reset reason with U, V, W zero, as a sender writes it. */
    public MpTcpRst(boolean transientError, int reason) {
        this(transientError, reason, 0);
    }

    @Override
    public int subtype() {
        return SUBTYPE_MP_TCPRST;
    }

    @Override
    public int encodedLength() {
        return LENGTH;
    }

    @Override
    public void encode(ByteBuffer dst) {
        putHeader(dst, LENGTH, SUBTYPE_MP_TCPRST, reserved | (transientError ? FLAG_TRANSIENT : 0));
        dst.put((byte) reason);
    }

    static MpTcpRst decode(ByteBuffer b, int start, int length) throws MalformedPacketException {
        if (length != LENGTH) throw MptcpOptions.badLength("MP_TCPRST", length);
        int subtypeByte = u8(b, start + 2);
        return new MpTcpRst((subtypeByte & FLAG_TRANSIENT) != 0, u8(b, start + 3), subtypeByte & RESERVED_MASK);
    }
}
