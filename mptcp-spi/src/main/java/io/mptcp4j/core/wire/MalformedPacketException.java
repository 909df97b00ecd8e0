package io.mptcp4j.core.wire;

import java.util.Objects;

/**
 * The typed failure of every decoder in {@code core.wire}: the bytes do not form a valid header or option.
 *
 * <p>Decoders take arbitrary input and throw only this exception. It carries no stack trace, because a
 * malformed segment from the network is an expected event that the stack counts and drops, not a bug.
 */
public final class MalformedPacketException extends Exception {

    private static final long serialVersionUID = 1L;

    private final Reason reason;

    public MalformedPacketException(Reason reason, String detail) {
        super(reason + ": " + detail, null, false, false);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** What kind of malformation this is, stable for counting drops per cause. */
    public Reason reason() {
        return reason;
    }

    /** Causes of a decode failure; a drop counter per value lets operators see what the network sends. */
    public enum Reason {
        /** Fewer bytes than the fixed part of the structure needs. */
        TRUNCATED,
        /** A length field (IP total length, TCP data offset, an option length) that is impossible. */
        BAD_LENGTH,
        /** An option whose length is not one the RFC allows for its kind or subtype. */
        BAD_OPTION_LENGTH,
        /** A version field that this decoder does not speak. */
        BAD_VERSION,
        /** A field value the RFC forbids (for example a zero-length list). */
        BAD_FIELD,
        /** A checksum that does not verify. */
        BAD_CHECKSUM
    }
}
