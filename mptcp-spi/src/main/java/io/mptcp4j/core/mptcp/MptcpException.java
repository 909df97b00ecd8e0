package io.mptcp4j.core.mptcp;

import java.io.IOException;
import java.util.Objects;

/** Why an MPTCP connection failed; {@link MptcpConnection#error()} holds it once the connection closed by failure. */
public final class MptcpException extends IOException {

    private static final long serialVersionUID = 1L;

    /** The kinds of failure. */
    public enum Reason {
        /** The peer closed the whole connection at once with MP_FASTCLOSE (RFC 8684 section 3.5). */
        FASTCLOSED_BY_PEER,
        /** The peer reset the last subflow, with or without MP_TCPRST (sections 3.6, RFC 9293 3.10.7.4). */
        RESET_BY_PEER,
        /** The peer refused the connection (a RST to the SYN). */
        REFUSED,
        /** The last subflow timed out. */
        TIMEOUT,
        /** This side aborted: application abort, or close with unread data (sent MP_FASTCLOSE). */
        ABORTED,
        /** MPTCP could not be used and {@link FallbackPolicy#REFUSE} forbade plain TCP. */
        FALLBACK_REFUSED,
        /** The peer broke the protocol in a way that cannot be recovered from, and this side reset. */
        PROTOCOL_ERROR
    }

    private final Reason reason;

    public MptcpException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }
}
