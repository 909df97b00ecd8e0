package io.mptcp4j.core.wire;

import java.net.Inet6Address;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.util.Objects;

import static io.mptcp4j.core.wire.MalformedPacketException.Reason.BAD_LENGTH;
import static io.mptcp4j.core.wire.MalformedPacketException.Reason.BAD_VERSION;
import static io.mptcp4j.core.wire.MalformedPacketException.Reason.TRUNCATED;

/**
 * The fixed 40-byte IPv6 header (RFC 8200 section 3). Linux raw IPv6 sockets deliver only the payload; this codec
 * serves the paths that see whole packets (AF_PACKET, pcap). Extension headers are not walked:
 * {@link #nextHeader()} names whatever follows the fixed header.
 *
 * @param trafficClass  the DSCP and ECN byte (RFC 8200 section 7)
 * @param flowLabel     20 bits (RFC 6437)
 * @param payloadLength bytes after the fixed header, extension headers included
 * @param nextHeader    the protocol or extension header that follows
 */
public record Ipv6Header(int trafficClass, int flowLabel, int payloadLength, int nextHeader, int hopLimit,
                         Inet6Address source, Inet6Address destination) {

    /** The fixed header length. */
    public static final int LENGTH = 40;

    private static final int VERSION = 6;

    public Ipv6Header {
        checkField("trafficClass", trafficClass, 0xFF);
        checkField("flowLabel", flowLabel, 0xFFFFF);
        checkField("payloadLength", payloadLength, 0xFFFF);
        checkField("nextHeader", nextHeader, 0xFF);
        checkField("hopLimit", hopLimit, 0xFF);
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(destination, "destination");
    }

    private static void checkField(String name, int value, int max) {
        if (value < 0 || value > max) {
            throw new IllegalArgumentException(name + " out of range: " + value);
        }
    }

    /**
     * Decodes the fixed header at the buffer's position. The buffer may hold more than the packet; the packet is
     * the first {@code 40 + payloadLength} bytes.
     *
     * @throws MalformedPacketException TRUNCATED under 40 bytes; BAD_VERSION if the version is not 6; BAD_LENGTH
     *                                  if the payload length exceeds the bytes available
     */
    public static Ipv6Header parse(ByteBuffer packet) throws MalformedPacketException {
        int p = packet.position();
        int available = packet.limit() - p;
        if (available < LENGTH) {
            throw new MalformedPacketException(TRUNCATED, "IPv6 header needs 40 bytes, have " + available);
        }
        int first = WireBytes.i32(packet, p);
        if (first >>> 28 != VERSION) {
            throw new MalformedPacketException(BAD_VERSION, "IP version " + (first >>> 28) + ", expected 6");
        }
        int payloadLength = WireBytes.u16(packet, p + 4);
        if (payloadLength > available - LENGTH) {
            throw new MalformedPacketException(BAD_LENGTH,
                    "payload length " + payloadLength + " exceeds the " + (available - LENGTH) + " bytes available");
        }
        byte[] source = new byte[16];
        byte[] destination = new byte[16];
        packet.get(p + 8, source);
        packet.get(p + 24, destination);
        return new Ipv6Header((first >>> 20) & 0xFF, first & 0xFFFFF, payloadLength, WireBytes.u8(packet, p + 6),
                WireBytes.u8(packet, p + 7), IpAddresses.inet6(source), IpAddresses.inet6(destination));
    }

    /** The differentiated services code point, the upper 6 bits of the traffic class (RFC 2474). */
    public int dscp() {
        return trafficClass >>> 2;
    }

    /** The ECN codepoint, the lower 2 bits of the traffic class (RFC 3168 section 5). */
    public int ecn() {
        return trafficClass & 0b11;
    }

    /** Bytes {@link #encode} writes: always 40. */
    public int encodedLength() {
        return LENGTH;
    }

    /** Writes the 40-byte header at the buffer's position and advances it. */
    public void encode(ByteBuffer dst) {
        if (dst.remaining() < LENGTH) {
            throw new BufferOverflowException();
        }
        WireBytes.putI32(dst, VERSION << 28 | trafficClass << 20 | flowLabel);
        WireBytes.putU16(dst, payloadLength);
        dst.put((byte) nextHeader).put((byte) hopLimit).put(source.getAddress()).put(destination.getAddress());
    }

    @Override
    public String toString() {
        return "IP6 " + source.getHostAddress() + " > " + destination.getHostAddress()
                + ": class 0x" + Integer.toHexString(trafficClass) + ", flowlabel 0x" + Integer.toHexString(flowLabel)
                + ", hlim " + hopLimit + ", next-header " + nextHeader + ", payload length " + payloadLength;
    }
}
