package io.mptcp4j.core.tcp;

import io.mptcp4j.core.cc.CongestionControlRegistry;
import io.mptcp4j.core.cc.CongestionController;
import io.mptcp4j.core.cc.ConnectionCongestion;
import io.mptcp4j.core.time.Deadlines;
import io.mptcp4j.core.wire.TcpOption;
import io.mptcp4j.core.wire.TcpOptions;
import io.mptcp4j.core.wire.TcpSegment;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import static io.mptcp4j.core.tcp.TcpStatistics.Counter;
import static io.mptcp4j.core.tcp.TcpStatistics.DropReason;
import static io.mptcp4j.core.time.Deadlines.NEVER;
import static io.mptcp4j.core.wire.TcpSegment.ACK;
import static io.mptcp4j.core.wire.TcpSegment.FIN;
import static io.mptcp4j.core.wire.TcpSegment.PSH;
import static io.mptcp4j.core.wire.TcpSegment.RST;
import static io.mptcp4j.core.wire.TcpSegment.SYN;

/**
 * One TCP connection (an MPTCP subflow, when an {@link TcpExtension} runs on it): the RFC 9293 state machine
 * with RFC 7323 window scaling and timestamps, RFC 2018 SACK, RFC 6298 retransmission timing, RFC 6675 SACK loss
 * recovery or RFC 6582 NewReno, RFC 5681 delayed ACKs, Nagle, zero-window probing, keepalive, RFC 5961 challenge
 * ACKs and receive-buffer auto-tuning.
 *
 * <p>Sans-IO, in the style of quinn-proto: the connection never reads a clock nor touches a socket. The owner
 * feeds it segments already demultiplexed to it ({@link #handleSegment}), runs its timers when
 * {@link #nextTimeout()} comes ({@link #handleTimeout}), and drains what it wants to send
 * ({@link #pollTransmit}) after every call that may have produced output, application calls included. Times
 * are nanoseconds on the caller's monotonic clock.
 *
 * <p>Segments returned by {@link #pollTransmit} carry their payload as a read-only view into the send buffer:
 * encode them before the next call to this connection.
 *
 * <h2>Sequence space</h2>
 * Internally both directions count bytes as 64-bit stream offsets: send offset 0 is the first data byte, at
 * ISS + 1, so the SYN sits at offset -1 and the FIN at the offset just past the data; likewise on the receive
 * side from IRS + 1. Wire sequence numbers are derived from offsets and compared modulo 2^32 only at the edge.
 *
 * <p>Not thread-safe: one thread drives a connection at a time.
 */
public final class TcpConnection {

    /** RFC 6675 section 2: DupThresh. */
    private static final int DUP_THRESH = 3;
    /** The highest DupThresh reordering may raise it to (Linux's {@code tcp_max_reordering}). */
    private static final int MAX_REORDERING = 300;
    /** RFC 9293 section 3.7.1: the MSS assumed when the option is absent, IPv4 and IPv6. */
    private static final int DEFAULT_MSS_IPV4 = 536;
    private static final int DEFAULT_MSS_IPV6 = 1220;
    private static final int OPTION_SPACE = TcpOptions.MAX_LENGTH;
    private static final int TIMESTAMPS_LENGTH = 10;
    private static final int SACK_BASE_LENGTH = 2;
    private static final int SACK_BLOCK_LENGTH = 8;
    private static final long NANOS_PER_TIMESTAMP_TICK = 1_000_000L;
    /** RFC 7323 section 5.5: TS.Recent older than 24 days is invalid. */
    private static final long PAWS_IDLE_LIMIT_NANOS = 24L * 86_400 * 1_000_000_000L;
    /** At most one challenge or out-of-window ACK per this interval (RFC 5961 section 7; Linux's 500 ms). */
    private static final long INVALID_ACK_INTERVAL_NANOS = 500_000_000L;
    private static final ByteBuffer NO_DATA = ByteBuffer.allocate(0).asReadOnlyBuffer();
    private static final CongestionControlRegistry BUILT_IN_ALGORITHMS = CongestionControlRegistry.builtIns();

    /** What the stack learns from a connection; package-private so only the stack and tests hook in. */
    interface Owner {

        /** The connection may have output to send or a new deadline. */
        void onActivity(TcpConnection connection);

        /** The connection changed state. */
        void onStateChanged(TcpConnection connection, TcpState from, TcpState to);
    }

    // --- identity and collaborators
    private final TcpConfig config;
    private final TcpEndpoint local;
    private final TcpEndpoint remote;
    private final TcpStatistics statistics;
    private final ConnectionCongestion congestion;
    private final RttEstimator rtt;
    private final boolean passiveOpen;
    private TcpExtension extension;
    /** The extension is being offered received bytes ({@link #offerToExtension}). */
    private boolean offeringData;
    /** It called {@link #close()} meanwhile. */
    private boolean closeAfterOffer;
    private Owner owner;
    /** Position in the stack's timer heap, -1 when not in it. */
    int timerIndex = -1;
    /** Whether the stack has this connection in its queue of connections to poll. */
    boolean queuedForPoll;
    /** The stack's demultiplexing key for this connection. */
    Object demuxKey;
    /** The listener that created this connection, until the application accepts it. */
    TcpListener listener;

    private TcpState state;
    private TcpConnectionException error;
    private CongestionController controller;

    // --- send side (offsets: the SYN at -1, data from 0, the FIN just past the data)
    private final int iss;
    private long sndUna = -1;
    private long sndNxt = -1;
    private long sndWnd;
    private long maxSndWnd;
    private int sndWl1;
    private int sndWl2;
    private int sndWindowShift;
    /** Sender MSS: the peer's MSS option capped by ours, before options are taken off (RFC 6691). */
    private int sendMss;
    private final SendBuffer sendBuffer;
    private final RetransmitQueue retransmitQueue = new RetransmitQueue();
    private boolean finQueued;
    private boolean finSent;
    private boolean finAcked;

    // --- receive side (offsets from IRS + 1)
    private int irs;
    private final ReceiveBuffer receiveBuffer = new ReceiveBuffer();
    private boolean finReceived;
    private long peerFinOffset = -1;
    private long rcvAdvertisedEnd;
    private int rcvWindowShift;
    private int receiveBufferLimit;
    private final int advertisedMss;
    /** The largest segment received so far (Linux's rcv_mss), for "every second full-sized segment". */
    private int rcvMss;
    private int bytesSinceAck;
    private boolean ackNow;
    private long dsackStart = -1;
    private long dsackEnd;

    // --- negotiated options
    private boolean sackPermitted;
    private boolean timestampsEnabled;
    private final int timestampOffset;
    private int tsRecent;
    private long tsRecentTime;
    private int lastAckSent;
    private boolean peerOfferedSack;
    private boolean peerOfferedTimestamps;
    private int peerWindowScale = -1;

    // --- timers (absolute deadlines)
    private long retransmitDeadline = NEVER;
    private long delayedAckDeadline = NEVER;
    private long persistDeadline = NEVER;
    private long keepAliveDeadline = NEVER;
    private long closeDeadline = NEVER;

    // --- handshake
    private boolean peerSynSeen;
    private boolean synDue;
    private int synTransmissions;
    private long synSentTime;

    // --- loss recovery
    private boolean inRecovery;
    private long recoveryPoint;
    private int dupAcks;
    /** Partial ACKs in the current NewReno recovery; only the first restarts the retransmission timer. */
    private int partialAcks;
    /**
     * DupThresh in segments: 3, raised to the reordering depth seen once a recovery proves spurious (as Linux's
     * {@code tp->reordering}).
     */
    private int reordering = DUP_THRESH;
    /** Retransmissions in the current fast recovery; when and at which offset the first one went. */
    private int recoveryRetransmissions;
    private long recoveryRetransmitTime;
    private long recoveryRetransmitStart;
    private boolean retransmitFirst;
    private int consecutiveTimeouts;

    // --- probes
    private boolean probeDue;
    private boolean windowFillDue;
    private int persistBackoff;
    private int unansweredProbes;
    private int keepAliveProbesSent;
    private long lastReceiveTime;
    private long lastInvalidAckTime;
    private boolean invalidAckSent;

    // --- pending RST
    private boolean rstDue;
    private int rstSeq;
    private int rstAck;
    private boolean rstWithAck;
    private List<TcpOption> rstOptions = List.of();

    // --- application side
    private boolean closedByApplication;
    /** The {@code now} of the latest input, timeout or poll: application calls, which get no time, act then. */
    private long lastCallTime;

    // --- receive-buffer auto-tuning (dynamic right-sizing)
    private long tuneTime;
    private long tuneReadMark;
    private long tuneSpace;
    private long receiverRttNanos;
    /** The smallest receiver RTT sample, the base round trip without queueing; 0 before the first. */
    private long receiverMinRttNanos;

    // --- per-connection counters
    private long segmentsIn;
    private long segmentsOut;
    private long retransmittedSegments;
    private long bytesAcked;
    private long bytesReceived;

    private final Plan plan = new Plan();
    private final long[] sackScratch = new long[8];

    private TcpConnection(Builder b, long now, boolean passive) {
        this.config = b.config;
        this.local = b.local;
        this.remote = b.remote;
        this.statistics = b.statistics != null ? b.statistics : new TcpStatistics();
        this.congestion = b.congestion != null ? b.congestion
                : BUILT_IN_ALGORITHMS.get(config.congestionControl()).newConnection();
        this.rtt = new RttEstimator(config.rtt());
        this.passiveOpen = passive;
        this.extension = b.extension;
        this.iss = b.initialSequenceNumber;
        this.timestampOffset = b.timestampOffset;
        this.advertisedMss = config.mss(local.isIpv6());
        this.sendMss = Math.min(advertisedMss, local.isIpv6() ? DEFAULT_MSS_IPV6 : DEFAULT_MSS_IPV4);
        this.sendBuffer = new SendBuffer(config.sendBufferSize(), advertisedMss);
        this.receiveBufferLimit = config.receiveBufferSize();
        this.rcvMss = Math.min(advertisedMss, DEFAULT_MSS_IPV4);
        this.lastReceiveTime = now;
        this.lastCallTime = now;
        this.state = TcpState.CLOSED;
    }

    /** Starts describing a connection between these endpoints. */
    public static Builder builder(TcpConfig config, TcpEndpoint local, TcpEndpoint remote) {
        return new Builder(config, local, remote);
    }

    // =====================================================================================================
    // Getters
    // =====================================================================================================

    public TcpState state() {
        return state;
    }

    public TcpEndpoint local() {
        return local;
    }

    public TcpEndpoint remote() {
        return remote;
    }

    public TcpConfig config() {
        return config;
    }

    /** The extension running on this connection, or null. */
    public TcpExtension extension() {
        return extension;
    }

    /** Why the connection failed, or null if it did not (yet). */
    public TcpConnectionException error() {
        return error;
    }

    /** The initial send sequence number, unsigned 32-bit. */
    public long initialSendSequence() {
        return Seq.unsigned(iss);
    }

    /** The peer's initial sequence number, unsigned 32-bit; meaningful once its SYN arrived. */
    public long initialReceiveSequence() {
        return Seq.unsigned(irs);
    }

    /** RFC 6675's pipe: data bytes believed to be in the network. */
    public long bytesInFlight() {
        return pipe();
    }

    /** The congestion window in bytes; 0 before the connection is established. */
    public long congestionWindow() {
        return controller != null ? controller.cwnd() : 0;
    }

    /** The slow-start threshold in bytes; {@link Long#MAX_VALUE} before the first congestion event. */
    public long slowStartThreshold() {
        return controller != null ? controller.ssthresh() : Long.MAX_VALUE;
    }

    /** The congestion controller, once established. */
    public CongestionController congestionController() {
        return controller;
    }

    /**
     * The connection-level congestion state the controller came from: shared by all subflows of an MPTCP
     * connection under a coupled algorithm, this connection's own otherwise.
     */
    public ConnectionCongestion connectionCongestion() {
        return congestion;
    }

    /** Live RTT statistics (smoothed RTT, variation, RTO). */
    public RttStats rttStats() {
        return rtt;
    }

    /**
     * The smallest round trip a receiver has seen (from echoed timestamps, millisecond ticks), else the sender's
     * minimum RTT; 0 before any sample. Queueing on the path does not inflate it.
     */
    public long receiverMinRttNanos() {
        return receiverMinRttNanos > 0 ? receiverMinRttNanos : rtt.minRttNanos();
    }

    /** The smoothed RTT in nanoseconds; 0 before the first sample. */
    public long smoothedRttNanos() {
        return rtt.srttNanos();
    }

    /** The sender MSS: payload bytes of a segment without options. */
    public int sendMss() {
        return sendMss;
    }

    /** The peer's receive window in bytes, scaled. */
    public long sendWindow() {
        return sndWnd;
    }

    /** The window this side last advertised, in bytes from RCV.NXT. */
    public long receiveWindow() {
        return Math.max(0, rcvAdvertisedEnd - receiveBuffer.inOrderEnd());
    }

    /** The current ceiling of the receive buffer (grows with auto-tuning). */
    public int receiveBufferLimit() {
        return receiveBufferLimit;
    }

    /** The current ceiling of the send buffer (grows with auto-tuning). */
    public int sendBufferLimit() {
        return sendBuffer.limit();
    }

    /** Whether SACK was negotiated. */
    public boolean sackEnabled() {
        return sackPermitted;
    }

    /**
     * The payload of a full-sized segment that carries {@code extensionOptionBytes} bytes of the extension's
     * options next to this connection's own (timestamps when negotiated; SACK blocks, which come and go, left out).
     */
    public int fullSegmentPayload(int extensionOptionBytes) {
        int base = timestampsEnabled ? TIMESTAMPS_LENGTH : 0;
        return Math.max(0, sendMss - padded(base + extensionOptionBytes));
    }

    /** Whether timestamps were negotiated. */
    public boolean timestampsEnabled() {
        return timestampsEnabled;
    }

    /** The shift applied to the peer's window field, or 0. */
    public int sendWindowScale() {
        return sndWindowShift;
    }

    /** The shift applied to this side's window field, or 0. */
    public int receiveWindowScale() {
        return rcvWindowShift;
    }

    /** Whether a loss recovery episode (fast recovery) is under way. */
    public boolean inRecovery() {
        return inRecovery;
    }

    /**
     * Reduces the congestion window as one loss episode would, with nothing retransmitted: for a multipath sender
     * whose slow subflow holds data that blocks the connection's window. Does nothing (false) during a recovery
     * or without a congestion controller.
     */
    public boolean reduceWindow(long now) {
        if (controller == null || inRecovery || controller.inRecovery()) {
            return false;
        }
        controller.onCongestionEvent(now, now, flightSize());
        controller.onRecoveryEnd(now);
        return true;
    }

    /** Bytes written by the application and not yet sent for the first time. */
    public long unsentBytes() {
        return Math.max(0, sendBuffer.endOffset() - Math.max(sndNxt, 0));
    }

    /** Bytes written and not yet acknowledged, unsent ones included. */
    public int bufferedSendBytes() {
        return sendBuffer.length();
    }

    /** Bytes the application can read now. */
    public int readableBytes() {
        return receiveBuffer.readable();
    }

    public long segmentsIn() {
        return segmentsIn;
    }

    /** Segments sent, retransmissions included. */
    public long segmentsOut() {
        return segmentsOut;
    }

    public long retransmittedSegments() {
        return retransmittedSegments;
    }

    /** Data bytes the application wrote so far: the send-stream offset the next written byte gets. */
    public long bytesWritten() {
        return sendBuffer.endOffset();
    }

    /** Data bytes the peer acknowledged. */
    public long bytesAcked() {
        return bytesAcked;
    }

    /** Data bytes received in order. */
    public long bytesReceived() {
        return bytesReceived;
    }

    /** Where this connection's events are counted. */
    public TcpStatistics statistics() {
        return statistics;
    }

    // --- readiness

    /** Whether {@link #read} returns something other than 0: data, end of stream, or the connection closed. */
    public boolean isReadable() {
        return receiveBuffer.readable() > 0 || finReceived || state == TcpState.CLOSED;
    }

    /** Whether {@link #write} would take at least a segment's worth of bytes (or all it can hold). */
    public boolean isWritable() {
        return canWrite() && sendBuffer.free() >= Math.min(smss(), sendBuffer.limit());
    }

    /** Whether the handshake completed and the connection is not closed yet. */
    public boolean isConnected() {
        return state.isSynchronized();
    }

    public boolean isClosed() {
        return state == TcpState.CLOSED;
    }

    /** Whether the application shut down output (or closed). */
    public boolean isOutputShutdown() {
        return finQueued;
    }

    /** Whether the peer's FIN arrived, in order. */
    public boolean isInputShutdown() {
        return finReceived;
    }

    // =====================================================================================================
    // Application calls
    // =====================================================================================================

    /**
     * Copies bytes from {@code src} into the send buffer; they are sent as the windows allow. Data written before
     * the handshake completes waits for it (RFC 9293 section 3.10.2).
     *
     * @return the bytes taken, 0 if the buffer is full
     * @throws IllegalStateException if output was shut down or the connection is closed
     */
    public int write(ByteBuffer src) {
        if (!canWrite()) {
            if (finQueued) {
                throw new IllegalStateException("output is shut down (RFC 9293: connection closing)");
            }
            throw new IllegalStateException("connection is " + state
                    + (error != null ? ": " + error.getMessage() : ""));
        }
        int n = sendBuffer.write(src);
        if (n > 0) {
            notifyOwner();
        }
        return n;
    }

    /**
     * Copies readable bytes into {@code dst}.
     *
     * @return the bytes copied; 0 if none are ready; -1 at the end of the stream (the peer's FIN was received and
     * everything before it read) or when the connection is closed with nothing left to read
     */
    public int read(ByteBuffer dst) {
        int n = receiveBuffer.read(dst);
        if (n == 0) {
            return finReceived || state == TcpState.CLOSED ? -1 : 0;
        }
        afterApplicationRead();
        return n;
    }

    /**
     * Sends a FIN after the queued data (half-close): ESTABLISHED goes to FIN_WAIT_1, CLOSE_WAIT to LAST_ACK
     * (RFC 9293 section 3.10.4). Harmless if already shut down. Before the handshake completes, the FIN waits
     * for it; in SYN_SENT the connection simply closes.
     */
    public void shutdownOutput() {
        if (finQueued) {
            return;
        }
        switch (state) {
            case SYN_SENT -> enterClosed();
            case SYN_RECEIVED -> finQueued = true;
            case ESTABLISHED -> {
                finQueued = true;
                setState(TcpState.FIN_WAIT_1);
            }
            case CLOSE_WAIT -> {
                finQueued = true;
                setState(TcpState.LAST_ACK);
            }
            default -> {
                return;
            }
        }
        notifyOwner();
    }

    /**
     * Graceful close: shuts down output and stops reading. If received data is still unread, the connection is
     * reset instead, to show it was lost (RFC 1122 section 4.2.2.13, as Linux does); data arriving after the
     * close also resets it. A connection closed in FIN_WAIT_2 waits at most
     * {@link TcpConfig#finWait2TimeoutNanos()} for the peer's FIN. Called by an extension while it takes received
     * bytes ({@link TcpExtension#onData}), the close happens once the bytes it took are out of the receive buffer.
     */
    public void close() {
        if (state == TcpState.CLOSED) {
            return;
        }
        if (offeringData) {
            closeAfterOffer = true;
            return;
        }
        if (receiveBuffer.readable() > 0) {
            abort();
            return;
        }
        closedByApplication = true;
        shutdownOutput();
        if (state == TcpState.FIN_WAIT_2 && closeDeadline == NEVER) {
            closeDeadline = Deadlines.after(lastCallTime, config.finWait2TimeoutNanos());
        }
        notifyOwner();
    }

    /** Resets the connection: a RST goes out where RFC 9293 section 3.10.5 says so, all data is discarded. */
    public void abort() {
        abort(List.of());
    }

    /**
     * As {@link #abort()}, with these options on the RST (an extension's reason, MP_TCPRST for MPTCP). Also the way
     * an {@link TcpExtension} refuses a SYN or SYN-ACK.
     */
    public void abort(List<? extends TcpOption> resetOptions) {
        if (state == TcpState.CLOSED) {
            return;
        }
        switch (state) {
            case SYN_SENT -> {
                if (peerSynSeen) {
                    // A SYN-ACK is being refused: answer it <SEQ=SEG.ACK><CTL=RST> as RFC 9293 does a bad one.
                    queueReset(sndSeq(sndNxt), 0, false, resetOptions);
                }
            }
            case SYN_RECEIVED, ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT ->
                    queueReset(sndSeq(sndNxt), rcvSeq(rcvNxt()), true, resetOptions);
            default -> {
                // CLOSING, LAST_ACK, TIME_WAIT: delete the TCB without a RST (RFC 9293 section 3.10.5).
            }
        }
        fail(TcpConnectionException.Reason.ABORTED, "connection aborted");
        notifyOwner();
    }

    /** Makes the next {@link #pollTransmit} send an ACK even if nothing else is due (for an extension's options). */
    public void requestAck() {
        if (state.isSynchronized() || state == TcpState.SYN_RECEIVED) {
            ackNow = true;
            notifyOwner();
        }
    }

    // =====================================================================================================
    // Input
    // =====================================================================================================

    /**
     * Processes one segment addressed to this connection (the caller demultiplexed it and checked its checksum),
     * following RFC 9293 section 3.10.7.
     */
    public void handleSegment(long now, TcpSegment segment) {
        lastCallTime = now;
        segmentsIn++;
        statistics.increment(Counter.SEGMENTS_IN);
        switch (state) {
            case CLOSED, LISTEN -> statistics.drop(DropReason.IGNORED);
            case SYN_SENT -> handleInSynSent(now, segment);
            default -> handleSynchronized(now, segment);
        }
        notifyOwner();
    }

    /** RFC 9293 section 3.10.7.3: SYN-SENT STATE. */
    private void handleInSynSent(long now, TcpSegment seg) {
        int ack = (int) seg.acknowledgmentNumber();
        boolean ackAcceptable = false;
        // first: check the ACK bit
        if (seg.has(ACK)) {
            if (Seq.le(ack, iss) || Seq.gt(ack, sndSeq(sndNxt))) {
                if (!seg.has(RST)) {
                    queueReset(ack, 0, false, List.of());
                }
                statistics.drop(DropReason.BAD_ACK);
                return;
            }
            ackAcceptable = true;
        }
        // second: check the RST bit (RFC 5961 section 3.2: only with an acceptable ACK)
        if (seg.has(RST)) {
            if (ackAcceptable) {
                if (extension != null) {
                    extension.onReset(this, seg);
                }
                statistics.increment(Counter.ATTEMPT_FAILS);
                fail(TcpConnectionException.Reason.REFUSED, "connection refused by " + remote);
            } else {
                statistics.drop(DropReason.BAD_RST);
            }
            return;
        }
        // fourth: check the SYN bit
        if (!seg.has(SYN)) {
            statistics.drop(DropReason.IGNORED);
            return;
        }
        irs = (int) seg.sequenceNumber();
        peerSynSeen = true;
        lastReceiveTime = now;
        readPeerSynOptions(now, seg);
        negotiate();
        if (extension != null) {
            extension.onSegment(this, seg);
            if (state == TcpState.CLOSED) {
                return;
            }
        }
        if (ackAcceptable) {
            sndUna = 0;
            // The window of a SYN segment is never scaled (RFC 7323 section 2.2).
            updateSendWindow(seg.window(), (int) seg.sequenceNumber(), ack, false);
            takeSynRttSample(now, seg);
            retransmitDeadline = NEVER;
            ackNow = true;
            establish(now);
        } else {
            // Simultaneous open (RFC 9293 section 3.5, figure 7): answer with a SYN-ACK.
            updateSendWindow(seg.window(), (int) seg.sequenceNumber(), iss, false);
            setState(TcpState.SYN_RECEIVED);
            synDue = true;
        }
    }

    /** RFC 9293 section 3.10.7.4: every state from SYN-RECEIVED on. */
    private void handleSynchronized(long now, TcpSegment seg) {
        int seq = (int) seg.sequenceNumber();
        int rcvNxtSeq = rcvSeq(rcvNxt());

        // A retransmitted SYN: our SYN-ACK was lost (Linux answers it with the SYN-ACK again).
        if (state == TcpState.SYN_RECEIVED && seg.has(SYN) && !seg.hasAny(ACK | RST) && seq == irs) {
            synDue = true;
            return;
        }
        // Simultaneous open: the peer's SYN-ACK repeats its SYN's sequence number and completes the handshake.
        boolean simultaneousSynAck = state == TcpState.SYN_RECEIVED && !passiveOpen && seg.has(SYN | ACK)
                && !seg.has(RST) && seq + 1 == rcvNxtSeq;

        // RFC 7323 section 5.3 R1: PAWS, before the sequence number test.
        TcpOption.Timestamps ts = timestampsEnabled ? seg.timestamps().orElse(null) : null;
        if (ts != null && !seg.has(RST) && Seq.lt((int) ts.tsVal(), tsRecent)
                && now - tsRecentTime <= PAWS_IDLE_LIMIT_NANOS) {
            statistics.drop(DropReason.PAWS);
            sendInvalidAck(now, seg);
            return;
        }

        // first: check the sequence number
        if (!simultaneousSynAck && !isAcceptable(seq, (int) seg.sequenceLength())) {
            statistics.drop(DropReason.OUT_OF_WINDOW);
            if (!seg.has(RST)) {
                noteDuplicate(seq, seg);
                if (state == TcpState.TIME_WAIT && seg.has(FIN)) {
                    // A retransmitted FIN: acknowledge it and restart the 2 MSL timeout.
                    closeDeadline = Deadlines.after(now, config.timeWaitNanos());
                    ackNow = true;
                } else {
                    sendInvalidAck(now, seg);
                }
            }
            return;
        }
        lastReceiveTime = now;
        keepAliveProbesSent = 0;
        // RFC 7323 section 4.3 (R3): remember the timestamp to echo.
        if (ts != null && Seq.ge((int) ts.tsVal(), tsRecent) && Seq.le(seq, lastAckSent)) {
            tsRecent = (int) ts.tsVal();
            tsRecentTime = now;
        }

        // second: check the RST bit (RFC 5961 section 3.2)
        if (seg.has(RST)) {
            if (seq == rcvNxtSeq) {
                if (extension != null) {
                    extension.onReset(this, seg);
                }
                handleReset();
            } else {
                statistics.drop(DropReason.BAD_RST);
                sendChallengeAck(now);
            }
            return;
        }

        // fourth: check the SYN bit (RFC 5961 section 4.2: challenge ACK, whatever the sequence number)
        if (seg.has(SYN) && !simultaneousSynAck) {
            statistics.drop(DropReason.UNEXPECTED_SYN);
            sendChallengeAck(now);
            return;
        }

        // fifth: check the ACK field
        if (!seg.has(ACK)) {
            statistics.drop(DropReason.IGNORED);
            return;
        }
        if (!processAck(now, seg, ts)) {
            return;
        }
        if (extension != null) {
            extension.onSegment(this, seg);
            if (state == TcpState.CLOSED) {
                return;
            }
        }
        if (state == TcpState.CLOSED || state == TcpState.TIME_WAIT && !seg.has(FIN)) {
            return;
        }
        if (simultaneousSynAck) {
            return;
        }

        // sixth: the URG bit is ignored (RFC 9293 section 3.8.5 leaves urgent data to legacy applications).
        // seventh and eighth: the segment text and the FIN
        processTextAndFin(now, seg, seq);
        if (timestampsEnabled && ts != null && seg.payloadLength() > 0 && seg.has(ACK)) {
            sampleReceiverRtt(now, (int) ts.tsEcr());
        }
        tuneReceiveBuffer(now);
    }

    /** RFC 9293 section 3.10.7.4 first: the four cases of segment acceptability, with RCV.WND. */
    private boolean isAcceptable(int seq, int length) {
        int rcvNxtSeq = rcvSeq(rcvNxt());
        long window = Math.max(0, rcvAdvertisedEnd - receiveBuffer.inOrderEnd());
        if (window == 0) {
            // A zero window accepts nothing new, but segments at RCV.NXT still carry valid ACKs, RSTs and FINs.
            return seq == rcvNxtSeq;
        }
        int right = rcvNxtSeq + (int) Math.min(window, Integer.MAX_VALUE);
        if (length == 0) {
            return Seq.le(rcvNxtSeq, seq) && Seq.lt(seq, right);
        }
        int last = seq + length - 1;
        return Seq.le(rcvNxtSeq, seq) && Seq.lt(seq, right) || Seq.le(rcvNxtSeq, last) && Seq.lt(last, right);
    }

    /** A data segment entirely below RCV.NXT is reported back as a D-SACK (RFC 2883 section 4). */
    private void noteDuplicate(int seq, TcpSegment seg) {
        int length = seg.payloadLength();
        if (!sackPermitted || length == 0 || !state.isSynchronized()) {
            return;
        }
        long start = rcvOff(seq);
        long end = start + length;
        if (end <= receiveBuffer.inOrderEnd() && start >= 0) {
            dsackStart = start;
            dsackEnd = end;
        }
    }

    /** RFC 5961 section 3.2: an acceptable RST at exactly RCV.NXT. */
    private void handleReset() {
        switch (state) {
            case SYN_RECEIVED -> {
                statistics.increment(Counter.ATTEMPT_FAILS);
                if (passiveOpen) {
                    // The connection returns to LISTEN: the listener keeps listening, this child goes away.
                    fail(TcpConnectionException.Reason.RESET_BY_PEER, "reset by " + remote + " during the handshake");
                } else {
                    fail(TcpConnectionException.Reason.REFUSED, "connection refused by " + remote);
                }
            }
            case ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT -> {
                if (state == TcpState.ESTABLISHED || state == TcpState.CLOSE_WAIT) {
                    statistics.increment(Counter.ESTABLISHED_RESETS);
                }
                fail(TcpConnectionException.Reason.RESET_BY_PEER, "connection reset by " + remote);
            }
            default -> enterClosed();
        }
    }

    /**
     * RFC 9293 section 3.10.7.4 fifth: the ACK field, with RFC 5961 section 5.2's acceptable range.
     *
     * @return whether processing continues with the segment's text
     */
    private boolean processAck(long now, TcpSegment seg, TcpOption.Timestamps ts) {
        int ack = (int) seg.acknowledgmentNumber();
        int seq = (int) seg.sequenceNumber();
        int sndUnaSeq = sndSeq(sndUna);
        int sndNxtSeq = sndSeq(sndNxt);
        if (state == TcpState.SYN_RECEIVED) {
            if (Seq.le(ack, sndUnaSeq) || Seq.gt(ack, sndNxtSeq)) {
                statistics.drop(DropReason.BAD_ACK);
                queueReset(ack, 0, false, List.of());
                return false;
            }
            sndUna = 0;
            retransmitDeadline = NEVER;
            takeSynRttSample(now, seg);
            updateSendWindow(seg.window(), seq, ack, !seg.has(SYN));
            establish(now);
            if (finQueued) {
                setState(TcpState.FIN_WAIT_1);
            }
            return true;
        }
        if (Seq.gt(ack, sndNxtSeq)) {
            // RFC 9293: an ACK of something not yet sent gets an ACK, and the segment is dropped.
            statistics.drop(DropReason.BAD_ACK);
            sendChallengeAck(now);
            return false;
        }
        if (Seq.lt(ack, sndUnaSeq - (int) Math.min(maxSndWnd, Integer.MAX_VALUE))) {
            // RFC 5961 section 5.2: too old to be valid.
            statistics.drop(DropReason.BAD_ACK);
            sendChallengeAck(now);
            return false;
        }
        unansweredProbes = 0;
        long ackOffset = sndOff(ack);
        long highestSackedBefore = retransmitQueue.highestSackedEnd();
        long sndUnaBefore = sndUna;
        long pipeBefore = pipe();
        long sackedBefore = retransmitQueue.sackedBytes();
        long windowBefore = sndWnd;
        long newlyAcked = 0;
        long delivered = 0;
        boolean advanced = ackOffset > sndUna;
        retransmitQueue.startAck();
        if (advanced) {
            newlyAcked = retransmitQueue.ackTo(ackOffset);
            delivered = newlyAcked - (sackedBefore - retransmitQueue.sackedBytes());
            sndUna = ackOffset;
            bytesAcked += newlyAcked;
            sendBuffer.discardTo(Math.min(sndUna, sendBuffer.endOffset()));
            consecutiveTimeouts = 0;
            if (finSent && sndUna > dataEnd()) {
                finAcked = true;
            }
        }
        long newlySacked = 0;
        if (sackPermitted) {
            for (TcpOption.SackBlock block : seg.sackBlocks()) {
                newlySacked += applySackBlock(block);
            }
        }
        // RFC 9293 section 3.10.7.4: update the send window (SND.WL1, SND.WL2 rule).
        if (Seq.lt(sndWl1, seq) || sndWl1 == seq && Seq.le(sndWl2, ack)) {
            updateSendWindow(seg.window(), seq, ack, true);
        }
        if (advanced) {
            long sample = rttSample(now, ts);
            // Like Linux, the window grows on cumulative progress only; reported before a recovery ends, so the
            // ACK that ends it does not also grow the post-recovery window.
            if (controller != null) {
                controller.onAck(now, delivered + newlySacked, sample, pipeBefore);
            }
            growSendBuffer();
        }
        if (advanced && inRecovery && isSpuriousRetransmission(sndUnaBefore, ts)) {
            // The original filled the hole: it was reordered, not lost. Leave the recovery, undo its reduction
            // (RFC 4015) and from now on tolerate reordering this deep: the hole and the segments that arrived
            // ahead of it, SACKed or counted by duplicate ACKs.
            statistics.increment(Counter.SPURIOUS_RECOVERIES);
            long depth = sackPermitted
                    ? (Math.max(highestSackedBefore, sndUnaBefore) - sndUnaBefore + smss() - 1) / smss()
                    : dupAcks + 1;
            reordering = (int) Math.min(MAX_REORDERING, Math.max(reordering, depth));
            inRecovery = false;
            recoveryPoint = sndUna;
            dupAcks = 0;
            partialAcks = 0;
            if (controller != null) {
                controller.onSpuriousCongestionEvent(now);
            }
        }
        detectLoss(now, seg, advanced, newlySacked, windowBefore);
        if (advanced && retransmitQueue.isEmpty()) {
            // RFC 6298 (5.2): all is acknowledged.
            retransmitDeadline = NEVER;
        } else if (advanced && partialAcks <= 1) {
            // RFC 6298 (5.3), but RFC 6582 section 4 (the Impatient variant): within a NewReno recovery only the
            // first partial ACK restarts the timer, so many holes cost one timeout rather than one RTT each.
            retransmitDeadline = Deadlines.after(now, rtt.rtoNanos());
        }
        if (!stalledOnWindow()) {
            persistDeadline = NEVER;
            persistBackoff = 0;
        }
        if (finAcked) {
            ourFinAcknowledged(now);
        }
        return true;
    }

    private long applySackBlock(TcpOption.SackBlock block) {
        long left = sndOff((int) block.left());
        long right = sndOff((int) block.right());
        // Ignore blocks below SND.UNA (D-SACK) or beyond what was sent (RFC 2018, RFC 2883).
        if (right <= left || left < sndUna || right > sndNxt) {
            return 0;
        }
        return retransmitQueue.sack(left, right);
    }

    /** Fast retransmit and loss recovery: RFC 6675 with SACK, RFC 6582 NewReno without. */
    private void detectLoss(long now, TcpSegment seg, boolean advanced, long newlySacked, long windowBefore) {
        if (advanced) {
            if (inRecovery && sndUna >= recoveryPoint) {
                // RFC 6675 section 5 / RFC 6582 section 3.2 step 3: the recovery point is acknowledged.
                inRecovery = false;
                partialAcks = 0;
                dupAcks = 0;
                if (controller != null) {
                    controller.onRecoveryEnd(now);
                }
            } else if (inRecovery && !sackPermitted) {
                // RFC 6582 section 3.2 step 4: a partial ACK retransmits the first unacknowledged segment.
                retransmitQueue.markFirstLost();
                retransmitFirst = true;
                dupAcks = 0;
                partialAcks++;
            } else {
                dupAcks = 0;
            }
        }
        boolean duplicate = sackPermitted
                ? newlySacked > 0
                // RFC 5681 section 2: no data, no SYN or FIN, same ACK, same window, data outstanding.
                : !advanced && seg.payloadLength() == 0 && !seg.hasAny(SYN | FIN) && sndWnd == windowBefore
                && !retransmitQueue.isEmpty();
        if (duplicate) {
            dupAcks++;
        }
        if (retransmitQueue.isEmpty()) {
            return;
        }
        if (sackPermitted) {
            if (retransmitQueue.retransBytes() > 0 && retransmitQueue.deliveredFresh()) {
                // RFC 8985 section 6.2: a segment sent after a retransmission arrived, beyond a reordering window
                // of a quarter of the minimum RTT; the retransmission was lost. The same loss episode.
                long sentBefore = retransmitQueue.freshestDeliveredSentTime() - rtt.minRttNanos() / 4;
                long marked = retransmitQueue.markLostRetransmissions(sentBefore);
                if (marked > 0) {
                    statistics.add(Counter.LOST_RETRANSMISSIONS, (marked + smss() - 1) / smss());
                }
            }
            boolean newLoss = retransmitQueue.markLostBySack(reordering, smss()) >= 0;
            if (!inRecovery && sndUna >= recoveryPoint && (newLoss || dupAcks >= reordering)) {
                if (retransmitQueue.lostBytes() == 0) {
                    retransmitQueue.markFirstLost();
                }
                enterRecovery(now, Counter.SACK_RECOVERIES);
            } else if (newLoss && controller != null) {
                controller.onCongestionEvent(now, retransmitQueue.lastMarkedSentTime(), flightSize());
            }
        } else if (!inRecovery && dupAcks == reordering && sndUna >= recoveryPoint) {
            retransmitQueue.markFirstLost();
            enterRecovery(now, Counter.RENO_RECOVERIES);
        }
    }

    /**
     * RFC 3522 section 3.2 (Eifel detection), for a recovery with one retransmission and nothing else deemed lost:
     * this ACK is the first to cover the retransmitted segment, and it echoes a segment sent before it.
     */
    private boolean isSpuriousRetransmission(long sndUnaBefore, TcpOption.Timestamps ts) {
        return recoveryRetransmissions == 1 && sndUnaBefore <= recoveryRetransmitStart
                && sndUna > recoveryRetransmitStart && retransmitQueue.lostBytes() == 0 && ts != null
                && ts.tsEcr() != 0 && Seq.lt((int) ts.tsEcr(), timestampNow(recoveryRetransmitTime));
    }

    private void enterRecovery(long now, Counter kind) {
        inRecovery = true;
        partialAcks = 0;
        recoveryRetransmissions = 0;
        recoveryPoint = sndNxt;
        retransmitFirst = true;
        statistics.increment(kind);
        statistics.increment(Counter.FAST_RETRANSMITS);
        if (controller != null) {
            int first = retransmitQueue.nextLost();
            long sentTime = first >= 0 ? retransmitQueue.sentTime(first) : now;
            controller.onCongestionEvent(now, sentTime, flightSize());
        }
    }

    /** An RTT sample for the ACK just processed, per Karn's rule, or -1 (RFC 6298 section 3, RFC 7323 4). */
    private long rttSample(long now, TcpOption.Timestamps ts) {
        long sample = -1;
        if (retransmitQueue.deliveredFresh()) {
            // RFC 6298 section 3 (Karn): from data sent once; the most recently sent of it (see RetransmitQueue).
            sample = now - retransmitQueue.freshestDeliveredSentTime();
        } else if (retransmitQueue.ackedAny() && ts != null) {
            // The echoed timestamp tells which copy was acknowledged; millisecond resolution.
            sample = timestampSample(now, (int) ts.tsEcr());
        }
        if (sample >= 0) {
            rtt.onSample(now, sample);
        }
        return sample;
    }

    private void takeSynRttSample(long now, TcpSegment seg) {
        if (synTransmissions == 1) {
            rtt.onSample(now, now - synSentTime);
        } else if (timestampsEnabled) {
            long sample = seg.timestamps().map(t -> timestampSample(now, (int) t.tsEcr())).orElse(-1L);
            if (sample >= 0) {
                rtt.onSample(now, sample);
            }
        }
    }

    /** Our FIN was acknowledged: RFC 9293 section 3.10.7.4 fifth, per state. */
    private void ourFinAcknowledged(long now) {
        switch (state) {
            case FIN_WAIT_1 -> {
                setState(TcpState.FIN_WAIT_2);
                if (closedByApplication) {
                    closeDeadline = Deadlines.after(now, config.finWait2TimeoutNanos());
                }
            }
            case CLOSING -> enterTimeWait(now);
            case LAST_ACK -> enterClosed();
            default -> {
            }
        }
    }

    /** RFC 9293 section 3.10.7.4 seventh and eighth. */
    private void processTextAndFin(long now, TcpSegment seg, int seq) {
        int length = seg.payloadLength();
        boolean fin = seg.has(FIN);
        if (length == 0 && !fin) {
            return;
        }
        long start = rcvOff(seq);
        long end = start + length;
        if (!state.canReceive()) {
            // CLOSE_WAIT, CLOSING, LAST_ACK, TIME_WAIT: the peer already sent its FIN; text is ignored.
            if (fin && state == TcpState.TIME_WAIT) {
                closeDeadline = Deadlines.after(now, config.timeWaitNanos());
                ackNow = true;
            }
            return;
        }
        if (fin && peerFinOffset < 0 && end <= rcvAdvertisedEnd) {
            peerFinOffset = end;
        }
        if (peerFinOffset >= 0 && end > peerFinOffset) {
            end = peerFinOffset;
        }
        // Trim to the window: bytes already received, and bytes beyond the right edge, are dropped.
        long from = Math.max(start, receiveBuffer.inOrderEnd());
        long to = Math.min(end, Math.max(rcvAdvertisedEnd, receiveBuffer.inOrderEnd()));
        if (to > from) {
            if (closedByApplication) {
                // RFC 1122 section 4.2.2.13: data after a full close is lost; say so with a RST.
                abort();
                return;
            }
            ByteBuffer data = seg.payload();
            data.position((int) (from - start)).limit((int) (to - start));
            acceptData(now, from, data);
        } else if (length > 0) {
            ackNow = true;
        }
        if (peerFinOffset >= 0 && !finReceived && receiveBuffer.inOrderEnd() == peerFinOffset) {
            receivePeerFin(now);
        }
    }

    private void acceptData(long now, long offset, ByteBuffer data) {
        int n = data.remaining();
        rcvMss = Math.max(rcvMss, Math.min(n, advertisedMss));
        long before = receiveBuffer.inOrderEnd();
        boolean hadHoles = receiveBuffer.hasOutOfOrder();
        if (offset == before && extension != null && receiveBuffer.readable() == 0) {
            // The extension may take the bytes straight from the segment.
            int startPosition = data.position();
            offerToExtension(offset, data);
            int taken = data.position() - startPosition;
            if (taken > 0) {
                receiveBuffer.skipConsumed(taken);
            }
            if (data.hasRemaining()) {
                receiveBuffer.write(offset + taken, data);
            } else if (receiveBuffer.readable() > 0) {
                // The bytes taken joined out-of-order data, which is now in order too.
                offerBufferedData();
            }
        } else {
            receiveBuffer.write(offset, data);
            if (extension != null) {
                offerBufferedData();
            }
        }
        long advancedBy = receiveBuffer.inOrderEnd() - before;
        bytesReceived += advancedBy;
        if (closeAfterOffer) {
            // The extension closed the connection while taking these bytes; now they are accounted for.
            closeAfterOffer = false;
            close();
        }
        if (offset > before) {
            // RFC 5681 section 4.2: out-of-order data is acknowledged at once (with SACK blocks).
            statistics.increment(Counter.OUT_OF_ORDER_SEGMENTS);
            ackNow = true;
        } else if (hadHoles) {
            // ...and so is data that fills a hole.
            ackNow = true;
        } else {
            bytesSinceAck += n;
            // RFC 5681 section 4.2 / RFC 9293 3.8.6.3: ACK at least every second full-sized segment. Counted as
            // more than one largest segment seen, as Linux does: options vary in length (a DSS on the first
            // segment of each mapping), so two full segments can carry less than twice the largest one, and an
            // ACK held for the timer then inflates the sender's RTT of a small window.
            if (bytesSinceAck > rcvMss || config.delayedAckTimeoutNanos() == 0) {
                ackNow = true;
            } else if (delayedAckDeadline == NEVER) {
                delayedAckDeadline = Deadlines.after(now, config.delayedAckTimeoutNanos());
            }
        }
    }

    /**
     * Offers the extension in-order bytes. A {@link #close()} it makes meanwhile (an MPTCP connection that ends
     * with these bytes closes its subflows) waits until the bytes it took left the receive buffer, so that it
     * is not mistaken for a close with unread data, which resets (RFC 9293 section 3.10.4).
     */
    private void offerToExtension(long offset, ByteBuffer data) {
        offeringData = true;
        try {
            extension.onData(this, offset, data);
        } finally {
            offeringData = false;
        }
    }

    /** Hands the extension the in-order bytes waiting in the buffer, for as long as it takes them all. */
    private void offerBufferedData() {
        while (receiveBuffer.readable() > 0) {
            ByteBuffer chunk = receiveBuffer.readableChunk();
            int offered = chunk.remaining();
            offerToExtension(receiveBuffer.readOffset(), chunk);
            int taken = chunk.position();
            if (taken > 0) {
                receiveBuffer.advanceRead(taken);
            }
            if (taken < offered || state == TcpState.CLOSED) {
                return;
            }
        }
    }

    /** The peer's FIN is next in sequence: RFC 9293 section 3.10.7.4 eighth. */
    private void receivePeerFin(long now) {
        finReceived = true;
        ackNow = true;
        switch (state) {
            case SYN_RECEIVED, ESTABLISHED -> setState(TcpState.CLOSE_WAIT);
            case FIN_WAIT_1 -> {
                if (finAcked) {
                    enterTimeWait(now);
                } else {
                    setState(TcpState.CLOSING);
                }
            }
            case FIN_WAIT_2 -> enterTimeWait(now);
            default -> {
            }
        }
    }

    // =====================================================================================================
    // Timers
    // =====================================================================================================

    /** The earliest deadline of this connection's timers, or {@link Deadlines#NEVER}. */
    public long nextTimeout() {
        long t = Deadlines.earliest(retransmitDeadline, delayedAckDeadline);
        t = Deadlines.earliest(t, persistDeadline);
        t = Deadlines.earliest(t, keepAliveDeadline);
        return Deadlines.earliest(t, closeDeadline);
    }

    /** Runs the timers that are due at {@code now}; calling it early is harmless. */
    public void handleTimeout(long now) {
        lastCallTime = now;
        if (Deadlines.isDue(closeDeadline, now)) {
            closeDeadline = NEVER;
            if (state == TcpState.TIME_WAIT || state == TcpState.FIN_WAIT_2) {
                enterClosed();
            }
        }
        if (Deadlines.isDue(retransmitDeadline, now)) {
            retransmitDeadline = NEVER;
            onRetransmissionTimeout(now);
        }
        if (Deadlines.isDue(delayedAckDeadline, now)) {
            delayedAckDeadline = NEVER;
            if (bytesSinceAck > 0 && state != TcpState.CLOSED) {
                ackNow = true;
                statistics.increment(Counter.DELAYED_ACKS);
            }
        }
        if (Deadlines.isDue(persistDeadline, now)) {
            persistDeadline = NEVER;
            onPersistTimeout(now);
        }
        if (Deadlines.isDue(keepAliveDeadline, now)) {
            keepAliveDeadline = NEVER;
            onKeepAliveTimeout(now);
        }
        notifyOwner();
    }

    /** RFC 6298 section 5, (5.4) to (5.7); the SYN and SYN-ACK retransmissions of RFC 9293 3.8.1. */
    private void onRetransmissionTimeout(long now) {
        if (state == TcpState.SYN_SENT || state == TcpState.SYN_RECEIVED) {
            if (synTransmissions > config.maxSynRetries()) {
                statistics.increment(Counter.ATTEMPT_FAILS);
                statistics.increment(Counter.TIMEOUT_ABORTS);
                fail(TcpConnectionException.Reason.TIMEOUT, (state == TcpState.SYN_SENT ? "SYN" : "SYN-ACK")
                        + " to " + remote + " unanswered after " + config.maxSynRetries() + " retransmissions");
                return;
            }
            rtt.backOff();
            synDue = true;
            statistics.increment(Counter.SYN_RETRANSMITS);
            return;
        }
        if (retransmitQueue.isEmpty() || state == TcpState.CLOSED || state == TcpState.TIME_WAIT) {
            return;
        }
        if (consecutiveTimeouts >= config.maxDataRetries()) {
            // RFC 9293 section 3.8.3: past R2, close the connection.
            statistics.increment(Counter.TIMEOUT_ABORTS);
            fail(TcpConnectionException.Reason.TIMEOUT, "no acknowledgment from " + remote + " after "
                    + consecutiveTimeouts + " retransmissions");
            return;
        }
        consecutiveTimeouts++;
        statistics.increment(Counter.TIMEOUTS);
        if (controller != null) {
            // RFC 5681 section 3.1 equation (4): the FlightSize, all data outstanding (the pipe of a recovery
            // that marked most of it lost would collapse the threshold to two segments).
            controller.onRetransmitTimeout(now, flightSize());
        }
        rtt.backOff();
        retransmitQueue.markAllLost();
        // RFC 6675 section 5.1 / RFC 6582 section 3.2: no fast recovery for data sent before the timeout.
        inRecovery = false;
        partialAcks = 0;
        recoveryPoint = sndNxt;
        dupAcks = 0;
        retransmitFirst = true;
        retransmitDeadline = Deadlines.after(now, rtt.rtoNanos());
        if (extension != null) {
            extension.onRetransmissionTimeout(this, consecutiveTimeouts);
        }
    }

    /** RFC 9293 section 3.8.6.1: zero-window probing, with exponential backoff. */
    private void onPersistTimeout(long now) {
        if (!state.isSynchronized() || !retransmitQueue.isEmpty() || unsentBytes() == 0) {
            persistBackoff = 0;
            return;
        }
        if (unansweredProbes >= config.maxDataRetries()) {
            statistics.increment(Counter.TIMEOUT_ABORTS);
            fail(TcpConnectionException.Reason.TIMEOUT, "zero-window probes to " + remote + " unanswered after "
                    + unansweredProbes + " attempts");
            return;
        }
        unansweredProbes++;
        statistics.increment(Counter.WINDOW_PROBES);
        if (usableWindow() > 0) {
            // The window is open but too small for the sender's SWS avoidance: send what fits (RFC 9293
            // 3.8.6.2.1, the override timeout).
            windowFillDue = true;
        } else {
            probeDue = true;
        }
        persistBackoff++;
        armPersist(now);
    }

    private void armPersist(long now) {
        long interval = rtt.rtoNanos();
        for (int i = 0; i < persistBackoff && interval < config.rtt().maxRtoNanos(); i++) {
            interval *= 2;
        }
        persistDeadline = Deadlines.after(now, Math.min(interval, config.rtt().maxRtoNanos()));
    }

    /** RFC 9293 section 3.8.4 / RFC 1122 section 4.2.3.6. */
    private void onKeepAliveTimeout(long now) {
        if (!config.keepAlive() || !(state == TcpState.ESTABLISHED || state == TcpState.CLOSE_WAIT
                || state == TcpState.FIN_WAIT_2)) {
            return;
        }
        if (!retransmitQueue.isEmpty() || unsentBytes() > 0) {
            // Data in flight has its own timers.
            keepAliveDeadline = Deadlines.after(now, config.keepAliveIdleNanos());
            return;
        }
        long idle = now - lastReceiveTime;
        if (keepAliveProbesSent == 0 && idle < config.keepAliveIdleNanos()) {
            keepAliveDeadline = Deadlines.after(lastReceiveTime, config.keepAliveIdleNanos());
            return;
        }
        if (keepAliveProbesSent >= config.keepAliveProbes()) {
            statistics.increment(Counter.TIMEOUT_ABORTS);
            queueReset(sndSeq(sndNxt), rcvSeq(rcvNxt()), true, List.of());
            fail(TcpConnectionException.Reason.TIMEOUT, "keepalive: " + remote + " did not answer "
                    + keepAliveProbesSent + " probes");
            return;
        }
        keepAliveProbesSent++;
        statistics.increment(Counter.KEEPALIVE_PROBES);
        probeDue = true;
        keepAliveDeadline = Deadlines.after(now, config.keepAliveIntervalNanos());
    }

    // =====================================================================================================
    // Output
    // =====================================================================================================

    /**
     * The next segment to send at {@code now}, or null when there is nothing to send. Call repeatedly until null
     * after every input, timeout or application call. The payload is a view into the send buffer, valid until
     * the next call to this connection.
     */
    public TcpSegment pollTransmit(long now) {
        lastCallTime = now;
        if (rstDue) {
            return emitReset();
        }
        TcpSegment segment = switch (state) {
            case CLOSED, LISTEN -> null;
            case SYN_SENT -> synDue ? emitSyn(now) : null;
            case SYN_RECEIVED -> synDue || ackNow ? emitSyn(now) : null;
            default -> transmitSynchronized(now);
        };
        if (segment == null) {
            armPersistIfStalled(now);
        }
        return segment;
    }

    private TcpSegment transmitSynchronized(long now) {
        TcpSegment s;
        if (retransmitQueue.lostBytes() > 0 || retransmitFirst) {
            s = transmitLost(now);
            if (s != null) {
                return s;
            }
        }
        s = transmitNew(now);
        if (s != null) {
            return s;
        }
        if (probeDue) {
            probeDue = false;
            // Linux's probe: an ACK for old data, <SEQ=SND.UNA-1>, which the peer must answer with an ACK.
            return emitControl(now, sndSeq(sndUna) - 1);
        }
        if (ackNow) {
            return emitControl(now, sndSeq(sndNxt));
        }
        return null;
    }

    /** RFC 6675 section 5 (C) rule 1 / RFC 6582: retransmit the first segment marked lost, if pipe allows. */
    private TcpSegment transmitLost(long now) {
        int i = retransmitQueue.nextLost();
        if (i < 0) {
            retransmitFirst = false;
            return null;
        }
        if (!retransmitFirst && pipe() >= cwnd()) {
            return null;
        }
        long start = retransmitQueue.start(i);
        int length = retransmitQueue.length(i);
        boolean fin = retransmitQueue.has(i, RetransmitQueue.FIN);
        int max = planOutgoing(now, ACK, sndSeq(start), start, length, true);
        if (max < length) {
            if (max <= 0) {
                return null;
            }
            retransmitQueue.split(i, max);
            length = max;
            fin = false;
        }
        long pipeBefore = pipe();
        retransmitQueue.retransmitted(i, now);
        retransmitFirst = false;
        if (inRecovery && recoveryRetransmissions++ == 0) {
            recoveryRetransmitTime = now;
            recoveryRetransmitStart = start;
        }
        retransmittedSegments++;
        statistics.increment(Counter.RETRANSMITTED_SEGMENTS);
        if (controller != null) {
            controller.onPacketSent(now, length, pipeBefore);
        }
        if (retransmitDeadline == NEVER) {
            retransmitDeadline = Deadlines.after(now, rtt.rtoNanos());
        }
        int flags = ACK | (fin ? FIN : 0) | (length > 0 && start + length == sendBuffer.endOffset() ? PSH : 0);
        return finishOutgoing(now, flags, length);
    }

    /** New data and the FIN, under the send window, the congestion window, Nagle and SWS avoidance. */
    private TcpSegment transmitNew(long now) {
        if (state == TcpState.TIME_WAIT || state == TcpState.CLOSED) {
            return null;
        }
        long unsent = unsentBytes();
        boolean finPending = finQueued && !finSent;
        if (unsent == 0 && !finPending) {
            return null;
        }
        long windowRoom = usableWindow();
        long cwndRoom = cwnd() - pipe();
        int candidate = (int) Math.min(unsent, Integer.MAX_VALUE);
        int max = planOutgoing(now, ACK, sndSeq(sndNxt), sndNxt, candidate, false);
        long length = Math.max(0, Math.min(Math.min(unsent, max), Math.min(windowRoom, cwndRoom)));
        boolean inFlight = sndNxt > sndUna;
        if (length < unsent && length < max) {
            boolean windowLimited = windowRoom < cwndRoom;
            // RFC 9293 section 3.8.6.2.1: do not send a small segment into a small window...
            boolean sendAnyway = windowLimited && !inFlight
                    && (length >= maxSndWnd / 2 || windowFillDue);
            if (length == 0 || !sendAnyway) {
                return null;
            }
        } else if (length == unsent && length < max && !config.noDelay() && inFlight && !finPending) {
            // RFC 896 / RFC 9293 section 3.7.4: Nagle, a small segment waits while data is unacknowledged.
            return null;
        }
        boolean fin = finPending && length == unsent;
        if (length == 0 && !fin) {
            return null;
        }
        windowFillDue = false;
        int n = (int) length;
        long start = sndNxt;
        long pipeBefore = pipe();
        sndNxt += n + (fin ? 1 : 0);
        retransmitQueue.append(start, n, fin, now);
        if (fin) {
            finSent = true;
        }
        if (controller != null && n > 0) {
            controller.onPacketSent(now, n, pipeBefore);
        }
        if (retransmitDeadline == NEVER) {
            retransmitDeadline = Deadlines.after(now, rtt.rtoNanos());
        }
        int flags = ACK | (fin ? FIN : 0) | (n > 0 && start + n == sendBuffer.endOffset() ? PSH : 0);
        return finishOutgoing(now, flags, n);
    }

    /** A pure ACK or a probe with sequence number {@code seq}. */
    private TcpSegment emitControl(long now, int seq) {
        planOutgoing(now, ACK, seq, sndNxt, 0, false);
        return finishOutgoing(now, ACK, 0);
    }

    /** The SYN (SYN_SENT) or SYN-ACK (SYN_RECEIVED), first sent or again (RFC 9293 section 3.5). */
    private TcpSegment emitSyn(long now) {
        boolean synAck = state == TcpState.SYN_RECEIVED;
        List<TcpOption> options = new ArrayList<>(6);
        options.add(new TcpOption.Mss(advertisedMss));
        if (config.sack() && (!synAck || peerOfferedSack)) {
            options.add(new TcpOption.SackPermitted());
        }
        if (config.timestamps() && (!synAck || peerOfferedTimestamps)) {
            options.add(new TcpOption.Timestamps(Seq.unsigned(timestampNow(now)), synAck ? Seq.unsigned(tsRecent) : 0));
        }
        if (config.windowScaling() && (!synAck || peerWindowScale >= 0)) {
            options.add(new TcpOption.WindowScale(config.windowScale()));
        }
        int flags = SYN | (synAck ? ACK : 0);
        int used = 0;
        for (TcpOption o : options) {
            used += o.encodedLength();
        }
        plan.reset(flags, iss, -1, 0, synTransmissions > 0, OPTION_SPACE - used);
        if (extension != null) {
            extension.planSegment(this, plan);
            extension.addOptions(this, plan, options);
            plan.checkAdded(options, used);
        }
        if (synTransmissions == 0) {
            synSentTime = now;
        }
        synTransmissions++;
        if (synTransmissions > 1) {
            retransmittedSegments++;
            statistics.increment(Counter.RETRANSMITTED_SEGMENTS);
        }
        synDue = false;
        ackNow = false;
        sndNxt = 0;
        if (retransmitDeadline == NEVER) {
            retransmitDeadline = Deadlines.after(now, rtt.rtoNanos());
        }
        // RFC 7323 section 2.2: the window of a SYN is not scaled.
        int window = Math.min(receiveBufferLimit, 0xFFFF);
        rcvAdvertisedEnd = Math.max(rcvAdvertisedEnd, window);
        int ack = synAck ? rcvSeq(0) : 0;
        if (synAck) {
            lastAckSent = ack;
        }
        countOut(synTransmissions > 1);
        return TcpSegment.of(local.port(), remote.port(), Seq.unsigned(iss), Seq.unsigned(ack), flags, window,
                options, NO_DATA);
    }

    private TcpSegment emitReset() {
        rstDue = false;
        countOut(false);
        statistics.increment(Counter.RESETS_OUT);
        List<TcpOption> options = rstOptions;
        rstOptions = List.of();
        return TcpSegment.of(local.port(), remote.port(), Seq.unsigned(rstSeq), Seq.unsigned(rstAck),
                RST | (rstWithAck ? ACK : 0), 0, options, NO_DATA);
    }

    /**
     * Lays out the options of a non-SYN segment and asks the extension for its share (first step of building a
     * segment).
     *
     * @return the most payload the segment can carry
     */
    private int planOutgoing(long now, int flags, int seq, long streamOffset, int candidate, boolean retransmission) {
        int base = timestampsEnabled ? TIMESTAMPS_LENGTH : 0;
        plan.reset(flags, seq, streamOffset, Math.min(candidate, sendMss - padded(base)), retransmission,
                OPTION_SPACE - base);
        if (extension != null) {
            extension.planSegment(this, plan);
        }
        int used = base + plan.reserved;
        plan.sackBlocks = 0;
        if (sackPermitted && (receiveBuffer.hasOutOfOrder() || dsackStart >= 0)) {
            int room = (OPTION_SPACE - used - SACK_BASE_LENGTH) / SACK_BLOCK_LENGTH;
            plan.sackBlocks = sackBlocks(Math.min(room, 4));
            if (plan.sackBlocks > 0) {
                used += SACK_BASE_LENGTH + SACK_BLOCK_LENGTH * plan.sackBlocks;
            }
        }
        // A full-sized segment: what the MSS leaves after the options, or the extension's cap.
        return Math.max(0, Math.min(plan.limit, sendMss - padded(used)));
    }

    /** Second step: the options in final form, the window, the ACK, and the segment itself. */
    private TcpSegment finishOutgoing(long now, int flags, int payloadLength) {
        plan.flags = flags;
        plan.payloadLength = payloadLength;
        List<TcpOption> options = new ArrayList<>(3);
        int ack = rcvSeq(rcvNxt());
        if (timestampsEnabled) {
            options.add(new TcpOption.Timestamps(Seq.unsigned(timestampNow(now)), Seq.unsigned(tsRecent)));
        }
        if (plan.sackBlocks > 0) {
            List<TcpOption.SackBlock> blocks = new ArrayList<>(plan.sackBlocks);
            for (int b = 0; b < plan.sackBlocks; b++) {
                blocks.add(new TcpOption.SackBlock(Seq.unsigned(rcvSeq(sackScratch[2 * b])),
                        Seq.unsigned(rcvSeq(sackScratch[2 * b + 1]))));
            }
            options.add(new TcpOption.Sack(blocks));
            dsackStart = -1;
        }
        // This segment is the ACK that was asked for; an extension may ask for another one after it (a pure ACK
        // to carry what did not fit here).
        ackNow = false;
        if (extension != null) {
            int before = optionBytes(options);
            extension.addOptions(this, plan, options);
            plan.checkAdded(options, before);
        }
        ByteBuffer payload = payloadLength > 0 ? sendBuffer.slice(plan.streamOffset, payloadLength) : NO_DATA;
        int window = windowField();
        lastAckSent = ack;
        bytesSinceAck = 0;
        delayedAckDeadline = NEVER;
        countOut(plan.retransmission);
        return TcpSegment.of(local.port(), remote.port(), Seq.unsigned(plan.seq), Seq.unsigned(ack), flags,
                window, options, payload);
    }

    /** Fills {@link #sackScratch} with a pending D-SACK block first (RFC 2883), then RFC 2018's blocks. */
    private int sackBlocks(int max) {
        if (max <= 0) {
            return 0;
        }
        int count = 0;
        long[] blocks = sackScratch;
        if (dsackStart >= 0) {
            blocks[0] = dsackStart;
            blocks[1] = dsackEnd;
            count = 1;
        }
        if (count < max && receiveBuffer.hasOutOfOrder()) {
            count += receiveBuffer.sackBlocks(blocks, count, max - count);
        }
        return count;
    }

    /**
     * The window field of a non-SYN segment: the free receive buffer, with receiver SWS avoidance (RFC 9293
     * section 3.8.6.2.2: the right edge moves only by at least min(buffer/2, MSS)), never shrinking the right
     * edge already advertised (RFC 7323 section 2.4), then scaled.
     */
    private int windowField() {
        long rcvNxt = receiveBuffer.inOrderEnd();
        long window = selectWindow();
        if (rcvNxt + window < rcvAdvertisedEnd) {
            window = rcvAdvertisedEnd - rcvNxt;
        }
        long unit = 1L << rcvWindowShift;
        long field = Math.min((window + unit - 1) >> rcvWindowShift, 0xFFFF);
        rcvAdvertisedEnd = Math.max(rcvAdvertisedEnd, rcvNxt + (field << rcvWindowShift));
        if (extension != null) {
            long wanted = Math.max(0, extension.advertisedWindow(this, field << rcvWindowShift));
            field = Math.min(wanted >> rcvWindowShift, 0xFFFF);
        }
        return (int) field;
    }

    /** The window receiver SWS avoidance allows now, in bytes from RCV.NXT. */
    private long selectWindow() {
        long free = Math.max(0, (long) receiveBufferLimit - receiveBuffer.readable());
        long current = Math.max(0, rcvAdvertisedEnd - receiveBuffer.inOrderEnd());
        long step = Math.min(receiveBufferLimit / 2, advertisedMss);
        return free - current >= step ? free : current;
    }

    /** After the application read: announce a window that doubled from a small one (as Linux's cleanup_rbuf). */
    private void afterApplicationRead() {
        if (!state.canReceive() || finReceived) {
            return;
        }
        long current = Math.max(0, rcvAdvertisedEnd - receiveBuffer.inOrderEnd());
        if (2 * current <= receiveBufferLimit) {
            long possible = selectWindow();
            if (possible > current && possible >= 2 * current) {
                ackNow = true;
                notifyOwner();
            }
        }
    }

    /** Arms the persist timer when data waits on a window too small to send it and nothing is in flight. */
    private void armPersistIfStalled(long now) {
        if (persistDeadline == NEVER && state.isSynchronized() && retransmitQueue.isEmpty() && stalledOnWindow()) {
            armPersist(now);
        }
    }

    /** Whether unsent data waits because the peer's window cannot take a full segment (or all of it). */
    private boolean stalledOnWindow() {
        long unsent = unsentBytes();
        return unsent > 0 && usableWindow() < Math.min(unsent, smss());
    }

    // =====================================================================================================
    // Handshake and state changes
    // =====================================================================================================

    /** Reads MSS, window scale, SACK-permitted and timestamps from the peer's SYN or SYN-ACK. */
    private void readPeerSynOptions(long now, TcpSegment syn) {
        int peerMss = syn.mss();
        if (peerMss == TcpSegment.ABSENT) {
            peerMss = local.isIpv6() ? DEFAULT_MSS_IPV6 : DEFAULT_MSS_IPV4;
        }
        // RFC 9293 section 3.7.1: never send more than the peer's MSS nor more than our own link allows.
        sendMss = Math.max(Math.min(peerMss, advertisedMss), 64);
        peerWindowScale = syn.windowScale();
        peerOfferedSack = syn.sackPermitted();
        TcpOption.Timestamps ts = syn.timestamps().orElse(null);
        peerOfferedTimestamps = ts != null;
        if (ts != null) {
            tsRecent = (int) ts.tsVal();
            tsRecentTime = now;
        }
    }

    /** Settles the options both sides offered (SYN-ACK received, or SYN received for a passive open). */
    private void negotiate() {
        boolean ws = config.windowScaling() && peerWindowScale >= 0;
        // RFC 7323 section 2.3: a shift above 14 is used as 14.
        sndWindowShift = ws ? Math.min(peerWindowScale, 14) : 0;
        rcvWindowShift = ws ? config.windowScale() : 0;
        sackPermitted = config.sack() && peerOfferedSack;
        timestampsEnabled = config.timestamps() && peerOfferedTimestamps;
        if (!timestampsEnabled) {
            tsRecent = 0;
        }
    }

    private void updateSendWindow(int field, int seq, int ack, boolean scaled) {
        sndWnd = scaled ? (long) field << sndWindowShift : field;
        maxSndWnd = Math.max(maxSndWnd, sndWnd);
        sndWl1 = seq;
        sndWl2 = ack;
    }

    private void establish(long now) {
        controller = congestion.newSubflow(smss(), rtt);
        statistics.increment(Counter.ESTABLISHED);
        tuneTime = now;
        tuneReadMark = receiveBuffer.readOffset();
        tuneSpace = Math.min(receiveBufferLimit, 10L * advertisedMss);
        if (config.keepAlive()) {
            keepAliveDeadline = Deadlines.after(now, config.keepAliveIdleNanos());
        }
        setState(TcpState.ESTABLISHED);
    }

    private void enterTimeWait(long now) {
        if (controller != null) {
            // Nothing more will be sent: a coupled algorithm stops counting this subflow now, not after 2*MSL.
            congestion.removeSubflow(controller);
        }
        setState(TcpState.TIME_WAIT);
        retransmitDeadline = NEVER;
        persistDeadline = NEVER;
        keepAliveDeadline = NEVER;
        closeDeadline = Deadlines.after(now, config.timeWaitNanos());
        retransmitQueue.clear();
    }

    /** Closes because of {@code reason}; a RST, if one is due, still goes out. */
    private void fail(TcpConnectionException.Reason reason, String message) {
        if (error == null) {
            error = new TcpConnectionException(reason, message);
        }
        enterClosed();
    }

    private void enterClosed() {
        retransmitDeadline = NEVER;
        delayedAckDeadline = NEVER;
        persistDeadline = NEVER;
        keepAliveDeadline = NEVER;
        closeDeadline = NEVER;
        ackNow = false;
        probeDue = false;
        synDue = false;
        retransmitQueue.clear();
        if (controller != null) {
            congestion.removeSubflow(controller);
        }
        setState(TcpState.CLOSED);
    }

    private void setState(TcpState next) {
        TcpState previous = state;
        if (previous == next) {
            return;
        }
        state = next;
        if (extension != null) {
            extension.onStateChanged(this, previous, next);
        }
        if (owner != null) {
            owner.onStateChanged(this, previous, next);
        }
    }

    private void queueReset(int seq, int ack, boolean withAck, List<? extends TcpOption> options) {
        rstDue = true;
        rstSeq = seq;
        rstAck = ack;
        rstWithAck = withAck;
        rstOptions = List.copyOf(options);
    }

    /** An ACK in reply to an unacceptable segment, at most one per 500 ms for segments without data. */
    private void sendInvalidAck(long now, TcpSegment seg) {
        boolean limited = seg.payloadLength() == 0 || seg.has(SYN);
        if (limited && invalidAckSent && now - lastInvalidAckTime < INVALID_ACK_INTERVAL_NANOS) {
            return;
        }
        if (limited) {
            invalidAckSent = true;
            lastInvalidAckTime = now;
        }
        ackNow = true;
    }

    /** RFC 5961 section 3.2, 4.2 and 5.2, rate limited as section 7 recommends. */
    private void sendChallengeAck(long now) {
        if (invalidAckSent && now - lastInvalidAckTime < INVALID_ACK_INTERVAL_NANOS) {
            return;
        }
        invalidAckSent = true;
        lastInvalidAckTime = now;
        statistics.increment(Counter.CHALLENGE_ACKS);
        ackNow = true;
    }

    // =====================================================================================================
    // Receive-buffer auto-tuning
    // =====================================================================================================

    /** The receiver's RTT from echoed timestamps (RFC 7323 section 4), smoothed by 1/8 as Linux's rcv_rtt. */
    private void sampleReceiverRtt(long now, int tsEcr) {
        long sample = timestampSample(now, tsEcr);
        if (sample < 0) {
            return;
        }
        sample = Math.max(NANOS_PER_TIMESTAMP_TICK, sample);
        receiverRttNanos = receiverRttNanos == 0 ? sample : receiverRttNanos + (sample - receiverRttNanos) / 8;
        receiverMinRttNanos = receiverMinRttNanos == 0 ? sample : Math.min(receiverMinRttNanos, sample);
    }

    /**
     * Dynamic right-sizing, as Linux's {@code tcp_rcv_space_adjust}: once per receiver RTT, measure what the
     * application read during it; if that beat the best round so far, let the buffer hold twice that plus
     * sixteen segments, plus twice the growth (so a sender in slow start is not capped), up to the maximum.
     */
    private void tuneReceiveBuffer(long now) {
        if (!config.receiveBufferAutoTuning() || receiveBufferLimit >= config.maxReceiveBufferSize()) {
            return;
        }
        long rttNanos = receiverRttNanos > 0 ? receiverRttNanos : rtt.srttNanos();
        if (rttNanos <= 0 || now - tuneTime < rttNanos) {
            return;
        }
        long copied = receiveBuffer.readOffset() - tuneReadMark;
        if (copied > tuneSpace) {
            long target = 2 * copied + 16L * advertisedMss;
            target += 2 * target * (copied - tuneSpace) / Math.max(1, tuneSpace);
            tuneSpace = copied;
            int limit = (int) Math.min(target, config.maxReceiveBufferSize());
            if (limit > receiveBufferLimit) {
                receiveBufferLimit = limit;
            }
        }
        tuneTime = now;
        tuneReadMark = receiveBuffer.readOffset();
    }

    /** Send-buffer auto-tuning: room for twice what the windows let fly, up to the maximum. */
    private void growSendBuffer() {
        long target = 2 * Math.min(cwnd(), Math.max(maxSndWnd, smss()));
        if (target > sendBuffer.limit() && sendBuffer.limit() < config.maxSendBufferSize()) {
            sendBuffer.raiseLimit((int) Math.min(target, config.maxSendBufferSize()));
        }
    }

    // =====================================================================================================
    // Small helpers
    // =====================================================================================================

    private boolean canWrite() {
        return !finQueued && (state == TcpState.ESTABLISHED || state == TcpState.CLOSE_WAIT
                || state == TcpState.SYN_SENT || state == TcpState.SYN_RECEIVED);
    }

    /** The usual payload of a full-sized segment: the send MSS less the timestamps option (Linux's mss_cache). */
    private int smss() {
        return sendMss - (timestampsEnabled ? padded(TIMESTAMPS_LENGTH) : 0);
    }

    private long cwnd() {
        return controller != null ? controller.cwnd() : 0;
    }

    /** RFC 6675 pipe; without SACK every duplicate ACK stands for one segment that left the network. */
    private long pipe() {
        long pipe = retransmitQueue.pipe();
        if (!sackPermitted && dupAcks > 0) {
            pipe -= (long) Math.min(dupAcks, retransmitQueue.size()) * smss();
        }
        return Math.max(0, pipe);
    }

    /** RFC 5681's FlightSize: data sent and not cumulatively acknowledged. */
    private long flightSize() {
        return retransmitQueue.outstandingBytes();
    }

    /** Send window room beyond SND.NXT (an extension may widen it: MPTCP's window is the connection's). */
    private long usableWindow() {
        long own = sndUna + sndWnd - sndNxt;
        return extension == null ? own : extension.usableSendWindow(this, own);
    }

    private long dataEnd() {
        return sendBuffer.endOffset();
    }

    private long rcvNxt() {
        return receiveBuffer.inOrderEnd() + (finReceived ? 1 : 0);
    }

    private int sndSeq(long offset) {
        return iss + 1 + (int) offset;
    }

    private long sndOff(int seq) {
        return sndUna + (seq - sndSeq(sndUna));
    }

    private int rcvSeq(long offset) {
        return irs + 1 + (int) offset;
    }

    private long rcvOff(int seq) {
        long nxt = rcvNxt();
        return nxt + (seq - rcvSeq(nxt));
    }

    /**
     * The RTT an echoed timestamp gives, or -1 if the echo is absent (0) or implausible: in the future or older
     * than the largest RTO, which only a broken or hostile peer sends.
     */
    private long timestampSample(long now, int tsEcr) {
        if (tsEcr == 0) {
            return -1;
        }
        long sample = (long) (timestampNow(now) - tsEcr) * NANOS_PER_TIMESTAMP_TICK;
        return sample >= 0 && sample <= config.rtt().maxRtoNanos() ? sample : -1;
    }

    /** The timestamp clock: milliseconds plus the connection's offset (RFC 7323 section 5.4). */
    private int timestampNow(long now) {
        return (int) Math.floorDiv(now, NANOS_PER_TIMESTAMP_TICK) + timestampOffset;
    }

    /** Option bytes before padding. */
    private static int optionBytes(List<TcpOption> options) {
        int n = 0;
        for (TcpOption o : options) {
            n += o.encodedLength();
        }
        return n;
    }

    private static int padded(int optionBytes) {
        return (optionBytes + 3) & ~3;
    }

    /** Counts a segment sent; the MIB's tcpOutSegs leaves retransmissions out (RFC 4022). */
    private void countOut(boolean retransmission) {
        segmentsOut++;
        if (!retransmission) {
            statistics.increment(Counter.SEGMENTS_OUT);
        }
    }

    private void notifyOwner() {
        if (owner != null) {
            owner.onActivity(this);
        }
    }

    /**
     * Whether a new SYN may take over this connection's 4-tuple: the connection is in TIME_WAIT and the SYN's
     * sequence number is beyond everything received (RFC 9293 section 3.10.7.4 and RFC 6191).
     */
    boolean acceptsNewSynInTimeWait(TcpSegment syn) {
        return state == TcpState.TIME_WAIT && syn.has(SYN) && !syn.hasAny(ACK | RST)
                && Seq.gt((int) syn.sequenceNumber(), rcvSeq(rcvNxt()));
    }

    /** Closes without a RST and without an error: a TIME_WAIT connection whose 4-tuple a new SYN takes over. */
    void terminate() {
        enterClosed();
        notifyOwner();
    }

    @Override
    public String toString() {
        return "TcpConnection[" + local + " -> " + remote + ", " + state + ", una=" + sndUna + ", nxt=" + sndNxt
                + ", wnd=" + sndWnd + ", rcv.nxt=" + receiveBuffer.inOrderEnd() + ", cwnd=" + cwnd() + ", pipe="
                + pipe() + (inRecovery ? ", recovering" : "") + "]";
    }

    // =====================================================================================================
    // Nested types
    // =====================================================================================================

    /** The option area's fixed size, and the unpadded length of an option list. */
    /** The reusable {@link TcpExtension.SegmentPlan}. */
    private final class Plan implements TcpExtension.SegmentPlan {
        int flags;
        int seq;
        long streamOffset;
        int payloadLength;
        boolean retransmission;
        int budget;
        int reserved;
        int sackBlocks;
        /** The extension's payload cap. */
        int limit;

        void reset(int flags, int seq, long streamOffset, int payloadLength, boolean retransmission, int budget) {
            this.flags = flags;
            this.seq = seq;
            this.streamOffset = streamOffset;
            this.payloadLength = Math.max(0, payloadLength);
            this.retransmission = retransmission;
            this.budget = budget;
            this.reserved = 0;
            this.limit = Integer.MAX_VALUE;
        }

        void checkAdded(List<TcpOption> options, int before) {
            int added = optionBytes(options) - before;
            if (added > reserved) {
                throw new IllegalStateException(extension + " added " + added + " option bytes but reserved "
                        + reserved);
            }
        }

        @Override
        public int flags() {
            return flags;
        }

        @Override
        public long sequenceNumber() {
            return Seq.unsigned(seq);
        }

        @Override
        public long streamOffset() {
            return streamOffset;
        }

        @Override
        public int payloadLength() {
            return payloadLength;
        }

        @Override
        public boolean isRetransmission() {
            return retransmission;
        }

        @Override
        public int optionBudget() {
            return budget;
        }

        @Override
        public int reservedOptionSpace() {
            return reserved;
        }

        @Override
        public void reserveOptionSpace(int bytes) {
            if (bytes < 0 || bytes > budget) {
                throw new IllegalArgumentException("cannot reserve " + bytes + " option bytes of " + budget);
            }
            reserved = bytes;
        }

        @Override
        public void limitPayload(int maxBytes) {
            if (maxBytes < 0) {
                throw new IllegalArgumentException("negative payload limit: " + maxBytes);
            }
            payloadLength = Math.min(payloadLength, maxBytes);
            limit = Math.min(limit, maxBytes);
        }
    }

    /**
     * Describes a connection before it exists: its configuration and endpoints, and the values a stack
     * normally derives itself (initial sequence number, timestamp offset, congestion control, statistics).
     */
    public static final class Builder {
        private final TcpConfig config;
        private final TcpEndpoint local;
        private final TcpEndpoint remote;
        private int initialSequenceNumber;
        private int timestampOffset;
        private ConnectionCongestion congestion;
        private TcpExtension extension;
        private TcpExtension.Factory extensionFactory;
        private TcpStatistics statistics;
        private Owner owner;

        private Builder(TcpConfig config, TcpEndpoint local, TcpEndpoint remote) {
            this.config = Objects.requireNonNull(config, "config");
            this.local = Objects.requireNonNull(local, "local");
            this.remote = Objects.requireNonNull(remote, "remote");
            if (local.isIpv6() != remote.isIpv6()) {
                throw new IllegalArgumentException("endpoints of different families: " + local + ", " + remote);
            }
        }

        /** The ISS; a stack derives it per RFC 6528 ({@link InitialSequenceNumbers}). Default 0. */
        public Builder initialSequenceNumber(long iss) {
            this.initialSequenceNumber = (int) iss;
            return this;
        }

        /** The offset of the timestamp clock (RFC 7323 section 7.1). Default 0. */
        public Builder timestampOffset(int offset) {
            this.timestampOffset = offset;
            return this;
        }

        /**
         * The connection-level congestion state the subflow's controller comes from (MPTCP's coupled
         * algorithms). Default: a new one of {@link TcpConfig#congestionControl()} among the built-ins.
         */
        public Builder congestion(ConnectionCongestion congestion) {
            this.congestion = congestion;
            return this;
        }

        /** The extension to run on the connection. */
        public Builder extension(TcpExtension extension) {
            this.extension = extension;
            return this;
        }

        /** For {@link #accept}: makes the extension from the connection and the SYN. */
        public Builder extensionFactory(TcpExtension.Factory factory) {
            this.extensionFactory = factory;
            return this;
        }

        /** Where to count events; default a private {@link TcpStatistics}. */
        public Builder statistics(TcpStatistics statistics) {
            this.statistics = statistics;
            return this;
        }

        Builder owner(Owner owner) {
            this.owner = owner;
            return this;
        }

        /** Active open (RFC 9293 section 3.10.1): the connection is in SYN_SENT with its SYN due. */
        public TcpConnection connect(long now) {
            TcpConnection c = new TcpConnection(this, now, false);
            c.owner = owner;
            c.statistics.increment(Counter.ACTIVE_OPENS);
            c.state = TcpState.SYN_SENT;
            c.synDue = true;
            if (c.extension != null) {
                c.extension.onStateChanged(c, TcpState.CLOSED, TcpState.SYN_SENT);
            }
            return c;
        }

        /**
         * Passive open from a listener (RFC 9293 section 3.10.7.2): the connection is in SYN_RECEIVED with its
         * SYN-ACK due. Check before calling that {@code syn} is a SYN without ACK or RST; the extension, if any,
         * may have closed the connection already (it refused the SYN, and a RST is due).
         *
         * @throws IllegalArgumentException if {@code syn} is not such a SYN
         */
        public TcpConnection accept(long now, TcpSegment syn) {
            if (!syn.has(SYN) || syn.hasAny(ACK | RST)) {
                throw new IllegalArgumentException("not a connection request: " + syn);
            }
            TcpConnection c = new TcpConnection(this, now, true);
            c.owner = owner;
            c.statistics.increment(Counter.PASSIVE_OPENS);
            c.irs = (int) syn.sequenceNumber();
            c.readPeerSynOptions(now, syn);
            c.negotiate();
            c.updateSendWindow(syn.window(), c.irs, c.iss, false);
            c.lastAckSent = c.rcvSeq(0);
            c.state = TcpState.SYN_RECEIVED;
            c.synDue = true;
            if (extensionFactory != null) {
                c.extension = extensionFactory.create(c, syn);
            }
            if (c.extension != null) {
                c.extension.onStateChanged(c, TcpState.LISTEN, TcpState.SYN_RECEIVED);
                c.extension.onSegment(c, syn);
            }
            return c;
        }
    }
}
