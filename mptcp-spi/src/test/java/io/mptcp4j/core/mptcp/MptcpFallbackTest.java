package io.mptcp4j.core.mptcp;

import io.mptcp4j.core.event.FallbackReason;
import io.mptcp4j.core.event.SubflowEvent;
import io.mptcp4j.core.tcp.TcpConfig;
import io.mptcp4j.core.tcp.TcpConnection;
import io.mptcp4j.core.tcp.TcpListener;
import io.mptcp4j.core.tcp.TcpStack;
import io.mptcp4j.core.wire.MalformedPacketException;
import io.mptcp4j.core.wire.MpMalformed;
import io.mptcp4j.core.wire.TcpOption;
import io.mptcp4j.core.wire.TcpSegment;
import io.mptcp4j.sim.ByteStreamChecker;
import io.mptcp4j.sim.LinkConfig;
import io.mptcp4j.sim.SimNetwork;
import io.mptcp4j.sim.TwoHostNetwork;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static io.mptcp4j.core.mptcp.MptcpStatistics.Counter.DSS_FALLBACK;
import static io.mptcp4j.core.mptcp.MptcpStatistics.Counter.FALLBACKS;
import static io.mptcp4j.core.mptcp.MptcpStatistics.Counter.MP_CAPABLE_FALLBACK_ACK;
import static io.mptcp4j.core.mptcp.MptcpStatistics.Counter.MP_CAPABLE_FALLBACK_SYNACK;
import static io.mptcp4j.sim.TwoHostNetwork.clientIpv4;
import static io.mptcp4j.sim.TwoHostNetwork.serverIpv4;
import static org.assertj.core.api.Assertions.assertThat;

/** Fallback to TCP (RFC 8684 section 3.7): the application keeps a working byte stream every time. */
class MptcpFallbackTest {

    private static final long SIZE = 1024 * 1024;
    private static final LinkConfig LINK = LinkConfig.builder().delay(Duration.ofMillis(5)).build();

    // --- the peer is plain TCP

    @Test
    void clientFallsBackWhenTheServerIsPlainTcp() {
        TwoHostNetwork net = SimNetwork.twoHosts(5, LINK);
        MptcpStack client = MptcpPair.stack(5, 1);
        TcpStack server = TcpStack.builder().secret(new byte[16]).build();
        client.addAddress(clientIpv4(0));
        server.addAddress(serverIpv4(0));
        net.client().install(client);
        net.server().install(server);
        TcpListener listener = server.listen(null, MptcpPair.PORT, 4, TcpConfig.defaults());
        ByteStreamChecker up = new ByteStreamChecker(1, SIZE);
        ByteStreamChecker down = new ByteStreamChecker(2, SIZE);
        StreamEnd clientEnd = new StreamEnd(up, down);
        StreamEnd serverEnd = new StreamEnd(down, up);
        MptcpConnection c = client.connect(net.network().now(), clientIpv4(0), 0, serverIpv4(0), MptcpPair.PORT,
                MptcpConfig.defaults());
        clientEnd.attach(c);
        TcpConnection[] accepted = new TcpConnection[1];
        List<SubflowEvent> events = new ArrayList<>();
        Ticker.every(net.network(), () -> {
            if (accepted[0] == null && (accepted[0] = listener.accept()) != null) {
                serverEnd.attach(accepted[0]);
            }
            clientEnd.pump();
            serverEnd.pump();
            for (SubflowEvent e; (e = client.pollEvent()) != null; ) {
                events.add(e);
            }
        });

        net.network().runUntil(() -> c.isClosed() && clientEnd.done() && serverEnd.done(), Duration.ofSeconds(60));

        up.assertTransferred();
        down.assertTransferred();
        assertThat(c.isFallback()).isTrue();
        assertThat(c.error()).isNull();
        assertThat(c.hasRemoteKey()).isFalse();
        assertThat(client.statistics().get(MP_CAPABLE_FALLBACK_SYNACK)).isEqualTo(1);
        assertThat(events).singleElement().isInstanceOfSatisfying(SubflowEvent.Fallback.class,
                f -> assertThat(f.reason()).isEqualTo(FallbackReason.SYN_ACK_WITHOUT_MP_CAPABLE));
    }

    @Test
    void serverServesAPlainTcpClient() {
        TwoHostNetwork net = SimNetwork.twoHosts(6, LINK);
        TcpStack client = TcpStack.builder().secret(new byte[16]).build();
        MptcpStack server = MptcpPair.stack(6, 2);
        client.addAddress(clientIpv4(0));
        server.addAddress(serverIpv4(0));
        net.client().install(client);
        net.server().install(server);
        MptcpListener listener = server.listen(null, MptcpPair.PORT, 4, MptcpConfig.defaults());
        ByteStreamChecker up = new ByteStreamChecker(3, SIZE);
        ByteStreamChecker down = new ByteStreamChecker(4, SIZE);
        StreamEnd clientEnd = new StreamEnd(up, down);
        StreamEnd serverEnd = new StreamEnd(down, up);
        TcpConnection c = client.connect(net.network().now(), clientIpv4(0), 0, serverIpv4(0), MptcpPair.PORT,
                TcpConfig.defaults());
        clientEnd.attach(c);
        MptcpConnection[] accepted = new MptcpConnection[1];
        Ticker.every(net.network(), () -> {
            if (accepted[0] == null && (accepted[0] = listener.accept()) != null) {
                serverEnd.attach(accepted[0]);
            }
            clientEnd.pump();
            serverEnd.pump();
        });

        net.network().runUntil(() -> accepted[0] != null && accepted[0].isClosed() && clientEnd.done(),
                Duration.ofSeconds(60));
        serverEnd.pump(); // the connection may close in the millisecond its last bytes arrived, before a read

        up.assertTransferred();
        down.assertTransferred();
        assertThat(accepted[0].isFallback()).isTrue();
        assertThat(accepted[0].error()).isNull();
        assertThat(accepted[0].hasLocalKey()).isFalse();
        assertThat(server.pollEvent()).as("a plain TCP connection makes no MPTCP event").isNull();
    }

    @Test
    void refusingFallbackFailsWithAClearError() {
        TwoHostNetwork net = SimNetwork.twoHosts(7, LINK);
        MptcpStack client = MptcpPair.stack(7, 1);
        TcpStack server = TcpStack.builder().secret(new byte[16]).build();
        client.addAddress(clientIpv4(0));
        server.addAddress(serverIpv4(0));
        net.client().install(client);
        net.server().install(server);
        server.listen(null, MptcpPair.PORT, 4, TcpConfig.defaults());
        MptcpConnection c = client.connect(net.network().now(), clientIpv4(0), 0, serverIpv4(0), MptcpPair.PORT,
                MptcpConfig.builder().fallbackPolicy(FallbackPolicy.REFUSE).build());

        net.network().runUntil(c::isClosed, Duration.ofSeconds(10));

        assertThat(c.error()).isNotNull();
        assertThat(c.error().reason()).isEqualTo(MptcpException.Reason.FALLBACK_REFUSED);
        assertThat(c.error()).hasMessageContaining("MPTCP is required");
    }

    // --- a middlebox strips the options

    @Test
    void aStrippedSynAckMakesBothSidesFallBack() {
        MptcpPair pair = transferPair(8);
        pair.net.path(0).bToA().mutator(Middlebox.strippingMptcpOptions(s -> s.has(TcpSegment.SYN)));
        runTransfer(pair);
        assertThat(pair.clientConnection.isFallback()).isTrue();
        assertThat(pair.serverConnection.isFallback()).isTrue();
        assertThat(pair.client.statistics().get(MP_CAPABLE_FALLBACK_SYNACK)).isEqualTo(1);
        assertThat(pair.server.statistics().get(MP_CAPABLE_FALLBACK_ACK)).isEqualTo(1);
        assertThat(fallbackReasons(pair.serverEvents)).containsExactly(FallbackReason.ACK_WITHOUT_MP_CAPABLE);
    }

    @Test
    void aStrippedThirdAckMakesBothSidesFallBack() {
        MptcpPair pair = transferPair(9);
        pair.net.path(0).aToB().mutator(Middlebox.strippingMptcpOptions(s -> !s.has(TcpSegment.SYN)));
        runTransfer(pair);
        assertThat(pair.server.statistics().get(MP_CAPABLE_FALLBACK_ACK)).isEqualTo(1);
        assertThat(fallbackReasons(pair.serverEvents)).containsExactly(FallbackReason.ACK_WITHOUT_MP_CAPABLE);
        assertThat(fallbackReasons(pair.clientEvents))
                .containsExactly(FallbackReason.DSS_MISSING_BEFORE_CONFIRMED);
    }

    @Test
    void optionsStrippedAfterTheHandshakeMakeBothSidesFallBack() {
        MptcpPair pair = transferPair(10);
        AtomicInteger clientSegments = new AtomicInteger();
        // The third ACK gets through; everything after it loses its MPTCP options.
        pair.net.path(0).aToB().mutator(Middlebox.strippingMptcpOptions(
                s -> !s.has(TcpSegment.SYN) && clientSegments.incrementAndGet() > 1));
        pair.net.path(0).bToA().mutator(Middlebox.strippingMptcpOptions(s -> !s.has(TcpSegment.SYN)));
        runTransfer(pair);
        assertThat(pair.server.statistics().get(DSS_FALLBACK)).isEqualTo(1);
        assertThat(pair.client.statistics().get(DSS_FALLBACK)).isEqualTo(1);
        assertThat(fallbackReasons(pair.serverEvents)).containsExactly(FallbackReason.DATA_WITHOUT_MAPPING);
        assertThat(fallbackReasons(pair.clientEvents))
                .containsExactly(FallbackReason.DSS_MISSING_BEFORE_CONFIRMED);
    }

    @Test
    void optionsStrippedInTheMiddleOfATransferMakeBothSidesFallBack() {
        MptcpPair pair = transferPair(11);
        AtomicInteger packets = new AtomicInteger();
        pair.net.path(0).aToB().mutator(Middlebox.strippingMptcpOptions(s -> packets.incrementAndGet() > 300));
        pair.net.path(0).bToA().mutator(Middlebox.strippingMptcpOptions(s -> packets.get() > 300));
        runTransfer(pair);
        assertThat(pair.clientConnection.isFullyEstablished()).isTrue();
        assertThat(pair.client.statistics().get(FALLBACKS)).isEqualTo(1);
        assertThat(pair.server.statistics().get(FALLBACKS)).isEqualTo(1);
    }

    @Test
    void aSenderWhoseAcksLoseTheirDataAcksFallsBack() {
        MptcpPair pair = new MptcpPair(13, MptcpConfig.defaults(), LINK);
        pair.streams(13, SIZE, 14, 0);
        AtomicInteger packets = new AtomicInteger();
        pair.net.path(0).aToB().mutator(Middlebox.strippingMptcpOptions(s -> packets.incrementAndGet() > 300));
        pair.net.path(0).bToA().mutator(Middlebox.strippingMptcpOptions(s -> packets.get() > 300));
        runTransfer(pair);
        assertThat(fallbackReasons(pair.clientEvents)).containsExactly(FallbackReason.DATA_ACK_MISSING);
        assertThat(fallbackReasons(pair.serverEvents)).containsExactly(FallbackReason.DATA_WITHOUT_MAPPING);
    }

    @Test
    void aPeerThatDropsItsOptionsOnceOurDataFinArrivedIsNotAMiddlebox() {
        // As Linux does when its application closes on our DATA_FIN: the subflow's last ACKs, which acknowledge
        // our last bytes, carry no MPTCP option. That is no sign of stripping. (This middlebox also takes the
        // DATA_ACK of the DATA_FIN, which Linux sends, so the connection ends in a reset here; the bytes and the
        // absence of a fallback are what count.)
        MptcpPair pair = new MptcpPair(15, MptcpConfig.defaults(), LINK);
        pair.streams(15, SIZE, 16, 0);
        pair.net.path(0).bToA().mutator(Middlebox.strippingMptcpOptions(
                s -> pair.serverConnection != null && pair.serverConnection.isInputShutdown()));
        pair.connect();
        pair.runUntil(() -> pair.serverEnd.endOfStream(), Duration.ofSeconds(30));
        pair.network().runFor(Duration.ofSeconds(1));
        pair.drainEvents();

        pair.up.assertTransferred();
        assertThat(fallbackReasons(pair.clientEvents)).as(pair.context()).isEmpty();
        assertThat(pair.client.statistics().get(FALLBACKS)).isZero();
    }

    @Test
    void aMalformedMpCapableOnTheSynIsTreatedAsAbsent() {
        MptcpPair pair = transferPair(12);
        pair.net.path(0).aToB().mutator(Middlebox.rewriting(s -> {
            if (!s.has(TcpSegment.SYN)) {
                return s;
            }
            List<TcpOption> options = new ArrayList<>(Middlebox.withoutMptcp(s.options()));
            // MP_CAPABLE of length 5: no such form.
            options.add(new MpMalformed(MalformedPacketException.Reason.BAD_OPTION_LENGTH,
                    new byte[] {30, 5, 0x01, 0x01, 0}));
            return Middlebox.withOptions(s, options);
        }));
        runTransfer(pair);
        assertThat(pair.serverConnection.isFallback()).isTrue();
        assertThat(pair.clientConnection.isFallback()).isTrue();
        assertThat(pair.server.statistics().get(MptcpStatistics.Counter.MALFORMED_OPTIONS)).isEqualTo(1);
        assertThat(pair.client.statistics().get(MP_CAPABLE_FALLBACK_SYNACK)).isEqualTo(1);
    }

    private static MptcpPair transferPair(long seed) {
        MptcpPair pair = new MptcpPair(seed, MptcpConfig.defaults(), LINK);
        ByteStreamChecker up = new ByteStreamChecker(seed, SIZE);
        ByteStreamChecker down = new ByteStreamChecker(seed + 100, SIZE);
        pair.clientEnd = new StreamEnd(up, down);
        pair.serverEnd = new StreamEnd(down, up);
        pair.up = up;
        pair.down = down;
        return pair;
    }

    private static void runTransfer(MptcpPair pair) {
        pair.connect();
        pair.runUntilClosed(Duration.ofSeconds(120));
        pair.drainEvents();
        pair.up.assertTransferred();
        pair.down.assertTransferred();
        assertThat(pair.clientConnection.error()).as(pair.context()).isNull();
        assertThat(pair.serverConnection.error()).as(pair.context()).isNull();
        assertThat(pair.clientConnection.isFallback()).as(pair.context()).isTrue();
        assertThat(pair.serverConnection.isFallback()).as(pair.context()).isTrue();
    }

    private static List<FallbackReason> fallbackReasons(List<SubflowEvent> events) {
        List<FallbackReason> reasons = new ArrayList<>();
        for (SubflowEvent e : events) {
            if (e instanceof SubflowEvent.Fallback f) {
                reasons.add(f.reason());
            }
        }
        return reasons;
    }
}
