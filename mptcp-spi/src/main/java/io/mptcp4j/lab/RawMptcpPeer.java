package io.mptcp4j.lab;

import io.mptcp4j.core.wire.Dss;
import io.mptcp4j.core.wire.DssChecksum;
import io.mptcp4j.core.wire.IpPacket;
import io.mptcp4j.core.wire.MalformedPacketException;
import io.mptcp4j.core.wire.MpCapable;
import io.mptcp4j.core.wire.MpJoin;
import io.mptcp4j.core.wire.MptcpCrypto;
import io.mptcp4j.core.wire.MptcpOption;
import io.mptcp4j.core.wire.TcpOption;
import io.mptcp4j.core.wire.TcpSegment;
import io.mptcp4j.io.linux.AddressFamily;
import io.mptcp4j.io.linux.PortReservation;
import io.mptcp4j.io.linux.RawTcpSocket;
import io.mptcp4j.io.linux.ReceivedPacket;
import java.io.Closeable;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A scripted MPTCP v1 peer on a raw socket: it performs the MP_CAPABLE handshake in either role, moves a few
 * kilobytes under DSS mappings and DATA_ACKs, and records every MPTCP option the other side sent.
 *
 * <p>It is the wire-compatibility probe of the namespace lab — the demo and the interop tests use it to show that
 * the Linux kernel takes the bytes of {@code core.wire} as a real MPTCP connection. It is deliberately not a TCP
 * implementation: no retransmission, no congestion control, in-order delivery only, one subflow. It expects the
 * loss-free, reorder-free paths of a namespace lab; anything unexpected ends in an {@link IOException} that says
 * what was missing, never in a hang.
 *
 * <p>Create it inside the namespace whose address it uses ({@link NamespaceLab#inNamespace}); the sockets stay
 * there for their whole life, so the other calls may come from any thread (one at a time).
 */
public final class RawMptcpPeer implements Closeable {

    /** Payload bytes per segment: small enough that the full DSS option with checksum fits any lab MTU. */
    private static final int CHUNK = 1200;
    private static final int WINDOW = 65535;

    private final PortReservation reservation;
    private final RawTcpSocket raw;
    private final InetSocketAddress local;
    private final boolean requestChecksum;
    private final ByteBuffer rx = ByteBuffer.allocateDirect(65536);
    private final ByteBuffer tx = ByteBuffer.allocate(2048);
    private final List<MptcpOption> receivedOptions = new ArrayList<>();

    private InetSocketAddress remote;
    private final long localKey = MptcpCrypto.newKey();
    private long remoteKey;
    private boolean checksums;
    private boolean client;
    private MpCapable peerHandshakeOption;

    // Subflow level (RFC 9293), sequence numbers as unsigned 32-bit values in longs.
    private final long isn = ThreadLocalRandom.current().nextLong(1L << 32);
    private long peerIsn;
    private long sndNxt;
    private long rcvNxt;

    // Data level (RFC 8684 section 3.3): 64-bit data sequence numbers.
    private long dataSndNxt;
    private long dataRcvNxt;
    private long peerDataAck;
    private boolean firstDataSent;

    // The mapping that covers the peer's data now being received.
    private Dss mapping;
    private final DssChecksum mappingSum = new DssChecksum();
    private long mappingBytesSeen;

    private RawMptcpPeer(PortReservation reservation, RawTcpSocket raw, InetSocketAddress local,
            boolean requestChecksum) {
        this.reservation = reservation;
        this.raw = raw;
        this.local = local;
        this.requestChecksum = requestChecksum;
    }

    /**
     * Owns {@code local} (port 0 picks a free port) so the local kernel stays silent, and opens a raw socket that
     * sees only that port. Call it inside the namespace that has the address.
     *
     * @param requestChecksum whether to ask for DSS checksums (the A flag of MP_CAPABLE, RFC 8684 section 3.1)
     */
    public static RawMptcpPeer open(InetSocketAddress local, boolean requestChecksum) throws IOException {
        PortReservation reservation = PortReservation.reserve(local);
        RawTcpSocket raw = null;
        try {
            AddressFamily family = local.getAddress() instanceof Inet6Address ? AddressFamily.IPV6
                    : AddressFamily.IPV4;
            raw = RawTcpSocket.openForPorts(family, reservation.port());
            raw.bind(local.getAddress());
            return new RawMptcpPeer(reservation, raw, reservation.address(), requestChecksum);
        } catch (IOException | RuntimeException e) {
            if (raw != null) raw.close();
            reservation.close();
            throw e;
        }
    }

    /** The local address and port this peer owns. */
    public InetSocketAddress localAddress() {
        return local;
    }

    // ---- handshake ------------------------------------------------------------------------------------------

    /** The client side of the MP_CAPABLE v1 handshake (RFC 8684 section 3.1): SYN, SYN-ACK, third ACK. */
    public void connect(InetSocketAddress server, Duration timeout) throws IOException {
        remote = server;
        client = true;
        long deadline = deadline(timeout);
        send(TcpSegment.SYN, isn, 0, List.of(new TcpOption.Mss(mss()), MpCapable.syn(capableFlags())), null);
        sndNxt = inc(isn, 1);
        TcpSegment synAck = awaitSegment(deadline, "SYN-ACK",
                s -> s.has(TcpSegment.SYN) && s.has(TcpSegment.ACK) && s.acknowledgmentNumber() == sndNxt);
        MpCapable option = capable(synAck, MpCapable.Form.SYN_ACK, "SYN-ACK");
        peerHandshakeOption = option;
        remoteKey = option.senderKey();
        checksums = requestChecksum || option.checksumRequired();
        peerIsn = synAck.sequenceNumber();
        rcvNxt = inc(peerIsn, 1);
        startDataSequenceSpaces();
        send(TcpSegment.ACK, sndNxt, rcvNxt, List.of(MpCapable.ack(capableFlags(), localKey, remoteKey)), null);
    }

    /** The server side: waits for an MP_CAPABLE SYN, answers with our key, and takes the third ACK. */
    public void accept(Duration timeout) throws IOException {
        client = false;
        long deadline = deadline(timeout);
        TcpSegment syn = awaitSegment(deadline, "MP_CAPABLE SYN", s -> s.has(TcpSegment.SYN) && !s.has(TcpSegment.ACK));
        MpCapable option = capable(syn, MpCapable.Form.SYN, "SYN");
        peerHandshakeOption = option;
        checksums = requestChecksum || option.checksumRequired();
        peerIsn = syn.sequenceNumber();
        rcvNxt = inc(peerIsn, 1);
        List<TcpOption> synAckOptions = List.of(new TcpOption.Mss(mss()), MpCapable.synAck(capableFlags(), localKey));
        send(TcpSegment.SYN | TcpSegment.ACK, isn, rcvNxt, synAckOptions, null);
        sndNxt = inc(isn, 1);
        TcpSegment ack = awaitSegment(deadline, "third ACK", s -> {
            if (s.has(TcpSegment.SYN)) { // our SYN-ACK was not seen yet: the SYN came again
                send(TcpSegment.SYN | TcpSegment.ACK, isn, rcvNxt, synAckOptions, null);
                return false;
            }
            return s.has(TcpSegment.ACK) && s.acknowledgmentNumber() == sndNxt;
        });
        MpCapable third = capable(ack, null, "third ACK");
        if (third.receiverKey() != localKey) {
            throw new IOException("the third ACK echoes key " + Long.toHexString(third.receiverKey())
                    + ", ours is " + Long.toHexString(localKey));
        }
        remoteKey = third.senderKey();
        startDataSequenceSpaces();
        if (third.hasData()) {
            acceptPayload(ack);
        }
    }

    // ---- data -----------------------------------------------------------------------------------------------

    /**
     * Sends {@code data} in segments, each under its own DSS mapping with a DATA_ACK. A client's very first data
     * instead carries MP_CAPABLE with the data-level length (RFC 8684 section 3.1), as Linux sends it.
     */
    public void send(byte[] data) throws IOException {
        for (int off = 0; off < data.length; off += CHUNK) {
            int len = Math.min(CHUNK, data.length - off);
            ByteBuffer payload = ByteBuffer.wrap(data, off, len);
            long ssn = relative(sndNxt, isn);
            int sum = checksums ? DssChecksum.compute(dataSndNxt, ssn, len, payload) : 0;
            MptcpOption option;
            if (client && !firstDataSent) {
                option = checksums
                        ? MpCapable.ackWithData(capableFlags(), localKey, remoteKey, len, sum)
                        : MpCapable.ackWithData(capableFlags(), localKey, remoteKey, len);
            } else {
                Dss dss = Dss.dataAckAndMapping(dataRcvNxt, true, dataSndNxt, true, ssn, len, false);
                option = checksums ? dss.withChecksum(sum) : dss;
            }
            firstDataSent = true;
            send(TcpSegment.ACK | TcpSegment.PSH, sndNxt, rcvNxt, List.of(option), payload);
            sndNxt = inc(sndNxt, len);
            dataSndNxt += len;
        }
    }

    /**
     * Receives exactly {@code length} bytes of the peer's data stream, checking that every byte lies under a
     * mapping whose data sequence number continues the stream (and whose checksum verifies, when in use), and
     * acknowledges each segment with a TCP ACK and a 64-bit DATA_ACK.
     */
    public byte[] receive(int length, Duration timeout) throws IOException {
        long deadline = deadline(timeout);
        ByteBuffer out = ByteBuffer.allocate(length);
        while (out.hasRemaining()) {
            TcpSegment s = awaitSegment(deadline, (length - out.remaining()) + "/" + length + " bytes of data",
                    seg -> seg.payloadLength() > 0);
            byte[] chunk = acceptPayload(s);
            if (chunk.length > out.remaining()) {
                throw new IOException("the peer sent " + (chunk.length - out.remaining()) + " bytes more than "
                        + length);
            }
            out.put(chunk);
        }
        return out.array();
    }

    /** Waits until the peer's DATA_ACK covers everything sent so far. */
    public void awaitDataAcked(Duration timeout) throws IOException {
        long deadline = deadline(timeout);
        if (Long.compareUnsigned(peerDataAck, dataSndNxt) < 0) {
            awaitSegment(deadline, "DATA_ACK " + Long.toUnsignedString(dataSndNxt),
                    s -> Long.compareUnsigned(peerDataAck, dataSndNxt) >= 0);
        }
    }

    /**
     * What the peer's additional subflow showed: its MP_JOIN SYN, and whether the HMAC of its third ACK verified.
     *
     * @param syn the MP_JOIN SYN (the receiver's token in it is the peer's token for our key)
     * @param from the address and port the join came from
     * @param ackHmacValid whether the third ACK's 160-bit HMAC equals the one our keys and randoms give
     */
    public record Join(MpJoin.Syn syn, InetSocketAddress from, boolean ackHmacValid) {
    }

    /**
     * Answers the peer's next MP_JOIN to our port (RFC 8684 section 3.2) as the responder: takes its SYN from any
     * address, sends a SYN-ACK with our truncated HMAC and random, checks the HMAC of its third ACK, and
     * acknowledges that ACK so the peer's subflow becomes established. No data moves on the new subflow.
     */
    public Join acceptJoin(Duration timeout) throws IOException {
        long deadline = deadline(timeout);
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new SocketTimeoutException("timed out waiting for an MP_JOIN SYN on " + local);
            }
            rx.clear();
            ReceivedPacket packet = raw.receive(rx, Duration.ofNanos(left));
            TcpSegment syn = packet == null || packet.truncated() ? null : decode(packet);
            if (syn == null || !syn.has(TcpSegment.SYN) || syn.has(TcpSegment.ACK)) {
                continue;
            }
            MpJoin.Syn join = null;
            for (MptcpOption option : syn.mptcpOptions()) {
                if (option instanceof MpJoin.Syn j) join = j;
            }
            if (join == null) {
                continue;
            }
            InetSocketAddress from = new InetSocketAddress(packet.source(), syn.sourcePort());
            InetAddress to = packet.destination();
            long joinIsn = ThreadLocalRandom.current().nextLong(1L << 32);
            long ourRandom = MptcpCrypto.newJoinRandom();
            long thmac = MptcpCrypto.synAckHmac(localKey, remoteKey, ourRandom, join.senderRandom());
            long peerNext = inc(syn.sequenceNumber(), 1);
            List<TcpOption> options = List.of(new TcpOption.Mss(mss()),
                    new MpJoin.SynAck(false, 0, thmac, ourRandom));
            sendTo(from, to, TcpSegment.SYN | TcpSegment.ACK, joinIsn, peerNext, options, null);
            long ourNext = inc(joinIsn, 1);
            TcpSegment ack = awaitFrom(from, deadline, "MP_JOIN third ACK",
                    s -> s.has(TcpSegment.ACK) && !s.has(TcpSegment.SYN) && s.acknowledgmentNumber() == ourNext);
            byte[] expected = MptcpCrypto.ackHmac(remoteKey, localKey, join.senderRandom(), ourRandom);
            boolean valid = false;
            for (MptcpOption option : ack.mptcpOptions()) {
                if (option instanceof MpJoin.Ack a) valid = MessageDigest.isEqual(a.hmac(), expected);
            }
            // The responder acknowledges the third ACK so the initiator knows the subflow is established.
            sendTo(from, to, TcpSegment.ACK, ourNext, peerNext, List.of(Dss.dataAck(dataRcvNxt, true)), null);
            return new Join(join, from, valid);
        }
    }

    /** Ends the connection with a RST (the probe keeps no state for an orderly close). */
    public void reset() throws IOException {
        if (remote != null) {
            send(TcpSegment.RST | TcpSegment.ACK, sndNxt, rcvNxt, List.of(), null);
        }
    }

    // ---- what was observed ----------------------------------------------------------------------------------

    /** Our 64-bit MPTCP key. */
    public long localKey() {
        return localKey;
    }

    /** The peer's key, from its SYN-ACK (we are the client) or third ACK (we are the server). */
    public long remoteKey() {
        return remoteKey;
    }

    /** Whether DSS checksums are in use: either side asked for them. */
    public boolean checksumsInUse() {
        return checksums;
    }

    /** The peer's MP_CAPABLE from its SYN or SYN-ACK. */
    public MpCapable peerHandshakeOption() {
        return peerHandshakeOption;
    }

    /** Every MPTCP option the peer sent, in arrival order. */
    public List<MptcpOption> receivedOptions() {
        return Collections.unmodifiableList(receivedOptions);
    }

    /** The highest DATA_ACK the peer sent (0 before any). */
    public long peerDataAck() {
        return peerDataAck;
    }

    /** The data sequence number our next byte will carry. */
    public long dataSendNext() {
        return dataSndNxt;
    }

    @Override
    public void close() {
        raw.close();
        reservation.close();
    }

    // ---- internals ------------------------------------------------------------------------------------------

    /** Both IDSNs come from the keys (RFC 8684 section 3.1); the SYN takes one data sequence number. */
    private void startDataSequenceSpaces() {
        dataSndNxt = MptcpCrypto.idsn(localKey) + 1;
        dataRcvNxt = MptcpCrypto.idsn(remoteKey) + 1;
    }

    private byte[] acceptPayload(TcpSegment s) throws IOException {
        ByteBuffer payload = s.payload();
        long alreadyHave = relative(rcvNxt, s.sequenceNumber());
        if (alreadyHave >= payload.remaining() && alreadyHave < (1L << 31)) {
            // A retransmission of bytes we have (our ACK was late): acknowledge again, deliver nothing.
            send(TcpSegment.ACK, sndNxt, rcvNxt, List.of(Dss.dataAck(dataRcvNxt, true)), null);
            return new byte[0];
        }
        if (alreadyHave != 0) {
            throw new IOException("out-of-order segment: seq " + relative(s.sequenceNumber(), peerIsn)
                    + ", expected " + relative(rcvNxt, peerIsn) + " (the probe expects a loss-free lab)");
        }
        int len = payload.remaining();
        if (mapping == null || mappingBytesSeen == mapping.dataLevelLength()) {
            throw new IOException("payload at subflow seq " + relative(rcvNxt, peerIsn) + " has no DSS mapping");
        }
        long offsetInMapping = relative(rcvNxt, peerIsn) - mapping.subflowSequenceNumber();
        long dsn = mapping.dataSequenceNumber() + offsetInMapping;
        if (offsetInMapping != mappingBytesSeen || dsn != dataRcvNxt) {
            throw new IOException("mapping " + mapping + " puts subflow byte " + relative(rcvNxt, peerIsn)
                    + " at DSN " + Long.toUnsignedString(dsn) + ", expected " + Long.toUnsignedString(dataRcvNxt));
        }
        if (mappingBytesSeen + len > mapping.dataLevelLength()) {
            throw new IOException("segment runs past its mapping " + mapping);
        }
        mappingSum.update(payload);
        mappingBytesSeen += len;
        if (mapping.hasChecksum() && mappingBytesSeen == mapping.dataLevelLength()
                && !mappingSum.verify(mapping.dataSequenceNumber(), mapping.subflowSequenceNumber(),
                        mapping.dataLevelLength(), mapping.checksum())) {
            throw new IOException("DSS checksum of " + mapping + " does not verify");
        }
        byte[] bytes = new byte[len];
        payload.get(bytes);
        rcvNxt = inc(rcvNxt, len);
        dataRcvNxt += len;
        send(TcpSegment.ACK, sndNxt, rcvNxt, List.of(Dss.dataAck(dataRcvNxt, true)), null);
        return bytes;
    }

    /** Records the peer's MPTCP options; a mapping in the segment becomes the current one. */
    private void observe(TcpSegment s) {
        for (MptcpOption option : s.mptcpOptions()) {
            receivedOptions.add(option);
            if (option instanceof Dss dss) {
                long ack = dss.isDataAck64() ? dss.dataAck() : widen(dss.dataAck(), dataSndNxt);
                if (dss.hasDataAck() && Long.compareUnsigned(ack, peerDataAck) > 0) {
                    peerDataAck = ack;
                }
                if (dss.hasMapping() && !dss.isDataFin() && dss.dataLevelLength() > 0) {
                    Dss wide = dss;
                    if (!dss.isDsn64()) {
                        wide = Dss.mapping(widen(dss.dataSequenceNumber(), dataRcvNxt), true,
                                dss.subflowSequenceNumber(), dss.dataLevelLength(), false);
                        if (dss.hasChecksum()) wide = wide.withChecksum(dss.checksum());
                    }
                    startMapping(wide);
                }
            } else if (option instanceof MpCapable mpc && mpc.hasData() && s.payloadLength() > 0) {
                // The first data of an MP_CAPABLE client: DSN = IDSN + 1, subflow sequence number 1.
                Dss implied = Dss.mapping(MptcpCrypto.idsn(mpc.senderKey()) + 1, true, 1, mpc.dataLevelLength(),
                        false);
                startMapping(mpc.hasChecksum() ? implied.withChecksum(mpc.checksum()) : implied);
            }
        }
    }

    private void startMapping(Dss dss) {
        boolean same = mapping != null && mapping.dataSequenceNumber() == dss.dataSequenceNumber()
                && mapping.subflowSequenceNumber() == dss.subflowSequenceNumber();
        if (!same) {
            mapping = dss;
            mappingSum.reset();
            mappingBytesSeen = 0;
        }
    }

    private interface SegmentTest {
        boolean test(TcpSegment s) throws IOException;
    }

    /** Receives until a segment from the peer passes {@code wanted}; every segment is observed on the way. */
    private TcpSegment awaitSegment(long deadline, String what, SegmentTest wanted) throws IOException {
        return awaitFrom(null, deadline, what, wanted);
    }

    /**
     * Receives until a segment passes {@code wanted}: from {@code source} when given, else from the connection's
     * peer (the first sender becomes the peer). Segments of the connection are observed on the way.
     */
    private TcpSegment awaitFrom(InetSocketAddress source, long deadline, String what, SegmentTest wanted)
            throws IOException {
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new SocketTimeoutException("timed out waiting for " + what + " from "
                        + (remote == null ? "any peer" : remote) + " on " + local);
            }
            rx.clear();
            ReceivedPacket packet = raw.receive(rx, Duration.ofNanos(left));
            if (packet == null || packet.truncated()) {
                continue;
            }
            TcpSegment s = decode(packet);
            if (s == null || s.destinationPort() != local.getPort()) {
                continue;
            }
            InetSocketAddress sender = new InetSocketAddress(packet.source(), s.sourcePort());
            if (source != null) {
                if (!sender.equals(source)) continue;
            } else if (remote == null) {
                remote = sender;
            } else if (!sender.equals(remote)) {
                continue;
            }
            if (s.has(TcpSegment.RST)) {
                throw new IOException("the peer reset the connection while we waited for " + what);
            }
            if (source == null) {
                observe(s);
            }
            if (wanted.test(s)) {
                return s;
            }
        }
    }

    private TcpSegment decode(ReceivedPacket packet) {
        ByteBuffer bytes = rx.duplicate().position(0).limit(packet.length());
        try {
            if (packet.source() instanceof Inet4Address) {
                return IpPacket.decodeIpv4Tcp(bytes, true).segment();
            }
            return IpPacket.decodeIpv6Tcp((Inet6Address) packet.source(), (Inet6Address) packet.destination(),
                    bytes.position(packet.transportOffset()), true);
        } catch (MalformedPacketException e) {
            return null; // not ours to judge here: a probe only reads well-formed traffic
        }
    }

    private void send(int flags, long seq, long ack, List<? extends TcpOption> options, ByteBuffer payload)
            throws IOException {
        sendTo(remote, local.getAddress(), flags, seq, ack, options, payload);
    }

    private void sendTo(InetSocketAddress to, InetAddress from, int flags, long seq, long ack,
            List<? extends TcpOption> options, ByteBuffer payload) throws IOException {
        ByteBuffer data = payload == null ? ByteBuffer.allocate(0) : payload.slice();
        TcpSegment segment = TcpSegment.of(local.getPort(), to.getPort(), seq, ack, flags, WINDOW, options, data);
        tx.clear();
        segment.encode(tx, from, to.getAddress());
        tx.flip();
        if (!raw.send(tx, to.getAddress())) {
            throw new IOException("the local kernel dropped our segment (ENOBUFS)");
        }
    }

    private MpCapable capable(TcpSegment s, MpCapable.Form form, String what) throws IOException {
        for (MptcpOption option : s.mptcpOptions()) {
            if (option instanceof MpCapable mpc && (form == null || mpc.form() == form)) {
                return mpc;
            }
        }
        throw new IOException("the peer's " + what + " carries no MP_CAPABLE" + (form == null ? "" : " " + form)
                + " (it fell back to TCP): " + s);
    }

    private int capableFlags() {
        return MpCapable.FLAG_HMAC_SHA256 | (requestChecksum ? MpCapable.FLAG_CHECKSUM_REQUIRED : 0);
    }

    private int mss() {
        return local.getAddress() instanceof Inet6Address ? 1440 : 1460;
    }

    /**
     * The 64-bit data sequence number whose low 32 bits a short DSN or DATA_ACK carries: the one nearest to
     * {@code reference} (RFC 8684 section 3.3.2 lets either side send only the low half).
     */
    private static long widen(long low32, long reference) {
        long candidate = (reference & 0xFFFF_FFFF_0000_0000L) | low32;
        long diff = candidate - reference;
        if (diff > (1L << 31)) return candidate - (1L << 32);
        if (diff < -(1L << 31)) return candidate + (1L << 32);
        return candidate;
    }

    private static long inc(long seq, long n) {
        return (seq + n) & 0xFFFF_FFFFL;
    }

    private static long relative(long seq, long base) {
        return (seq - base) & 0xFFFF_FFFFL;
    }

    private static long deadline(Duration timeout) {
        return System.nanoTime() + timeout.toNanos();
    }

    @Override
    public String toString() {
        return "RawMptcpPeer[" + local + (remote == null ? "" : " <-> " + remote) + "]";
    }

}
