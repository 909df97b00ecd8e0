package io.mptcp4j.core.wire;

import static io.mptcp4j.core.wire.MptcpOptions.checkBits;
import static io.mptcp4j.core.wire.MptcpOptions.putHeader;
import static io.mptcp4j.core.wire.WireBytes.u8;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * An MPTCP option of a subtype this stack does not interpret, kept byte for byte: MP_EXPERIMENTAL (0xF) and the
 * subtypes 0x9 to 0xE that IANA has not assigned (RFC 8684 section 7.2). Any length from 3 up is accepted.
 *
 * @param subtype the subtype, 0x9 to 0xF
 * @param lowBits the low nibble of the subtype byte, whatever it means to that subtype
 * @param data the bytes after the subtype byte, at most 252
 */
public record MpOpaque(int subtype, int lowBits, byte[] data) implements MptcpOption {

    /** The first subtype RFC 8684 leaves unassigned. */
    public static final int FIRST_UNASSIGNED_SUBTYPE = 0x9;

    private static final int BASE_LENGTH = 3;

    public MpOpaque {
        if (subtype < FIRST_UNASSIGNED_SUBTYPE || subtype > SUBTYPE_MP_EXPERIMENTAL) {
            throw new IllegalArgumentException("subtype " + subtype + " is not unassigned or experimental");
        }
        checkBits("lowBits", lowBits, 0x0F);
        if (data.length > 255 - BASE_LENGTH) throw new IllegalArgumentException("option data too long: " + data.length);
        data = data.clone();
    }

    /** A copy of the bytes after the subtype byte. */
    @Override
    public byte[] data() {
        return data.clone();
    }

    /** Whether this is MP_EXPERIMENTAL rather than an unassigned subtype. */
    public boolean isExperimental() {
        return subtype == SUBTYPE_MP_EXPERIMENTAL;
    }

    @Override
    public int encodedLength() {
        return BASE_LENGTH + data.length;
    }

    @Override
    public void encode(ByteBuffer dst) {
        putHeader(dst, encodedLength(), subtype, lowBits);
        dst.put(data);
    }

    static MpOpaque decode(ByteBuffer b, int start, int length) {
        byte[] data = new byte[length - BASE_LENGTH];
        b.get(start + BASE_LENGTH, data);
        int subtypeByte = u8(b, start + 2);
        return new MpOpaque(subtypeByte >>> 4, subtypeByte & 0x0F, data);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MpOpaque m && m.subtype == subtype && m.lowBits == lowBits && Arrays.equals(m.data, data);
    }

    @Override
    public int hashCode() {
        return (31 * subtype + lowBits) * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "MpOpaque[subtype=" + subtype + ", lowBits=" + lowBits + ", data=" + HexFormat.of().formatHex(data)
                + "]";
    }
}
