package io.mptcp4j.core.mptcp;

import io.mptcp4j.core.event.FallbackReason;
import io.mptcp4j.core.event.SubflowCloseReason;
import io.mptcp4j.core.sched.SubflowView;
import io.mptcp4j.core.tcp.TcpConnection;
import io.mptcp4j.core.tcp.TcpEndpoint;
import io.mptcp4j.core.tcp.TcpExtension;
import io.mptcp4j.core.tcp.TcpState;
import io.mptcp4j.core.time.Deadlines;
import io.mptcp4j.core.wire.AddAddr;
import io.mptcp4j.core.wire.Dss;
import io.mptcp4j.core.wire.DssChecksum;
import io.mptcp4j.core.wire.MpCapable;
import io.mptcp4j.core.wire.MpFail;
import io.mptcp4j.core.wire.MpFastclose;
import io.mptcp4j.core.wire.MpJoin;
import io.mptcp4j.core.wire.MpMalformed;
import io.mptcp4j.core.wire.MpPrio;
import io.mptcp4j.core.wire.MpTcpRst;
import io.mptcp4j.core.wire.MptcpOption;
import io.mptcp4j.core.wire.RemoveAddr;
import io.mptcp4j.core.wire.TcpOption;
import io.mptcp4j.core.wire.TcpOptions;
import io.mptcp4j.core.wire.TcpSegment;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import static io.mptcp4j.core.mptcp.MptcpStatistics.Counter;

/**
 * One subflow of an {@link MptcpConnection}: the {@link TcpExtension} on its TCP connection. It speaks the
 * subflow's share of RFC 8684 — MP_CAPABLE (section 3.1) or MP_JOIN (section 3.2) on the handshake, a DSS option
 * on every segment afterwards (section 3.3: a mapping on the first segment it covers and on every retransmission,
 * the DATA_ACK alone on the new segments that continue it), the signals of path management
 * (ADD_ADDR, REMOVE_ADDR, MP_PRIO) on pure ACKs, the mappings between its byte stream and the data sequence space
 * in both directions, DSS checksums (section 3.3.1), MP_FAIL and the infinite mapping (section 3.7), MP_TCPRST and
 * MP_FASTCLOSE on RSTs (sections 3.5, 3.6) — and leaves everything that spans subflows to the connection.
 */
final class Subflow implements TcpExtension, SubflowView {

    // DSS sizes (section 3.3): our mappings (64-bit DSN, 32-bit DATA_ACK on data segments), and DATA_ACKs alone.
    private static final int DSS_MAPPING = Dss.mapping(0, true, 0, 1, false).encodedLength();
    private static final int DSS_MAPPING_WITH_ACK = Dss.dataAckAndMapping(0, false, 0, true, 0, 1, false)
            .encodedLength();
    private static final int DSS_CHECKSUM = Dss.mapping(0, true, 0, 1, false).withChecksum(0).encodedLength()
            - DSS_MAPPING;
    private static final int DSS_ACK32 = Dss.dataAck(0, false).encodedLength();
    private static final int DSS_ACK64 = Dss.dataAck(0, true).encodedLength();

    private static final ByteBuffer NO_DATA = ByteBuffer.allocate(0).asReadOnlyBuffer();

    private final MptcpConnection connection;
    private final boolean initial;
    private final boolean passive;
    private final int localId;
    private int remoteId;
    /** This side marked the subflow as a backup (B flag of its MP_JOIN, or MP_PRIO it sent). */
    private boolean localBackup;
    /** The peer marked it so (B flag of the peer's MP_JOIN, or MP_PRIO it sent). */
    private boolean peerBackup;
    private TcpConnection tcp;

    // --- MP_JOIN (section 3.2)
    /** This side's random number R (unsigned 32-bit), and the peer's. */
    long localNonce;
    long remoteNonce;
    /** Initiator: the third ACK with its HMAC went out and the fourth ACK has not come. */
    private boolean joinAckPending;
    private byte[] joinAckHmac;
    long joinAckDeadline = Deadlines.NEVER;
    int joinAckRetries;

    /** Whether the subflow carries data: established, and for a join confirmed (section 3.2). */
    private boolean established;
    private boolean wasEstablished;
    /** Its retransmission timer expired and nothing was acknowledged since. */
    private boolean stale;
    /** When the last segment arrived on it (the stack's clock). */
    long lastSegmentAt;
    /** The link of its local address is down. */
    private boolean linkDown;
    /** Why it closed, when the connection decided it (link down, address removed); else from the TCP error. */
    SubflowCloseReason closeCause;
    /** The local port the stack acquired for it from {@link SubflowPorts}, or 0. */
    private int ownedPort;
    /** Whether its pair of addresses was pinned to the local address's interface ({@link SubflowPorts#pinRoute}). */
    boolean pinned;
    /** ADD_ADDR, REMOVE_ADDR and MP_PRIO waiting for a pure ACK with room for them. */
    private final ArrayDeque<MptcpOption> signals = new ArrayDeque<>(1);

    /** What this subflow sent, by subflow stream offset. */
    final SendMappings sent = new SendMappings();
    /** What the peer mapped, for bytes not yet taken. */
    private final ReceiveMappings received = new ReceiveMappings();
    /** The subflow stream offset up to which received bytes were taken from the TCP connection. */
    private long consumed;

    // A mapping under a DSS checksum is held back until all its bytes arrived and the checksum verified.
    private ReceivedMapping stagedMapping;
    private ByteBuffer staged;
    private final DssChecksum stagedSum = new DssChecksum();

    // After fallback: data sequence number = subflow stream offset + delta, in each direction (section 3.7).
    private long sendDelta;
    private long receiveDelta;

    // Signals that go out once, on the next segment that has room for them.
    private boolean mpFailDue;
    private long mpFailDsn;
    private boolean mpFailSent;
    // What this subflow's last DATA_ACK told the peer: the DATA_ACK, the window's right edge, and the subflow bytes
    // received by then (what the segment's own ACK covered).
    private long dataAckTold = -1;
    private long rightEdgeTold = -1;
    private long receivedTold = -1;
    // The end (subflow stream offset) of the segment that told it: once the peer acknowledges it, it has it.
    private long toldSegmentEnd = Long.MAX_VALUE;
    /** When the connection last cut this subflow's window for holding up the connection's, or MIN_VALUE. */
    long lastPenalty = Long.MIN_VALUE;
    private boolean infiniteMappingDue;

    private boolean awaitingThirdAck;
    /** The subflow's acknowledged data bytes when the previous segment arrived. */
    private long lastBytesAcked;
    /** The MP_TCPRST reason of the RST that ended the subflow, or -1. */
    private int resetReason = -1;
    /** Set while the peer's RST is being processed: the subflow must not answer it with one. */
    private boolean resetByPeer;

    Subflow(MptcpConnection connection, boolean initial, boolean passive, int localId, int remoteId,
            boolean backup) {
        this.connection = connection;
        this.initial = initial;
        this.passive = passive;
        this.localId = localId;
        this.remoteId = remoteId;
        this.localBackup = backup;
    }

    // =====================================================================================================
    // SubflowView
    // =====================================================================================================

    @Override
    public TcpEndpoint local() {
        return tcp.local();
    }

    @Override
    public TcpEndpoint remote() {
        return tcp.remote();
    }

    @Override
    public TcpState state() {
        return tcp.state();
    }

    @Override
    public int localId() {
        return localId;
    }

    @Override
    public int remoteId() {
        return remoteId;
    }

    @Override
    public boolean isBackup() {
        return localBackup || peerBackup;
    }

    @Override
    public boolean isBackupRequestedByPeer() {
        return peerBackup;
    }

    @Override
    public boolean isActive() {
        return established && !linkDown && tcp != null && tcp.isConnected() && !tcp.isOutputShutdown();
    }

    @Override
    public boolean isStale() {
        return stale;
    }

    @Override
    public int sendableBytes() {
        return room();
    }

    @Override
    public long bytesInFlight() {
        return tcp == null ? 0 : tcp.bytesInFlight();
    }

    @Override
    public boolean isInitial() {
        return initial;
    }

    @Override
    public long smoothedRttNanos() {
        return tcp.smoothedRttNanos();
    }

    @Override
    public long rttVarNanos() {
        return tcp.rttStats().rttVarNanos();
    }

    @Override
    public long minRttNanos() {
        return tcp.rttStats().minRttNanos();
    }

    @Override
    public long congestionWindow() {
        return tcp.congestionWindow();
    }

    @Override
    public int sendMss() {
        return tcp.sendMss();
    }

    @Override
    public long bytesSent() {
        return tcp.bytesWritten();
    }

    @Override
    public long bytesAcked() {
        return tcp.bytesAcked();
    }

    @Override
    public long bytesReceived() {
        return tcp.bytesReceived();
    }

    @Override
    public long unsentBytes() {
        return tcp.unsentBytes();
    }

    @Override
    public long retransmittedSegments() {
        return tcp.retransmittedSegments();
    }

    @Override
    public String toString() {
        return "Subflow[" + (tcp == null ? "unattached" : tcp.local() + " -> " + tcp.remote() + ", " + tcp.state())
                + ", ids " + localId + "/" + remoteId + (isBackup() ? ", backup" : "") + (stale ? ", stale" : "")
                + (linkDown ? ", link down" : "") + "]";
    }

    // =====================================================================================================
    // For the connection
    // =====================================================================================================

    TcpConnection tcp() {
        return tcp;
    }

    /** The connection this subflow belongs to. */
    MptcpConnection owner() {
        return connection;
    }

    void attach(TcpConnection connection) {
        if (tcp == null) {
            tcp = connection;
        }
    }

    int resetReason() {
        return resetReason;
    }

    boolean isPassive() {
        return passive;
    }

    /** Whether this is an MP_JOIN subflow. */
    boolean isJoin() {
        return !initial;
    }

    /** The subflow may carry data from now on (MP_CAPABLE done, or MP_JOIN confirmed). */
    void markEstablished() {
        established = true;
        wasEstablished = true;
    }

    boolean wasEstablished() {
        return wasEstablished;
    }

    void setLocalBackup(boolean on) {
        localBackup = on;
    }

    void setPeerBackup(boolean on) {
        peerBackup = on;
    }

    void setRemoteId(int id) {
        remoteId = id;
    }

    boolean isLinkDown() {
        return linkDown;
    }

    void setLinkDown(boolean down) {
        linkDown = down;
    }

    void setStale(boolean on) {
        stale = on;
    }

    void ownPort(int port) {
        ownedPort = port;
    }

    int ownedPort() {
        return ownedPort;
    }

    /** The local address of the subflow's TCP connection. */
    InetAddress localAddress() {
        return tcp.local().address();
    }

    /** Initiator: the SYN-ACK verified; the third ACK carries this HMAC until the fourth ACK arrives. */
    void joinAckDue(byte[] hmac, long deadline) {
        joinAckHmac = hmac;
        joinAckPending = true;
        joinAckDeadline = deadline;
    }

    boolean isJoinAckPending() {
        return joinAckPending;
    }

    /** Queues ADD_ADDR, REMOVE_ADDR or MP_PRIO for the next pure ACK with room for it, and asks for one. */
    void signal(MptcpOption option) {
        signals.add(option);
        if (tcp != null && tcp.isConnected()) {
            tcp.requestAck();
        }
    }

    /** The application took {@code n} bytes left in the TCP receive buffer (after fallback). */
    void advanceConsumed(int n) {
        consumed += n;
    }

    /**
     * Bytes of connection-level data this subflow can take now: what its congestion window lets it send beyond
     * what is in flight, plus four segments so it has the next ones ready when acknowledgments come. Data
     * committed further ahead would wait in this subflow while the other paths deliver the bytes after it,
     * filling the peer's shared window out of order (measured against the kernel: 0.91 of the two paths'
     * capacity with a whole window committed ahead, 0.94 with this, the kernel's own sender 0.94). A subflow on
     * a much longer path than another ({@link MptcpConnection#isMuchSlowerThanTheFastest}) takes no segments
     * ahead: bytes queued there wait for its slow acknowledgments, a round trip of that path each, while the
     * faster paths could have carried them (in the scheduler benchmark, min-RTT's message p99 390 -> 257 ms).
     * The peer's window is the connection's, checked when data is handed out.
     */
    int room() {
        if (!isActive()) {
            return 0;
        }
        long free = (long) tcp.sendBufferLimit() - tcp.bufferedSendBytes();
        long ahead = connection.isMuchSlowerThanTheFastest(this) ? 0 : 4L * tcp.sendMss();
        long target = tcp.congestionWindow() - tcp.bytesInFlight() + ahead;
        return (int) Math.max(0, Math.min(free, target - tcp.unsentBytes()));
    }

    /**
     * How many bytes, at least {@code n}, to give this subflow from {@code dsn} so that its mappings go out as
     * full-sized segments only. A segment never straddles two mappings (section 3.3.1), so a mapping of any other
     * length ends in a short segment, whose headers cost as much as a full one's: measured against the kernel, a
     * third of the data segments were such tails (mappings follow the room acknowledgments free, a segment and a
     * bit at a time). The segment that begins a mapping carries it and has less payload than the ones that
     * continue it, which carry only a DATA_ACK. Bytes that extend a mapping not sent yet join it
     * ({@link SendMappings#add}), so the two are rounded up together.
     */
    int segmentAlignedLength(long dsn, int n) {
        // The option sizes of options(): with a DATA_ACK only while it has news.
        boolean ackNews = dataAckHasNews();
        int mapping = (ackNews ? DSS_MAPPING_WITH_ACK : DSS_MAPPING) + (connection.checksums() ? DSS_CHECKSUM : 0);
        int first = tcp.fullSegmentPayload(mapping);
        boolean continuations = !connection.checksums() && connection.isFullyEstablished();
        int next = !continuations ? first : tcp.fullSegmentPayload(ackNews ? DSS_ACK32 : 0);
        if (first <= 0 || next <= 0 || first > SendMappings.MAX_LENGTH) {
            return n;
        }
        long longest = first + (long) (SendMappings.MAX_LENGTH - first) / next * next;
        SendMapping last = sent.last();
        long joined = last != null && !last.frozen && last.end() == tcp.bytesWritten() && last.dsnEnd() == dsn
                ? last.length : 0;
        long total = joined + n;
        if (joined > 0 && total > longest) {
            joined = 0; // too long to join: a mapping of its own
            total = n;
        }
        long aligned = total <= first ? first : first + (total - first + next - 1) / next * next;
        return (int) (Math.min(aligned, longest) - joined);
    }

    /**
     * Writes up to {@code n} bytes of the send queue from {@code dsn} into the subflow and maps them (RFC 8684
     * section 3.3.1); returns how many it took.
     */
    int send(DataSendQueue queue, long dsn, int n, boolean checksums) {
        long offset = tcp.bytesWritten();
        int total = 0;
        while (total < n) {
            ByteBuffer piece = queue.view(dsn + total, n - total);
            int wanted = piece.remaining();
            int written = tcp.write(piece);
            total += written;
            if (written < wanted) {
                break;
            }
        }
        if (total > 0) {
            sent.add(offset, dsn, total);
            if (checksums) {
                SendMapping m = sent.last();
                if (m.partialSum == null) {
                    m.partialSum = new DssChecksum();
                }
                queue.addTo(m.partialSum, dsn, total);
            }
        }
        return total;
    }

    /** Fixes the data sequence numbers of this subflow's bytes in both directions to follow its stream (3.7). */
    void enterFallback(long nextDsnToSend) {
        SendMapping first = sent.size() > 0 ? sent.get(0) : null;
        sendDelta = first != null ? first.dsn - first.offset : nextDsnToSend - tcp.bytesWritten();
        flushStaged();
        receiveDelta = connection.receiveNext() - consumed;
        received.clear();
    }

    /** In fallback: the data sequence number up to which the peer acknowledged this subflow's bytes. */
    long fallbackDataAck() {
        return tcp.bytesAcked() + sendDelta;
    }

    /** Queues an MP_FAIL for the next segment (RFC 8684 section 3.7). */
    void sendMpFail(long dsn) {
        mpFailDue = true;
        mpFailDsn = dsn;
        tcp.requestAck();
    }

    boolean hasSentMpFail() {
        return mpFailSent;
    }

    /** The next data segment carries an infinite mapping (section 3.7). */
    void sendInfiniteMapping() {
        infiniteMappingDue = true;
    }

    /** Resets the subflow with these options (MP_TCPRST, MP_FASTCLOSE, MP_FAIL), counting what it sends. */
    void reset(List<? extends TcpOption> options) {
        if (tcp.isClosed() || resetByPeer) {
            return;
        }
        for (TcpOption o : options) {
            if (o instanceof MpTcpRst) {
                connection.count(Counter.MP_RST_TX);
            } else if (o instanceof MpFastclose) {
                connection.count(Counter.MP_FASTCLOSE_TX);
            } else if (o instanceof MpFail) {
                connection.count(Counter.MP_FAIL_TX);
            }
        }
        tcp.abort(options);
    }

    // =====================================================================================================
    // TcpExtension: output
    // =====================================================================================================

    @Override
    public void planSegment(TcpConnection connection, SegmentPlan plan) {
        attach(connection);
        if ((plan.flags() & TcpSegment.SYN) == 0) {
            if (mpFailDue || joinAckPending || !signals.isEmpty()) {
                // MP_FAIL does not fit next to a full DSS mapping: it goes on a pure ACK (requested with it).
                plan.limitPayload(0);
            } else if (plan.payloadLength() > 0 && carriesMappings()) {
                // Section 3.3.1: a segment never straddles two mappings.
                SendMapping m = mappingAt(plan.streamOffset());
                plan.limitPayload((int) Math.min(Integer.MAX_VALUE, m.end() - plan.streamOffset()));
            }
        }
        int bytes = 0;
        for (MptcpOption o : options(plan, false, plan.optionBudget())) {
            bytes += o.encodedLength();
        }
        plan.reserveOptionSpace(Math.min(bytes, plan.optionBudget()));
    }

    @Override
    public void addOptions(TcpConnection connection, SegmentPlan segment, List<TcpOption> options) {
        options.addAll(options(segment, true, segment.reservedOptionSpace()));
    }

    /** Whether this side's data segments carry DSS mappings now. */
    private boolean carriesMappings() {
        return connection.mode() == MptcpConnection.Mode.MPTCP;
    }

    private SendMapping mappingAt(long offset) {
        SendMapping m = sent.find(offset);
        if (m == null) {
            throw new IllegalStateException("no DSS mapping covers subflow offset " + offset + " of " + this);
        }
        return m;
    }

    /**
     * The MPTCP options of an outgoing segment. With {@code commit}, the segment is final: mappings freeze and
     * one-shot signals are spent.
     */
    private List<MptcpOption> options(SegmentPlan seg, boolean commit, int room) {
        List<MptcpOption> out = new ArrayList<>(2);
        if ((seg.flags() & TcpSegment.SYN) != 0) {
            if (!initial) {
                out.add(passive ? connection.joinSynAckOption(this) : connection.joinSynOption(this));
                if (commit && !passive && !seg.isRetransmission()) {
                    connection.count(Counter.MP_JOIN_SYN_TX);
                }
                return out;
            }
            MptcpOption capable = passive ? connection.synAckOption() : connection.synOption();
            if (capable != null) {
                out.add(capable);
                if (commit && !passive && !seg.isRetransmission()) {
                    connection.count(Counter.MP_CAPABLE_SYN_TX);
                }
            }
            return out;
        }
        if (joinAckPending) {
            // Section 3.2: the third ACK carries the initiator's HMAC, alone, until the fourth ACK arrives.
            out.add(new MpJoin.Ack(joinAckHmac));
            return out;
        }
        boolean failing = mpFailDue;
        if (failing) {
            out.add(new MpFail(mpFailDsn));
            if (commit) {
                mpFailDue = false;
                mpFailSent = true;
                connection.count(Counter.MP_FAIL_TX);
            }
        }
        int payload = seg.payloadLength();
        switch (connection.mode()) {
            case PENDING -> {
                return out;
            }
            case FALLBACK -> {
                if (infiniteMappingDue && payload > 0) {
                    out.add(infiniteMapping(seg.streamOffset()));
                    if (commit) {
                        infiniteMappingDue = false;
                        connection.count(Counter.INFINITE_MAP_TX);
                    }
                }
                return out;
            }
            case MPTCP -> {
                // handled below
            }
        }
        if (initial && !passive && !connection.isFullyEstablished()) {
            // Section 3.1: until the server's DSS confirms, the client repeats MP_CAPABLE with both keys.
            if (payload == 0) {
                out.add(connection.thirdAckOption(0, false, 0));
                return out;
            }
            if (seg.streamOffset() == 0) {
                SendMapping m = mappingAt(0);
                if (commit) {
                    m.freeze();
                }
                out.add(connection.thirdAckOption(m.length, true, m.checksum));
                return out;
            }
        }
        long dataAck = connection.dataAck();
        Dss dss;
        if (payload > 0) {
            SendMapping m = mappingAt(seg.streamOffset());
            if (commit) {
                m.freeze();
                if (connection.dataFinToSend() != null && !failing) {
                    // Section 3.3.3: the DATA_FIN is due, and the mapping of these bytes was fixed without it. A
                    // pure ACK after the last of them carries it; without one it would wait for a retransmission.
                    tcp.requestAck();
                }
            }
            // Data segments carry a 32-bit DATA_ACK (4 option bytes fewer), as Linux's do; the peer widens it
            // against its own unacknowledged DSN (section 3.3), which lies within one window of it. A DATA_ACK
            // that would repeat this subflow's last one is left out (the A flag makes it optional).
            long dataAck32 = dataAck & 0xFFFF_FFFFL;
            boolean ackNews = dataAckHasNews();
            if (continuesMapping(seg, m)) {
                // Section 3.3.1: the mapping need not be on every segment it covers; the peer learned it from the
                // segment that began it, so this one carries only the DATA_ACK, or no DSS at all.
                if (commit) {
                    connection.count(Counter.MAPPING_CONTINUATIONS_TX);
                }
                if (!ackNews) {
                    return out;
                }
                dss = Dss.dataAck(dataAck32, false);
            } else {
                dss = ackNews
                        ? Dss.dataAckAndMapping(dataAck32, false, m.dsn, true, m.subflowSequenceNumber(), m.length,
                                false)
                        : Dss.mapping(m.dsn, true, m.subflowSequenceNumber(), m.length, false);
                if (connection.checksums()) {
                    dss = dss.withChecksum(m.checksum);
                }
            }
        } else if (connection.dataFinToSend() != null && !failing) {
            long fin = connection.dataFinToSend();
            // Section 3.3.3: a DATA_FIN without data maps subflow sequence number 0, data-level length 1.
            dss = Dss.dataAckAndMapping(dataAck, true, fin, true, 0, 1, true);
            if (connection.checksums()) {
                dss = dss.withChecksum(DssChecksum.compute(fin, 0, 1, NO_DATA));
            }
        } else {
            dss = Dss.dataAck(dataAck, true);
        }
        MptcpOption signal = signals.peek();
        if (signal != null && payload == 0 && !failing) {
            // A signal goes on a pure ACK, with the DSS only if both fit (as Linux drops the DSS for ADD_ADDR).
            if (signal.encodedLength() + dss.encodedLength() <= room) {
                out.add(dss);
            }
            if (signal.encodedLength() <= room) {
                out.add(signal);
                if (commit) {
                    signals.poll();
                    connection.signalSent(signal);
                    if (!signals.isEmpty()) {
                        tcp.requestAck();
                    }
                }
            }
            return out;
        }
        out.add(dss);
        if (commit && dss.hasDataAck()) {
            boolean same = dataAck == dataAckTold && connection.receiveRightEdge() == rightEdgeTold
                    && tcp.bytesReceived() == receivedTold;
            if (!same) {
                dataAckTold = dataAck;
                rightEdgeTold = connection.receiveRightEdge();
                receivedTold = tcp.bytesReceived();
                toldSegmentEnd = Long.MAX_VALUE;
            }
            if (payload > 0 && !seg.isRetransmission()) {
                // The first new data segment that carries these values: its acknowledgment proves them received.
                toldSegmentEnd = Math.min(toldSegmentEnd, seg.streamOffset() + payload);
            }
        }
        return out;
    }

    /**
     * Whether a data segment must carry a DATA_ACK: unless it would repeat the last one this subflow sent, with the
     * same window edge and the same subflow ACK, and the peer acknowledged the data segment that carried it (so
     * it has it, even if later copies of that ACK are lost). The peer then never sees its data acknowledged by a
     * segment without a DATA_ACK, which section 3.7 reads as options stripped by a middlebox. A data receiver's
     * DATA_ACK moves all the time, so only a sender that receives nothing now leaves it out.
     */
    private boolean dataAckHasNews() {
        return !connection.isFullyEstablished() || tcp.bytesAcked() < toldSegmentEnd
                || connection.dataAck() != dataAckTold || connection.receiveRightEdge() != rightEdgeTold
                || tcp.bytesReceived() != receivedTold;
    }

    /**
     * Whether a data segment may leave out the mapping that covers it (section 3.3.1): only a new segment after the
     * one that began the mapping, which carried it. A retransmission always repeats the whole mapping, identical
     * to the first (a different mapping over bytes the peer's current one covers is an error to Linux,
     * DSSNoMatchTCP), as Linux's own retransmissions do. With DSS checksums every segment carries the mapping, and
     * before the connection is fully established the client's segments carry MP_CAPABLE or a full DSS (section
     * 3.1).
     */
    private boolean continuesMapping(SegmentPlan seg, SendMapping m) {
        return seg.streamOffset() > m.offset && !seg.isRetransmission() && !connection.checksums()
                && connection.isFullyEstablished();
    }

    /** Section 3.3.1: data-level length 0 maps everything from here on, as plain TCP. */
    private Dss infiniteMapping(long streamOffset) {
        long dsn = streamOffset + sendDelta;
        long ssn = (streamOffset + 1) & 0xFFFF_FFFFL;
        Dss dss = Dss.dataAckAndMapping(connection.dataAck(), true, dsn, true, ssn, 0, false);
        return connection.checksums() ? dss.withChecksum(DssChecksum.compute(dsn, ssn, 0, NO_DATA)) : dss;
    }

    // =====================================================================================================
    // TcpExtension: input
    // =====================================================================================================

    @Override
    public void onSegment(TcpConnection connection, TcpSegment segment) {
        attach(connection);
        lastSegmentAt = this.connection.stack().now();
        List<MptcpOption> options = usableOptions(segment);
        if (segment.has(TcpSegment.SYN) && !segment.has(TcpSegment.ACK)) {
            if (passive && !initial) {
                // A join the stack accepted for its token (MptcpStack); the third ACK carries the HMAC.
                awaitingThirdAck = true;
                return;
            }
            if (passive) {
                // A passive open: the SYN, right after the connection was created.
                awaitingThirdAck = true;
                this.connection.onSyn(this, capable(options, MpCapable.Form.SYN));
            } else {
                // A simultaneous open, which MP_CAPABLE cannot complete: plain TCP, as Linux does.
                this.connection.fallBack(this, FallbackReason.SIMULTANEOUS_OPEN);
            }
            return;
        }
        if (segment.has(TcpSegment.SYN)) {
            if (initial) {
                this.connection.onSynAck(this, capable(options, MpCapable.Form.SYN_ACK));
            } else {
                this.connection.onJoinSynAck(this, find(options, MpJoin.SynAck.class));
            }
            return;
        }
        if (awaitingThirdAck) {
            awaitingThirdAck = false;
            if (initial) {
                this.connection.onThirdAck(this, thirdAckCapable(options));
            } else {
                this.connection.onJoinThirdAck(this, find(options, MpJoin.Ack.class));
            }
            if (tcp.isClosed()) {
                return;
            }
        } else if (joinAckPending) {
            // Section 3.2: the fourth ACK (or anything after it) confirms the join.
            joinAckPending = false;
            joinAckDeadline = Deadlines.NEVER;
            this.connection.onJoinConfirmed(this);
        }
        switch (this.connection.mode()) {
            case MPTCP -> readMptcpOptions(segment, options);
            case FALLBACK -> readFallbackOptions(options);
            case PENDING -> {
                return;
            }
        }
        if (!tcp.isClosed()) {
            this.connection.afterSegment(this);
        }
    }

    /** The MPTCP options of a segment, malformed ones counted and dropped (treated as absent, section 3.7). */
    private List<MptcpOption> usableOptions(TcpSegment segment) {
        List<MptcpOption> all = segment.mptcpOptions();
        List<MptcpOption> usable = new ArrayList<>(all.size());
        for (MptcpOption o : all) {
            if (o instanceof MpMalformed) {
                connection.count(Counter.MALFORMED_OPTIONS);
            } else {
                usable.add(o);
            }
        }
        return usable;
    }

    private static MpCapable capable(List<MptcpOption> options, MpCapable.Form form) {
        for (MptcpOption o : options) {
            if (o instanceof MpCapable c && c.form() == form) {
                return c;
            }
        }
        return null;
    }

    private static <T extends MptcpOption> T find(List<MptcpOption> options, Class<T> type) {
        for (MptcpOption o : options) {
            if (type.isInstance(o)) {
                return type.cast(o);
            }
        }
        return null;
    }

    private static MpCapable thirdAckCapable(List<MptcpOption> options) {
        for (MptcpOption o : options) {
            if (o instanceof MpCapable c && c.form() != MpCapable.Form.SYN && c.form() != MpCapable.Form.SYN_ACK) {
                return c;
            }
        }
        return null;
    }

    private void readMptcpOptions(TcpSegment segment, List<MptcpOption> options) {
        boolean dataAckSeen = false;
        boolean signalled = false;
        long ackedBefore = lastBytesAcked;
        lastBytesAcked = tcp.bytesAcked();
        for (MptcpOption o : options) {
            if (tcp.isClosed() || connection.mode() != MptcpConnection.Mode.MPTCP) {
                return;
            }
            signalled = true;
            if (o instanceof Dss dss) {
                dataAckSeen |= dss.hasDataAck();
                readDss(segment, dss);
            } else if (o instanceof MpCapable c && c.hasData() && passive && initial) {
                readCapableMapping(segment, c);
            } else if (o instanceof MpFail fail) {
                connection.onMpFail(this, fail.dataSequenceNumber());
            } else if (o instanceof MpFastclose close) {
                connection.onFastclose(this, close.receiverKey());
            } else if (o instanceof AddAddr add) {
                connection.onAddAddr(this, add);
            } else if (o instanceof RemoveAddr remove) {
                connection.onRemoveAddr(this, remove);
            } else if (o instanceof MpPrio prio) {
                connection.onMpPrio(this, prio.backup());
            } else if (!(o instanceof MpCapable)) {
                // MP_JOIN after the handshake, or an option of a version we do not speak.
                connection.count(Counter.IGNORED_OPTIONS);
            }
        }
        if (stale && lastBytesAcked > ackedBefore && !tcp.isClosed()) {
            stale = false;
            connection.count(Counter.SUBFLOW_RECOVER);
        }
        if (tcp.isClosed() || connection.mode() != MptcpConnection.Mode.MPTCP) {
            return;
        }
        if (!signalled && connection.isFullyEstablished() && lastBytesAcked > ackedBefore && hadRoomForDss(segment)
                && !connection.hasSentDataFin()) {
            // Section 3.7: our data acknowledged without a DATA_ACK, though a DSS would have fit next to the
            // segment's other options (Linux leaves its DSS out when SACK blocks take the space): the options
            // are being stripped. Not once our DATA_FIN is out: Linux's application may close on it, and the
            // subflow's last ACKs then carry no MPTCP option at all.
            connection.fallBack(this, FallbackReason.DATA_ACK_MISSING);
            return;
        }
        if (initial && !passive && !connection.isFullyEstablished()) {
            if (dataAckSeen) {
                connection.onFullyEstablished(this);
            } else if (!signalled) {
                // Section 3.7: the server's first reply came without any MPTCP option: something stripped them.
                // (A reply with another MPTCP option, an ADD_ADDR say, shows they get through: wait for the DSS.)
                connection.fallBack(this, FallbackReason.DSS_MISSING_BEFORE_CONFIRMED);
            }
        }
    }

    /**
     * Whether {@code segment}'s options left room for a DSS with a 64-bit DATA_ACK, which is what Linux puts on its
     * ACKs: a peer short of option space may leave the DSS out.
     */
    private static boolean hadRoomForDss(TcpSegment segment) {
        int used = segment.dataOffset() * 4 - TcpSegment.MIN_HEADER_LENGTH;
        return TcpOptions.MAX_LENGTH - used >= DSS_ACK64;
    }

    private void readFallbackOptions(List<MptcpOption> options) {
        for (MptcpOption o : options) {
            if (o instanceof MpFail) {
                // The peer's answer to our MP_FAIL, or its own: fallback already happened.
                connection.count(Counter.MP_FAIL_RX);
            } else if (o instanceof Dss dss && dss.hasMapping() && dss.dataLevelLength() != 0
                    && !dss.isDataFinAlone() && !matchesPassThrough(dss)) {
                // The peer still maps its data (it never fell back): passing its bytes through would deliver its
                // data-level retransmissions as new data. Section 3.7 leaves a reset as the only safe end. A
                // mapping that ends with the DATA_FIN maps bytes too (Linux's retransmissions after its
                // application closed); only a DATA_FIN alone maps none.
                connection.count(Counter.DSS_NOT_MATCHING);
                connection.failFallbackMismatch(this);
                return;
            }
        }
    }

    /** Whether a mapping agrees with the pass-through of fallback: DSN = subflow offset + the fixed delta. */
    private boolean matchesPassThrough(Dss dss) {
        long offset = DataSequence.widen((dss.subflowSequenceNumber() - 1) & 0xFFFF_FFFFL, tcp.bytesReceived());
        long dsn = dss.isDsn64() ? dss.dataSequenceNumber()
                : DataSequence.widen(dss.dataSequenceNumber(), offset + receiveDelta);
        return dsn == offset + receiveDelta;
    }

    private void readDss(TcpSegment segment, Dss dss) {
        if (dss.hasDataAck()) {
            long ack = dss.isDataAck64() ? dss.dataAck() : DataSequence.widen(dss.dataAck(), connection.dataSendNext());
            long window = (long) segment.window() << tcp.sendWindowScale();
            connection.onDataAck(this, ack, window);
        }
        if (!dss.hasMapping()) {
            return;
        }
        long dsn = dss.isDsn64() ? dss.dataSequenceNumber()
                : DataSequence.widen(dss.dataSequenceNumber(), connection.receiveNext());
        if (dss.dataLevelLength() == 0) {
            connection.count(Counter.INFINITE_MAP_RX);
            connection.fallBack(this, FallbackReason.INFINITE_MAPPING_RECEIVED);
            return;
        }
        if (dss.isDataFinAlone()) {
            // Section 3.3.3: a DATA_FIN on a segment without data.
            connection.onPeerDataFin(dsn + dss.dataLevelLength() - 1);
            return;
        }
        if (connection.checksums() && !dss.hasChecksum()) {
            // Section 3.3: under checksums a mapping without one is invalid; ignored as absent.
            connection.count(Counter.IGNORED_OPTIONS);
            return;
        }
        long offset = DataSequence.widen((dss.subflowSequenceNumber() - 1) & 0xFFFF_FFFFL, tcp.bytesReceived());
        int length = dss.dataLevelLength() - (dss.isDataFin() ? 1 : 0);
        addMapping(segment, new ReceivedMapping(offset, dsn, length, dss.isDataFin(), dss.hasChecksum(),
                dss.checksum()));
    }

    /**
     * Section 3.1: MP_CAPABLE with a data-level length maps the client's first data, DSN IDSN + 1 at subflow
     * sequence number 1, whichever of its segments it rides on.
     */
    private void readCapableMapping(TcpSegment segment, MpCapable c) {
        if (segment.payloadLength() == 0 || !connection.isOwnKey(c.receiverKey())) {
            connection.count(Counter.IGNORED_OPTIONS);
            return;
        }
        if (connection.checksums() && !c.hasChecksum()) {
            connection.count(Counter.IGNORED_OPTIONS);
            return;
        }
        addMapping(segment, new ReceivedMapping(0, connection.initialReceiveDsn(), c.dataLevelLength(), false,
                c.hasChecksum(), c.checksum()));
    }

    private void addMapping(TcpSegment segment, ReceivedMapping m) {
        int payload = segment.payloadLength();
        if (payload > 0) {
            long start = segmentOffset(segment);
            if (start < m.offset() || start + payload > m.end()) {
                // Linux's DSSNoMatchTCP: the mapping does not cover its own segment; ignored as invalid.
                connection.count(Counter.DSS_NO_MATCH_TCP);
                return;
            }
        }
        if (m.dataFin()) {
            connection.onPeerDataFin(m.dsn() + m.length());
        }
        if (m.end() <= consumed) {
            return;
        }
        switch (received.add(m)) {
            case CONFLICT -> {
                connection.count(Counter.DSS_NOT_MATCHING);
                connection.onInvalidMapping(this);
            }
            case FULL -> connection.count(Counter.IGNORED_OPTIONS);
            default -> {
            }
        }
    }

    /** The 64-bit stream offset of a received segment's first byte. */
    private long segmentOffset(TcpSegment segment) {
        long relative = (segment.sequenceNumber() - tcp.initialReceiveSequence() - 1) & 0xFFFF_FFFFL;
        return DataSequence.widen(relative, tcp.bytesReceived());
    }

    @Override
    public void onData(TcpConnection connection, long streamOffset, ByteBuffer data) {
        attach(connection);
        int start = data.position();
        while (data.hasRemaining() && !tcp.isClosed()) {
            MptcpConnection.Mode mode = this.connection.mode();
            if (mode == MptcpConnection.Mode.PENDING) {
                return;
            }
            long offset = streamOffset + (data.position() - start);
            consumed = offset;
            if (mode == MptcpConnection.Mode.FALLBACK) {
                int taken = this.connection.receivePassThrough(offset + receiveDelta, data);
                consumed += taken;
                return;
            }
            ReceivedMapping m = received.find(offset);
            if (m == null) {
                // Section 3.7: data no mapping covers.
                if (!this.connection.fallBack(this, FallbackReason.DATA_WITHOUT_MAPPING)) {
                    data.position(data.limit());
                    return;
                }
                continue;
            }
            int n = (int) Math.min(data.remaining(), m.end() - offset);
            ByteBuffer piece = data.slice(data.position(), n);
            data.position(data.position() + n);
            consumed = offset + n;
            if (m.hasChecksum() && this.connection.checksums()) {
                stage(m, piece);
            } else {
                this.connection.deliver(m.dsnAt(offset), piece);
            }
            if (consumed == m.end()) {
                received.discardBefore(consumed);
            }
        }
    }

    /** Section 3.3.1: a checksummed mapping is delivered only whole and verified. */
    private void stage(ReceivedMapping m, ByteBuffer piece) {
        if (stagedMapping != m) {
            stagedMapping = m;
            stagedSum.reset();
            if (staged == null || staged.capacity() < m.length()) {
                staged = ByteBuffer.allocate(SendMappings.MAX_LENGTH);
            }
            staged.clear();
        }
        stagedSum.update(piece);
        staged.put(piece);
        if (staged.position() < m.length()) {
            return;
        }
        stagedMapping = null;
        staged.flip();
        if (stagedSum.verify(m.dsn(), m.subflowSequenceNumber(), m.dataLevelLength(), m.checksum())) {
            connection.deliver(m.dsn(), staged);
        } else {
            connection.onChecksumFailure(this, m, staged);
        }
    }

    /** On fallback: what is staged is delivered as it is, as TCP would (section 3.7). */
    private void flushStaged() {
        if (stagedMapping != null) {
            ReceivedMapping m = stagedMapping;
            stagedMapping = null;
            staged.flip();
            connection.deliver(m.dsn(), staged);
        }
    }

    @Override
    public void onReset(TcpConnection connection, TcpSegment reset) {
        attach(connection);
        resetByPeer = true;
        for (MptcpOption o : usableOptions(reset)) {
            if (o instanceof MpTcpRst rst) {
                resetReason = rst.reason();
                this.connection.count(Counter.MP_RST_RX);
            } else if (o instanceof MpFail) {
                this.connection.count(Counter.MP_FAIL_RX);
            } else if (o instanceof MpFastclose close) {
                this.connection.onFastclose(this, close.receiverKey());
            }
        }
    }

    @Override
    public long advertisedWindow(TcpConnection connection, long subflowWindow) {
        return this.connection.advertisedWindow(subflowWindow);
    }

    @Override
    public long usableSendWindow(TcpConnection connection, long own) {
        // Section 3.3.4: the connection hands a subflow only data within the peer's data-level window, whose right
        // edge never moves left; the subflow's own view of that window (relative to its SND.UNA) must not hold
        // back the bytes that fill the peer's holes.
        return this.connection.mode() == MptcpConnection.Mode.MPTCP ? Math.max(own, Integer.MAX_VALUE) : own;
    }

    @Override
    public void onRetransmissionTimeout(TcpConnection connection, int consecutive) {
        attach(connection);
        this.connection.onSubflowTimeout(this);
    }

    @Override
    public void onStateChanged(TcpConnection connection, TcpState from, TcpState to) {
        attach(connection);
        this.connection.onSubflowStateChanged(this, from, to);
    }
}
