package io.mptcp4j.core.mptcp;

import io.mptcp4j.core.event.SubflowEvent;
import io.mptcp4j.core.tcp.TcpConfig;
import io.mptcp4j.core.wire.MpTcpRst;
import io.mptcp4j.sim.ByteStreamChecker;
import io.mptcp4j.sim.LinkConfig;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;

import static io.mptcp4j.core.mptcp.MptcpStatistics.Counter.MP_FASTCLOSE_RX;
import static io.mptcp4j.core.mptcp.MptcpStatistics.Counter.MP_FASTCLOSE_TX;
import static io.mptcp4j.core.mptcp.MptcpStatistics.Counter.MP_RST_RX;
import static io.mptcp4j.core.mptcp.MptcpStatistics.Counter.MP_RST_TX;
import static org.assertj.core.api.Assertions.assertThat;

/** MP_FASTCLOSE (RFC 8684 section 3.5) and MP_TCPRST (section 3.6), sent and received by both roles. */
class MptcpAbortTest {

    private static final LinkConfig LINK = LinkConfig.builder().delay(Duration.ofMillis(5)).build();

    @Test
    void aClientAbortFastClosesTheServer() {
        MptcpPair pair = busyPair(40);
        pair.clientConnection.abort();
        pair.runUntil(() -> pair.serverConnection.isClosed(), Duration.ofSeconds(5));
        pair.drainEvents();

        assertThat(pair.clientConnection.error().reason()).isEqualTo(MptcpException.Reason.ABORTED);
        MptcpException error = pair.serverConnection.error();
        assertThat(error.reason()).isEqualTo(MptcpException.Reason.FASTCLOSED_BY_PEER);
        assertThat(error).hasMessageContaining("MP_FASTCLOSE").hasMessageContaining("closed the connection abruptly");
        assertThat(pair.client.statistics().get(MP_FASTCLOSE_TX)).isEqualTo(1);
        assertThat(pair.server.statistics().get(MP_FASTCLOSE_RX)).isEqualTo(1);
        assertThat(lastEvent(pair.serverEvents).error()).contains("MP_FASTCLOSE");
        assertThat(lastEvent(pair.clientEvents).error()).isEqualTo("connection aborted");
        // What had arrived in order can still be read, then the end (as Linux reads a reset socket).
        ByteBuffer sink = ByteBuffer.allocate(1 << 20);
        while (pair.serverConnection.read(sink.clear()) > 0) {
            assertThat(pair.serverConnection.isReadable()).isTrue();
        }
        assertThat(pair.serverConnection.read(sink.clear())).isEqualTo(-1);
    }

    @Test
    void aServerAbortFastClosesTheClient() {
        MptcpPair pair = busyPair(41);
        pair.serverConnection.abort();
        pair.runUntil(() -> pair.clientConnection.isClosed(), Duration.ofSeconds(5));

        assertThat(pair.clientConnection.error().reason()).isEqualTo(MptcpException.Reason.FASTCLOSED_BY_PEER);
        assertThat(pair.server.statistics().get(MP_FASTCLOSE_TX)).isEqualTo(1);
        assertThat(pair.client.statistics().get(MP_FASTCLOSE_RX)).isEqualTo(1);
    }

    @Test
    void aSubflowResetWithAReasonReachesTheServerAsAClearError() {
        MptcpPair pair = busyPair(42);
        pair.clientConnection.resetSubflow(pair.clientConnection.subflows().get(0),
                MpTcpRst.REASON_ADMINISTRATIVELY_PROHIBITED);
        pair.runUntil(() -> pair.serverConnection.isClosed(), Duration.ofSeconds(5));

        MptcpException error = pair.serverConnection.error();
        assertThat(error.reason()).isEqualTo(MptcpException.Reason.RESET_BY_PEER);
        assertThat(error).hasMessageContaining("MP_TCPRST reason 0x03 (administratively prohibited)");
        assertThat(pair.clientConnection.error().reason()).isEqualTo(MptcpException.Reason.ABORTED);
        assertThat(pair.client.statistics().get(MP_RST_TX)).isEqualTo(1);
        assertThat(pair.server.statistics().get(MP_RST_RX)).isEqualTo(1);
    }

    @Test
    void aSubflowResetByTheServerReachesTheClientAsAClearError() {
        MptcpPair pair = busyPair(43);
        pair.serverConnection.resetSubflow(pair.serverConnection.subflows().get(0),
                MpTcpRst.REASON_LACK_OF_RESOURCES);
        pair.runUntil(() -> pair.clientConnection.isClosed(), Duration.ofSeconds(5));

        MptcpException error = pair.clientConnection.error();
        assertThat(error.reason()).isEqualTo(MptcpException.Reason.RESET_BY_PEER);
        assertThat(error).hasMessageContaining("MP_TCPRST reason 0x02 (lack of resources)");
        assertThat(pair.client.statistics().get(MP_RST_RX)).isEqualTo(1);
    }

    @Test
    void closingWithUnreadDataFastCloses() {
        MptcpPair pair = new MptcpPair(44, MptcpConfig.defaults(), LINK);
        ByteStreamChecker down = new ByteStreamChecker(44, 100_000);
        pair.clientEnd = new StreamEnd(null, null).keepOpen();
        pair.serverEnd = new StreamEnd(down, null).keepOpen();
        MptcpConnection c = pair.connect();
        // The client's application never reads: data piles up, then it closes.
        pair.runUntil(() -> c.readableBytes() > 0, Duration.ofSeconds(5));
        c.close();
        pair.runUntil(() -> pair.serverConnection.isClosed(), Duration.ofSeconds(5));

        assertThat(c.error().reason()).isEqualTo(MptcpException.Reason.ABORTED);
        assertThat(pair.serverConnection.error().reason()).isEqualTo(MptcpException.Reason.FASTCLOSED_BY_PEER);
    }

    @Test
    void aClosedConnectionStopsWaitingForThePeersDataFin() {
        TcpConfig subflows = TcpConfig.builder()
                .finWait2Timeout(Duration.ofSeconds(3)).build();
        MptcpPair pair = new MptcpPair(45, MptcpConfig.builder().subflowConfig(subflows).build(), LINK);
        ByteStreamChecker up = new ByteStreamChecker(45, 10_000);
        pair.clientEnd = new StreamEnd(up, null).keepOpen();
        pair.serverEnd = new StreamEnd(null, up).keepOpen();
        MptcpConnection c = pair.connect();
        pair.runUntil(() -> up.verifier().received() == 10_000, Duration.ofSeconds(5));
        c.close();
        long closedAt = pair.network().now();
        pair.runUntil(c::isClosed, Duration.ofSeconds(10));

        assertThat(pair.network().now() - closedAt).isBetween(Duration.ofSeconds(3).toNanos(),
                Duration.ofSeconds(4).toNanos());
        assertThat(c.error()).isNull();
        assertThat(pair.serverConnection.state()).isEqualTo(MptcpState.CLOSE_WAIT);
    }

    /** A connection moving data both ways, established on both sides. */
    private static MptcpPair busyPair(long seed) {
        MptcpPair pair = new MptcpPair(seed, MptcpConfig.defaults(), LINK);
        ByteStreamChecker up = new ByteStreamChecker(seed, 50_000_000);
        ByteStreamChecker down = new ByteStreamChecker(seed + 1, 50_000_000);
        pair.clientEnd = new StreamEnd(up, down).keepOpen();
        pair.serverEnd = new StreamEnd(down, up).keepOpen();
        MptcpConnection c = pair.connect();
        pair.runUntil(() -> c.isFullyEstablished() && up.verifier().received() > 100_000
                && down.verifier().received() > 100_000, Duration.ofSeconds(5));
        return pair;
    }

    private static SubflowEvent.ConnectionClosed lastEvent(List<SubflowEvent> events) {
        return (SubflowEvent.ConnectionClosed) events.get(events.size() - 1);
    }
}
