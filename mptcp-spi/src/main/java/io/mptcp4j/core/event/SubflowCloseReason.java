package io.mptcp4j.core.event;

/** How a subflow ended. */
public enum SubflowCloseReason {
    /** Orderly: FINs exchanged. */
    CLOSED,
    /** The peer reset the subflow (a RST, possibly with MP_TCPRST, RFC 8684 section 3.6). */
    RESET_BY_PEER,
    /** This side reset it (with MP_TCPRST). */
    RESET_LOCALLY,
    /** Retransmissions or probes went unanswered (RFC 9293 section 3.8.3). */
    TIMEOUT,
    /** The subflow's handshake failed: refused, or reset before it completed. */
    HANDSHAKE_FAILED
}
