package io.mptcp4j.core.mptcp;

import io.mptcp4j.core.tcp.TcpEndpoint;
import io.mptcp4j.core.tcp.TcpState;

/**
 * A read-only, live view of one subflow of an {@link MptcpConnection}: for applications, metrics and packet
 * schedulers. Values change as the connection runs; read them on the thread that drives the stack.
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

    /** Whether the subflow is a backup path (MP_JOIN's B flag or MP_PRIO, RFC 8684 sections 3.2, 3.3.8). */
    boolean isBackup();

    /** Whether this is the connection's first subflow, the one MP_CAPABLE opened. */
    boolean isInitial();

    /** The smoothed RTT in nanoseconds; 0 before the first sample. */
    long smoothedRttNanos();

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
