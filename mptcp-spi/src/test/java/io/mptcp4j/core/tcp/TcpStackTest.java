package io.mptcp4j.core.tcp;

import io.mptcp4j.core.wire.InternetChecksum;
import io.mptcp4j.core.wire.IpPacket;
import io.mptcp4j.core.wire.Ipv4Header;
import io.mptcp4j.core.wire.MalformedPacketException;
import io.mptcp4j.core.wire.TcpOption;
import io.mptcp4j.core.wire.TcpSegment;
import org.junit.jupiter.api.Test;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Stacks wired back to back: demultiplexing, listeners, RSTs, timers and whole transfers. */
class TcpStackTest {

    private static final long MS = 1_000_000L;
    private static final long S = 1_000 * MS;
    private static final InetAddress CLIENT = ip("10.0.0.1");
    private static final InetAddress SERVER = ip("10.0.0.2");

    static InetAddress ip(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    static TcpStack stack(InetAddress address, int seed) {
        byte[] secret = new byte[16];
        secret[0] = (byte) seed;
        TcpStack s = TcpStack.builder().secret(secret).build();
        s.addAddress(address);
        return s;
    }

    private final TcpStack client = stack(CLIENT, 1);
    private final TcpStack server = stack(SERVER, 2);
    private final BackToBack pump = new BackToBack(client, server, 12_345 * S);

    /** Sends {@code size} random bytes from a new client connection to an accepted one and checks them. */
    private void transfer(int size, TcpConfig config) throws Exception {
        TcpListener listener = server.listen(null, 80, 16, config);
        TcpConnection c = client.connect(pump.now, CLIENT, 0, SERVER, 80, config);
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        MessageDigest received = MessageDigest.getInstance("SHA-256");
        ByteBuffer source = ByteBuffer.wrap(data);
        ByteBuffer sink = ByteBuffer.allocate(64 * 1024);
        TcpConnection[] accepted = new TcpConnection[1];
        long[] total = new long[1];
        boolean[] eof = new boolean[1];
        pump.runUntil(() -> eof[0], () -> {
            if (accepted[0] == null) {
                accepted[0] = listener.accept();
            }
            if (c.isConnected() && source.hasRemaining()) {
                c.write(source);
                if (!source.hasRemaining()) {
                    c.close();
                }
            }
            if (accepted[0] != null) {
                int n;
                while ((n = accepted[0].read(sink.clear())) > 0) {
                    received.update(sink.flip());
                    total[0] += n;
                }
                if (n < 0) {
                    eof[0] = true;
                    accepted[0].close();
                }
            }
        }, 600 * S);
        assertThat(total[0]).isEqualTo(size);
        assertThat(received.digest()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(data));
        pump.runUntil(() -> c.isClosed() && accepted[0].isClosed(), () -> { }, 300 * S);
        assertThat(c.error()).isNull();
        assertThat(accepted[0].error()).isNull();
        assertThat(client.connectionCount()).isZero();
        assertThat(server.connectionCount()).isZero();
    }

    @Test
    void transfersTenMegabytesIntact() throws Exception {
        transfer(10 * 1024 * 1024, TcpConfig.defaults());
        // One RTT of virtual time per window, no loss: nothing was retransmitted.
        assertThat(client.statistics().get(TcpStatistics.Counter.RETRANSMITTED_SEGMENTS)).isZero();
    }

    @Test
    void recoversFromLossWithSack() throws Exception {
        dropEvery(23);
        transfer(2 * 1024 * 1024, TcpConfig.defaults());
        assertThat(client.statistics().get(TcpStatistics.Counter.SACK_RECOVERIES)).isPositive();
        assertThat(client.statistics().get(TcpStatistics.Counter.RETRANSMITTED_SEGMENTS)).isPositive();
    }

    @Test
    void recoversFromLossWithNewReno() throws Exception {
        dropEvery(23);
        transfer(2 * 1024 * 1024, TcpConfig.builder().sack(false).timestamps(false).build());
        assertThat(client.statistics().get(TcpStatistics.Counter.RENO_RECOVERIES)).isPositive();
    }

    @Test
    void recoversFromHeavyLossWithTimeouts() throws Exception {
        dropEvery(4);
        transfer(200 * 1024, TcpConfig.defaults());
        assertThat(client.statistics().get(TcpStatistics.Counter.RETRANSMITTED_SEGMENTS)).isPositive();
    }

    @Test
    void survivesRandomLossReorderingAndDuplicationBothWays() throws Exception {
        Random random = new Random(99);
        pump.reorderAndDuplicate(random);
        // 3% loss of everything but SYNs, both directions: ACKs, data and FINs.
        pump.filter((fromA, packet) -> packet.remaining() <= 60 && (packet.get(33) & TcpSegment.SYN) != 0
                || random.nextInt(100) >= 3);
        transfer(1024 * 1024, TcpConfig.defaults());
    }

    @Test
    void survivesTheSameWithoutSackOrTimestamps() throws Exception {
        Random random = new Random(7);
        pump.reorderAndDuplicate(random);
        pump.filter((fromA, packet) -> packet.remaining() <= 60 && (packet.get(33) & TcpSegment.SYN) != 0
                || random.nextInt(100) >= 3);
        transfer(512 * 1024, TcpConfig.builder().sack(false).timestamps(false).windowScaling(false)
                .receiveBufferSize(65_535).maxReceiveBufferSize(65_535).build());
    }

    /** Drops every n-th packet carrying data from the client (never the handshake). */
    private void dropEvery(int n) {
        int[] count = new int[1];
        pump.filter((fromA, packet) -> {
            if (!fromA || packet.remaining() <= 60) {
                return true;
            }
            return ++count[0] % n != 0;
        });
    }

    @Test
    void carriesAThousandConcurrentConnections() {
        TcpListener listener = server.listen(SERVER, 443, 1024, TcpConfig.defaults());
        List<TcpConnection> clients = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            clients.add(client.connect(pump.now, CLIENT, 0, SERVER, 443, TcpConfig.defaults()));
        }
        assertThat(clients.stream().map(c -> c.local().port()).distinct()).hasSize(1000);
        List<TcpConnection> servers = new ArrayList<>();
        byte[] request = "GET / HTTP/1.0\r\n\r\n".getBytes();
        int[] answered = new int[1];
        pump.runUntil(() -> answered[0] == 1000, () -> {
            TcpConnection a;
            while ((a = listener.accept()) != null) {
                servers.add(a);
            }
            for (TcpConnection c : clients) {
                if (c.isConnected() && c.bufferedSendBytes() == 0 && c.bytesAcked() == 0 && !c.isOutputShutdown()) {
                    c.write(ByteBuffer.wrap(request));
                    c.shutdownOutput();
                }
            }
            for (TcpConnection s : servers) {
                if (s.readableBytes() == request.length) {
                    s.read(ByteBuffer.allocate(100));
                    s.write(ByteBuffer.wrap(("reply from " + s.remote().port()).getBytes()));
                    s.close();
                }
            }
            answered[0] = 0;
            for (TcpConnection c : clients) {
                if (c.isInputShutdown()) {
                    answered[0]++;
                }
            }
        }, 30 * S);
        for (TcpConnection c : clients) {
            ByteBuffer b = ByteBuffer.allocate(100);
            c.read(b);
            assertThat(new String(b.array(), 0, b.position())).isEqualTo("reply from " + c.local().port());
        }
        assertThat(server.statistics().get(TcpStatistics.Counter.PASSIVE_OPENS)).isEqualTo(1000);
        assertThat(client.statistics().get(TcpStatistics.Counter.RETRANSMITTED_SEGMENTS)).isZero();
        // The clients closed first and wait out TIME_WAIT; the servers close on the last ACK.
        pump.runUntil(() -> client.connectionCount() == 0 && server.connectionCount() == 0, () -> { }, 120 * S);
    }

    @Test
    void aSynToAClosedPortIsRefusedWithARst() {
        TcpConnection c = client.connect(pump.now, CLIENT, 40_000, SERVER, 81, TcpConfig.defaults());
        pump.exchange();
        assertThat(c.state()).isEqualTo(TcpState.CLOSED);
        assertThat(c.error().reason()).isEqualTo(TcpConnectionException.Reason.REFUSED);
        assertThat(server.statistics().drops(TcpStatistics.DropReason.NO_SOCKET)).isEqualTo(1);
        assertThat(server.statistics().get(TcpStatistics.Counter.RESETS_OUT)).isEqualTo(1);
        assertThat(client.connectionCount()).isZero();
    }

    @Test
    void anAckToNoConnectionGetsARstWithItsAckAsSequenceNumber() throws MalformedPacketException {
        server.listen(null, 80, 4, TcpConfig.defaults());
        List<ByteBuffer> out = new ArrayList<>();
        server.handlePacket(0, ipv4(CLIENT, SERVER, TcpSegment.of(5555, 80, 100, 777, TcpSegment.ACK, 1000,
                List.of(), ByteBuffer.allocate(0))));
        server.pollTransmit(0, p -> out.add(copy(p)));
        assertThat(out).hasSize(1);
        TcpSegment rst = IpPacket.decodeIpv4Tcp(out.get(0), true).segment();
        // RFC 9293 3.10.7.1 and 3.10.7.2: <SEQ=SEG.ACK><CTL=RST>
        assertThat(rst.flags()).isEqualTo(TcpSegment.RST);
        assertThat(rst.sequenceNumber()).isEqualTo(777);
        // A RST is never answered.
        server.handlePacket(0, ipv4(CLIENT, SERVER, TcpSegment.of(5555, 80, 100, 0, TcpSegment.RST, 0,
                List.of(), ByteBuffer.allocate(0))));
        assertThat(server.pollTransmit(0, p -> true)).isZero();
    }

    @Test
    void theBacklogBoundsHandshakesAndUnacceptedConnections() {
        TcpListener listener = server.listen(null, 80, 2, TcpConfig.defaults());
        TcpConnection a = client.connect(pump.now, CLIENT, 0, SERVER, 80, TcpConfig.defaults());
        TcpConnection b = client.connect(pump.now, CLIENT, 0, SERVER, 80, TcpConfig.defaults());
        TcpConnection c = client.connect(pump.now, CLIENT, 0, SERVER, 80, TcpConfig.defaults());
        pump.exchange();
        assertThat(listener.acceptQueueLength()).isEqualTo(2);
        assertThat(c.state()).isEqualTo(TcpState.SYN_SENT);
        assertThat(server.statistics().get(TcpStatistics.Counter.LISTEN_OVERFLOWS)).isEqualTo(1);
        assertThat(listener.accept()).isNotNull();
        // The SYN is retransmitted after 1 s and now fits.
        pump.runUntil(c::isConnected, () -> { }, 5 * S);
        assertThat(a.isConnected() && b.isConnected()).isTrue();
        assertThat(listener.accept()).isNotNull();
        assertThat(listener.accept()).isNotNull();
        assertThat(listener.accept()).isNull();
    }

    @Test
    void closingAListenerResetsWhatItHadNotHandedOut() {
        TcpListener listener = server.listen(null, 80, 4, TcpConfig.defaults());
        TcpConnection c = client.connect(pump.now, CLIENT, 0, SERVER, 80, TcpConfig.defaults());
        pump.exchange();
        assertThat(c.isConnected()).isTrue();
        listener.close();
        pump.exchange();
        assertThat(c.error().reason()).isEqualTo(TcpConnectionException.Reason.RESET_BY_PEER);
        assertThat(listener.isClosed()).isTrue();
        assertThat(listener.accept()).isNull();
        assertThat(server.connectionCount()).isZero();
    }

    @Test
    void worksOverIpv6() throws Exception {
        InetAddress c6 = ip("fd00::1");
        InetAddress s6 = ip("fd00::2");
        client.addAddress(c6);
        server.addAddress(s6);
        TcpListener listener = server.listen(s6, 8080, 4, TcpConfig.defaults());
        TcpConnection c = client.connect(pump.now, c6, 0, s6, 8080, TcpConfig.defaults());
        pump.exchange();
        TcpConnection s = listener.accept();
        assertThat(s).isNotNull();
        assertThat(c.sendMss()).isEqualTo(1440);
        c.write(ByteBuffer.wrap(new byte[100_000]));
        long[] got = new long[1];
        pump.runUntil(() -> got[0] == 100_000, () -> {
            int n = s.read(ByteBuffer.allocate(65_536));
            got[0] += Math.max(n, 0);
        }, 10 * S);
    }

    @Test
    void badChecksumsAreCountedAndDroppedUnlessVerificationIsOff() {
        server.listen(null, 80, 4, TcpConfig.defaults());
        ByteBuffer syn = ipv4(CLIENT, SERVER, TcpSegment.of(5555, 80, 100, 0, TcpSegment.SYN, 1000,
                List.of(new TcpOption.Mss(1460)), ByteBuffer.allocate(0)));
        syn.put(syn.limit() - 10, (byte) 0x55);
        server.handlePacket(0, syn.duplicate());
        assertThat(server.statistics().drops(TcpStatistics.DropReason.BAD_CHECKSUM)).isEqualTo(1);
        assertThat(server.statistics().get(TcpStatistics.Counter.IN_ERRORS)).isEqualTo(1);
        assertThat(server.connectionCount()).isZero();

        TcpStack trusting = TcpStack.builder().secret(new byte[16]).verifyChecksums(false).build();
        trusting.addAddress(SERVER);
        trusting.listen(null, 80, 4, TcpConfig.defaults());
        trusting.handlePacket(0, syn.duplicate());
        assertThat(trusting.connectionCount()).isEqualTo(1);
    }

    @Test
    void packetsForOtherAddressesAndGarbageAreDropped() {
        server.handlePacket(0, ipv4(CLIENT, ip("10.9.9.9"), TcpSegment.of(1, 2, 3, 4, TcpSegment.SYN, 5,
                List.of(), ByteBuffer.allocate(0))));
        server.handlePacket(0, ByteBuffer.wrap(new byte[] {0x45, 0, 0}));
        server.handlePacket(0, ByteBuffer.allocate(0));
        assertThat(server.statistics().drops(TcpStatistics.DropReason.NOT_LOCAL_ADDRESS)).isEqualTo(1);
        assertThat(server.statistics().drops(TcpStatistics.DropReason.MALFORMED)).isEqualTo(2);
        assertThat(server.pollTransmit(0, p -> true)).isZero();
    }

    @Test
    void sentPacketsHaveValidHeadersAndChecksums() throws MalformedPacketException {
        client.connect(pump.now, CLIENT, 0, SERVER, 80, TcpConfig.defaults());
        List<ByteBuffer> out = new ArrayList<>();
        client.pollTransmit(pump.now, p -> out.add(copy(p)));
        IpPacket.Ipv4Tcp syn = IpPacket.decodeIpv4Tcp(out.get(0), true);
        assertThat(syn.header().dontFragment()).isTrue();
        assertThat(syn.header().timeToLive()).isEqualTo(64);
        assertThat(syn.header().protocol()).isEqualTo(InternetChecksum.PROTOCOL_TCP);
        assertThat(syn.source()).isEqualTo(CLIENT);
        assertThat(syn.segment().has(TcpSegment.SYN)).isTrue();
    }

    @Test
    void aFullSinkKeepsThePacketForTheNextPoll() {
        client.connect(pump.now, CLIENT, 0, SERVER, 80, TcpConfig.defaults());
        assertThat(client.pollTransmit(pump.now, p -> false)).isZero();
        List<ByteBuffer> out = new ArrayList<>();
        assertThat(client.pollTransmit(pump.now, p -> out.add(copy(p)))).isEqualTo(1);
        assertThat(client.pollTransmit(pump.now, p -> out.add(copy(p)))).isZero();
    }

    @Test
    void isnsFollowRfc6528() {
        InitialSequenceNumbers isn = new InitialSequenceNumbers(new byte[16]);
        TcpEndpoint a = new TcpEndpoint(CLIENT, 1000);
        TcpEndpoint b = new TcpEndpoint(SERVER, 80);
        TcpEndpoint b2 = new TcpEndpoint(SERVER, 81);
        // M ticks every 4 microseconds; F is fixed per 4-tuple and secret.
        assertThat(isn.initialSequenceNumber(4_000_000, a, b) - isn.initialSequenceNumber(0, a, b)).isEqualTo(1000);
        assertThat(isn.initialSequenceNumber(0, a, b)).isNotEqualTo(isn.initialSequenceNumber(0, a, b2));
        InitialSequenceNumbers other = new InitialSequenceNumbers(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
                12, 13, 14, 15, 16});
        assertThat(isn.initialSequenceNumber(0, a, b)).isNotEqualTo(other.initialSequenceNumber(0, a, b));
    }

    @Test
    void aNewSynMayReuseATupleInTimeWait() {
        TcpConfig config = TcpConfig.builder().timeWait(Duration.ofSeconds(30)).build();
        TcpListener listener = server.listen(null, 80, 4, config);
        TcpConnection c = client.connect(pump.now, CLIENT, 40_001, SERVER, 80, config);
        pump.exchange();
        TcpConnection s = listener.accept();
        // The server closes first and ends in TIME_WAIT.
        s.close();
        pump.exchange();
        c.close();
        pump.exchange();
        assertThat(s.state()).isEqualTo(TcpState.TIME_WAIT);
        assertThat(c.isClosed()).isTrue();
        pump.now += 1 * S;
        TcpConnection again = client.connect(pump.now, CLIENT, 40_001, SERVER, 80, config);
        pump.exchange();
        assertThat(again.isConnected()).isTrue();
        assertThat(s.isClosed()).isTrue();
        assertThat(listener.accept()).isNotNull();
    }

    @Test
    void rejectsMisuse() {
        assertThatThrownBy(() -> client.connect(0, ip("10.1.1.1"), 0, SERVER, 80, TcpConfig.defaults()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not an address");
        assertThatThrownBy(() -> client.connect(0, CLIENT, 0, ip("fd00::1"), 80, TcpConfig.defaults()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("families");
        client.connect(0, CLIENT, 5000, SERVER, 80, TcpConfig.defaults());
        assertThatThrownBy(() -> client.connect(0, CLIENT, 5000, SERVER, 80, TcpConfig.defaults()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("already exists");
        server.listen(null, 80, 1, TcpConfig.defaults());
        assertThatThrownBy(() -> server.listen(null, 80, 1, TcpConfig.defaults()))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> TcpStack.builder().build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("secret");
    }

    @Test
    void ephemeralPortsAreDistinctPerDestinationUntilExhausted() {
        TcpStack small = TcpStack.builder().secret(new byte[16]).ephemeralPorts(50_000, 50_009).build();
        small.addAddress(CLIENT);
        Set<Integer> ports = new HashSet<>();
        for (int i = 0; i < 10; i++) {
            ports.add(small.connect(0, CLIENT, 0, SERVER, 80, TcpConfig.defaults()).local().port());
        }
        assertThat(ports).hasSize(10).allSatisfy(p -> assertThat(p).isBetween(50_000, 50_009));
        assertThatThrownBy(() -> small.connect(0, CLIENT, 0, SERVER, 80, TcpConfig.defaults()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no free ephemeral port");
        // Another destination has its own space.
        assertThat(small.connect(0, CLIENT, 0, SERVER, 443, TcpConfig.defaults())).isNotNull();
    }

    static ByteBuffer ipv4(InetAddress source, InetAddress destination, TcpSegment segment) {
        int src = toInt(source);
        int dst = toInt(destination);
        ByteBuffer b = ByteBuffer.allocate(20 + segment.encodedLength());
        new Ipv4Header(0, b.capacity(), 1, Ipv4Header.FLAG_DONT_FRAGMENT, 0, 64, InternetChecksum.PROTOCOL_TCP,
                0, src, dst, new byte[0]).encode(b);
        segment.encodeIpv4(b, src, dst);
        return b.flip();
    }

    static int toInt(InetAddress a) {
        byte[] b = ((Inet4Address) a).getAddress();
        return (b[0] & 0xFF) << 24 | (b[1] & 0xFF) << 16 | (b[2] & 0xFF) << 8 | (b[3] & 0xFF);
    }

    static ByteBuffer copy(ByteBuffer p) {
        ByteBuffer c = ByteBuffer.allocate(p.remaining());
        c.put(p).flip();
        return c;
    }
}
