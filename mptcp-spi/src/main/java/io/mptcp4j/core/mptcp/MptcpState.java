package io.mptcp4j.core.mptcp;

/**
 * The state of the connection level, named after the TCP states it mirrors (RFC 8684 section 3.3.3: the
 * DATA_FIN plays the FIN's part). As in Linux, there is no TIME_WAIT at this level: the subflows keep their own.
 */
public enum MptcpState {
    /** Opening as the client: the initial subflow's handshake is under way. */
    SYN_SENT,
    /** Opening as the server: the initial subflow's handshake is under way. */
    SYN_RECEIVED,
    ESTABLISHED,
    /** Output shut down; our DATA_FIN is not yet acknowledged. */
    FIN_WAIT_1,
    /** Our DATA_FIN is acknowledged; the peer may still send. */
    FIN_WAIT_2,
    /** The peer's DATA_FIN arrived; we may still send. */
    CLOSE_WAIT,
    /** Both DATA_FINs sent, ours not yet acknowledged, the peer's received. */
    CLOSING,
    /** The peer's DATA_FIN arrived, then ours went out; waiting for its acknowledgment. */
    LAST_ACK,
    CLOSED;

    /** Whether the handshake completed and the connection is not closed. */
    public boolean isConnected() {
        return this != SYN_SENT && this != SYN_RECEIVED && this != CLOSED;
    }
}
