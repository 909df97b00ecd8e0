package io.mptcp4j.core.tcp;

/**
 * The states of a TCP connection, named as in RFC 9293 section 3.3.2.
 *
 * <p>{@link #LISTEN} belongs to a {@link TcpListener}; a {@link TcpConnection} starts in {@link #SYN_SENT}
 * (active open) or {@link #SYN_RECEIVED} (passive open) and ends in {@link #CLOSED}.
 */
public enum TcpState {
    CLOSED,
    LISTEN,
    SYN_SENT,
    SYN_RECEIVED,
    ESTABLISHED,
    FIN_WAIT_1,
    FIN_WAIT_2,
    CLOSE_WAIT,
    CLOSING,
    LAST_ACK,
    TIME_WAIT;

    /**
     * Whether both sides' initial sequence numbers are known and acknowledged: ESTABLISHED and every later state
     * (RFC 9293 section 3.5.2 calls these the synchronized states).
     */
    public boolean isSynchronized() {
        return compareTo(ESTABLISHED) >= 0;
    }

    /** Whether the peer may still send data that this side accepts: ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2. */
    public boolean canReceive() {
        return this == ESTABLISHED || this == FIN_WAIT_1 || this == FIN_WAIT_2;
    }
}
