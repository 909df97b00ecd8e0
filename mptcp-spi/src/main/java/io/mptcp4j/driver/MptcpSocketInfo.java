package io.mptcp4j.driver;

import io.mptcp4j.core.mptcp.MptcpConnection;
import io.mptcp4j.core.mptcp.MptcpException;
import io.mptcp4j.core.mptcp.MptcpState;
import io.mptcp4j.core.mptcp.SendLimit;
import io.mptcp4j.core.sched.SubflowView;
import io.mptcp4j.core.tcp.TcpState;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A snapshot of an {@link MptcpSocket}'s connection, taken on the event loop.
 *
 * @param state               the connection-level state
 * @param fallback            whether the connection fell back to plain TCP (RFC 8684 section 3.7)
 * @param checksums           whether DSS checksums are in use
 * @param subflowsEstablished how many of {@link #subflows()} completed their handshake and are not closed
 * @param subflows            the subflows the connection has now
 * @param bytesWritten        connection-level bytes the application wrote
 * @param bytesAcked          connection-level bytes the peer acknowledged (DATA_ACK)
 * @param sendLimitedNanos    how long each {@link SendLimit} has held sending back, in nanoseconds
 * @param error               why the connection failed, or null
 */
public record MptcpSocketInfo(MptcpState state, boolean fallback, boolean checksums, int subflowsEstablished,
                              List<Subflow> subflows, long bytesWritten, long bytesAcked,
                              Map<SendLimit, Long> sendLimitedNanos, MptcpException error) {

    /**
     * One subflow: its ends, TCP state, data bytes sent and received on it, its address ids (RFC 8684 section 3.4;
     * 0 for the initial subflow's addresses), whether it is a backup (section 3.3.8), its smoothed RTT (0 before
     * the first sample) and congestion window in bytes.
     */
    public record Subflow(InetSocketAddress local, InetSocketAddress remote, TcpState state, boolean initial,
                          long bytesSent, long bytesReceived, int localId, int remoteId, boolean backup,
                          long rttNanos, long congestionWindow) {
    }

    /** On the loop thread. */
    static MptcpSocketInfo of(MptcpConnection c) {
        List<Subflow> subflows = new ArrayList<>();
        int established = 0;
        for (SubflowView s : c.subflows()) {
            subflows.add(new Subflow(new InetSocketAddress(s.local().address(), s.local().port()),
                    new InetSocketAddress(s.remote().address(), s.remote().port()), s.state(), s.isInitial(),
                    s.bytesSent(), s.bytesReceived(), s.localId(), s.remoteId(), s.isBackup(),
                    s.smoothedRttNanos(), s.congestionWindow()));
            TcpState state = s.state();
            if (state != TcpState.SYN_SENT && state != TcpState.SYN_RECEIVED && state != TcpState.LISTEN
                    && state != TcpState.CLOSED) {
                established++;
            }
        }
        Map<SendLimit, Long> limited = new EnumMap<>(SendLimit.class);
        for (SendLimit l : SendLimit.values()) {
            limited.put(l, c.sendLimitedNanos(l));
        }
        return new MptcpSocketInfo(c.state(), c.isFallback(), c.isChecksumEnabled(), established,
                List.copyOf(subflows), c.bytesWritten(), c.bytesAcked(), Collections.unmodifiableMap(limited),
                c.error());
    }
}
