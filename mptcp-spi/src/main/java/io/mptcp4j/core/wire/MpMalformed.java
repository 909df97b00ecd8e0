package io.mptcp4j.core.wire;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * An MPTCP option (kind 30) that {@link MptcpOption#parse} refused, kept inside an otherwise valid TCP segment.
 *
 * <p>A bad MPTCP option must not cost the TCP segment it rides on: Linux ({@code mptcp_parse_option}) ignores an
 * option whose length does not fit its subtype and processes the segment as if the option were absent, which then
 * leads to the RFC 8684 reactions to a missing option (section 3.7: fallback, or MP_FAIL under checksums). The
 * protocol layer does the same with this record, and counts it by {@link #reason()}.
 *
 * @param reason why the option did not decode
 * @param bytes the whole option as received, kind and length bytes included
 */
public record MpMalformed(MalformedPacketException.Reason reason, byte[] bytes) implements MptcpOption {

    public MpMalformed {
        Objects.requireNonNull(reason, "reason");
        if (bytes.length < 2 || bytes.length > TcpOptions.MAX_LENGTH) {
            throw new IllegalArgumentException("an option is 2 to 40 bytes, not " + bytes.length);
        }
        bytes = bytes.clone();
    }

    /** The subtype nibble, or -1 when the option is too short to carry one. */
    @Override
    public int subtype() {
        return bytes.length > 2 ? (bytes[2] & 0xFF) >>> 4 : -1;
    }

    /** A copy of the option's bytes. */
    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    @Override
    public int encodedLength() {
        return bytes.length;
    }

    @Override
    public void encode(ByteBuffer dst) {
        dst.put(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MpMalformed m && m.reason == reason && Arrays.equals(m.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return 31 * reason.hashCode() + Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "MpMalformed[" + reason + ", " + HexFormat.of().formatHex(bytes) + "]";
    }
}
