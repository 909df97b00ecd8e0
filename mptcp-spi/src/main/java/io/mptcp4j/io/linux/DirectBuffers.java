package io.mptcp4j.io.linux;

import java.nio.Buffer;
import java.nio.ByteBuffer;
import jnr.ffi.Pointer;

/** Native addresses of direct {@link ByteBuffer}s, so syscalls can read and write them without a copy. */
final class DirectBuffers {

    private DirectBuffers() {
    }

    /** The address of index 0 of the direct buffer {@code buffer} (not of its position). */
    static long address(ByteBuffer buffer) {
        if (!buffer.isDirect()) {
            throw new IllegalArgumentException("not a direct buffer");
        }
        Buffer whole = buffer.duplicate().clear();
        Pointer pointer = Pointer.wrap(LibC.runtime(), (ByteBuffer) whole);
        return pointer.address();
    }
}
