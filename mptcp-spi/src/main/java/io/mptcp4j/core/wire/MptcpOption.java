package io.mptcp4j.core.wire;

import java.nio.ByteBuffer;

/**
 * An MPTCP v1 suboption of TCP option kind 30 (RFC 8684 section 3), one record per subtype and form:
 * {@link MpCapable}, {@link MpJoin} ({@link MpJoin.Syn}, {@link MpJoin.SynAck}, {@link MpJoin.Ack}), {@link Dss},
 * {@link AddAddr}, {@link RemoveAddr}, {@link MpPrio}, {@link MpFail}, {@link MpFastclose}, {@link MpTcpRst}, and
 * {@link MpOpaque} for MP_EXPERIMENTAL and unassigned subtypes.
 *
 * <p>{@link #parse(ByteBuffer)} checks every length exactly as RFC 8684 specifies for the subtype and its flags;
 * anything else is a {@link MalformedPacketException}: {@code BAD_OPTION_LENGTH} for a length the subtype and flags
 * do not allow, {@code BAD_VERSION} for an MP_CAPABLE that is not v1, {@code BAD_FIELD} for a value RFC 8684 makes
 * invalid, {@code TRUNCATED} or {@code BAD_LENGTH} when the buffer does not match the length byte. Every decoded
 * option re-encodes to the bytes it came from: reserved bits are kept. Whether a well-formed option makes sense in
 * its segment (an MP_CAPABLE of length 12 on a SYN-ACK, say) is the protocol layer's decision, not the codec's.
 */
public sealed interface MptcpOption extends TcpOption permits MpCapable, MpJoin, Dss, AddAddr, RemoveAddr, MpPrio,
        MpFail, MpFastclose, MpTcpRst, MpOpaque, MpMalformed {

    int SUBTYPE_MP_CAPABLE = 0x0;
    int SUBTYPE_MP_JOIN = 0x1;
    int SUBTYPE_DSS = 0x2;
    int SUBTYPE_ADD_ADDR = 0x3;
    int SUBTYPE_REMOVE_ADDR = 0x4;
    int SUBTYPE_MP_PRIO = 0x5;
    int SUBTYPE_MP_FAIL = 0x6;
    int SUBTYPE_MP_FASTCLOSE = 0x7;
    int SUBTYPE_MP_TCPRST = 0x8;
    int SUBTYPE_MP_EXPERIMENTAL = 0xF;

    /** The 4-bit subtype (RFC 8684 section 7.2, IANA registry). */
    int subtype();

    @Override
    default int kind() {
        return KIND_MPTCP;
    }

    /**
     * Decodes one whole MPTCP option: the buffer holds kind (30), length and body between position and limit,
     * and the length byte equals {@code remaining()}.
     */
    static MptcpOption parse(ByteBuffer option) throws MalformedPacketException {
        return MptcpOptions.parse(option);
    }
}
