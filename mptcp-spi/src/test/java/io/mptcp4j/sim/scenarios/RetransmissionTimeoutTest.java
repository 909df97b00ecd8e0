package io.mptcp4j.sim.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import io.mptcp4j.core.tcp.TcpConfig;
import io.mptcp4j.core.tcp.TcpConnection;
import io.mptcp4j.core.tcp.TcpConnectionException;
import io.mptcp4j.sim.LinkConfig;
import io.mptcp4j.sim.PcapOnFailure;
import io.mptcp4j.sim.SimNetwork;
import io.mptcp4j.sim.TwoHostNetwork;
import java.net.StandardProtocolFamily;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The path goes down mid-transfer: the sender backs its retransmission timer off, and gives up past R2. */
class RetransmissionTimeoutTest {

    private static final long SEED = 4;
    private static final long LENGTH = 4L * 1024 * 1024;
    private static final long SECOND = 1_000_000_000L;
    private static final long DOWN_AT = SimNetwork.ORIGIN_NANOS + SECOND / 5;

    @RegisterExtension
    final PcapOnFailure traces = new PcapOnFailure();

    private final TcpConfig config = TcpConfig.builder().maxReceiveBufferSize(1 << 20).build();
    private TwoHostNetwork net;
    private TcpTransfers tcp;
    private TcpSegmentLog sent;
    private BulkTransfer<TcpStream> transfer;

    private void startTransferAndCutThePath() {
        net = SimNetwork.twoHosts(SEED, LinkConfig.builder().delay(Duration.ofMillis(10)).build());
        traces.watch(net.network());
        tcp = TcpTransfers.over(net, StandardProtocolFamily.INET, config);
        sent = TcpSegmentLog.of(net.path(0).aToB());
        transfer = tcp.start(config, LENGTH, 0);
        net.network().at(DOWN_AT, () -> net.path(0).setUp(false));
    }

    @Test
    void theTimerDoublesWhileThePathIsDownAndTheTransferResumesWhenItComesBack() {
        startTransferAndCutThePath();
        long upAt = DOWN_AT + 20 * SECOND;
        net.network().at(upAt, () -> net.path(0).setUp(true));

        tcp.runUntilFinished(Duration.ofSeconds(60));

        transfer.assertDelivered();
        String report = tcp.report(transfer);
        List<Long> retransmissions = retransmissionTimes(DOWN_AT, upAt);
        assertThat(retransmissions).as(report).hasSizeGreaterThanOrEqualTo(6);
        assertDoublingWithin(retransmissions, config.rtt().minRtoNanos(), config.rtt().maxRtoNanos(), report);
        // The first retransmission after the path returns gets through, and the transfer picks up from there.
        long nextAfterUp = sent.between(upAt, Long.MAX_VALUE).get(0).time();
        assertThat(transfer.server().inputCompletedAt() - nextAfterUp).as(report).isLessThan(2 * SECOND);
    }

    @Test
    void aPathThatNeverComesBackEndsTheConnectionWithATimeout() {
        startTransferAndCutThePath();

        long endedAt = net.network().runUntil(transfer.client()::isFinished, Duration.ofMinutes(20));

        String report = tcp.report(transfer);
        TcpConnection client = transfer.client().connection().tcp();
        List<Long> retransmissions = retransmissionTimes(DOWN_AT, endedAt);
        assertThat(transfer.client().failure()).as(report).isSameAs(client.error());
        assertThat(client.error().reason()).isEqualTo(TcpConnectionException.Reason.TIMEOUT);
        assertThat(client.error()).hasMessageContaining("after " + config.maxDataRetries() + " retransmissions");
        assertThat(client.isClosed()).isTrue();
        assertThat(retransmissions).as(report).hasSize(config.maxDataRetries());
        assertDoublingWithin(retransmissions, config.rtt().minRtoNanos(), config.rtt().maxRtoNanos(), report);
        // R2 is reached one more (capped) timeout after the last retransmission.
        long last = retransmissions.get(retransmissions.size() - 1);
        assertThat(endedAt - last).as(report).isEqualTo(config.rtt().maxRtoNanos());
    }

    /** When the client sent data below the highest sequence number it had sent, in {@code [from, to)}. */
    private List<Long> retransmissionTimes(long from, long to) {
        List<Long> times = new ArrayList<>();
        long highestEnd = 0;
        long iss = sent.entries().get(0).seq();
        for (TcpSegmentLog.Entry segment : sent.entries()) {
            long end = (segment.seq() - iss - 1 & 0xFFFF_FFFFL) + segment.payloadLength();
            if (segment.payloadLength() > 0 && end <= highestEnd && segment.time() >= from && segment.time() < to) {
                times.add(segment.time());
            }
            highestEnd = Math.max(highestEnd, end);
        }
        return times;
    }

    /** Each gap between retransmissions is twice the one before, capped at {@code max}; the first at least min. */
    private static void assertDoublingWithin(List<Long> times, long min, long max, String report) {
        List<Long> gaps = new ArrayList<>();
        for (int i = 1; i < times.size(); i++) {
            gaps.add(times.get(i) - times.get(i - 1));
        }
        assertThat(gaps.get(0)).as(report).isGreaterThanOrEqualTo(2 * min);
        for (int i = 1; i < gaps.size(); i++) {
            assertThat(gaps.get(i)).as("gap %d of %s; %s", i, gaps, report)
                    .isEqualTo(Math.min(2 * gaps.get(i - 1), max));
        }
    }
}
