package io.mptcp4j.core.mptcp;

import io.mptcp4j.core.event.SubflowCloseReason;
import io.mptcp4j.core.event.SubflowEvent;
import io.mptcp4j.core.wire.IpAddresses;
import io.mptcp4j.core.wire.IpPacket;
import io.mptcp4j.core.wire.Ipv4Header;
import io.mptcp4j.core.wire.MalformedPacketException;
import io.mptcp4j.core.wire.MpJoin;
import io.mptcp4j.core.wire.TcpOption;
import io.mptcp4j.core.wire.TcpSegment;
import io.mptcp4j.sim.ByteStreamChecker;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import static io.mptcp4j.core.mptcp.MptcpStatistics.Counter;
import static io.mptcp4j.sim.TwoHostNetwork.clientIpv4;
import static io.mptcp4j.sim.TwoHostNetwork.serverIpv4;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Joins that must fail (RFC 8684 section 3.2): an unknown token, a wrong HMAC on the SYN-ACK or on the third
 * ACK, a join to a closed connection. Each is refused with a RST, counted, and leaves no subflow, no TCP
 * connection and no event behind, while the connection goes on over its other subflow.
 */
class MptcpHostileJoinTest {

    private static final long MEGABYTE = 1024 * 1024;

    /** A two-path pair uploading {@code bytes}, with {@code rewrite} applied to MP_JOIN segments on path 1. */
    private static MptcpPair pair(long seed, UnaryOperator<TcpSegment> clientToServer,
                                  UnaryOperator<TcpSegment> serverToClient) {
        MptcpPair pair = new MptcpPair(seed, MptcpConfig.defaults(), MptcpMultipathTest.path(20, 10),
                MptcpMultipathTest.path(20, 10)).withAllPathAddresses();
        pair.net.path(1).aToB().mutator(Middlebox.rewriting(clientToServer));
        pair.net.path(0).bToA().mutator(Middlebox.rewriting(serverToClient));
        pair.net.path(1).bToA().mutator(Middlebox.rewriting(serverToClient));
        ByteStreamChecker up = new ByteStreamChecker(3, 2 * MEGABYTE);
        ByteStreamChecker down = new ByteStreamChecker(4, 0);
        pair.up = up;
        pair.clientEnd = new StreamEnd(up, down);
        pair.serverEnd = new StreamEnd(down, up);
        return pair;
    }

    /** Replaces the MP_JOIN of a segment through {@code change}, other options kept. */
    private static TcpSegment replacingJoin(TcpSegment s, UnaryOperator<MpJoin> change) {
        List<TcpOption> options = new ArrayList<>();
        boolean changed = false;
        for (TcpOption o : s.options()) {
            if (o instanceof MpJoin j) {
                options.add(change.apply(j));
                changed = true;
            } else {
                options.add(o);
            }
        }
        return changed ? Middlebox.withOptions(s, options) : s;
    }

    private static void assertNoTraceOnTheServer(MptcpPair pair) {
        assertThat(pair.serverConnection.subflows()).hasSize(1);
        assertThat(pair.server.tcp().connectionCount()).as("TCP connections on the server").isEqualTo(1);
        assertThat(pair.serverEvents).noneMatch(e -> e instanceof SubflowEvent.SubflowEstablished
                || e instanceof SubflowEvent.SubflowClosed);
    }

    @Test
    void anUnknownTokenIsAnsweredWithAResetAndTheClientRetriesWithBackoff() {
        MptcpPair pair = pair(21, s -> replacingJoin(s, j -> j instanceof MpJoin.Syn syn
                ? new MpJoin.Syn(syn.backup(), syn.addressId(), syn.receiverToken() ^ 1, syn.senderRandom()) : j),
                UnaryOperator.identity());
        MptcpConnection c = pair.connect();
        pair.runUntil(() -> pair.up.verifier().complete(), Duration.ofSeconds(30));
        pair.up.assertTransferred();
        assertThat(pair.server.statistics().get(Counter.MP_JOIN_NO_TOKEN)).isGreaterThanOrEqualTo(2);
        assertNoTraceOnTheServer(pair);
        assertThat(pair.clientEvents).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(
                SubflowEvent.SubflowClosed.class, closed -> assertThat(closed.reason())
                        .isEqualTo(SubflowCloseReason.HANDSHAKE_FAILED)));
        assertThat(c.subflows()).hasSize(1);
    }

    @Test
    void aWrongHmacOnTheSynAckEndsTheJoinAtTheClient() {
        MptcpPair pair = pair(22, UnaryOperator.identity(), s -> replacingJoin(s, j -> j instanceof MpJoin.SynAck a
                ? new MpJoin.SynAck(a.backup(), a.addressId(), a.truncatedHmac() ^ 0x100, a.senderRandom()) : j));
        MptcpConnection c = pair.connect();
        pair.runUntil(() -> pair.up.verifier().complete(), Duration.ofSeconds(30));
        pair.up.assertTransferred();
        assertThat(pair.client.statistics().get(Counter.MP_JOIN_SYNACK_HMAC_FAILURE)).isGreaterThanOrEqualTo(1);
        assertThat(pair.client.statistics().get(Counter.MP_JOIN_SYNACK_RX)).isZero();
        // The client's RST with MP_TCPRST took the half-open subflow away on the server too.
        pair.network().runFor(Duration.ofMillis(100));
        assertThat(pair.serverConnection.subflows()).hasSize(1);
        assertThat(pair.serverEvents).noneMatch(e -> e instanceof SubflowEvent.SubflowEstablished);
        assertThat(c.error()).isNull();
    }

    @Test
    void aWrongHmacOnTheThirdAckLeavesNothingOnTheServer() {
        MptcpPair pair = pair(23, s -> replacingJoin(s, j -> {
            if (j instanceof MpJoin.Ack a) {
                byte[] hmac = a.hmac();
                hmac[0] ^= 1;
                return new MpJoin.Ack(hmac);
            }
            return j;
        }), UnaryOperator.identity());
        MptcpConnection c = pair.connect();
        pair.runUntil(() -> pair.up.verifier().complete(), Duration.ofSeconds(30));
        pair.up.assertTransferred();
        assertThat(pair.server.statistics().get(Counter.MP_JOIN_ACK_HMAC_FAILURE)).isGreaterThanOrEqualTo(1);
        assertThat(pair.server.statistics().get(Counter.MP_JOIN_ACK_RX)).isZero();
        assertNoTraceOnTheServer(pair);
        assertThat(c.error()).isNull();
    }

    @Test
    void aJoinToAClosedConnectionGetsAReset() throws MalformedPacketException {
        MptcpPair pair = pair(24, UnaryOperator.identity(), UnaryOperator.identity());
        MptcpConnection c = pair.connect();
        pair.runUntilClosed(Duration.ofSeconds(30));
        pair.up.assertTransferred();
        long token = pair.serverConnection.token();
        int before = pair.server.tcp().connectionCount();

        // A join for the token of the connection that just closed, as an attacker replaying it would send.
        TcpSegment syn = TcpSegment.of(40000, MptcpPair.PORT, 12345, 0, TcpSegment.SYN, 65535,
                List.<TcpOption>of(new MpJoin.Syn(false, 5, token, 0x1234_5678L)), ByteBuffer.allocate(0));
        ByteBuffer packet = ByteBuffer.allocate(Ipv4Header.MIN_LENGTH + syn.encodedLength());
        new Ipv4Header(0, Ipv4Header.MIN_LENGTH + syn.encodedLength(), 1, 0, 0, 64, 6, 0,
                IpAddresses.toInt(clientIpv4(1)), IpAddresses.toInt(serverIpv4(0)), new byte[0]).encode(packet);
        syn.encodeIpv4(packet, IpAddresses.toInt(clientIpv4(1)), IpAddresses.toInt(serverIpv4(0)));
        packet.flip();
        long now = pair.network().now();
        pair.server.handlePacket(now, packet);
        List<TcpSegment> out = new ArrayList<>();
        pair.server.pollTransmit(now, p -> {
            try {
                out.add(IpPacket.decodeIpv4Tcp(p.duplicate(), false).segment());
            } catch (MalformedPacketException e) {
                throw new AssertionError(e);
            }
            return true;
        });
        assertThat(out).anySatisfy(s -> {
            assertThat(s.has(TcpSegment.RST)).isTrue();
            assertThat(s.destinationPort()).isEqualTo(40000);
        });
        assertThat(pair.server.tcp().connectionCount()).isEqualTo(before);
        assertThat(pair.server.statistics().get(Counter.MP_JOIN_NO_TOKEN)).isEqualTo(1);
        assertThat(c.isClosed()).isTrue();
    }
}
