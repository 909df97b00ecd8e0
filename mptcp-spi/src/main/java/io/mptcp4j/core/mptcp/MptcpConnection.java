package io.mptcp4j.core.mptcp;

import io.mptcp4j.core.cc.ConnectionCongestion;
import io.mptcp4j.core.event.FallbackReason;
import io.mptcp4j.core.event.SubflowCloseReason;
import io.mptcp4j.core.event.SubflowEvent;
import io.mptcp4j.core.pm.RemoteAddress;
import io.mptcp4j.core.sched.PacketScheduler;
import io.mptcp4j.core.sched.SchedulingContext;
import io.mptcp4j.core.sched.SubflowView;
import io.mptcp4j.core.stack.LocalLink;
import io.mptcp4j.core.tcp.SynInterceptor;
import io.mptcp4j.core.tcp.TcpConnection;
import io.mptcp4j.core.tcp.TcpConnectionException;
import io.mptcp4j.core.tcp.TcpEndpoint;
import io.mptcp4j.core.tcp.TcpState;
import io.mptcp4j.core.time.Deadlines;
import io.mptcp4j.core.wire.MpCapable;
import io.mptcp4j.core.wire.MpFail;
import io.mptcp4j.core.wire.AddAddr;
import io.mptcp4j.core.wire.MpFastclose;
import io.mptcp4j.core.wire.MpJoin;
import io.mptcp4j.core.wire.MpPrio;
import io.mptcp4j.core.wire.MpTcpRst;
import io.mptcp4j.core.wire.MptcpCrypto;
import io.mptcp4j.core.wire.MptcpOption;
import io.mptcp4j.core.wire.RemoveAddr;
import io.mptcp4j.core.wire.TcpOption;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static io.mptcp4j.core.mptcp.MptcpStatistics.Counter;
import static io.mptcp4j.core.time.Deadlines.NEVER;

/**
 * An MPTCP connection (RFC 8684): the "meta socket" the application reads and writes, over one or more TCP
 * subflows. Sans-IO like the TCP engine it runs on: it is driven through its {@link MptcpStack}, which passes
 * {@code now} in, and its application methods never block.
 *
 * <h2>What it does</h2>
 * <ul>
 *   <li>Keys, tokens and IDSNs of the MP_CAPABLE handshake (section 3.1), in both roles; HMAC-SHA256 only.</li>
 *   <li>The 64-bit data sequence space (section 3.3): the application's bytes go into a connection-level send
 *       queue, from which a {@link PacketScheduler} hands chunks to subflows, each chunk under a DSS mapping;
 *       they stay queued until a DATA_ACK covers them, so any of them can be sent again on any subflow
 *       (reinjection), which a connection-level retransmission timer does for data a subflow delivered but the
 *       peer never acknowledged at the data level.</li>
 *   <li>Data-level reassembly across subflows, a connection-level receive window announced on every subflow
 *       (section 3.3.4), a send window from DATA_ACK plus window, DATA_FIN and the close (section 3.3.3).</li>
 *   <li>DSS checksums when either side asks (section 3.3.1); MP_FAIL, the infinite mapping and fallback to TCP
 *       (section 3.7); MP_FASTCLOSE (3.5) and MP_TCPRST (3.6) both ways.</li>
 *   <li>Additional subflows with MP_JOIN in both roles, HMACs checked (section 3.2); ADD_ADDR, REMOVE_ADDR and
 *       MP_PRIO both ways (sections 3.4, 3.3.8), driven by the connection's {@link io.mptcp4j.core.pm.PathManager}
 *       ({@link ConnectionPaths}). Data of a subflow that fails, stalls or loses its link is sent again on the
 *       others at once; a subflow that comes up takes traffic at once.</li>
 * </ul>
 *
 * <p>After fallback the connection is a plain TCP connection under the same API: {@link #isFallback()} says so,
 * and bytes pass through the one subflow unchanged.
 *
 * <p>Not thread-safe: one thread drives the stack and its connections. After an application call (write, read,
 * close) the driver polls the stack for output.
 */
public final class MptcpConnection {

    /** Whether the connection speaks MPTCP yet. */
    enum Mode {
        /** The handshake has not settled it. */
        PENDING,
        /** MPTCP, with DSS options. */
        MPTCP,
        /** Plain TCP (section 3.7), for good. */
        FALLBACK
    }

    /** The floor of the connection-level retransmission timeout, as Linux's TCP_RTO_MIN. */
    private static final long MIN_RTO_NANOS = 200_000_000L;
    /** Its ceiling. */
    private static final long MAX_RTO_NANOS = 60_000_000_000L;
    /** A reinjection takes at most one mapping's worth at a time. */
    private static final int MAX_REINJECTION = SendMappings.MAX_LENGTH;
    /** Third ACKs of a join sent again before the join is given up (section 3.2). */
    private static final int MAX_JOIN_ACK_RETRIES = 5;

    private final MptcpStack stack;
    private final MptcpConfig config;
    private final boolean serverSide;
    private final MptcpStatistics statistics;
    private final PacketScheduler scheduler;
    private final Scheduling scheduling = new Scheduling();
    private final ConnectionPaths paths;
    private final List<Subflow> subflows = new ArrayList<>(2);
    private final List<SubflowView> subflowView = Collections.unmodifiableList(subflows);
    private int subflowsCreated;

    private Mode mode = Mode.PENDING;
    private FallbackReason fallbackReason;
    private MptcpState state;
    private MptcpException error;
    private boolean createdEventSent;
    private boolean fullyEstablished;

    // --- keys (section 3.1)
    private boolean hasLocalKey;
    private long localKey;
    private long localToken;
    private boolean hasRemoteKey;
    private long remoteKey;
    private long remoteToken;
    private boolean checksums;

    // --- sending
    private final DataSendQueue sendQueue;
    /** The data sequence number of our first byte: IDSN + 1, or 0 without keys. */
    private long initialSendDsn;
    /**
     * The shortest auto-tuning round: 10 ms, so the window holds twice what the application reads in 10 ms at
     * least, room for the pauses of a userspace stack (a garbage collection, a busy core) on fast short paths.
     */
    private static final long TUNING_ROUND_FLOOR_NANOS = 10_000_000L;
    /** The shortest time over which auto-tuning measures the application's pace. */
    private static final long TUNING_MEASUREMENT_NANOS = 100_000_000L;

    private long dataSndNxt;
    // Receive auto-tuning: when the current round began, the read position then, the most read in a round.
    private long tuneTime;
    private long tuneReadMark;
    private long tuneSpace;
    private boolean tuneStarted;
    private long reorderGrowthTime;
    /** The right edge of the peer's connection-level receive window (section 3.3.4). */
    private long peerWindowEdge;
    /** How much longer than the shortest a path's round trip must be for {@link #isMuchSlowerThanTheFastest}. */
    private static final long MUCH_SLOWER_NANOS = 10_000_000L;
    /** What held sending back, for {@link #sendLimitedNanos}. */
    private final SendLimitClock sendLimits = new SendLimitClock();
    private final ArrayDeque<long[]> reinjections = new ArrayDeque<>();
    /** Data below this was already sent again opportunistically ({@link #reinjectOpportunistically()}). */
    private long opportunisticMark;
    private boolean reinjected;
    private boolean outputShutdown;
    private boolean dataFinSent;
    private boolean dataFinAcked;

    // --- receiving
    private final DataReceiveBuffer receiveBuffer;
    private boolean receiveStarted;
    private long initialReceiveDsn;
    private boolean peerDataFinKnown;
    private long peerDataFinDsn;
    private boolean peerDataFinReceived;
    /** Every subflow's input ended without a DATA_FIN: nothing more can arrive (as Linux treats it). */
    private boolean subflowsEnded;
    /** The right edge of the window last announced. */
    private long announcedEdge;
    private boolean closedByApplication;

    // --- connection-level retransmission
    private long retransmitDeadline = NEVER;
    private int retransmitBackoff;
    /** After a full close, how long to wait in FIN_WAIT_2 for the peer's DATA_FIN. */
    private long closeDeadline = NEVER;

    /** The congestion state all subflows share (coupled algorithms link them through it); set at the open. */
    private ConnectionCongestion congestion;

    MptcpConnection(MptcpStack stack, MptcpConfig config, boolean serverSide) {
        this.stack = stack;
        this.config = config;
        this.serverSide = serverSide;
        this.statistics = new MptcpStatistics(stack.statistics());
        this.scheduler = config.newScheduler();
        this.paths = new ConnectionPaths(this, stack, config.newPathManager());
        this.sendQueue = new DataSendQueue(config.sendBufferSize());
        this.receiveBuffer = new DataReceiveBuffer(config.receiveBufferAutoTuning()
                ? Math.min(MptcpConfig.INITIAL_TUNED_RECEIVE_BUFFER, config.receiveBufferSize())
                : config.receiveBufferSize());
        this.state = serverSide ? MptcpState.SYN_RECEIVED : MptcpState.SYN_SENT;
    }

    // =====================================================================================================
    // Getters
    // =====================================================================================================

    public MptcpState state() {
        return state;
    }

    public MptcpConfig config() {
        return config;
    }

    /** Why the connection failed, or null if it did not (yet). */
    public MptcpException error() {
        return error;
    }

    /** Whether this side accepted the connection (the MP_CAPABLE responder). */
    public boolean isServerSide() {
        return serverSide;
    }

    /** Whether the connection runs as plain TCP (RFC 8684 section 3.7), from the start or since a fallback. */
    public boolean isFallback() {
        return mode == Mode.FALLBACK;
    }

    /** Whether DSS checksums are in use: either side asked for them (section 3.1) and MPTCP is in use. */
    /**
     * Whether the connection reports events: its {@code ConnectionCreated} went out (the keys were exchanged), so
     * a {@code ConnectionClosed} will end them. A connection that fell back at the handshake reports none.
     */
    public boolean hasEvents() {
        return createdEventSent;
    }

    /** Why the connection fell back to TCP, or null if it did not (or before the handshake decided). */
    public FallbackReason fallbackReason() {
        return fallbackReason;
    }

    public boolean isChecksumEnabled() {
        return checksums && mode == Mode.MPTCP;
    }

    /** Whether both sides know both keys and the peer confirmed MPTCP (section 3.1). */
    public boolean isFullyEstablished() {
        return fullyEstablished;
    }

    /** Whether this side has a key (it offered or accepted MP_CAPABLE). */
    public boolean hasLocalKey() {
        return hasLocalKey;
    }

    /** This side's 64-bit key; meaningful when {@link #hasLocalKey()}. */
    public long localKey() {
        return localKey;
    }

    /** This side's token (unsigned 32-bit, the peer names the connection by it in MP_JOIN), or 0. */
    public long token() {
        return localToken;
    }

    /** Whether the peer's key is known. */
    public boolean hasRemoteKey() {
        return hasRemoteKey;
    }

    /** The peer's 64-bit key; meaningful when {@link #hasRemoteKey()}. */
    public long remoteKey() {
        return remoteKey;
    }

    /** The peer's token (unsigned 32-bit), or 0 while its key is unknown. */
    public long remoteToken() {
        return remoteToken;
    }

    /** The subflows, live and read-only; the first is the initial one while it lives. */
    public List<SubflowView> subflows() {
        return subflowView;
    }

    /** This connection's counters (the stack's count them too). */
    public MptcpStatistics statistics() {
        return statistics;
    }

    /** Bytes the application can read now. */
    public int readableBytes() {
        return receiveBuffer.readable();
    }

    /** Bytes written and not yet acknowledged at the data level, unsent ones included. */
    public int bufferedSendBytes() {
        return sendQueue.length();
    }

    /** Data bytes the application wrote so far. */
    public long bytesWritten() {
        return sendQueue.end() - initialSendDsn;
    }

    /** Data bytes the peer acknowledged at the data level (DATA_ACK, or TCP ACK after fallback). */
    public long bytesAcked() {
        return sendQueue.una() - initialSendDsn;
    }

    /**
     * How long sending has been held back by {@code limit} since the connection could first send, in
     * nanoseconds: judged after every pass of the scheduler, as Linux's busy, rwnd-limited and sndbuf-limited
     * times are. After a fallback to TCP the peer's window is the subflow's own, and a full one counts as
     * {@link SendLimit#SUBFLOWS}.
     */
    public long sendLimitedNanos(SendLimit limit) {
        return sendLimits.nanos(limit, stack.now());
    }

    // --- readiness

    /** Whether {@link #read} returns something other than 0: data, end of stream, or the connection closed. */
    public boolean isReadable() {
        return receiveBuffer.readable() > 0 || isInputShutdown() || state == MptcpState.CLOSED;
    }

    /** How many bytes {@link #write} would take now: 0 when the send buffer is full or writing is over. */
    public int sendBufferFree() {
        return canWrite() ? sendQueue.free() : 0;
    }

    /** Whether {@link #write} would take a useful number of bytes. */
    public boolean isWritable() {
        return canWrite() && sendQueue.free() >= Math.min(MptcpConfig.MIN_BUFFER / 4, config.sendBufferSize());
    }

    /** Whether the handshake completed and the connection is not closed. */
    public boolean isConnected() {
        return state.isConnected();
    }

    public boolean isClosed() {
        return state == MptcpState.CLOSED;
    }

    /** Whether the application shut down output (or closed). */
    public boolean isOutputShutdown() {
        return outputShutdown;
    }

    /** Whether the peer's data stream ended: its DATA_FIN (or FIN after fallback) arrived in order. */
    public boolean isInputShutdown() {
        return peerDataFinReceived || subflowsEnded;
    }

    // =====================================================================================================
    // Application calls
    // =====================================================================================================

    /**
     * Copies bytes from {@code src} into the connection-level send buffer; they go out as the windows allow.
     * Data written before the handshake completes waits for it.
     *
     * @return the bytes taken, 0 if the buffer is full
     * @throws IllegalStateException if output was shut down or the connection is closed
     */
    public int write(ByteBuffer src) {
        if (!canWrite()) {
            if (outputShutdown) {
                throw new IllegalStateException("output is shut down (DATA_FIN queued)");
            }
            throw new IllegalStateException("connection is " + state
                    + (error != null ? ": " + error.getMessage() : ""));
        }
        int n = sendQueue.write(src);
        if (n > 0) {
            push();
        }
        return n;
    }

    /**
     * Copies readable bytes into {@code dst}.
     *
     * @return the bytes copied; 0 if none are ready; -1 at the end of the stream (the peer's DATA_FIN arrived and
     * everything before it was read) or when the connection is closed with nothing left to read
     */
    public int read(ByteBuffer dst) {
        int n = receiveBuffer.read(dst);
        if (mode == Mode.FALLBACK && dst.hasRemaining()) {
            pullFallbackBytes();
            n += receiveBuffer.read(dst);
        }
        if (n == 0) {
            return isInputShutdown() || state == MptcpState.CLOSED ? -1 : 0;
        }
        tuneReceiveBuffer();
        afterApplicationRead();
        return n;
    }

    /**
     * Dynamic right-sizing of the connection-level window, after Linux's {@code mptcp_rcv_space_adjust}: measure
     * what the application reads per round (see {@link #TUNING_ROUND_FLOOR_NANOS}); if that beat the best round
     * so far, the window may hold twice that plus sixteen segments, plus twice the growth (so a sender in slow start
     * is not held back), up to the configured buffer. Rounds follow the paths' base round trip, not the smoothed
     * one: a window sized by round trips that queueing inflated lets the sender queue ever more (with Linux's
     * rule the kernel's own connections reach its 6 MB maximum on the lab's 50 Mbit/s paths), and data it must
     * send again on another path after a failure waits behind all of it (RFC 8684 section 3.3.6 sizes the buffer
     * by the paths' rates and round trips).
     */
    private void tuneReceiveBuffer() {
        if (!config.receiveBufferAutoTuning() || receiveBuffer.limit() >= config.receiveBufferSize()) {
            return;
        }
        long now = stack.now();
        long rtt = 0;
        int mss = 0;
        for (Subflow s : subflows) {
            if (s.tcp() != null && s.tcp().isConnected()) {
                rtt = Math.max(rtt, s.tcp().receiverMinRttNanos());
                mss = Math.max(mss, s.tcp().sendMss());
            }
        }
        rtt = rtt <= 0 ? 0 : Math.max(rtt, TUNING_ROUND_FLOOR_NANOS);
        if (rtt <= 0 || now - tuneTime < Math.max(rtt, TUNING_MEASUREMENT_NANOS)) {
            return;
        }
        // What the application read, as a rate over at least 100 ms scaled to one round: an application that
        // paused and then took its backlog at once, or a hole filled by a reinjection, reads faster than any path.
        long copied = (receiveBuffer.readDsn() - tuneReadMark) * rtt / (now - tuneTime);
        if (!tuneStarted) {
            // As if the rounds so far had read half the window: growth is measured from what it holds already.
            tuneSpace = receiveBuffer.limit() / 2;
        } else if (copied > tuneSpace) {
            long target = 2 * copied + 16L * mss;
            target += 2 * target * (copied - tuneSpace) / Math.max(1, tuneSpace);
            tuneSpace = copied;
            receiveBuffer.raiseLimit((int) Math.min(target, config.receiveBufferSize()));
        }
        tuneStarted = true;
        tuneTime = now;
        tuneReadMark = receiveBuffer.readDsn();
    }

    /**
     * Half-close (RFC 8684 section 3.3.3): a DATA_FIN follows the queued data; once it is acknowledged the
     * subflows send their FINs. After fallback, the subflow's FIN. Harmless if already shut down.
     */
    public void shutdownOutput() {
        if (outputShutdown || state == MptcpState.CLOSED) {
            return;
        }
        outputShutdown = true;
        if (state == MptcpState.ESTABLISHED) {
            setState(MptcpState.FIN_WAIT_1);
        } else if (state == MptcpState.CLOSE_WAIT) {
            setState(MptcpState.LAST_ACK);
        }
        // Before the handshake completes, the data written so far and the DATA_FIN wait for it.
        push();
    }

    /**
     * Graceful close: shuts down output and stops reading. With received data still unread, the connection is
     * aborted instead (MP_FASTCLOSE), as Linux does; data arriving after the close aborts it too.
     */
    public void close() {
        if (state == MptcpState.CLOSED) {
            return;
        }
        if (receiveBuffer.readable() > 0 || mode == Mode.FALLBACK && fallbackBytesWaiting()) {
            abort();
            return;
        }
        closedByApplication = true;
        shutdownOutput();
        armCloseTimer();
    }

    private void armCloseTimer() {
        if (closedByApplication && state == MptcpState.FIN_WAIT_2 && closeDeadline == NEVER) {
            closeDeadline = Deadlines.after(stack.now(), config.subflowConfig().finWait2TimeoutNanos());
            stack.timerChanged(this);
        }
    }

    /**
     * Closes the connection at once: MP_FASTCLOSE on a RST on every subflow (RFC 8684 section 3.5), or a plain RST
     * after fallback. Queued data is discarded.
     */
    public void abort() {
        if (state == MptcpState.CLOSED) {
            return;
        }
        fail(new MptcpException(MptcpException.Reason.ABORTED, "connection aborted"), fastcloseOptions());
    }

    /**
     * Resets one subflow with MP_TCPRST and this reason (RFC 8684 section 3.6; the {@code REASON_} constants of
     * {@link MpTcpRst}). Its unacknowledged data moves to the other subflows; resetting the last subflow ends the
     * connection.
     *
     * @throws IllegalArgumentException if {@code subflow} is not one of this connection's
     */
    public void resetSubflow(SubflowView subflow, int reason) {
        if (!(subflow instanceof Subflow s) || !subflows.contains(s)) {
            throw new IllegalArgumentException(subflow + " is not a subflow of this connection");
        }
        List<TcpOption> options = mode == Mode.FALLBACK ? List.of() : List.of(new MpTcpRst(false, reason));
        if (subflows.size() == 1) {
            fail(new MptcpException(MptcpException.Reason.ABORTED, "the last subflow was reset locally (reason "
                    + resetReasonName(reason) + ")"), options);
            return;
        }
        s.reset(options);
    }

    /**
     * Marks a subflow as a backup path or a regular one (RFC 8684 section 3.3.8): this side's scheduler uses it
     * only when no regular subflow works, and the peer is asked to do the same with MP_PRIO.
     *
     * @throws IllegalArgumentException if {@code subflow} is not one of this connection's
     */
    public void setBackup(SubflowView subflow, boolean backup) {
        if (!(subflow instanceof Subflow s) || !subflows.contains(s)) {
            throw new IllegalArgumentException(subflow + " is not a subflow of this connection");
        }
        setBackup(s, backup);
    }

    /** The peer's addresses this connection knows: id 0 (the initial one) and those it announced. */
    public List<RemoteAddress> remoteAddresses() {
        return paths.remoteAddresses();
    }

    // =====================================================================================================
    // Timers (driven by the stack)
    // =====================================================================================================

    /** The earliest connection-level deadline (retransmission, close), or {@link Deadlines#NEVER}. */
    long nextTimeout() {
        long next = Deadlines.earliest(retransmitDeadline, closeDeadline);
        for (Subflow s : subflows) {
            next = Deadlines.earliest(next, s.joinAckDeadline);
        }
        return Deadlines.earliest(next, paths.nextTimeout());
    }

    /** Runs the connection-level timers that are due; calling it early is harmless. */
    void handleTimeout(long now) {
        if (Deadlines.isDue(closeDeadline, now)) {
            // The application closed and the peer never sent its DATA_FIN: give up waiting, as TCP's FIN_WAIT_2
            // timeout and Linux's MPTCP close timeout do.
            closeDeadline = NEVER;
            enterClosed(null);
            return;
        }
        if (Deadlines.isDue(retransmitDeadline, now)) {
            retransmitDeadline = NEVER;
            onRetransmissionTimeout();
        }
        for (Subflow s : List.copyOf(subflows)) {
            if (Deadlines.isDue(s.joinAckDeadline, now)) {
                resendJoinAck(s);
            }
        }
        if (state != MptcpState.CLOSED) {
            paths.handleTimeout(now);
        }
    }

    /**
     * The connection-level retransmission timer (as Linux's {@code mptcp_retransmit_timer}): the DATA_ACK has not
     * moved for a while. Data a subflow still has in flight is left to its own retransmissions; data a subflow
     * delivered, or that sits on a subflow that is gone, is sent again (reinjected); an unacknowledged DATA_FIN
     * is repeated.
     */
    private void onRetransmissionTimeout() {
        if (mode != Mode.MPTCP || state == MptcpState.CLOSED) {
            return;
        }
        long una = sendQueue.una();
        if (DataSequence.before(una, dataSndNxt)) {
            // The peer acknowledges a mapping only once all of it arrived (with checksums, once verified).
            Subflow carrier = carrierOf(una);
            SendMapping m = carrier == null ? null : mappingOn(carrier, una);
            // Data on a stale subflow is not "in flight": its path looks dead.
            boolean inFlightOnSubflow = m != null && carrier.tcp().bytesAcked() < m.end()
                    && !carrier.tcp().isClosed() && !carrier.isStale() && !carrier.isLinkDown();
            if (!inFlightOnSubflow) {
                reinject(una, (int) Math.min(MAX_REINJECTION, dataSndNxt - una));
                retransmitBackoff++;
                push();
            }
        } else if (dataFinSent && !dataFinAcked) {
            retransmitBackoff++;
            for (Subflow s : subflows) {
                s.tcp().requestAck();
            }
        }
        armRetransmit();
    }

    private void armRetransmit() {
        boolean outstanding = DataSequence.before(sendQueue.una(), dataSndNxt) || dataFinSent && !dataFinAcked;
        if (mode != Mode.MPTCP || !outstanding || state == MptcpState.CLOSED) {
            retransmitDeadline = NEVER;
            return;
        }
        if (retransmitDeadline == NEVER) {
            long rto = MIN_RTO_NANOS;
            for (Subflow s : subflows) {
                rto = Math.max(rto, s.tcp().rttStats().rtoNanos());
            }
            for (int i = 0; i < retransmitBackoff && rto < MAX_RTO_NANOS; i++) {
                rto *= 2;
            }
            retransmitDeadline = Deadlines.after(stack.now(), Math.min(rto, MAX_RTO_NANOS));
            stack.timerChanged(this);
        }
    }

    // =====================================================================================================
    // The handshake (section 3.1), called by the initial subflow
    // =====================================================================================================

    /** The client's MP_CAPABLE for its SYN, or null when it does not try MPTCP. */
    MpCapable synOption() {
        return hasLocalKey && mode != Mode.FALLBACK ? MpCapable.syn(capableFlags(config.checksums())) : null;
    }

    /** The server's MP_CAPABLE for its SYN-ACK, or null for a plain TCP connection. */
    MpCapable synAckOption() {
        return mode == Mode.PENDING && hasLocalKey ? MpCapable.synAck(capableFlags(checksums), localKey) : null;
    }

    /** The client's MP_CAPABLE with both keys: the third ACK, or with the first data's data-level length. */
    MpCapable thirdAckOption(int dataLevelLength, boolean withData, int checksum) {
        int flags = capableFlags(checksums);
        if (!withData) {
            return MpCapable.ack(flags, localKey, remoteKey);
        }
        return checksums ? MpCapable.ackWithData(flags, localKey, remoteKey, dataLevelLength, checksum)
                : MpCapable.ackWithData(flags, localKey, remoteKey, dataLevelLength);
    }

    private static int capableFlags(boolean checksum) {
        return MpCapable.FLAG_HMAC_SHA256 | (checksum ? MpCapable.FLAG_CHECKSUM_REQUIRED : 0);
    }

    /** The client side: a key before the SYN goes out. */
    void startClient(Subflow initial) {
        addSubflow(initial);
        newLocalKey();
    }

    void addSubflow(Subflow s) {
        subflows.add(s);
        subflowsCreated++;
    }

    /** Sets the congestion state the subflows share: before the first subflow's TCP connection exists. */
    void congestion(ConnectionCongestion shared) {
        this.congestion = shared;
    }

    /** The congestion state the subflows share (null before it is set: each subflow would get its own). */
    ConnectionCongestion congestion() {
        return congestion;
    }

    private void newLocalKey() {
        localKey = stack.registerNewKey(this);
        localToken = MptcpCrypto.token(localKey);
        hasLocalKey = true;
        initialSendDsn = MptcpCrypto.idsn(localKey) + 1;
        sendQueue.start(initialSendDsn);
        dataSndNxt = initialSendDsn;
        opportunisticMark = initialSendDsn;
    }

    /** The server got a SYN: MP_CAPABLE with HMAC-SHA256 starts MPTCP, anything else is plain TCP. */
    void onSyn(Subflow s, MpCapable option) {
        if (isUsable(option)) {
            count(Counter.MP_CAPABLE_SYN_RX);
            newLocalKey();
            checksums = config.checksums() || option.checksumRequired();
            return;
        }
        if (option != null) {
            count(Counter.IGNORED_OPTIONS);
        }
        if (config.fallbackPolicy() == FallbackPolicy.REFUSE) {
            fail(new MptcpException(MptcpException.Reason.FALLBACK_REFUSED, "the peer " + s.tcp().remote()
                    + " did not offer MPTCP v1 with HMAC-SHA256, and fallback is refused"), List.of());
            return;
        }
        // Plain TCP from the start: no keys, no events, data sequence numbers counted from 0.
        mode = Mode.FALLBACK;
        fallbackReason = FallbackReason.PEER_NOT_MPTCP;
        startSequenceSpaces(0, 0);
        s.enterFallback(0);
    }

    /** The client got the SYN-ACK. */
    void onSynAck(Subflow s, MpCapable option) {
        if (mode != Mode.PENDING) {
            return;
        }
        if (!isUsable(option)) {
            if (option != null) {
                count(Counter.IGNORED_OPTIONS);
            }
            count(Counter.MP_CAPABLE_FALLBACK_SYNACK);
            fallBack(s, FallbackReason.SYN_ACK_WITHOUT_MP_CAPABLE);
            return;
        }
        count(Counter.MP_CAPABLE_SYNACK_RX);
        checksums = config.checksums() || option.checksumRequired();
        learnRemoteKey(option.senderKey());
        mode = Mode.MPTCP;
        createdEventSent = true;
        stack.emit(new SubflowEvent.ConnectionCreated(localToken, stack.now(), address(s.tcp().local()),
                address(s.tcp().remote()), false));
    }

    /** The server got the ACK that completes the handshake: it must carry MP_CAPABLE with our key. */
    void onThirdAck(Subflow s, MpCapable option) {
        if (mode != Mode.PENDING) {
            return;
        }
        if (option == null || !isOwnKey(option.receiverKey()) || option.extensibility() || !option.hmacSha256()) {
            if (option != null) {
                count(Counter.IGNORED_OPTIONS);
            }
            count(Counter.MP_CAPABLE_FALLBACK_ACK);
            fallBack(s, FallbackReason.ACK_WITHOUT_MP_CAPABLE);
            return;
        }
        count(Counter.MP_CAPABLE_ACK_RX);
        learnRemoteKey(option.senderKey());
        mode = Mode.MPTCP;
        fullyEstablished = true;
        createdEventSent = true;
        InetSocketAddress local = address(s.tcp().local());
        InetSocketAddress remote = address(s.tcp().remote());
        stack.emit(new SubflowEvent.ConnectionCreated(localToken, stack.now(), local, remote, true));
        stack.emit(new SubflowEvent.ConnectionEstablished(localToken, stack.now(), local, remote, true));
        peerWindowEdge = sendQueue.una() + s.tcp().sendWindow();
        paths.onEstablished();
    }

    /** The client got the server's first DSS: the connection is confirmed (section 3.1). */
    void onFullyEstablished(Subflow s) {
        if (fullyEstablished) {
            return;
        }
        fullyEstablished = true;
        stack.emit(new SubflowEvent.ConnectionEstablished(localToken, stack.now(), address(s.tcp().local()),
                address(s.tcp().remote()), false));
        paths.onEstablished();
    }

    private static boolean isUsable(MpCapable option) {
        // Section 3.1: B set means an extension we do not know; H is the one algorithm we speak.
        return option != null && !option.extensibility() && option.hmacSha256();
    }

    boolean isOwnKey(long key) {
        return hasLocalKey && key == localKey;
    }

    private void learnRemoteKey(long key) {
        remoteKey = key;
        remoteToken = MptcpCrypto.token(key);
        hasRemoteKey = true;
        startSequenceSpaces(sendQueue.una(), MptcpCrypto.idsn(key) + 1);
    }

    private void startSequenceSpaces(long send, long receive) {
        if (!hasLocalKey) {
            sendQueue.start(send);
            dataSndNxt = send;
            opportunisticMark = send;
        }
        if (!receiveStarted) {
            receiveBuffer.start(receive);
            initialReceiveDsn = receive;
            announcedEdge = receiveBuffer.rightEdge();
            receiveStarted = true;
        }
    }

    /** The data sequence number of the peer's first byte (its IDSN + 1, or 0 without keys). */
    long initialReceiveDsn() {
        return initialReceiveDsn;
    }


    // =====================================================================================================
    // Fallback (section 3.7)
    // =====================================================================================================

    /**
     * Continues as plain TCP on {@code s}, if the connection may: a single subflow so far, every byte sent once
     * (no reinjection) and nothing held out of order, so both byte streams still map one to one onto the data
     * sequence space. Otherwise the subflow is reset (MP_TCPRST). {@link FallbackPolicy#REFUSE} resets instead.
     *
     * @return whether the connection fell back (or already had)
     */
    boolean fallBack(Subflow s, FallbackReason reason) {
        if (mode == Mode.FALLBACK) {
            return true;
        }
        if (config.fallbackPolicy() == FallbackPolicy.REFUSE) {
            fail(new MptcpException(MptcpException.Reason.FALLBACK_REFUSED, "MPTCP is required but the connection"
                    + " would fall back to TCP (" + reason + ")"), resetOptions(MpTcpRst.REASON_MPTCP_ERROR));
            return false;
        }
        if (!infiniteFallbackAllowed()) {
            resetSubflowOrFail(s, MpTcpRst.REASON_MPTCP_ERROR, List.of(), "cannot fall back to TCP (" + reason
                    + ") with several subflows or reinjected data");
            return false;
        }
        mode = Mode.FALLBACK;
        fallbackReason = reason;
        count(Counter.FALLBACKS);
        if (reason == FallbackReason.DATA_WITHOUT_MAPPING || reason == FallbackReason.DSS_MISSING_BEFORE_CONFIRMED) {
            count(Counter.DSS_FALLBACK);
        }
        startSequenceSpaces(0, 0);
        // As plain TCP the subflow's own window (auto-tuned by the engine) governs; the connection's buffer only
        // stages its bytes for the application, at its full size.
        receiveBuffer.raiseLimit(config.receiveBufferSize());
        s.enterFallback(dataSndNxt);
        reinjections.clear();
        retransmitDeadline = NEVER;
        stack.emit(new SubflowEvent.Fallback(localToken, stack.now(), address(s.tcp().local()),
                address(s.tcp().remote()), reason));
        if (dataFinSent && !dataFinAcked) {
            // The DATA_FIN was not acknowledged: TCP's FIN carries the end of the stream now.
            dataFinSent = false;
        }
        return true;
    }

    private boolean infiniteFallbackAllowed() {
        return subflowsCreated == 1 && !reinjected && !receiveBuffer.hasOutOfOrder();
    }

    /** The peer sent MP_FAIL: its checksum of our data failed (section 3.7). */
    void onMpFail(Subflow s, long dsn) {
        count(Counter.MP_FAIL_RX);
        if (s.hasSentMpFail()) {
            return; // the answer to ours
        }
        if (infiniteFallbackAllowed() && config.fallbackPolicy() == FallbackPolicy.ALLOW) {
            // Answer with MP_FAIL and an infinite mapping on the next data (as Linux), then plain TCP.
            s.sendMpFail(dsn);
            s.sendInfiniteMapping();
            fallBack(s, FallbackReason.MP_FAIL_RECEIVED);
        } else {
            resetSubflowOrFail(s, MpTcpRst.REASON_MIDDLEBOX_INTERFERENCE, List.of(),
                    "the peer reported a DSS checksum failure (MP_FAIL)");
        }
    }

    /** A mapping's DSS checksum failed (sections 3.3.1 and 3.7). */
    void onChecksumFailure(Subflow s, ReceivedMapping m, ByteBuffer bytes) {
        count(Counter.DATA_CSUM_ERR);
        boolean inOrder = m.dsn() == receiveBuffer.rcvNxt();
        if (inOrder && infiniteFallbackAllowed() && config.fallbackPolicy() == FallbackPolicy.ALLOW) {
            // The sole subflow: signal MP_FAIL and go on as TCP would, with the bytes as they arrived.
            count(Counter.DSS_CORRUPTION_FALLBACK);
            s.sendMpFail(m.dsn());
            deliver(m.dsn(), bytes);
            fallBack(s, FallbackReason.CHECKSUM_FAILED);
            return;
        }
        count(Counter.DSS_CORRUPTION_RESET);
        resetSubflowOrFail(s, MpTcpRst.REASON_MIDDLEBOX_INTERFERENCE, List.of(new MpFail(m.dsn())),
                "a DSS checksum failed (middlebox interference)");
    }

    /**
     * A mapping on {@code s} contradicts an earlier one: the sole subflow falls back to TCP if it may (as Linux
     * does for its MP_CAPABLE subflow), otherwise the subflow is reset with MP_TCPRST.
     */
    void onInvalidMapping(Subflow s) {
        if (mode == Mode.MPTCP && infiniteFallbackAllowed() && config.fallbackPolicy() == FallbackPolicy.ALLOW) {
            fallBack(s, FallbackReason.INVALID_MAPPING);
        } else {
            resetSubflowOrFail(s, MpTcpRst.REASON_MPTCP_ERROR, List.of(),
                    "a DSS mapping contradicts an earlier one for the same bytes");
        }
    }

    /**
     * After fallback, the peer still sent a DSS mapping that contradicts the pass-through: it never fell back, and
     * the two byte streams no longer map one to one. The connection ends with a RST rather than deliver wrong
     * bytes (section 3.7).
     */
    void failFallbackMismatch(Subflow s) {
        fail(new MptcpException(MptcpException.Reason.PROTOCOL_ERROR, "the peer " + s.tcp().remote()
                + " still maps its data after this side fell back to TCP; reset rather than deliver wrong bytes"),
                List.of());
    }

    private void resetSubflowOrFail(Subflow s, int reason, List<TcpOption> extra, String what) {
        List<TcpOption> options = new ArrayList<>(extra);
        options.add(new MpTcpRst(false, reason));
        if (subflows.size() <= 1) {
            fail(new MptcpException(MptcpException.Reason.PROTOCOL_ERROR, what + "; reset the last subflow"),
                    options);
        } else {
            s.reset(options);
        }
    }

    // =====================================================================================================
    // Sending
    // =====================================================================================================

    Mode mode() {
        return mode;
    }

    boolean checksums() {
        return checksums;
    }

    /** The data sequence number the next new byte gets (DATA_ACKs are widened against it). */
    long dataSendNext() {
        return dataSndNxt;
    }

    /** The DATA_ACK to send: everything received in order, plus the DATA_FIN once it arrived. */
    long dataAck() {
        return receiveBuffer.rcvNxt() + (peerDataFinReceived ? 1 : 0);
    }

    /** Whether our DATA_FIN went out: every byte of ours is mapped, and the peer may be closing. */
    boolean hasSentDataFin() {
        return dataFinSent;
    }

    /** The DSN of our DATA_FIN while it waits for its DATA_ACK, or null. */
    Long dataFinToSend() {
        return dataFinSent && !dataFinAcked && mode == Mode.MPTCP ? sendQueue.end() : null;
    }

    /**
     * Hands queued data to subflows: reinjections first, then new data within the peer's window, each chunk to
     * the subflow the scheduler picks; then the DATA_FIN (or the subflow's FIN after fallback).
     */
    private void push() {
        if (mode == Mode.PENDING || state == MptcpState.CLOSED) {
            return;
        }
        while (true) {
            long[] reinjection = reinjections.peek();
            long dsn;
            long available;
            if (reinjection != null) {
                long una = sendQueue.una();
                if (DataSequence.before(reinjection[0], una)) {
                    long skip = Math.min(reinjection[1], una - reinjection[0]);
                    reinjection[0] += skip;
                    reinjection[1] -= skip;
                }
                if (reinjection[1] <= 0) {
                    reinjections.poll();
                    continue;
                }
                dsn = reinjection[0];
                available = reinjection[1];
            } else {
                dsn = dataSndNxt;
                available = sendQueue.end() - dataSndNxt;
                if (mode == Mode.MPTCP) {
                    available = Math.min(available, peerWindowEdge - dataSndNxt);
                }
            }
            if (available <= 0 && reinjection == null && dataSndNxt != sendQueue.end()
                    && reinjectOpportunistically()) {
                continue;
            }
            if (available <= 0 || !scheduling.refresh()) {
                break;
            }
            SubflowView chosen = reinjection != null
                    ? scheduler.selectForReinjection(scheduling, carrierOf(dsn))
                    : scheduler.selectForData(scheduling);
            if (!(chosen instanceof Subflow s) || !scheduling.active.contains(s) || s.room() <= 0) {
                break;
            }
            int n = (int) Math.min(s.room(), SendMappings.MAX_LENGTH);
            if (n < available) {
                // Whole segments, rounded up: a mapping cut to the room an ACK freed ends in a short segment.
                n = s.segmentAlignedLength(dsn, n);
            }
            n = (int) Math.min(n, available);
            boolean mapped = checksums && mode == Mode.MPTCP;
            int written = s.send(sendQueue, dsn, n, mapped);
            if (written == 0) {
                break;
            }
            if (reinjection != null) {
                reinjection[0] += written;
                reinjection[1] -= written;
                count(Counter.RETRANSMISSIONS);
                continue;
            }
            dataSndNxt += written;
            if (mode == Mode.MPTCP) {
                for (SubflowView copy : scheduler.redundantCopies(scheduling, s)) {
                    if (copy != s && copy instanceof Subflow r && scheduling.active.contains(r) && r.room() > 0) {
                        r.send(sendQueue, dsn, Math.min(written, r.room()), mapped);
                        count(Counter.REDUNDANT_COPIES);
                    }
                }
            }
        }
        sendLimits.enter(sendLimit(), stack.now());
        sendDataFinIfDue();
        armRetransmit();
    }

    /**
     * Whether {@code s}'s path is much longer than the shortest: its minimum RTT more than twice that of another
     * active subflow, and at least {@link #MUCH_SLOWER_NANOS} more. The minimum, not the smoothed RTT: paths of
     * equal delay whose queues differ for a moment are not told apart; and the absolute margin keeps the
     * microsecond round trips of a LAN or a veth from looking twice as long as each other.
     */
    boolean isMuchSlowerThanTheFastest(Subflow s) {
        long own = s.minRttNanos();
        if (own <= 0) {
            return false;
        }
        long fastest = Long.MAX_VALUE;
        for (Subflow other : subflows) {
            long rtt = other.minRttNanos();
            if (other != s && rtt > 0 && other.isActive()) {
                fastest = Math.min(fastest, rtt);
            }
        }
        return fastest != Long.MAX_VALUE && own > 2 * fastest && own - fastest >= MUCH_SLOWER_NANOS;
    }

    /** What holds sending back once the scheduler has handed out what it could. */
    private SendLimit sendLimit() {
        if (!reinjections.isEmpty()) {
            return SendLimit.SUBFLOWS;
        }
        if (dataSndNxt == sendQueue.end()) {
            return SendLimit.APPLICATION;
        }
        return mode == Mode.MPTCP && peerWindowEdge - dataSndNxt <= 0 ? SendLimit.WINDOW : SendLimit.SUBFLOWS;
    }

    /** What the scheduler sees: the active subflows, refreshed before each decision. */
    private final class Scheduling implements SchedulingContext {
        final List<SubflowView> active = new ArrayList<>(4);
        private final List<SubflowView> view = Collections.unmodifiableList(active);

        /** Collects the active subflows; returns whether any can take data now. */
        boolean refresh() {
            active.clear();
            boolean room = false;
            for (Subflow s : subflows) {
                if (s.isActive()) {
                    active.add(s);
                    room |= s.room() > 0;
                }
            }
            return room;
        }

        @Override
        public long now() {
            return stack.now();
        }

        @Override
        public List<SubflowView> subflows() {
            return view;
        }

        @Override
        public long unsentBytes() {
            return sendQueue.end() - dataSndNxt;
        }

        @Override
        public long sendWindowRemaining() {
            return mode == Mode.MPTCP ? Math.max(0, peerWindowEdge - dataSndNxt) : Long.MAX_VALUE;
        }

        @Override
        public long sendWindow() {
            return mode == Mode.MPTCP ? Math.max(0, peerWindowEdge - sendQueue.una()) : Long.MAX_VALUE;
        }
    }

    private void sendDataFinIfDue() {
        if (!outputShutdown || dataSndNxt != sendQueue.end() || !reinjections.isEmpty()) {
            return;
        }
        if (mode == Mode.FALLBACK) {
            for (Subflow s : subflows) {
                s.tcp().shutdownOutput();
            }
            return;
        }
        if (!dataFinSent) {
            // Section 3.3.3: the DATA_FIN takes the data sequence number after the last byte; it rides on ACKs
            // of every subflow until a DATA_ACK covers it.
            dataFinSent = true;
            for (Subflow s : subflows) {
                s.tcp().requestAck();
            }
        }
    }

    /**
     * The peer's window is full and the bytes at its left edge sit on a subflow slower than one that could send:
     * the fast subflow idles until the slow one delivers them (head-of-line blocking at the receiver). Slower means
     * a smoothed RTT over twice the other's: a copy through a path of about the same delay arrives little or no
     * earlier than the original, behind that path's own queue, and only takes capacity (paths of equal delay,
     * whose queues differ at any instant, sent 16-48 such copies in each 10 s lab upload). The smoothed RTT, not
     * the path's minimum as in {@link #isMuchSlowerThanTheFastest}: what a copy saves is the queue it skips.
     * Sends them again at once, on the subflow the scheduler picks for reinjections, and reduces the slow
     * subflow's window (at most once per its round trip) so that it takes less of the window from now on: opportunistic
     * retransmission and penalisation (Raiciu et al., "How Hard Can It Be? Designing and Implementing a
     * Deployable Multipath TCP", NSDI 2012, section 4.2; RFC 8684 section 3.3.6 lets a sender resend data on any
     * subflow). Each left edge is sent again once.
     *
     * @return whether a reinjection was queued
     */
    private boolean reinjectOpportunistically() {
        if (mode != Mode.MPTCP || !scheduling.refresh()) {
            return false;
        }
        long una = sendQueue.una();
        if (DataSequence.before(una, opportunisticMark)) {
            return false;
        }
        Subflow holder = carrierOf(una);
        SendMapping mapping = holder == null ? null : mappingOn(holder, una);
        if (mapping == null || holder.smoothedRttNanos() <= 0) {
            return false;
        }
        boolean fasterHasRoom = false;
        for (SubflowView view : scheduling.active) {
            fasterHasRoom |= view instanceof Subflow s && s != holder && s.room() > 0
                    && s.isBackup() == holder.isBackup() && s.smoothedRttNanos() > 0
                    && 2 * s.smoothedRttNanos() < holder.smoothedRttNanos();
        }
        if (!fasterHasRoom) {
            return false;
        }
        long end = mapping.dsnEnd();
        opportunisticMark = end;
        reinject(una, (int) (end - una));
        count(Counter.OPPORTUNISTIC_REINJECTIONS);
        long now = stack.now();
        if (holder.lastPenalty == Long.MIN_VALUE || now - holder.lastPenalty >= holder.smoothedRttNanos()) {
            if (holder.tcp().reduceWindow(now)) {
                holder.lastPenalty = now;
            }
        }
        return true;
    }

    /** Queues data for sending again, on whichever subflow the scheduler picks. */
    private void reinject(long dsn, int length) {
        if (length <= 0) {
            return;
        }
        reinjected = true;
        reinjections.add(new long[] {dsn, length});
    }

    /** The subflow whose mappings carry {@code dsn}, the last one to get it if several did. */
    private Subflow carrierOf(long dsn) {
        Subflow found = null;
        for (Subflow s : subflows) {
            if (mappingOn(s, dsn) != null) {
                found = s;
            }
        }
        return found;
    }

    /** The most recent mapping by which {@code s} carried {@code dsn}, or null. */
    private static SendMapping mappingOn(Subflow s, long dsn) {
        SendMappings sent = s.sent;
        for (int i = sent.size() - 1; i >= 0; i--) {
            SendMapping m = sent.get(i);
            if (!DataSequence.before(dsn, m.dsn) && DataSequence.before(dsn, m.dsnEnd())) {
                return m;
            }
        }
        return null;
    }

    /** A DATA_ACK arrived (section 3.3.2), with the window of its segment, scaled (section 3.3.4). */
    void onDataAck(Subflow s, long ack, long window) {
        long highest = dataSndNxt + (dataFinSent ? 1 : 0);
        if (DataSequence.after(ack, highest) || DataSequence.before(ack, sendQueue.una())) {
            return; // beyond what was sent, or older than what is acknowledged
        }
        if (DataSequence.after(ack, sendQueue.una())) {
            sendQueue.acknowledge(DataSequence.before(ack, sendQueue.end()) ? ack : sendQueue.end());
            retransmitBackoff = 0;
            retransmitDeadline = NEVER;
        }
        peerWindowEdge = DataSequence.max(peerWindowEdge, ack + window);
        if (dataFinSent && !dataFinAcked && ack == sendQueue.end() + 1) {
            dataFinAcked = true;
            ourDataFinAcknowledged();
        }
    }

    /** After every segment a subflow accepted: acknowledgments may have freed room to send more. */
    void afterSegment(Subflow s) {
        if (mode == Mode.FALLBACK) {
            long acked = s.fallbackDataAck();
            if (DataSequence.after(acked, sendQueue.una())) {
                sendQueue.acknowledge(DataSequence.before(acked, sendQueue.end()) ? acked : sendQueue.end());
            }
        }
        s.sent.prune(s.tcp().bytesAcked(), sendQueue.una());
        push();
    }

    // =====================================================================================================
    // Receiving
    // =====================================================================================================

    /** The data sequence number expected next (32-bit DSNs are widened against it). */
    long receiveNext() {
        return receiveBuffer.rcvNxt();
    }

    /**
     * Mapped bytes of a subflow: kept if they fall in the window, counted and dropped if they were received
     * before or lie beyond it (Linux's DuplicateData and NoDSSInWindow). Consumes {@code data}.
     */
    void deliver(long dsn, ByteBuffer data) {
        int n = data.remaining();
        long rcvNxt = receiveBuffer.rcvNxt();
        long edge = receiveBuffer.rightEdge();
        if (!DataSequence.after(dsn + n, rcvNxt)) {
            count(Counter.DUPLICATE_DATA);
            data.position(data.limit());
            return;
        }
        if (!DataSequence.before(dsn, edge)) {
            count(Counter.NO_DSS_IN_WINDOW);
            data.position(data.limit());
            return;
        }
        int end = data.limit();
        if (DataSequence.before(dsn, rcvNxt)) {
            data.position(data.position() + (int) (rcvNxt - dsn));
            dsn = rcvNxt;
        }
        if (DataSequence.after(dsn + data.remaining(), edge)) {
            count(Counter.NO_DSS_IN_WINDOW);
            data.limit(data.position() + (int) (edge - dsn));
        }
        if (closedByApplication) {
            // As TCP (RFC 1122 section 4.2.2.13): data after a full close is lost; say so.
            data.limit(end).position(end);
            abort();
            return;
        }
        if (!receiveBuffer.store(dsn, data)) {
            count(Counter.OFO_QUEUE);
            growForReordering();
        }
        data.limit(end).position(end);
        checkPeerDataFin();
    }

    /**
     * Auto-tuning's second rule: bytes held beyond a gap fill more than half the window, so the paths' spread in
     * delay, not the application, is what holds the sender back; the window grows by half (at most once per
     * tuning measurement), up to the configured buffer (RFC 8684 section 3.3.6: the buffer must cover the
     * slowest path's round trip at the paths' joint rate).
     */
    private void growForReordering() {
        if (!config.receiveBufferAutoTuning() || receiveBuffer.limit() >= config.receiveBufferSize()
                || receiveBuffer.outOfOrderBytes() <= receiveBuffer.limit() / 2) {
            return;
        }
        long now = stack.now();
        if (reorderGrowthTime != 0 && now - reorderGrowthTime < TUNING_MEASUREMENT_NANOS) {
            return;
        }
        reorderGrowthTime = now;
        receiveBuffer.raiseLimit((int) Math.min((long) receiveBuffer.limit() * 3 / 2, config.receiveBufferSize()));
    }

    /**
     * After fallback: bytes of the subflow stream in order, taken as far as the connection-level buffer has room;
     * the rest stays in the subflow's buffer, whose window then closes. Returns how many were taken.
     */
    int receivePassThrough(long dsn, ByteBuffer data) {
        if (dsn != receiveBuffer.rcvNxt()) {
            throw new IllegalStateException("fallback data at DSN " + Long.toUnsignedString(dsn) + " while "
                    + Long.toUnsignedString(receiveBuffer.rcvNxt()) + " is expected");
        }
        if (closedByApplication) {
            data.position(data.limit());
            abort();
            return 0;
        }
        long room = receiveBuffer.rightEdge() - receiveBuffer.rcvNxt();
        int n = (int) Math.min(room, data.remaining());
        if (n > 0) {
            int end = data.limit();
            data.limit(data.position() + n);
            receiveBuffer.store(dsn, data);
            data.limit(end);
        }
        return n;
    }

    /** Takes what the subflow buffered while the connection-level buffer was full (fallback only). */
    private void pullFallbackBytes() {
        if (subflows.isEmpty()) {
            return;
        }
        TcpConnection tcp = subflows.get(0).tcp();
        long room = receiveBuffer.rightEdge() - receiveBuffer.rcvNxt();
        if (room <= 0 || tcp.readableBytes() == 0) {
            return;
        }
        ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(room, tcp.readableBytes()));
        int n = tcp.read(chunk);
        if (n > 0) {
            chunk.flip();
            subflows.get(0).advanceConsumed(n);
            receiveBuffer.store(receiveBuffer.rcvNxt(), chunk);
        }
        fallbackProgress(subflows.get(0));
    }

    private boolean fallbackBytesWaiting() {
        return !subflows.isEmpty() && subflows.get(0).tcp().readableBytes() > 0;
    }

    /** The peer's DATA_FIN has this data sequence number (section 3.3.3). */
    void onPeerDataFin(long dsn) {
        if (peerDataFinReceived) {
            if (dsn + 1 == dataAck()) {
                // A repeated DATA_FIN: our DATA_ACK was lost; send it again.
                requestAckOnAll();
            }
            return;
        }
        if (!peerDataFinKnown) {
            peerDataFinKnown = true;
            peerDataFinDsn = dsn;
        }
        checkPeerDataFin();
    }

    private void checkPeerDataFin() {
        if (!peerDataFinKnown || peerDataFinReceived || receiveBuffer.rcvNxt() != peerDataFinDsn) {
            return;
        }
        peerDataFinReceived = true;
        requestAckOnAll();
        peerStreamEnded();
    }

    /** The connection-level receive buffer's current size: the configured one, or where auto-tuning got. */
    int receiveBufferLimit() {
        return receiveBuffer.limit();
    }

    /** The right edge of the connection-level receive window: what the window a DATA_ACK carries reaches. */
    long receiveRightEdge() {
        return receiveBuffer.rightEdge();
    }

    /** The window to announce on every subflow: the connection's (section 3.3.4), never more than the subflow's. */
    long advertisedWindow(long subflowWindow) {
        if (!receiveStarted) {
            return subflowWindow;
        }
        long window = Math.max(0, receiveBuffer.rightEdge() - dataAck());
        long announced = Math.min(window, subflowWindow);
        announcedEdge = DataSequence.max(announcedEdge, dataAck() + announced);
        return announced;
    }

    /** After the application read: announce a window that doubled from a small one (as TCP does). */
    private void afterApplicationRead() {
        if (isInputShutdown() || state == MptcpState.CLOSED) {
            return;
        }
        long current = Math.max(0, announcedEdge - dataAck());
        long possible = Math.max(0, receiveBuffer.rightEdge() - dataAck());
        if (2 * current <= receiveBuffer.limit() && possible >= 2 * current + 1) {
            for (Subflow s : subflows) {
                if (s.tcp().isConnected()) {
                    s.tcp().requestAck();
                    return;
                }
            }
        }
    }

    private void requestAckOnAll() {
        for (Subflow s : subflows) {
            s.tcp().requestAck();
        }
    }

    // =====================================================================================================
    // Closing
    // =====================================================================================================

    /** Our DATA_FIN (or FIN after fallback) was acknowledged. */
    private void ourDataFinAcknowledged() {
        if (mode == Mode.MPTCP) {
            // Section 3.3.3: then the subflows close their sending side with FINs. A copy: a subflow's FIN can
            // end it (its peer's FIN came first) and take it off the list.
            for (Subflow s : List.copyOf(subflows)) {
                s.tcp().shutdownOutput();
            }
        }
        switch (state) {
            case FIN_WAIT_1 -> {
                setState(MptcpState.FIN_WAIT_2);
                armCloseTimer();
            }
            case CLOSING, LAST_ACK -> enterClosed(null);
            default -> {
            }
        }
    }

    /** The peer's stream ended in order: its DATA_FIN, its FIN after fallback, or every subflow's FIN. */
    private void peerStreamEnded() {
        switch (state) {
            case ESTABLISHED -> setState(MptcpState.CLOSE_WAIT);
            case FIN_WAIT_1 -> setState(MptcpState.CLOSING);
            case FIN_WAIT_2 -> enterClosed(null);
            default -> {
            }
        }
    }

    private void setState(MptcpState next) {
        state = next;
    }

    /** Ends the connection: orderly ({@code failure} null) closes the subflows, else they were reset already. */
    private void enterClosed(MptcpException failure) {
        if (state == MptcpState.CLOSED) {
            return;
        }
        if (failure != null && error == null) {
            error = failure;
        }
        setState(MptcpState.CLOSED);
        retransmitDeadline = NEVER;
        closeDeadline = NEVER;
        reinjections.clear();
        if (failure == null) {
            for (Subflow s : List.copyOf(subflows)) {
                s.tcp().close();
            }
        }
        stack.connectionClosed(this);
        if (createdEventSent) {
            stack.emit(new SubflowEvent.ConnectionClosed(localToken, stack.now(),
                    failure == null ? null : failure.getMessage()));
        }
    }

    /** Fails the connection and resets every subflow with {@code options} (except one the peer is resetting). */
    private void fail(MptcpException failure, List<TcpOption> options) {
        if (state == MptcpState.CLOSED) {
            return;
        }
        if (error == null) {
            error = failure;
        }
        List<Subflow> all = List.copyOf(subflows);
        enterClosed(failure);
        for (Subflow s : all) {
            s.reset(mode == Mode.FALLBACK ? List.of() : options);
        }
    }

    private List<TcpOption> fastcloseOptions() {
        if (mode != Mode.MPTCP || !hasRemoteKey) {
            return List.of();
        }
        return List.of(new MpFastclose(remoteKey), new MpTcpRst(false, MpTcpRst.REASON_UNSPECIFIED));
    }

    private List<TcpOption> resetOptions(int reason) {
        return mode == Mode.MPTCP ? List.of(new MpTcpRst(false, reason)) : List.of();
    }

    /** MP_FASTCLOSE arrived (section 3.5): with our key it closes everything at once. */
    void onFastclose(Subflow s, long receiverKey) {
        if (!isOwnKey(receiverKey)) {
            count(Counter.IGNORED_OPTIONS);
            return;
        }
        count(Counter.MP_FASTCLOSE_RX);
        MptcpException failure = new MptcpException(MptcpException.Reason.FASTCLOSED_BY_PEER,
                "the peer " + s.tcp().remote() + " closed the connection abruptly (MP_FASTCLOSE)");
        // On an ACK the peer waits for our RSTs on every subflow; the subflow a RST came on is not answered.
        fail(failure, List.of());
    }

    /** A subflow's TCP state changed. */
    void onSubflowStateChanged(Subflow s, TcpState from, TcpState to) {
        if (to == TcpState.ESTABLISHED && (from == TcpState.SYN_SENT || from == TcpState.SYN_RECEIVED)) {
            onSubflowEstablished(s);
        }
        if (mode == Mode.FALLBACK && state != MptcpState.CLOSED) {
            fallbackProgress(s);
        } else if (mode == Mode.MPTCP && s.tcp() != null && s.tcp().isInputShutdown()) {
            checkSubflowsEnded();
        }
        if (to == TcpState.CLOSED) {
            onSubflowClosed(s);
        }
    }

    private void onSubflowEstablished(Subflow s) {
        if (s.isJoin()) {
            return; // usable once its MP_JOIN handshake is confirmed (section 3.2)
        }
        s.markEstablished();
        if (state == MptcpState.SYN_SENT || state == MptcpState.SYN_RECEIVED) {
            setState(outputShutdown ? MptcpState.FIN_WAIT_1 : MptcpState.ESTABLISHED);
        }
        if (mode == Mode.MPTCP && !serverSide) {
            peerWindowEdge = sendQueue.una() + s.tcp().sendWindow();
        }
        push();
    }

    /** After fallback, the subflow's FINs are the connection's. */
    private void fallbackProgress(Subflow s) {
        TcpConnection tcp = s.tcp();
        TcpState st = tcp.state();
        if (outputShutdown && !dataFinAcked && tcp.isOutputShutdown() && (st == TcpState.FIN_WAIT_2
                || st == TcpState.TIME_WAIT || st == TcpState.CLOSED && tcp.error() == null)) {
            dataFinAcked = true;
            ourDataFinAcknowledged();
        }
        if (!peerDataFinReceived && state != MptcpState.CLOSED && tcp.isInputShutdown()
                && tcp.readableBytes() == 0) {
            peerDataFinReceived = true;
            peerStreamEnded();
        }
    }

    private void checkSubflowsEnded() {
        if (peerDataFinReceived || subflowsEnded) {
            return;
        }
        for (Subflow s : subflows) {
            if (!s.tcp().isInputShutdown()) {
                return;
            }
        }
        subflowsEnded = true;
        peerStreamEnded();
    }

    private void onSubflowClosed(Subflow s) {
        boolean wasListed = subflows.remove(s);
        if (s.ownedPort() != 0) {
            stack.releasePort(s.tcp().local().address(), s.ownedPort());
            s.ownPort(0);
        }
        if (s.pinned) {
            s.pinned = false;
            stack.unpinRoute(s.tcp().local().address(), s.tcp().remote().address());
        }
        if (state == MptcpState.CLOSED || !wasListed) {
            return;
        }
        TcpConnectionException tcpError = s.tcp().error();
        if (subflows.isEmpty()) {
            enterClosed(lastSubflowFailure(s, tcpError));
            return;
        }
        if (s.wasEstablished() || !s.isPassive()) {
            // A join the peer attempted and never completed leaves no trace but counters (section 3.2).
            SubflowCloseReason reason = s.closeCause != null ? s.closeCause
                    : s.wasEstablished() ? closeReason(tcpError) : SubflowCloseReason.HANDSHAKE_FAILED;
            stack.emit(new SubflowEvent.SubflowClosed(localToken, stack.now(), address(s.tcp().local()),
                    address(s.tcp().remote()), s.localId(), s.remoteId(), s.isBackup(), reason, s.resetReason()));
        }
        reinjectOutstanding(s);
        paths.onSubflowClosed(s);
        push();
    }

    /** Queues for sending again everything {@code s} carried that the peer has not acknowledged at the data level. */
    private void reinjectOutstanding(Subflow s) {
        for (int i = 0; i < s.sent.size(); i++) {
            SendMapping m = s.sent.get(i);
            if (DataSequence.after(m.dsnEnd(), sendQueue.una())) {
                long from = DataSequence.max(m.dsn, sendQueue.una());
                reinject(from, (int) (m.dsnEnd() - from));
            }
        }
    }

    private MptcpException lastSubflowFailure(Subflow s, TcpConnectionException tcpError) {
        if (tcpError == null) {
            return new MptcpException(MptcpException.Reason.RESET_BY_PEER, "the last subflow to " + s.tcp().remote()
                    + " closed before the connection did");
        }
        return switch (tcpError.reason()) {
            case REFUSED -> new MptcpException(MptcpException.Reason.REFUSED, tcpError.getMessage());
            case TIMEOUT -> new MptcpException(MptcpException.Reason.TIMEOUT, tcpError.getMessage());
            case RESET_BY_PEER -> new MptcpException(MptcpException.Reason.RESET_BY_PEER,
                    s.resetReason() >= 0 ? tcpError.getMessage() + " with MP_TCPRST reason "
                            + resetReasonName(s.resetReason()) : tcpError.getMessage());
            case ABORTED -> new MptcpException(MptcpException.Reason.ABORTED, tcpError.getMessage());
        };
    }

    private static SubflowCloseReason closeReason(TcpConnectionException e) {
        if (e == null) {
            return SubflowCloseReason.CLOSED;
        }
        return switch (e.reason()) {
            case REFUSED -> SubflowCloseReason.HANDSHAKE_FAILED;
            case RESET_BY_PEER -> SubflowCloseReason.RESET_BY_PEER;
            case TIMEOUT -> SubflowCloseReason.TIMEOUT;
            case ABORTED -> SubflowCloseReason.RESET_LOCALLY;
        };
    }

    /** An MP_TCPRST reason code with its RFC 8684 section 3.6 meaning. */
    static String resetReasonName(int reason) {
        String name = switch (reason) {
            case MpTcpRst.REASON_UNSPECIFIED -> "unspecified error";
            case MpTcpRst.REASON_MPTCP_ERROR -> "MPTCP-specific error";
            case MpTcpRst.REASON_LACK_OF_RESOURCES -> "lack of resources";
            case MpTcpRst.REASON_ADMINISTRATIVELY_PROHIBITED -> "administratively prohibited";
            case MpTcpRst.REASON_TOO_MUCH_OUTSTANDING_DATA -> "too much outstanding data";
            case MpTcpRst.REASON_UNACCEPTABLE_PERFORMANCE -> "unacceptable performance";
            case MpTcpRst.REASON_MIDDLEBOX_INTERFERENCE -> "middlebox interference";
            default -> "unassigned";
        };
        return String.format("0x%02x (%s)", reason, name);
    }

    // =====================================================================================================
    // Additional subflows: MP_JOIN (section 3.2)
    // =====================================================================================================

    /**
     * Joins can be opened or accepted: MPTCP with both keys, and data still to move in one direction or the other
     * (a half-closed connection still gains from more paths).
     */
    boolean acceptsJoins() {
        return mode == Mode.MPTCP && fullyEstablished && hasRemoteKey && state != MptcpState.CLOSED
                && !(dataFinAcked && peerDataFinReceived);
    }

    /**
     * Opens a subflow with MP_JOIN from {@code local} to {@code remote} (the path manager's request), or returns
     * null if it cannot now (see {@link io.mptcp4j.core.pm.PathContext#openSubflow}).
     */
    Subflow openJoin(InetAddress local, RemoteAddress remote, boolean backup) {
        InetSocketAddress to = remote.address();
        if (!acceptsJoins() || subflows.size() >= config.maxSubflows() || !stack.isUsable(local)
                || local.getClass() != to.getAddress().getClass()) {
            return null;
        }
        int port = stack.acquirePort(local);
        if (port < 0) {
            return null;
        }
        Subflow s = new Subflow(this, false, false, paths.localId(local), remote.id(), backup);
        s.localNonce = stack.newJoinRandom();
        s.ownPort(port);
        subflows.add(s);
        try {
            stack.tcp().connect(stack.now(), local, port, to.getAddress(), to.getPort(), config.subflowConfig(), s,
                    congestion);
        } catch (RuntimeException e) {
            subflows.remove(s);
            if (port != 0) {
                stack.releasePort(local, port);
            }
            return null;
        }
        if (port == 0) {
            s.ownPort(0);
        }
        s.pinned = true;
        stack.pinRoute(local, to.getAddress());
        subflowsCreated++;
        return s;
    }

    /**
     * A SYN with MP_JOIN for this connection's token arrived at {@code local} (section 3.2): a passive subflow is
     * opened if the connection takes joins, has room under its subflow limit, and the port is one the peer may
     * join; otherwise the SYN is answered with a RST and nothing is kept.
     */
    SynInterceptor.Decision acceptJoin(MpJoin.Syn syn, io.mptcp4j.core.tcp.TcpEndpoint local) {
        // The link of the local address is not consulted: the SYN came through it.
        if (!acceptsJoins() || subflows.size() >= config.maxSubflows() || !paths.isJoinablePort(local.port())) {
            count(Counter.MP_JOIN_REJECTED);
            return SynInterceptor.Decision.RESET;
        }
        Subflow s = new Subflow(this, false, true, paths.localId(local.address()), syn.addressId(),
                config.backupAddresses().contains(local.address()));
        s.setPeerBackup(syn.backup());
        s.remoteNonce = syn.senderRandom();
        s.localNonce = stack.newJoinRandom();
        subflows.add(s);
        subflowsCreated++;
        return SynInterceptor.Decision.accept(config.subflowConfig(), s, congestion);
    }

    /** The initiator's MP_JOIN for its SYN. */
    MpJoin.Syn joinSynOption(Subflow s) {
        return new MpJoin.Syn(s.isBackup(), s.localId(), remoteToken, s.localNonce);
    }

    /** The responder's MP_JOIN for its SYN-ACK, with the truncated HMAC of section 3.2. */
    MpJoin.SynAck joinSynAckOption(Subflow s) {
        long hmac = MptcpCrypto.synAckHmac(localKey, remoteKey, s.localNonce, s.remoteNonce);
        return new MpJoin.SynAck(s.isBackup(), s.localId(), hmac, s.localNonce);
    }

    /** The initiator got the SYN-ACK of a join: its HMAC must prove the peer knows both keys. */
    void onJoinSynAck(Subflow s, MpJoin.SynAck option) {
        if (option == null || state == MptcpState.CLOSED
                || option.truncatedHmac() != MptcpCrypto.synAckHmac(remoteKey, localKey, option.senderRandom(),
                s.localNonce)) {
            // Section 3.2: a SYN-ACK without MP_JOIN, or with a wrong HMAC, ends the subflow with a RST.
            count(Counter.MP_JOIN_SYNACK_HMAC_FAILURE);
            s.closeCause = SubflowCloseReason.HANDSHAKE_FAILED;
            s.reset(List.of(new MpTcpRst(false, MpTcpRst.REASON_MPTCP_ERROR)));
            return;
        }
        count(Counter.MP_JOIN_SYNACK_RX);
        s.remoteNonce = option.senderRandom();
        s.setRemoteId(option.addressId());
        s.setPeerBackup(option.backup());
        byte[] hmac = Arrays.copyOf(MptcpCrypto.ackHmac(localKey, remoteKey, s.localNonce, s.remoteNonce),
                MpJoin.ACK_HMAC_LENGTH);
        s.joinAckDue(hmac, Deadlines.after(stack.now(), joinAckTimeout(s, 0)));
        stack.timerChanged(this);
    }

    /** The responder got the third ACK of a join: its HMAC must match, or the subflow goes and nothing is kept. */
    void onJoinThirdAck(Subflow s, MpJoin.Ack option) {
        byte[] expected = option == null ? null
                : Arrays.copyOf(MptcpCrypto.ackHmac(remoteKey, localKey, s.remoteNonce, s.localNonce),
                MpJoin.ACK_HMAC_LENGTH);
        if (option == null || !MessageDigest.isEqual(expected, option.hmac()) || state == MptcpState.CLOSED) {
            count(Counter.MP_JOIN_ACK_HMAC_FAILURE);
            s.reset(List.of(new MpTcpRst(false, MpTcpRst.REASON_MPTCP_ERROR)));
            return;
        }
        count(Counter.MP_JOIN_ACK_RX);
        // Section 3.2: the responder acknowledges the third ACK (the "fourth ACK") so the initiator may send.
        s.tcp().requestAck();
        joinEstablished(s);
    }

    /** The initiator got the fourth ACK: the join is complete. */
    void onJoinConfirmed(Subflow s) {
        if (state != MptcpState.CLOSED) {
            joinEstablished(s);
        }
    }

    private void joinEstablished(Subflow s) {
        s.markEstablished();
        stack.emit(new SubflowEvent.SubflowEstablished(localToken, stack.now(), address(s.tcp().local()),
                address(s.tcp().remote()), s.localId(), s.remoteId(), s.isBackup()));
        paths.onSubflowEstablished(s);
        // Make-before-break: a new subflow takes data at once, reinjections first.
        push();
    }

    /** The fourth ACK did not come: the third ACK goes again, with backoff, a few times, then the subflow. */
    private void resendJoinAck(Subflow s) {
        if (!s.isJoinAckPending() || s.tcp().isClosed()) {
            s.joinAckDeadline = NEVER;
            return;
        }
        if (++s.joinAckRetries > MAX_JOIN_ACK_RETRIES) {
            s.joinAckDeadline = NEVER;
            s.closeCause = SubflowCloseReason.HANDSHAKE_FAILED;
            s.reset(List.of(new MpTcpRst(false, MpTcpRst.REASON_MPTCP_ERROR)));
            return;
        }
        s.tcp().requestAck();
        s.joinAckDeadline = Deadlines.after(stack.now(), joinAckTimeout(s, s.joinAckRetries));
        stack.timerChanged(this);
    }

    private static long joinAckTimeout(Subflow s, int retries) {
        long rto = Math.max(MIN_RTO_NANOS, s.tcp().rttStats().rtoNanos());
        return Math.min(MAX_RTO_NANOS, rto << Math.min(retries, 10));
    }

    // =====================================================================================================
    // Path management signals (sections 3.3.8, 3.4)
    // =====================================================================================================

    void onAddAddr(Subflow s, AddAddr option) {
        paths.onAddAddr(s, option);
    }

    void onRemoveAddr(Subflow s, RemoveAddr option) {
        paths.onRemoveAddr(option);
    }

    /** MP_PRIO (section 3.3.8): the peer wants this subflow used as a backup, or no longer. */
    void onMpPrio(Subflow s, boolean backup) {
        count(Counter.MP_PRIO_RX);
        if (s.isBackupRequestedByPeer() != backup) {
            s.setPeerBackup(backup);
            emitPriorityChanged(s);
            push();
        }
    }

    /** This side marks a subflow as backup or regular, and tells the peer with MP_PRIO. */
    void setBackup(Subflow s, boolean backup) {
        boolean before = s.isBackup();
        s.setLocalBackup(backup);
        if (s.tcp() != null && s.tcp().isConnected()) {
            s.signal(new MpPrio(backup));
        }
        if (before != s.isBackup()) {
            emitPriorityChanged(s);
        }
        push();
    }

    private void emitPriorityChanged(Subflow s) {
        stack.emit(new SubflowEvent.PriorityChanged(localToken, stack.now(), address(s.tcp().local()),
                address(s.tcp().remote()), s.localId(), s.remoteId(), s.isBackup()));
    }

    /** A signal left on a segment. */
    void signalSent(MptcpOption option) {
        if (option instanceof AddAddr a) {
            count(a.echo() ? Counter.ECHO_ADD_TX : Counter.ADD_ADDR_TX);
        } else if (option instanceof RemoveAddr) {
            count(Counter.RM_ADDR_TX);
        } else if (option instanceof MpPrio) {
            count(Counter.MP_PRIO_TX);
        }
    }

    /** The subflow best placed to carry a signal: active, fresh, lowest RTT; else any connected one. */
    Subflow signallingSubflow(InetAddress avoid) {
        Subflow best = null;
        for (Subflow s : subflows) {
            if (!s.isActive() || s.localAddress().equals(avoid)) {
                continue;
            }
            if (best == null || s.isStale() != best.isStale() ? !s.isStale()
                    : s.smoothedRttNanos() < best.smoothedRttNanos()) {
                best = s;
            }
        }
        return best;
    }

    // =====================================================================================================
    // Failures of paths
    // =====================================================================================================

    /**
     * A subflow's retransmission timer expired and nothing at all (not even a duplicate ACK) arrived on it for a
     * whole retransmission timeout: while another subflow is fresh, this one is marked stale and its outstanding
     * data goes out again on the others at once (break-before-make), not after its own backoff.
     */
    void onSubflowTimeout(Subflow s) {
        if (mode != Mode.MPTCP || state == MptcpState.CLOSED || s.isStale()) {
            return;
        }
        if (stack.now() - s.lastSegmentAt < s.tcp().rttStats().rtoNanos() / 2) {
            // Duplicate ACKs still arrive: a congested path in recovery, not a dead one.
            return;
        }
        for (Subflow other : subflows) {
            if (other != s && other.isActive() && !other.isStale()) {
                s.setStale(true);
                count(Counter.SUBFLOW_STALE);
                reinjectOutstanding(s);
                push();
                return;
            }
        }
    }

    /**
     * Links went down: the subflows whose packets leave through them are given up at once when another subflow
     * remains, their data sent again on the others; a last subflow stays, stale, in case its link returns.
     */
    void onLinksDown(List<LocalLink> down) {
        if (state == MptcpState.CLOSED) {
            return;
        }
        List<Subflow> cut = new ArrayList<>();
        for (Subflow s : subflows) {
            if (s.tcp() != null && !s.tcp().isClosed() && down.contains(LocalLink.egress(stack.links(),
                    s.localAddress(), s.tcp().remote().address(), s.pinned))) {
                cut.add(s);
            }
        }
        boolean othersRemain = subflows.size() > cut.size();
        for (Subflow s : cut) {
            s.setLinkDown(true);
            if (othersRemain && mode == Mode.MPTCP) {
                count(Counter.SUBFLOW_LINK_DOWN);
                s.closeCause = SubflowCloseReason.LINK_DOWN;
                reinjectOutstanding(s);
                s.reset(List.of(new MpTcpRst(false, MpTcpRst.REASON_UNSPECIFIED)));
            } else {
                s.setStale(true);
            }
        }
        if (state != MptcpState.CLOSED) {
            for (LocalLink l : down) {
                for (LocalLink.Prefix p : l.addresses()) {
                    if (stack.tcp().addresses().contains(p.address())) {
                        paths.onLocalAddressDown(p.address());
                    }
                }
            }
            push();
        }
    }

    /** The link of local {@code address} is up again. */
    void onLocalAddressUp(InetAddress address) {
        if (state == MptcpState.CLOSED) {
            return;
        }
        for (Subflow s : subflows) {
            if (s.tcp() != null && s.isLinkDown() && LocalLink.egress(stack.links(), s.localAddress(),
                    s.tcp().remote().address(), s.pinned) != null && !isDown(s)) {
                s.setLinkDown(false);
            }
        }
        paths.onLocalAddressUp(address);
        push();
    }

    private boolean isDown(Subflow s) {
        LocalLink egress = LocalLink.egress(stack.links(), s.localAddress(), s.tcp().remote().address(), s.pinned);
        return egress != null && !egress.up();
    }

    /** The subflows as the implementation sees them. */
    List<Subflow> subflowList() {
        return subflows;
    }

    MptcpStack stack() {
        return stack;
    }

    void emit(SubflowEvent event) {
        stack.emit(event);
    }

    // =====================================================================================================
    // Small helpers
    // =====================================================================================================

    void count(Counter counter) {
        statistics.increment(counter);
    }

    private boolean canWrite() {
        return !outputShutdown && (state == MptcpState.ESTABLISHED || state == MptcpState.CLOSE_WAIT
                || state == MptcpState.SYN_SENT || state == MptcpState.SYN_RECEIVED);
    }

    private static InetSocketAddress address(TcpEndpoint endpoint) {
        return new InetSocketAddress(endpoint.address(), endpoint.port());
    }

    @Override
    public String toString() {
        return "MptcpConnection[token=" + Long.toHexString(localToken) + ", " + state + ", " + mode
                + (fullyEstablished ? ", fully established" : "") + ", subflows=" + subflows.size()
                + ", snd.una=" + Long.toUnsignedString(sendQueue.una()) + ", snd.nxt="
                + Long.toUnsignedString(dataSndNxt) + ", rcv.nxt=" + Long.toUnsignedString(receiveBuffer.rcvNxt())
                + "]";
    }
}
