package io.mptcp4j.core.wire;

import java.net.Inet4Address;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

import static io.mptcp4j.core.wire.MalformedPacketException.Reason.BAD_LENGTH;
import static io.mptcp4j.core.wire.MalformedPacketException.Reason.BAD_VERSION;
import static io.mptcp4j.core.wire.MalformedPacketException.Reason.TRUNCATED;

/**
 * An IPv4 header (RFC 791 section 3.1), as a Linux raw IPv4 socket delivers it in front of the payload.
 *
 * <p>Addresses are kept as 32-bit big-endian values ({@link #sourceAddress()} gives the {@link Inet4Address});
 * options are kept as raw bytes, a multiple of 4 long. {@link #parse} does not check the header checksum (the
 * kernel has, on the raw-socket path): {@link #checksumValid()} does. {@link #encode} always writes the
 * computed checksum, whatever {@link #headerChecksum()} holds.
 *
 * @param typeOfService  the DSCP and ECN byte (RFC 2474, RFC 3168)
 * @param totalLength    header plus payload length in bytes
 * @param flags          the 3-bit flags field: {@link #FLAG_DONT_FRAGMENT}, {@link #FLAG_MORE_FRAGMENTS}
 * @param fragmentOffset in units of 8 bytes
 * @param source         source address, big-endian
 * @param destination    destination address, big-endian
 * @param options        the option bytes between the fixed header and the payload
 */
public record Ipv4Header(int typeOfService, int totalLength, int identification, int flags, int fragmentOffset,
                         int timeToLive, int protocol, int headerChecksum, int source, int destination,
                         byte[] options) {

    /** The fixed header length, no options (IHL 5). */
    public static final int MIN_LENGTH = 20;
    /** The longest header, IHL 15. */
    public static final int MAX_LENGTH = 60;
    public static final int FLAG_DONT_FRAGMENT = 0b010;
    public static final int FLAG_MORE_FRAGMENTS = 0b001;

    private static final int VERSION = 4;
    private static final byte[] NO_OPTIONS = {};

    public Ipv4Header {
        checkField("typeOfService", typeOfService, 0xFF);
        checkField("identification", identification, 0xFFFF);
        checkField("flags", flags, 0b111);
        checkField("fragmentOffset", fragmentOffset, 0x1FFF);
        checkField("timeToLive", timeToLive, 0xFF);
        checkField("protocol", protocol, 0xFF);
        checkField("headerChecksum", headerChecksum, 0xFFFF);
        if (options.length % 4 != 0 || options.length > MAX_LENGTH - MIN_LENGTH) {
            throw new IllegalArgumentException("IPv4 options are 0 to 40 bytes in 4-byte words, not " + options.length);
        }
        if (totalLength < MIN_LENGTH + options.length || totalLength > 0xFFFF) {
            throw new IllegalArgumentException("totalLength " + totalLength + " does not fit the header");
        }
        options = options.length == 0 ? NO_OPTIONS : options.clone();
    }

    private static void checkField(String name, int value, int max) {
        if (value < 0 || value > max) {
            throw new IllegalArgumentException(name + " out of range: " + value);
        }
    }

    /**
     * Decodes the header at the buffer's position. The buffer may hold more than the packet (link-layer padding);
     * the packet is the first {@link #totalLength()} bytes.
     *
     * @throws MalformedPacketException TRUNCATED under 20 bytes; BAD_VERSION if the version is not 4; BAD_LENGTH
     *                                  if the IHL is under 5 or the total length is under the header length or
     *                                  over the bytes available
     */
    public static Ipv4Header parse(ByteBuffer packet) throws MalformedPacketException {
        int p = packet.position();
        int available = packet.limit() - p;
        if (available < MIN_LENGTH) {
            throw new MalformedPacketException(TRUNCATED, "IPv4 header needs 20 bytes, have " + available);
        }
        int versionAndIhl = WireBytes.u8(packet, p);
        if (versionAndIhl >>> 4 != VERSION) {
            throw new MalformedPacketException(BAD_VERSION, "IP version " + (versionAndIhl >>> 4) + ", expected 4");
        }
        int headerLength = (versionAndIhl & 0x0F) * 4;
        if (headerLength < MIN_LENGTH) {
            throw new MalformedPacketException(BAD_LENGTH, "IHL " + headerLength / 4 + " is under 5");
        }
        int totalLength = WireBytes.u16(packet, p + 2);
        if (totalLength < headerLength) {
            throw new MalformedPacketException(BAD_LENGTH,
                    "total length " + totalLength + " is under the header length " + headerLength);
        }
        if (totalLength > available) {
            throw new MalformedPacketException(BAD_LENGTH,
                    "total length " + totalLength + " exceeds the " + available + " bytes available");
        }
        int flagsAndOffset = WireBytes.u16(packet, p + 6);
        byte[] options = headerLength == MIN_LENGTH ? NO_OPTIONS : new byte[headerLength - MIN_LENGTH];
        packet.get(p + MIN_LENGTH, options);
        return new Ipv4Header(WireBytes.u8(packet, p + 1), totalLength, WireBytes.u16(packet, p + 4),
                flagsAndOffset >>> 13, flagsAndOffset & 0x1FFF, WireBytes.u8(packet, p + 8),
                WireBytes.u8(packet, p + 9), WireBytes.u16(packet, p + 10), WireBytes.i32(packet, p + 12),
                WireBytes.i32(packet, p + 16), options);
    }

    /** Header length in bytes: 20 plus the options. */
    public int headerLength() {
        return MIN_LENGTH + options.length;
    }

    /** Bytes after the header: {@link #totalLength()} minus {@link #headerLength()}. */
    public int payloadLength() {
        return totalLength - headerLength();
    }

    /** The differentiated services code point, the upper 6 bits of the TOS byte (RFC 2474). */
    public int dscp() {
        return typeOfService >>> 2;
    }

    /** The ECN codepoint, the lower 2 bits of the TOS byte (RFC 3168 section 5). */
    public int ecn() {
        return typeOfService & 0b11;
    }

    public boolean dontFragment() {
        return (flags & FLAG_DONT_FRAGMENT) != 0;
    }

    public boolean moreFragments() {
        return (flags & FLAG_MORE_FRAGMENTS) != 0;
    }

    /** Whether this packet is a fragment rather than a whole datagram (RFC 791 section 2.3). */
    public boolean isFragment() {
        return moreFragments() || fragmentOffset != 0;
    }

    public Inet4Address sourceAddress() {
        return IpAddresses.inet4(source);
    }

    public Inet4Address destinationAddress() {
        return IpAddresses.inet4(destination);
    }

    @Override
    public byte[] options() {
        return options.clone();
    }

    /** The checksum this header's fields call for (RFC 791 section 3.1). */
    public int computeChecksum() {
        return InternetChecksum.complement(sumWithoutChecksum());
    }

    /** Whether {@link #headerChecksum()} matches the other fields. */
    public boolean checksumValid() {
        return InternetChecksum.fold(sumWithoutChecksum() + headerChecksum) == 0xFFFF;
    }

    private long sumWithoutChecksum() {
        int versionAndIhl = VERSION << 4 | headerLength() / 4;
        return (versionAndIhl << 8 | typeOfService) + totalLength + identification
                + (flags << 13 | fragmentOffset) + (timeToLive << 8 | protocol)
                + (source >>> 16) + (source & 0xFFFF) + (destination >>> 16) + (destination & 0xFFFF)
                + InternetChecksum.sum(options, 0, options.length);
    }

    /** Bytes {@link #encode} writes: the header only. */
    public int encodedLength() {
        return headerLength();
    }

    /** Writes the header, with the computed checksum, at the buffer's position and advances it. */
    public void encode(ByteBuffer dst) {
        if (dst.remaining() < headerLength()) {
            throw new BufferOverflowException();
        }
        dst.put((byte) (VERSION << 4 | headerLength() / 4)).put((byte) typeOfService);
        WireBytes.putU16(dst, totalLength);
        WireBytes.putU16(dst, identification);
        WireBytes.putU16(dst, flags << 13 | fragmentOffset);
        dst.put((byte) timeToLive).put((byte) protocol);
        WireBytes.putU16(dst, computeChecksum());
        WireBytes.putI32(dst, source);
        WireBytes.putI32(dst, destination);
        dst.put(options);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Ipv4Header h && h.typeOfService == typeOfService && h.totalLength == totalLength
                && h.identification == identification && h.flags == flags && h.fragmentOffset == fragmentOffset
                && h.timeToLive == timeToLive && h.protocol == protocol && h.headerChecksum == headerChecksum
                && h.source == source && h.destination == destination && Arrays.equals(h.options, options);
    }

    @Override
    public int hashCode() {
        return 31 * Objects.hash(typeOfService, totalLength, identification, flags, fragmentOffset, timeToLive,
                protocol, headerChecksum, source, destination) + Arrays.hashCode(options);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("IP ")
                .append(sourceAddress().getHostAddress()).append(" > ").append(destinationAddress().getHostAddress())
                .append(": tos 0x").append(Integer.toHexString(typeOfService))
                .append(", ttl ").append(timeToLive)
                .append(", id ").append(identification)
                .append(", offset ").append(fragmentOffset * 8)
                .append(", flags [").append(dontFragment() ? "DF" : "").append(moreFragments() ? "+" : "")
                .append((flags & 0b100) != 0 ? "reserved" : "").append(']')
                .append(", proto ").append(protocol)
                .append(", length ").append(totalLength)
                .append(", cksum 0x").append(String.format("%04x", headerChecksum));
        if (options.length > 0) {
            s.append(", options ").append(HexFormat.of().formatHex(options));
        }
        return s.toString();
    }
}
