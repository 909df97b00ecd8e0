package io.mptcp4j.driver;

import io.mptcp4j.core.tcp.TcpConnection;
import io.mptcp4j.core.tcp.TcpState;

/**
 * A snapshot of one connection's state and counters, in the spirit of Linux's {@code TCP_INFO}; taken on the event
 * loop by {@link TcpSocket#info()}.
 *
 * @param state                 the RFC 9293 state
 * @param bytesWritten          data bytes the application wrote
 * @param bytesAcked            data bytes the peer acknowledged
 * @param bytesReceived         data bytes received in order
 * @param segmentsOut           segments sent, retransmissions included
 * @param retransmittedSegments segments sent again
 * @param smoothedRttNanos      the smoothed RTT; 0 before the first sample
 * @param congestionWindow      bytes
 * @param sendBufferLimit       the send buffer's current ceiling (it grows with auto-tuning)
 * @param receiveBufferLimit    the receive buffer's current ceiling (it grows with auto-tuning)
 */
public record TcpSocketInfo(TcpState state, long bytesWritten, long bytesAcked, long bytesReceived,
                            long segmentsOut, long retransmittedSegments, long smoothedRttNanos,
                            long congestionWindow, int sendBufferLimit, int receiveBufferLimit) {

    /** Reads {@code c}; on the thread that drives it. */
    static TcpSocketInfo of(TcpConnection c) {
        return new TcpSocketInfo(c.state(), c.bytesWritten(), c.bytesAcked(), c.bytesReceived(), c.segmentsOut(),
                c.retransmittedSegments(), c.smoothedRttNanos(), c.congestionWindow(), c.sendBufferLimit(),
                c.receiveBufferLimit());
    }
}
