package io.mptcp4j.core.wire;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Big-endian field access that ignores the buffer's byte order (every wire field is network order), without
 * allocating a re-ordered view.
 */
final class WireBytes {

    private WireBytes() {
    }

    static int u8(ByteBuffer buf, int index) {
        return buf.get(index) & 0xFF;
    }

    static int u16(ByteBuffer buf, int index) {
        short v = buf.getShort(index);
        return (buf.order() == ByteOrder.BIG_ENDIAN ? v : Short.reverseBytes(v)) & 0xFFFF;
    }

    static int i32(ByteBuffer buf, int index) {
        int v = buf.getInt(index);
        return buf.order() == ByteOrder.BIG_ENDIAN ? v : Integer.reverseBytes(v);
    }

    static long u32(ByteBuffer buf, int index) {
        return Integer.toUnsignedLong(i32(buf, index));
    }

    static ByteBuffer putU16(ByteBuffer buf, int value) {
        short v = (short) value;
        return buf.putShort(buf.order() == ByteOrder.BIG_ENDIAN ? v : Short.reverseBytes(v));
    }

    static ByteBuffer putU16(ByteBuffer buf, int index, int value) {
        short v = (short) value;
        return buf.putShort(index, buf.order() == ByteOrder.BIG_ENDIAN ? v : Short.reverseBytes(v));
    }

    static ByteBuffer putI32(ByteBuffer buf, int value) {
        return buf.putInt(buf.order() == ByteOrder.BIG_ENDIAN ? value : Integer.reverseBytes(value));
    }

    /** Writes the low 32 bits of an unsigned 32-bit value held in a long. */
    static ByteBuffer putU32(ByteBuffer buf, long value) {
        return putI32(buf, (int) value);
    }

    static long u64(ByteBuffer buf, int index) {
        long v = buf.getLong(index);
        return buf.order() == ByteOrder.BIG_ENDIAN ? v : Long.reverseBytes(v);
    }

    static ByteBuffer putU64(ByteBuffer buf, long value) {
        return buf.putLong(buf.order() == ByteOrder.BIG_ENDIAN ? value : Long.reverseBytes(value));
    }
}
