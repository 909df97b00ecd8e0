package io.mptcp4j.core.sched;

import io.mptcp4j.core.tcp.TcpEndpoint;
import io.mptcp4j.core.tcp.TcpState;

/**
 * A subflow as a scheduler sees it, with every value settable: a fresh, regular, active subflow of 1448-byte
 * segments and a ten-segment window until told otherwise.
 */
final class FakeSubflow implements SubflowView {

    private final String name;
    long srtt;
    long rttVar;
    long minRtt;
    long cwnd = 10 * 1448;
    int mss = 1448;
    int room = 64 * 1024;
    long inFlight;
    long unsent;
    long sent;
    long acked;
    long retransmitted;
    boolean backup;
    boolean stale;

    FakeSubflow(String name, long srttMillis) {
        this.name = name;
        this.srtt = srttMillis * 1_000_000L;
    }

    FakeSubflow room(int bytes) {
        this.room = bytes;
        return this;
    }

    FakeSubflow full() {
        return room(0);
    }

    FakeSubflow backup() {
        this.backup = true;
        return this;
    }

    FakeSubflow stale() {
        this.stale = true;
        return this;
    }

    FakeSubflow cwnd(long bytes) {
        this.cwnd = bytes;
        return this;
    }

    /** The windowed minimum RTT; without it the view's default (the smoothed RTT) answers. */
    FakeSubflow minRttMillis(long millis) {
        this.minRtt = millis * 1_000_000L;
        return this;
    }

    FakeSubflow rttVarMillis(long millis) {
        this.rttVar = millis * 1_000_000L;
        return this;
    }

    /** Bytes sent and not acknowledged, of which {@code queued} not sent for the first time yet. */
    FakeSubflow outstanding(long inFlightBytes, long queued) {
        this.inFlight = inFlightBytes;
        this.unsent = queued;
        this.acked = 1_000_000;
        this.sent = acked + inFlightBytes + queued;
        return this;
    }

    @Override
    public TcpEndpoint local() {
        throw new UnsupportedOperationException();
    }

    @Override
    public TcpEndpoint remote() {
        throw new UnsupportedOperationException();
    }

    @Override
    public TcpState state() {
        return TcpState.ESTABLISHED;
    }

    @Override
    public int localId() {
        return 0;
    }

    @Override
    public int remoteId() {
        return 0;
    }

    @Override
    public boolean isBackup() {
        return backup;
    }

    @Override
    public boolean isBackupRequestedByPeer() {
        return false;
    }

    @Override
    public boolean isActive() {
        return true;
    }

    @Override
    public boolean isStale() {
        return stale;
    }

    @Override
    public int sendableBytes() {
        return room;
    }

    @Override
    public long bytesInFlight() {
        return inFlight;
    }

    @Override
    public boolean isInitial() {
        return false;
    }

    @Override
    public long smoothedRttNanos() {
        return srtt;
    }

    @Override
    public long rttVarNanos() {
        return rttVar;
    }

    @Override
    public long minRttNanos() {
        return minRtt > 0 ? minRtt : srtt;
    }

    @Override
    public long congestionWindow() {
        return cwnd;
    }

    @Override
    public int sendMss() {
        return mss;
    }

    @Override
    public long bytesSent() {
        return sent;
    }

    @Override
    public long bytesAcked() {
        return acked;
    }

    @Override
    public long bytesReceived() {
        return 0;
    }

    @Override
    public long unsentBytes() {
        return unsent;
    }

    @Override
    public long retransmittedSegments() {
        return retransmitted;
    }

    @Override
    public String toString() {
        return name;
    }
}
