package io.mptcp4j.core.wire;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import static io.mptcp4j.core.wire.MalformedPacketException.Reason.BAD_LENGTH;
import static io.mptcp4j.core.wire.MalformedPacketException.Reason.TRUNCATED;

/**
 * A TCP segment: the header of RFC 9293 section 3.1, its options and its data.
 *
 * <p>The payload is a read-only view: {@link #parse} does not copy it, so it aliases the received buffer and is
 * valid only until that buffer is reused. {@link #payload()} returns a fresh view each call, so reading it never
 * disturbs the record.
 *
 * <p>{@code flags} holds the control bits of header bytes 12 and 13 as a 12-bit value: bits 0 to 7 are
 * {@link #FIN} to {@link #CWR}; bits 8 to 11 are the bits RFC 9293 reserves (AccECN's {@link #AE} is bit 8), kept
 * so that re-encoding is faithful.
 *
 * @param sequenceNumber       unsigned 32-bit
 * @param acknowledgmentNumber unsigned 32-bit, meaningful only with {@link #ACK}
 * @param dataOffset           header length in 32-bit words, 5 to 15; {@link #encode} pads the options to it
 * @param window               the unscaled 16-bit window field
 */
public record TcpSegment(int sourcePort, int destinationPort, long sequenceNumber, long acknowledgmentNumber,
                         int dataOffset, int flags, int window, int checksum, int urgentPointer,
                         List<TcpOption> options, ByteBuffer payload) {

    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;
    public static final int URG = 0x20;
    /** ECN-Echo (RFC 3168 section 6.1). */
    public static final int ECE = 0x40;
    /** Congestion Window Reduced (RFC 3168 section 6.1). */
    public static final int CWR = 0x80;
    /** The AccECN bit, formerly reserved (the lowest bit of header byte 12). */
    public static final int AE = 0x100;

    /** The fixed header length, no options. */
    public static final int MIN_HEADER_LENGTH = 20;
    /** Returned by {@link #mss()} and {@link #windowScale()} when the option is absent. */
    public static final int ABSENT = -1;

    private static final int MIN_DATA_OFFSET = 5;
    private static final int MAX_DATA_OFFSET = 15;
    private static final int CHECKSUM_OFFSET = 16;
    private static final String FLAG_LETTERS = "FSRP.UEW";

    public TcpSegment {
        checkField("sourcePort", sourcePort, 0xFFFF);
        checkField("destinationPort", destinationPort, 0xFFFF);
        if ((sequenceNumber >>> 32) != 0 || (acknowledgmentNumber >>> 32) != 0) {
            throw new IllegalArgumentException("sequence and acknowledgment numbers are unsigned 32-bit");
        }
        checkField("dataOffset", dataOffset, MAX_DATA_OFFSET);
        checkField("flags", flags, 0xFFF);
        checkField("window", window, 0xFFFF);
        checkField("checksum", checksum, 0xFFFF);
        checkField("urgentPointer", urgentPointer, 0xFFFF);
        options = List.copyOf(options);
        int optionBytes = TcpOptions.encodedLength(options);
        if (dataOffset < MIN_DATA_OFFSET || dataOffset * 4 < MIN_HEADER_LENGTH + optionBytes) {
            throw new IllegalArgumentException("data offset " + dataOffset + " leaves no room for "
                    + optionBytes + " bytes of options");
        }
        ByteBuffer view = payload.slice();
        payload = view.isReadOnly() ? view : view.asReadOnlyBuffer();
    }

    private static void checkField(String name, long value, long max) {
        if (value < 0 || value > max) {
            throw new IllegalArgumentException(name + " out of range: " + value);
        }
    }

    /**
     * A segment with the shortest header its options need, zero checksum and urgent pointer; the payload is the
     * buffer's bytes between position and limit.
     */
    public static TcpSegment of(int sourcePort, int destinationPort, long sequenceNumber, long acknowledgmentNumber,
                                int flags, int window, List<? extends TcpOption> options, ByteBuffer payload) {
        int dataOffset = (MIN_HEADER_LENGTH + TcpOptions.encodedLength(options)) / 4;
        return new TcpSegment(sourcePort, destinationPort, sequenceNumber, acknowledgmentNumber, dataOffset, flags,
                window, 0, 0, List.copyOf(options), payload);
    }

    /**
     * Decodes the segment between the buffer's position and limit; the payload is everything after the header.
     * The checksum is not verified here (see {@link IpPacket} and {@link InternetChecksum}).
     *
     * @throws MalformedPacketException TRUNCATED under 20 bytes; BAD_LENGTH if the data offset is under 5 or the
     *                                  header it gives does not fit; an option reason from {@link TcpOptions#parse}
     */
    public static TcpSegment parse(ByteBuffer segment) throws MalformedPacketException {
        return parse(segment, segment.position(), segment.limit());
    }

    /** Decodes the segment at absolute indices {@code [p, end)}, as {@link #parse(ByteBuffer)}. */
    static TcpSegment parse(ByteBuffer segment, int p, int end) throws MalformedPacketException {
        int length = end - p;
        if (length < MIN_HEADER_LENGTH) {
            throw new MalformedPacketException(TRUNCATED, "TCP header needs 20 bytes, have " + length);
        }
        int offsetAndReserved = WireBytes.u8(segment, p + 12);
        int dataOffset = offsetAndReserved >>> 4;
        int headerLength = dataOffset * 4;
        if (dataOffset < MIN_DATA_OFFSET) {
            throw new MalformedPacketException(BAD_LENGTH, "data offset " + dataOffset + " is under 5");
        }
        if (headerLength > length) {
            throw new MalformedPacketException(BAD_LENGTH,
                    "data offset " + dataOffset + " gives a " + headerLength + "-byte header in " + length + " bytes");
        }
        List<TcpOption> options = headerLength == MIN_HEADER_LENGTH
                ? List.of()
                : TcpOptions.parse(segment, p + MIN_HEADER_LENGTH, p + headerLength);
        ByteBuffer payload = segment.asReadOnlyBuffer();
        payload.limit(end).position(p + headerLength);
        int flags = (offsetAndReserved & 0x0F) << 8 | WireBytes.u8(segment, p + 13);
        return new TcpSegment(WireBytes.u16(segment, p), WireBytes.u16(segment, p + 2),
                WireBytes.u32(segment, p + 4), WireBytes.u32(segment, p + 8), dataOffset, flags,
                WireBytes.u16(segment, p + 14), WireBytes.u16(segment, p + 16), WireBytes.u16(segment, p + 18),
                options, payload);
    }

    /** Whether every bit of {@code flag} (one constant, or several or-ed together) is set. */
    public boolean has(int flag) {
        return (flags & flag) == flag;
    }

    /** Whether at least one bit of {@code mask} is set. */
    public boolean hasAny(int mask) {
        return (flags & mask) != 0;
    }

    /** A read-only view of the data, position 0; a new view each call. */
    @Override
    public ByteBuffer payload() {
        return payload.duplicate();
    }

    public int payloadLength() {
        return payload.remaining();
    }

    /** Header length in bytes, options and padding included. */
    public int headerLength() {
        return dataOffset * 4;
    }

    /** Bytes {@link #encode} writes: header and payload. */
    public int encodedLength() {
        return headerLength() + payload.remaining();
    }

    /**
     * Sequence space this segment takes (RFC 9293 section 3.4): its data, plus one for SYN and one for FIN.
     */
    public long sequenceLength() {
        return payload.remaining() + (has(SYN) ? 1 : 0) + (has(FIN) ? 1 : 0);
    }

    /** The MSS option's value, the first if several, or {@link #ABSENT}. */
    public int mss() {
        for (TcpOption option : options) {
            if (option instanceof TcpOption.Mss m) {
                return m.mss();
            }
        }
        return ABSENT;
    }

    /** The window scale option's shift as sent (not clamped to 14), the first if several, or {@link #ABSENT}. */
    public int windowScale() {
        for (TcpOption option : options) {
            if (option instanceof TcpOption.WindowScale w) {
                return w.shift();
            }
        }
        return ABSENT;
    }

    public boolean sackPermitted() {
        for (TcpOption option : options) {
            if (option instanceof TcpOption.SackPermitted) {
                return true;
            }
        }
        return false;
    }

    /** The timestamps option, the first if several. */
    public Optional<TcpOption.Timestamps> timestamps() {
        for (TcpOption option : options) {
            if (option instanceof TcpOption.Timestamps t) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** The blocks of the SACK option, the first if several, or an empty list. */
    public List<TcpOption.SackBlock> sackBlocks() {
        for (TcpOption option : options) {
            if (option instanceof TcpOption.Sack s) {
                return s.blocks();
            }
        }
        return List.of();
    }

    /** The MPTCP suboptions in wire order, or an empty list. */
    public List<MptcpOption> mptcpOptions() {
        List<MptcpOption> found = null;
        for (TcpOption option : options) {
            if (option instanceof MptcpOption m) {
                if (found == null) {
                    found = new ArrayList<>(2);
                }
                found.add(m);
            }
        }
        return found == null ? List.of() : List.copyOf(found);
    }

    /** Writes header, options padded to {@link #dataOffset()} words, and payload; checksum field as recorded. */
    public void encode(ByteBuffer dst) {
        encode(dst, checksum);
    }

    /**
     * As {@link #encode(ByteBuffer)}, but with the checksum computed from the pseudo-header of these addresses
     * (both IPv4 or both IPv6).
     *
     * @return the checksum written
     */
    public int encode(ByteBuffer dst, InetAddress source, InetAddress destination) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(destination, "destination");
        if (source instanceof Inet4Address != destination instanceof Inet4Address) {
            throw new IllegalArgumentException("addresses of different families: " + source + ", " + destination);
        }
        if (source instanceof Inet4Address) {
            requireIpv4Length();
        }
        int start = dst.position();
        encode(dst, 0);
        int sum = InternetChecksum.computeTcp(source, destination, dst, start, dst.position() - start);
        WireBytes.putU16(dst, start + CHECKSUM_OFFSET, sum);
        return sum;
    }

    /** As {@link #encode(ByteBuffer, InetAddress, InetAddress)} for IPv4 addresses given as 32-bit values. */
    public int encodeIpv4(ByteBuffer dst, int source, int destination) {
        requireIpv4Length();
        int start = dst.position();
        encode(dst, 0);
        int sum = InternetChecksum.computeTcpIpv4(source, destination, dst, start, dst.position() - start);
        WireBytes.putU16(dst, start + CHECKSUM_OFFSET, sum);
        return sum;
    }

    /** The IPv4 pseudo-header carries a 16-bit TCP length (RFC 9293 section 3.1). */
    private void requireIpv4Length() {
        if (encodedLength() > 0xFFFF) {
            throw new IllegalArgumentException("a " + encodedLength() + "-byte segment does not fit IPv4");
        }
    }

    private void encode(ByteBuffer dst, int checksumField) {
        int payloadLength = payload.remaining();
        if (dst.remaining() < headerLength() + payloadLength) {
            throw new BufferOverflowException();
        }
        WireBytes.putU16(dst, sourcePort);
        WireBytes.putU16(dst, destinationPort);
        WireBytes.putU32(dst, sequenceNumber);
        WireBytes.putU32(dst, acknowledgmentNumber);
        dst.put((byte) (dataOffset << 4 | flags >>> 8)).put((byte) flags);
        WireBytes.putU16(dst, window);
        WireBytes.putU16(dst, checksumField);
        WireBytes.putU16(dst, urgentPointer);
        TcpOptions.encode(options, dst, headerLength() - MIN_HEADER_LENGTH);
        int at = dst.position();
        dst.put(at, payload, 0, payloadLength);
        dst.position(at + payloadLength);
    }

    /** tcpdump style: ports, flags, seq, ack, win, options and payload length. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("TCP ").append(sourcePort).append(" > ").append(destinationPort)
                .append(": Flags [");
        for (int bit = 0; bit < FLAG_LETTERS.length(); bit++) {
            if ((flags & 1 << bit) != 0) {
                s.append(FLAG_LETTERS.charAt(bit));
            }
        }
        if ((flags & 0xFF) == 0) {
            s.append("none");
        }
        if (flags >>> 8 != 0) {
            s.append(" reserved 0x").append(Integer.toHexString(flags >>> 8));
        }
        s.append("], seq ").append(sequenceNumber);
        if (has(ACK) || acknowledgmentNumber != 0) {
            s.append(", ack ").append(acknowledgmentNumber);
        }
        s.append(", win ").append(window);
        if (has(URG) || urgentPointer != 0) {
            s.append(", urg ").append(urgentPointer);
        }
        if (!options.isEmpty()) {
            s.append(", options [");
            for (int k = 0; k < options.size(); k++) {
                s.append(k == 0 ? "" : ",");
                appendOption(s, options.get(k));
            }
            s.append(']');
        }
        if (headerLength() != MIN_HEADER_LENGTH + TcpOptions.encodedLength(options)) {
            s.append(", hlen ").append(headerLength());
        }
        return s.append(", cksum 0x").append(String.format("%04x", checksum))
                .append(", length ").append(payload.remaining()).toString();
    }

    private static void appendOption(StringBuilder s, TcpOption option) {
        if (option instanceof TcpOption.Mss m) {
            s.append("mss ").append(m.mss());
        } else if (option instanceof TcpOption.WindowScale w) {
            s.append("wscale ").append(w.shift());
        } else if (option instanceof TcpOption.SackPermitted) {
            s.append("sackOK");
        } else if (option instanceof TcpOption.Sack sack) {
            s.append("sack ").append(sack.blocks().size());
            for (TcpOption.SackBlock b : sack.blocks()) {
                s.append(" {").append(b.left()).append(':').append(b.right()).append('}');
            }
        } else if (option instanceof TcpOption.Timestamps t) {
            s.append("TS val ").append(t.tsVal()).append(" ecr ").append(t.tsEcr());
        } else if (option instanceof TcpOption.Unknown u) {
            s.append("unknown-").append(u.kind()).append(" len ").append(u.encodedLength());
        } else {
            s.append(option);
        }
    }
}
