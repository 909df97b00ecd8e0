package io.mptcp4j.core.tcp;

import java.io.IOException;
import java.util.Objects;

/** Why a connection failed; {@link TcpConnection#error()} holds it once the connection is closed by a failure. */
public final class TcpConnectionException extends IOException {

    private static final long serialVersionUID = 1L;

    /** The kinds of failure. */
    public enum Reason {
        /** The peer sent an acceptable RST on a synchronized connection (RFC 9293 section 3.10.7.4). */
        RESET_BY_PEER,
        /** The peer answered the SYN with a RST: nothing listens there (RFC 9293 section 3.10.7.3). */
        REFUSED,
        /** Retransmissions, window probes or keepalive probes went unanswered past their limit (RFC 9293 3.8.3). */
        TIMEOUT,
        /** This side aborted the connection (application abort, unread data at close, or the extension). */
        ABORTED
    }

    private final Reason reason;

    public TcpConnectionException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }
}
