package io.mptcp4j.core.sched;

import io.mptcp4j.core.tcp.TcpEndpoint;
import io.mptcp4j.core.tcp.TcpState;

/**
 * A read-only, live view of one subflow of an MPTCP connection: for applications, metrics, packet schedulers and
 * path managers. Values change as the connection runs; read them on the thread that drives the stack.
 */
public interface SubflowView {

    /** This host's end. */
    TcpEndpoint local();

    /** The peer's end. */
    TcpEndpoint remote();

    /** The subflow's TCP state. */
    TcpState state();

    /** The local address id (RFC 8684 section 3.4); 0 for the initial subflow's address. */
    int localId();

    /** The peer's address id; 0 for the initial subflow's address. */
    int remoteId();

    /**
     * Whether the subflow is a backup path (RFC 8684 section 3.3.8): this side or the peer marked it so, with the
     * B flag of MP_JOIN (section 3.2) or with MP_PRIO. Schedulers send on backups only when no regular subflow
     * works.
     */
    boolean isBackup();

    /** Whether the peer asked for this subflow to be a backup (MP_JOIN's B flag or MP_PRIO it sent). */
    boolean isBackupRequestedByPeer();

    /**
     * Whether the subflow carries data now: established (for an MP_JOIN subflow, its handshake confirmed by the
     * fourth ACK, section 3.2), its output not shut down, its local address's link not down.
     */
    boolean isActive();

    /**
     * Whether the subflow looks failed: its retransmission timer expired and nothing was acknowledged since
     * (a "potentially failed" path). Its data was sent again on the other subflows.
     */
    boolean isStale();

    /** Bytes of connection-level data the subflow can take now: what its congestion window will soon send. */
    int sendableBytes();

    /** Bytes sent and not yet acknowledged at the subflow level. */
    long bytesInFlight();

    /** Whether this is the connection's first subflow, the one MP_CAPABLE opened. */
    boolean isInitial();

    /** The smoothed RTT in nanoseconds; 0 before the first sample. */
    long smoothedRttNanos();

    /**
     * The round-trip time variation RTTVAR of RFC 6298 section 2 in nanoseconds; 0 before the first sample. ECF
     * (Lim et al., CoNEXT 2017) adds it as a margin to the RTTs it compares.
     *
     * <p>The default answers 0 (no variation known); the stack's subflows override it with their estimator's value.
     */
    default long rttVarNanos() {
        return 0;
    }

    /**
     * The smallest RTT seen lately (RFC 8985's and BBR's windowed minimum) in nanoseconds: the path's delay
     * without the queue this connection builds; 0 before the first sample.
     *
     * <p>The default answers the smoothed RTT; the stack's subflows override it with their estimator's value.
     */
    default long minRttNanos() {
        return smoothedRttNanos();
    }

    /** The congestion window in bytes; 0 before the subflow is established. */
    long congestionWindow();

    /** The sender MSS: payload bytes of a segment without options. */
    int sendMss();

    /** Data bytes written to the subflow (connection-level data, reinjections included). */
    long bytesSent();

    /** Data bytes the peer acknowledged at the subflow level. */
    long bytesAcked();

    /** Data bytes received in order on the subflow. */
    long bytesReceived();

    /** Bytes written to the subflow and not yet sent for the first time. */
    long unsentBytes();

    /** Segments retransmitted on the subflow. */
    long retransmittedSegments();
}
