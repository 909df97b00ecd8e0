package io.mptcp4j.core.wire;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

import static io.mptcp4j.core.wire.MalformedPacketException.Reason.BAD_LENGTH;
import static io.mptcp4j.core.wire.MalformedPacketException.Reason.BAD_OPTION_LENGTH;

/**
 * The codec of the TCP option area, the bytes between the 20-byte fixed header and the data (RFC 9293 section
 * 3.1): at most 40 bytes of {@link TcpOption}s, NOP and EOL being only padding.
 */
public final class TcpOptions {

    /** The longest option area: a data offset of 15 words less the 5-word fixed header. */
    public static final int MAX_LENGTH = 40;

    private static final int SACK_BLOCK_LENGTH = 8;
    private static final int SACK_MAX_BLOCKS = 4;

    private TcpOptions() {
    }

    /**
     * Decodes the option area between the buffer's position and limit. NOPs are skipped; an EOL ends the list
     * and whatever follows it is ignored (RFC 9293 section 3.2). Kind 30 is decoded by
     * {@link MptcpOption#parse} on exactly that option's bytes; kinds this codec does not know become
     * {@link TcpOption.Unknown}. The list keeps the order of the wire, duplicates included.
     *
     * @throws MalformedPacketException BAD_LENGTH if the area exceeds 40 bytes; BAD_OPTION_LENGTH if an
     *                                  option's length byte is missing, under 2, runs past the area, or is not
     *                                  the one its kind requires
     */
    public static List<TcpOption> parse(ByteBuffer area) throws MalformedPacketException {
        return parse(area, area.position(), area.limit());
    }

    /** Decodes the option area at absolute indices {@code [from, to)}, as {@link #parse(ByteBuffer)}. */
    static List<TcpOption> parse(ByteBuffer buf, int from, int to) throws MalformedPacketException {
        int areaLength = to - from;
        if (areaLength > MAX_LENGTH) {
            throw new MalformedPacketException(BAD_LENGTH, "option area of " + areaLength + " bytes exceeds 40");
        }
        // Every option but NOP and EOL takes 2 bytes or more.
        TcpOption[] found = new TcpOption[areaLength / 2];
        int count = 0;
        int i = from;
        while (i < to) {
            int kind = buf.get(i) & 0xFF;
            if (kind == TcpOption.KIND_EOL) {
                break;
            }
            if (kind == TcpOption.KIND_NOP) {
                i++;
                continue;
            }
            if (i + 1 >= to) {
                throw new MalformedPacketException(BAD_OPTION_LENGTH,
                        "option kind " + kind + " at offset " + (i - from) + " has no length byte");
            }
            int length = buf.get(i + 1) & 0xFF;
            if (length < 2 || length > to - i) {
                throw new MalformedPacketException(BAD_OPTION_LENGTH, "option kind " + kind + " at offset "
                        + (i - from) + " has length " + length + " with " + (to - i) + " bytes left");
            }
            found[count++] = decode(buf, i, kind, length);
            i += length;
        }
        return switch (count) {
            case 0 -> List.of();
            case 1 -> List.of(found[0]);
            case 2 -> List.of(found[0], found[1]);
            default -> List.of(Arrays.copyOf(found, count));
        };
    }

    /** Decodes one option whose kind and length bytes are at {@code at}, its length known to fit the area. */
    private static TcpOption decode(ByteBuffer buf, int at, int kind, int length) throws MalformedPacketException {
        switch (kind) {
            case TcpOption.KIND_MSS -> {
                requireLength(kind, length, 4);
                return new TcpOption.Mss(WireBytes.u16(buf, at + 2));
            }
            case TcpOption.KIND_WINDOW_SCALE -> {
                requireLength(kind, length, 3);
                return new TcpOption.WindowScale(WireBytes.u8(buf, at + 2));
            }
            case TcpOption.KIND_SACK_PERMITTED -> {
                requireLength(kind, length, 2);
                return new TcpOption.SackPermitted();
            }
            case TcpOption.KIND_SACK -> {
                return decodeSack(buf, at, length);
            }
            case TcpOption.KIND_TIMESTAMPS -> {
                requireLength(kind, length, 10);
                return new TcpOption.Timestamps(WireBytes.u32(buf, at + 2), WireBytes.u32(buf, at + 6));
            }
            case TcpOption.KIND_MPTCP -> {
                ByteBuffer option = buf.slice(at, length);
                try {
                    return MptcpOption.parse(option);
                } catch (MalformedPacketException e) {
                    // RFC 8684 3.7 / Linux: a bad MPTCP option is ignored, the segment itself still counts.
                    byte[] bytes = new byte[length];
                    option.get(0, bytes);
                    return new MpMalformed(e.reason(), bytes);
                }
            }
            default -> {
                byte[] data = new byte[length - 2];
                buf.get(at + 2, data);
                return new TcpOption.Unknown(kind, data);
            }
        }
    }

    /** RFC 2018 section 3: length 2 + 8n, with n from 1 to 4 (the option area has room for no more). */
    private static TcpOption.Sack decodeSack(ByteBuffer buf, int at, int length) throws MalformedPacketException {
        int blockBytes = length - 2;
        int blocks = blockBytes / SACK_BLOCK_LENGTH;
        if (blockBytes % SACK_BLOCK_LENGTH != 0 || blocks < 1 || blocks > SACK_MAX_BLOCKS) {
            throw new MalformedPacketException(BAD_OPTION_LENGTH,
                    "SACK option length " + length + " is not 2 + 8n with n from 1 to 4");
        }
        TcpOption.SackBlock[] list = new TcpOption.SackBlock[blocks];
        for (int b = 0; b < blocks; b++) {
            int edge = at + 2 + b * SACK_BLOCK_LENGTH;
            list[b] = new TcpOption.SackBlock(WireBytes.u32(buf, edge), WireBytes.u32(buf, edge + 4));
        }
        return new TcpOption.Sack(List.of(list));
    }

    private static void requireLength(int kind, int length, int required) throws MalformedPacketException {
        if (length != required) {
            throw new MalformedPacketException(BAD_OPTION_LENGTH,
                    "option kind " + kind + " has length " + length + ", must be " + required);
        }
    }

    /**
     * The bytes {@link #encode} writes for these options: their lengths summed and rounded up to a multiple of 4.
     *
     * @throws IllegalArgumentException if the options take more than 40 bytes
     */
    public static int encodedLength(List<? extends TcpOption> options) {
        return (unpaddedLength(options) + 3) & ~3;
    }

    /**
     * Writes the options in list order at the buffer's position, then pads to {@link #encodedLength} with an
     * EOL and zero bytes (RFC 9293 section 3.1), and advances the position. Nothing is written if the buffer is
     * too small.
     *
     * <p>A timestamps option first in the list is written as NOP, NOP, timestamps — the aligned layout of RFC 7323
     * appendix A that Linux's receive fast path looks for — when the two NOPs fit in padding the area needs
     * anyway, so the aligned form never makes a header longer.
     *
     * @throws IllegalArgumentException if the options take more than 40 bytes
     */
    public static void encode(List<? extends TcpOption> options, ByteBuffer dst) {
        encode(options, dst, encodedLength(options));
    }

    /** As {@link #encode(List, ByteBuffer)}, padding to {@code areaLength} bytes instead. */
    static void encode(List<? extends TcpOption> options, ByteBuffer dst, int areaLength) {
        int used = unpaddedLength(options);
        if (areaLength < used || areaLength > MAX_LENGTH) {
            throw new IllegalArgumentException(used + " bytes of options do not fit an area of " + areaLength);
        }
        if (dst.remaining() < areaLength) {
            throw new BufferOverflowException();
        }
        if (leadingTimestamps(options) && used + 2 <= areaLength) {
            dst.put((byte) TcpOption.KIND_NOP).put((byte) TcpOption.KIND_NOP);
            used += 2;
        }
        for (TcpOption option : options) {
            int before = dst.position();
            option.encode(dst);
            if (dst.position() - before != option.encodedLength()) {
                throw new IllegalStateException(option + " wrote " + (dst.position() - before)
                        + " bytes, declared " + option.encodedLength());
            }
        }
        // EOL is kind 0: zero bytes are an EOL followed by the header padding.
        for (int k = used; k < areaLength; k++) {
            dst.put((byte) TcpOption.KIND_EOL);
        }
    }

    private static boolean leadingTimestamps(List<? extends TcpOption> options) {
        return !options.isEmpty() && options.get(0) instanceof TcpOption.Timestamps;
    }

    private static int unpaddedLength(List<? extends TcpOption> options) {
        int total = 0;
        for (TcpOption option : options) {
            total += option.encodedLength();
        }
        if (total > MAX_LENGTH) {
            throw new IllegalArgumentException(total + " bytes of options exceed the 40-byte option area");
        }
        return total;
    }
}
