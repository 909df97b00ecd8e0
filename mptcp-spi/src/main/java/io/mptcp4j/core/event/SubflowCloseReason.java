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
    /** The subflow's handshake failed: refused, reset before it completed, or its MP_JOIN HMAC was wrong. */
    HANDSHAKE_FAILED,
    /** The link of the subflow's local address went down; its data moved to the other subflows. */
    LINK_DOWN,
    /** The peer removed the subflow's address with REMOVE_ADDR (RFC 8684 section 3.4.2). */
    ADDRESS_REMOVED
}
