package io.mptcp4j.core.wire;

import static io.mptcp4j.core.wire.MptcpOptions.checkU16;
import static io.mptcp4j.core.wire.MptcpOptions.checkU8;
import static io.mptcp4j.core.wire.MptcpOptions.putHeader;
import static io.mptcp4j.core.wire.WireBytes.putU16;
import static io.mptcp4j.core.wire.WireBytes.putU64;
import static io.mptcp4j.core.wire.WireBytes.u16;
import static io.mptcp4j.core.wire.WireBytes.u64;
import static io.mptcp4j.core.wire.WireBytes.u8;

import io.mptcp4j.core.wire.MalformedPacketException.Reason;
import java.nio.ByteBuffer;

/**
 * MP_CAPABLE, subtype 0 (RFC 8684 section 3.1): the first subflow's handshake. The option grows with the handshake,
 * so the length alone names the {@link Form} and which fields it carries; fields a form lacks are zero.
 *
 * <p>Only MPTCP v1 is spoken. Version 0 (RFC 6824, whose SYN of length 12 carries a key) is refused with
 * {@code BAD_VERSION}. A SYN may offer a higher version, which the responder answers with the highest version it
 * supports no higher than that (section 3.1), so the SYN form keeps the version it carries, as Linux accepts it;
 * every other form must say 1.
 *
 * <p>Flags (section 3.1): A checksum required, B extensibility, C no further subflows to the sender's source
 * address, D..G reserved for other crypto algorithms, H HMAC-SHA256. Section 3.1 makes an MP_CAPABLE with D..H all
 * zero invalid, so that is {@code BAD_FIELD}. B=1 is well-formed but means an extension this stack does not
 * understand: the protocol layer must then ignore the option and fall back to TCP, as Linux does.
 *
 * @param version MPTCP version, 1 except on a SYN that offers more
 * @param flags the whole flags byte, A (0x80) to H (0x01)
 * @param form which handshake step, and so which fields are on the wire
 * @param senderKey the option sender's 64-bit key, from {@link Form#SYN_ACK} on
 * @param receiverKey the option receiver's 64-bit key, from {@link Form#ACK} on
 * @param dataLevelLength length of the data the first data packet maps, in the data forms
 * @param checksum the DSS checksum of that data, in {@link Form#ACK_DATA_CHECKSUM} only
 */
public record MpCapable(int version, int flags, Form form, long senderKey, long receiverKey, int dataLevelLength,
        int checksum) implements MptcpOption {

    /** The one version this stack speaks. */
    public static final int VERSION_1 = 1;

    /** A: the sender requires DSS checksums. */
    public static final int FLAG_CHECKSUM_REQUIRED = 0x80;
    /** B: extensibility; a v1 sender sets it to 0. */
    public static final int FLAG_EXTENSIBILITY = 0x40;
    /** C: the sender accepts no further subflows to the source address and port of this one. */
    public static final int FLAG_NO_JOIN_TO_SOURCE_ADDRESS = 0x20;
    /** H: HMAC-SHA256, the one crypto algorithm RFC 8684 defines. */
    public static final int FLAG_HMAC_SHA256 = 0x01;
    /** D..H: the crypto algorithm bits, at least one of which must be set. */
    public static final int CRYPTO_ALGORITHM_MASK = 0x1F;

    /** The handshake step, which fixes the option length (RFC 8684 section 3.1). */
    public enum Form {
        /** SYN: no key. */
        SYN(4),
        /** SYN/ACK: the responder's key. */
        SYN_ACK(12),
        /** Third ACK: both keys. */
        ACK(20),
        /** The initiator's first data packet: both keys and the data-level length of the data it maps. */
        ACK_DATA(22),
        /** As {@link #ACK_DATA}, with the DSS checksum. */
        ACK_DATA_CHECKSUM(24);

        private final int length;

        Form(int length) {
            this.length = length;
        }

        /** The option length of this form, kind and length bytes included. */
        public int length() {
            return length;
        }

        boolean hasSenderKey() {
            return this != SYN;
        }

        boolean hasReceiverKey() {
            return this == ACK || hasData();
        }

        boolean hasData() {
            return this == ACK_DATA || this == ACK_DATA_CHECKSUM;
        }

        /** The form of that option length, or null when MP_CAPABLE has no such length. */
        static Form ofLength(int length) {
            return switch (length) {
                case 4 -> SYN;
                case 12 -> SYN_ACK;
                case 20 -> ACK;
                case 22 -> ACK_DATA;
                case 24 -> ACK_DATA_CHECKSUM;
                default -> null;
            };
        }
    }

    public MpCapable {
        if (form == null) throw new IllegalArgumentException("form is required");
        if (version < VERSION_1 || version > 0xF || (form != Form.SYN && version != VERSION_1)) {
            throw new IllegalArgumentException("version " + version + " on " + form + ": only a SYN may offer > 1");
        }
        checkU8("flags", flags);
        if ((flags & CRYPTO_ALGORITHM_MASK) == 0) throw new IllegalArgumentException("no crypto algorithm bit set");
        checkU16("dataLevelLength", dataLevelLength);
        checkU16("checksum", checksum);
        boolean strayField = (!form.hasSenderKey() && senderKey != 0) || (!form.hasReceiverKey() && receiverKey != 0)
                || (!form.hasData() && dataLevelLength != 0) || (form != Form.ACK_DATA_CHECKSUM && checksum != 0);
        if (strayField) throw new IllegalArgumentException(form + " does not carry every field given");
    }

    /** SYN, length 4. */
    public static MpCapable syn(int flags) {
        return new MpCapable(VERSION_1, flags, Form.SYN, 0, 0, 0, 0);
    }

    /** SYN/ACK, length 12, carrying the responder's key. */
    public static MpCapable synAck(int flags, long senderKey) {
        return new MpCapable(VERSION_1, flags, Form.SYN_ACK, senderKey, 0, 0, 0);
    }

    /** Third ACK, length 20, carrying the initiator's key then the responder's. */
    public static MpCapable ack(int flags, long senderKey, long receiverKey) {
        return new MpCapable(VERSION_1, flags, Form.ACK, senderKey, receiverKey, 0, 0);
    }

    /** First data packet, length 22, without a checksum (none negotiated). */
    public static MpCapable ackWithData(int flags, long senderKey, long receiverKey, int dataLevelLength) {
        return new MpCapable(VERSION_1, flags, Form.ACK_DATA, senderKey, receiverKey, dataLevelLength, 0);
    }

    /** First data packet, length 24, with its DSS checksum (see {@link DssChecksum}). */
    public static MpCapable ackWithData(int flags, long senderKey, long receiverKey, int dataLevelLength,
            int checksum) {
        return new MpCapable(VERSION_1, flags, Form.ACK_DATA_CHECKSUM, senderKey, receiverKey, dataLevelLength,
                checksum);
    }

    /** A: the sender requires DSS checksums. */
    public boolean checksumRequired() {
        return (flags & FLAG_CHECKSUM_REQUIRED) != 0;
    }

    /** B: an extension a v1 implementation does not understand; the option must then be ignored. */
    public boolean extensibility() {
        return (flags & FLAG_EXTENSIBILITY) != 0;
    }

    /** C: the receiver must not open further subflows to this subflow's source address and port. */
    public boolean noJoinToSourceAddress() {
        return (flags & FLAG_NO_JOIN_TO_SOURCE_ADDRESS) != 0;
    }

    /** H: HMAC-SHA256 offered (on a SYN) or chosen (afterwards). */
    public boolean hmacSha256() {
        return (flags & FLAG_HMAC_SHA256) != 0;
    }

    /** Whether this form carries the data-level length (and so maps the first data bytes). */
    public boolean hasData() {
        return form.hasData();
    }

    /** Whether this form carries the DSS checksum. */
    public boolean hasChecksum() {
        return form == Form.ACK_DATA_CHECKSUM;
    }

    @Override
    public int subtype() {
        return SUBTYPE_MP_CAPABLE;
    }

    @Override
    public int encodedLength() {
        return form.length();
    }

    @Override
    public void encode(ByteBuffer dst) {
        putHeader(dst, form.length(), SUBTYPE_MP_CAPABLE, version);
        dst.put((byte) flags);
        if (form.hasSenderKey()) putU64(dst, senderKey);
        if (form.hasReceiverKey()) putU64(dst, receiverKey);
        if (form.hasData()) putU16(dst, dataLevelLength);
        if (hasChecksum()) putU16(dst, checksum);
    }

    static MpCapable decode(ByteBuffer b, int start, int length) throws MalformedPacketException {
        Form form = Form.ofLength(length);
        if (form == null) throw MptcpOptions.badLength("MP_CAPABLE", length);
        int version = u8(b, start + 2) & 0x0F;
        if (version == 0 || (form != Form.SYN && version != VERSION_1)) {
            throw new MalformedPacketException(Reason.BAD_VERSION, "MP_CAPABLE v" + version + ", length " + length);
        }
        int flags = u8(b, start + 3);
        if ((flags & CRYPTO_ALGORITHM_MASK) == 0) {
            throw new MalformedPacketException(Reason.BAD_FIELD, "MP_CAPABLE without crypto algorithm (D..H all 0)");
        }
        long senderKey = form.hasSenderKey() ? u64(b, start + 4) : 0;
        long receiverKey = form.hasReceiverKey() ? u64(b, start + 12) : 0;
        int dataLevelLength = form.hasData() ? u16(b, start + 20) : 0;
        int checksum = form == Form.ACK_DATA_CHECKSUM ? u16(b, start + 22) : 0;
        return new MpCapable(version, flags, form, senderKey, receiverKey, dataLevelLength, checksum);
    }
}
