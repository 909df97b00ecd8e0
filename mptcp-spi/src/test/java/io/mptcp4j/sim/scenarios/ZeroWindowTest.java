package io.mptcp4j.sim.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import io.mptcp4j.core.tcp.TcpConfig;
import io.mptcp4j.core.tcp.TcpStatistics.Counter;
import io.mptcp4j.sim.LinkConfig;
import io.mptcp4j.sim.PcapOnFailure;
import io.mptcp4j.sim.SimNetwork;
import io.mptcp4j.sim.TwoHostNetwork;
import java.net.StandardProtocolFamily;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A receiver that stops reading for seconds: the window closes, the sender probes it, the transfer resumes. */
class ZeroWindowTest {

    private static final long SEED = 3;
    private static final long LENGTH = 4L * 1024 * 1024;
    private static final long SECOND = 1_000_000_000L;
    private static final long PAUSE_END = SimNetwork.ORIGIN_NANOS + 8 * SECOND;

    @RegisterExtension
    final PcapOnFailure traces = new PcapOnFailure();

    @Test
    void theSenderProbesAClosedWindowUntilTheReaderDrainsIt() {
        TwoHostNetwork net = SimNetwork.twoHosts(SEED, LinkConfig.builder().delay(Duration.ofMillis(10)).build());
        traces.watch(net.network());
        // Reading 256 KB at once makes auto-tuning grow the buffer: a cap keeps slow start within the queue.
        TcpConfig config = TcpConfig.builder().maxReceiveBufferSize(1 << 20).build();
        TcpTransfers tcp = TcpTransfers.over(net, StandardProtocolFamily.INET, config);
        TcpSegmentLog sent = TcpSegmentLog.of(net.path(0).aToB());
        TcpSegmentLog answered = TcpSegmentLog.of(net.path(0).bToA());
        BulkTransfer<TcpStream> transfer = tcp.start(config, LENGTH, 0);
        transfer.server().pauseReading();
        net.network().at(PAUSE_END, transfer.server()::resumeReading);

        tcp.runUntilFinished(Duration.ofSeconds(30));

        transfer.assertDelivered();
        String report = tcp.report(transfer);
        long closedAt = firstZeroWindow(answered.entries());
        // While the window is closed the sender sends nothing but probes: no data, one every RTO, backing off.
        List<TcpSegmentLog.Entry> probes = sent.between(closedAt, PAUSE_END);
        assertThat(probes).as(report).isNotEmpty().allSatisfy(probe -> assertThat(probe.payloadLength()).isZero());
        assertThat(probes).as(report).hasSizeGreaterThanOrEqualTo(3);
        assertThat(tcp.clientStack().statistics().get(Counter.WINDOW_PROBES)).as(report)
                .isGreaterThanOrEqualTo(probes.size());
        for (int i = 2; i < probes.size(); i++) {
            long previousGap = probes.get(i - 1).time() - probes.get(i - 2).time();
            assertThat(probes.get(i).time() - probes.get(i - 1).time()).as(report).isEqualTo(2 * previousGap);
        }
        // Once the reader drains the buffer, the rest goes at once.
        assertThat(transfer.server().inputCompletedAt() - PAUSE_END).as(report).isLessThan(2 * SECOND);
    }

    private static long firstZeroWindow(List<TcpSegmentLog.Entry> segments) {
        return segments.stream().filter(e -> e.window() == 0).findFirst().orElseThrow().time();
    }
}
