package io.mptcp4j.core.mptcp;

import io.mptcp4j.core.event.SubflowEvent;
import io.mptcp4j.core.wire.MptcpCrypto;
import io.mptcp4j.sim.ByteStreamChecker;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Duration;

import static io.mptcp4j.core.mptcp.MptcpStatistics.Counter.MP_CAPABLE_ACK_RX;
import static io.mptcp4j.core.mptcp.MptcpStatistics.Counter.MP_CAPABLE_SYNACK_RX;
import static io.mptcp4j.core.mptcp.MptcpStatistics.Counter.MP_CAPABLE_SYN_RX;
import static io.mptcp4j.core.mptcp.MptcpStatistics.Counter.MP_CAPABLE_SYN_TX;
import static org.assertj.core.api.Assertions.assertThat;

/** The MP_CAPABLE handshake between two MptcpStacks (RFC 8684 section 3.1), and its events. */
class MptcpHandshakeTest {

    @Test
    void bothSidesExchangeKeysAndBecomeFullyEstablished() {
        MptcpPair pair = new MptcpPair(1, MptcpConfig.defaults());
        ByteStreamChecker hello = new ByteStreamChecker(1, 1000);
        pair.clientEnd = new StreamEnd(hello, null).keepOpen();
        pair.serverEnd = new StreamEnd(null, hello).keepOpen();
        MptcpConnection c = pair.connect();
        pair.runUntil(() -> hello.verifier().received() == 1000 && c.isFullyEstablished(), Duration.ofSeconds(5));

        MptcpConnection s = pair.serverConnection;
        assertThat(c.isFallback()).isFalse();
        assertThat(s.isFallback()).isFalse();
        assertThat(c.isFullyEstablished()).isTrue();
        assertThat(s.isFullyEstablished()).isTrue();
        assertThat(c.remoteKey()).isEqualTo(s.localKey());
        assertThat(s.remoteKey()).isEqualTo(c.localKey());
        assertThat(c.token()).isEqualTo(MptcpCrypto.token(c.localKey()));
        assertThat(c.remoteToken()).isEqualTo(s.token());
        assertThat(pair.client.connection(c.token())).isSameAs(c);
        assertThat(pair.server.connection(s.token())).isSameAs(s);
        assertThat(c.isChecksumEnabled()).isFalse();
        assertThat(pair.client.statistics().get(MP_CAPABLE_SYN_TX)).isEqualTo(1);
        assertThat(pair.server.statistics().get(MP_CAPABLE_SYN_RX)).isEqualTo(1);
        assertThat(pair.client.statistics().get(MP_CAPABLE_SYNACK_RX)).isEqualTo(1);
        assertThat(pair.server.statistics().get(MP_CAPABLE_ACK_RX)).isEqualTo(1);
        assertThat(c.subflows()).hasSize(1);
        assertThat(c.subflows().get(0).isInitial()).isTrue();
        hello.assertTransferred();
    }

    @Test
    void dataWrittenBeforeTheHandshakeGoesOutWithIt() {
        MptcpPair pair = new MptcpPair(3, MptcpConfig.defaults());
        ByteStreamChecker early = new ByteStreamChecker(4, 3000);
        pair.serverEnd = new StreamEnd(null, early).keepOpen();
        MptcpConnection c = pair.connect();
        ByteBuffer bytes = ByteBuffer.allocate(3000);
        early.source().read(bytes);
        assertThat(c.write(bytes.flip())).isEqualTo(3000);
        assertThat(c.isConnected()).isFalse();
        pair.runUntil(() -> early.verifier().received() == 3000 && c.isFullyEstablished(), Duration.ofSeconds(5));
        early.assertTransferred();
        assertThat(pair.serverConnection.isFallback()).isFalse();
        assertThat(c.isFullyEstablished()).isTrue();
    }

    @Test
    void eventsArriveInOrderOnBothSides() {
        MptcpPair pair = new MptcpPair(2, MptcpConfig.defaults());
        ByteStreamChecker up = new ByteStreamChecker(2, 5000);
        ByteStreamChecker down = new ByteStreamChecker(3, 5000);
        pair.clientEnd = new StreamEnd(up, down);
        pair.serverEnd = new StreamEnd(down, up);
        MptcpConnection c = pair.connect();
        pair.runUntilClosed(Duration.ofSeconds(10));
        pair.drainEvents();

        assertThat(pair.clientEvents).extracting(e -> e.getClass().getSimpleName())
                .containsExactly("ConnectionCreated", "ConnectionEstablished", "ConnectionClosed");
        assertThat(pair.serverEvents).extracting(e -> e.getClass().getSimpleName())
                .containsExactly("ConnectionCreated", "ConnectionEstablished", "ConnectionClosed");
        assertThat(pair.clientEvents).allMatch(e -> e.token() == c.token());
        assertThat(pair.serverEvents).allMatch(e -> e.token() == pair.serverConnection.token());
        SubflowEvent.ConnectionCreated created = (SubflowEvent.ConnectionCreated) pair.clientEvents.get(0);
        assertThat(created.serverSide()).isFalse();
        assertThat(created.remote().getPort()).isEqualTo(MptcpPair.PORT);
        assertThat(((SubflowEvent.ConnectionClosed) pair.clientEvents.get(2)).error()).isNull();
        for (int i = 1; i < pair.clientEvents.size(); i++) {
            assertThat(pair.clientEvents.get(i).timestamp()).isGreaterThanOrEqualTo(
                    pair.clientEvents.get(i - 1).timestamp());
        }
        up.assertTransferred();
        down.assertTransferred();
        assertThat(c.error()).isNull();
        assertThat(pair.serverConnection.error()).isNull();
        assertThat(pair.client.connectionCount()).isZero();
        assertThat(pair.server.connectionCount()).isZero();
    }
}
