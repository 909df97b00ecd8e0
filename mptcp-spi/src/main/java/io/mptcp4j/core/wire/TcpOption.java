package io.mptcp4j.core.wire;

import java.nio.ByteBuffer;

/**
 * One TCP option (RFC 9293 section 3.2). EOL and NOP are padding: {@link TcpOptions} skips them when it
 * decodes and writes them when it aligns, so they never appear as values.
 *
 * <p>MPTCP (kind 30) options are {@link MptcpOption}s, one record per suboption.
 */
public sealed interface TcpOption permits TcpOption.Mss, TcpOption.WindowScale, TcpOption.SackPermitted,
        TcpOption.Sack, TcpOption.Timestamps, TcpOption.Unknown, MptcpOption {

    int KIND_EOL = 0;
    int KIND_NOP = 1;
    int KIND_MSS = 2;
    int KIND_WINDOW_SCALE = 3;
    int KIND_SACK_PERMITTED = 4;
    int KIND_SACK = 5;
    int KIND_TIMESTAMPS = 8;
    int KIND_MPTCP = 30;

    /** The option kind byte. */
    int kind();

    /** Bytes {@link #encode} writes, kind and length bytes included. */
    int encodedLength();

    /** Writes the option, kind and length bytes included, at the buffer's position and advances it. */
    void encode(ByteBuffer dst);

    // The records below are declared here so the whole TCP option set reads in one place; their codecs live
    // in TcpOptions.

    /** Maximum segment size, kind 2, length 4 (RFC 9293 section 3.2). */
    record Mss(int mss) implements TcpOption {
        public Mss {
            if (mss < 0 || mss > 0xFFFF) throw new IllegalArgumentException("mss out of range: " + mss);
        }
        @Override public int kind() { return KIND_MSS; }
        @Override public int encodedLength() { return 4; }
        @Override public void encode(ByteBuffer dst) {
            WireBytes.putU16(dst.put((byte) KIND_MSS).put((byte) 4), mss);
        }
    }

    /** Window scale, kind 3, length 3 (RFC 7323 section 2). Shifts above 14 are kept as sent; users clamp. */
    record WindowScale(int shift) implements TcpOption {
        public WindowScale {
            if (shift < 0 || shift > 0xFF) throw new IllegalArgumentException("shift out of range: " + shift);
        }
        @Override public int kind() { return KIND_WINDOW_SCALE; }
        @Override public int encodedLength() { return 3; }
        @Override public void encode(ByteBuffer dst) {
            dst.put((byte) KIND_WINDOW_SCALE).put((byte) 3).put((byte) shift);
        }
    }

    /** SACK permitted, kind 4, length 2 (RFC 2018 section 2). */
    record SackPermitted() implements TcpOption {
        @Override public int kind() { return KIND_SACK_PERMITTED; }
        @Override public int encodedLength() { return 2; }
        @Override public void encode(ByteBuffer dst) {
            dst.put((byte) KIND_SACK_PERMITTED).put((byte) 2);
        }
    }

    /** SACK blocks, kind 5, length 2 + 8n with 1 to 4 blocks (RFC 2018 section 3). */
    record Sack(java.util.List<SackBlock> blocks) implements TcpOption {
        public Sack {
            blocks = java.util.List.copyOf(blocks);
            if (blocks.isEmpty() || blocks.size() > 4) {
                throw new IllegalArgumentException("a SACK option carries 1 to 4 blocks, not " + blocks.size());
            }
        }
        @Override public int kind() { return KIND_SACK; }
        @Override public int encodedLength() { return 2 + 8 * blocks.size(); }
        @Override public void encode(ByteBuffer dst) {
            dst.put((byte) KIND_SACK).put((byte) encodedLength());
            for (SackBlock b : blocks) {
                WireBytes.putU32(WireBytes.putU32(dst, b.left()), b.right());
            }
        }
    }

    /** One SACK block: left edge inclusive, right edge exclusive, both unsigned 32-bit sequence numbers. */
    record SackBlock(long left, long right) {
        public SackBlock {
            if ((left >>> 32) != 0 || (right >>> 32) != 0) {
                throw new IllegalArgumentException("sequence numbers are unsigned 32-bit");
            }
        }
    }

    /** Timestamps, kind 8, length 10 (RFC 7323 section 3); values are unsigned 32-bit. */
    record Timestamps(long tsVal, long tsEcr) implements TcpOption {
        public Timestamps {
            if ((tsVal >>> 32) != 0 || (tsEcr >>> 32) != 0) {
                throw new IllegalArgumentException("timestamps are unsigned 32-bit");
            }
        }
        @Override public int kind() { return KIND_TIMESTAMPS; }
        @Override public int encodedLength() { return 10; }
        @Override public void encode(ByteBuffer dst) {
            WireBytes.putU32(WireBytes.putU32(dst.put((byte) KIND_TIMESTAMPS).put((byte) 10), tsVal), tsEcr);
        }
    }

    /** An option this stack does not interpret, kept byte for byte (RFC 9293: unknown options are ignored). */
    record Unknown(int kind, byte[] data) implements TcpOption {
        public Unknown {
            if (kind < 0 || kind > 0xFF || kind == KIND_EOL || kind == KIND_NOP) {
                throw new IllegalArgumentException("bad kind for an unknown option: " + kind);
            }
            if (data.length > 38) throw new IllegalArgumentException("option data too long: " + data.length);
            data = data.clone();
        }
        @Override public byte[] data() { return data.clone(); }
        @Override public int encodedLength() { return 2 + data.length; }
        @Override public void encode(ByteBuffer dst) {
            dst.put((byte) kind).put((byte) encodedLength()).put(data);
        }
        @Override public boolean equals(Object o) {
            return o instanceof Unknown u && u.kind == kind && java.util.Arrays.equals(u.data, data);
        }
        @Override public int hashCode() { return 31 * kind + java.util.Arrays.hashCode(data); }
        @Override public String toString() { return "Unknown[kind=" + kind + ", length=" + encodedLength() + "]"; }
    }
}
