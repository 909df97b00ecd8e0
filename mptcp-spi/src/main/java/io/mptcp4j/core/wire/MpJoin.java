package io.mptcp4j.core.wire;

import static io.mptcp4j.core.wire.MptcpOptions.checkBits;
import static io.mptcp4j.core.wire.MptcpOptions.checkU32;
import static io.mptcp4j.core.wire.MptcpOptions.checkU8;
import static io.mptcp4j.core.wire.MptcpOptions.putHeader;
import static io.mptcp4j.core.wire.WireBytes.putU32;
import static io.mptcp4j.core.wire.WireBytes.putU64;
import static io.mptcp4j.core.wire.WireBytes.u32;
import static io.mptcp4j.core.wire.WireBytes.u64;
import static io.mptcp4j.core.wire.WireBytes.u8;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * MP_JOIN, subtype 1 (RFC 8684 section 3.2): the handshake of an additional subflow, one record per step. The
 * length alone says which step: 12 {@link Syn}, 16 {@link SynAck}, 24 {@link Ack}. {@link MptcpCrypto} computes
 * the HMACs they carry.
 *
 * <p>Reserved bits are kept as received so that every option re-encodes to the bytes it came from.
 */
public sealed interface MpJoin extends MptcpOption permits MpJoin.Syn, MpJoin.SynAck, MpJoin.Ack {

    /** B, the low bit of the subtype byte on the SYN and SYN/ACK: the sender wants this subflow as a backup. */
    int FLAG_BACKUP = 0x01;
    /** The three bits between the subtype and B, reserved on the SYN and SYN/ACK. */
    int SYN_RESERVED_MASK = 0x0E;
    /** Bytes of the HMAC a third ACK carries: the leftmost 160 bits of HMAC-SHA256. */
    int ACK_HMAC_LENGTH = 20;

    @Override
    default int subtype() {
        return SUBTYPE_MP_JOIN;
    }

    /**
     * MP_JOIN on a SYN, length 12.
     *
     * @param backup B: the initiator wants this subflow as a backup
     * @param addressId the initiator's identifier for the subflow's source address
     * @param receiverToken the token (unsigned 32-bit) of the connection to join, derived from the responder's key
     * @param senderRandom the initiator's random number (unsigned 32-bit), R-A
     * @param reserved the reserved bits of the subtype byte, within {@link #SYN_RESERVED_MASK}
     */
    record Syn(boolean backup, int addressId, long receiverToken, long senderRandom, int reserved) implements MpJoin {
        static final int LENGTH = 12;

        public Syn {
            checkU8("addressId", addressId);
            checkU32("receiverToken", receiverToken);
            checkU32("senderRandom", senderRandom);
            checkBits("reserved", reserved, SYN_RESERVED_MASK);
        }

        /** A SYN with the reserved bits zero, as a sender writes it. */
        public Syn(boolean backup, int addressId, long receiverToken, long senderRandom) {
            this(backup, addressId, receiverToken, senderRandom, 0);
        }

        @Override
        public int encodedLength() {
            return LENGTH;
        }

        @Override
        public void encode(ByteBuffer dst) {
            putHeader(dst, LENGTH, SUBTYPE_MP_JOIN, reserved | (backup ? FLAG_BACKUP : 0));
            dst.put((byte) addressId);
            putU32(dst, receiverToken);
            putU32(dst, senderRandom);
        }

        static Syn decode(ByteBuffer b, int start) {
            int subtypeByte = u8(b, start + 2);
            return new Syn((subtypeByte & FLAG_BACKUP) != 0, u8(b, start + 3), u32(b, start + 4), u32(b, start + 8),
                    subtypeByte & SYN_RESERVED_MASK);
        }
    }

    /**
     * MP_JOIN on a SYN/ACK, length 16.
     *
     * @param backup B: the responder wants this subflow as a backup
     * @param addressId the responder's identifier for the subflow's address
     * @param truncatedHmac the leftmost 64 bits of HMAC(Key=Key-B||Key-A, Msg=R-B||R-A)
     * @param senderRandom the responder's random number (unsigned 32-bit), R-B
     * @param reserved the reserved bits of the subtype byte, within {@link #SYN_RESERVED_MASK}
     */
    record SynAck(boolean backup, int addressId, long truncatedHmac, long senderRandom, int reserved)
            implements MpJoin {
        static final int LENGTH = 16;

        public SynAck {
            checkU8("addressId", addressId);
            checkU32("senderRandom", senderRandom);
            checkBits("reserved", reserved, SYN_RESERVED_MASK);
        }

        /** A SYN/ACK with the reserved bits zero, as a sender writes it. */
        public SynAck(boolean backup, int addressId, long truncatedHmac, long senderRandom) {
            this(backup, addressId, truncatedHmac, senderRandom, 0);
        }

        @Override
        public int encodedLength() {
            return LENGTH;
        }

        @Override
        public void encode(ByteBuffer dst) {
            putHeader(dst, LENGTH, SUBTYPE_MP_JOIN, reserved | (backup ? FLAG_BACKUP : 0));
            dst.put((byte) addressId);
            putU64(dst, truncatedHmac);
            putU32(dst, senderRandom);
        }

        static SynAck decode(ByteBuffer b, int start) {
            int subtypeByte = u8(b, start + 2);
            return new SynAck((subtypeByte & FLAG_BACKUP) != 0, u8(b, start + 3), u64(b, start + 4),
                    u32(b, start + 12), subtypeByte & SYN_RESERVED_MASK);
        }
    }

    /**
     * MP_JOIN on the third ACK, length 24.
     *
     * @param hmac the leftmost 160 bits of HMAC(Key=Key-A||Key-B, Msg=R-A||R-B), {@link #ACK_HMAC_LENGTH} bytes
     * @param reserved the 12 reserved bits: the low nibble of the subtype byte, then the byte after it
     */
    record Ack(byte[] hmac, int reserved) implements MpJoin {
        static final int LENGTH = 24;

        public Ack {
            if (hmac.length != ACK_HMAC_LENGTH) {
                throw new IllegalArgumentException("MP_JOIN ACK HMAC is 20 bytes, not " + hmac.length);
            }
            hmac = hmac.clone();
            checkBits("reserved", reserved, 0xFFF);
        }

        /** A third ACK with the reserved bits zero, as a sender writes it. */
        public Ack(byte[] hmac) {
            this(hmac, 0);
        }

        /** A copy of the 20 HMAC bytes. */
        @Override
        public byte[] hmac() {
            return hmac.clone();
        }

        @Override
        public int encodedLength() {
            return LENGTH;
        }

        @Override
        public void encode(ByteBuffer dst) {
            putHeader(dst, LENGTH, SUBTYPE_MP_JOIN, reserved >>> 8);
            dst.put((byte) reserved).put(hmac);
        }

        static Ack decode(ByteBuffer b, int start) {
            byte[] hmac = new byte[ACK_HMAC_LENGTH];
            b.get(start + 4, hmac);
            return new Ack(hmac, (u8(b, start + 2) & 0x0F) << 8 | u8(b, start + 3));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Ack a && a.reserved == reserved && Arrays.equals(a.hmac, hmac);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(hmac) + reserved;
        }

        @Override
        public String toString() {
            return "Ack[hmac=" + HexFormat.of().formatHex(hmac) + ", reserved=" + reserved + "]";
        }
    }
}
