package io.mptcp4j.sim.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import io.mptcp4j.core.tcp.TcpConfig;
import io.mptcp4j.core.tcp.TcpConnection;
import io.mptcp4j.core.tcp.TcpStatistics.Counter;
import io.mptcp4j.sim.LinkConfig;
import io.mptcp4j.sim.LinkCounters;
import io.mptcp4j.sim.PcapOnFailure;
import io.mptcp4j.sim.SimNetwork;
import io.mptcp4j.sim.TwoHostNetwork;
import java.net.StandardProtocolFamily;
import java.time.Duration;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * 10 MB over 100 Mbit/s, 10 ms each way, with packets held back or duplicated in both directions but none lost:
 * a fast retransmit that reordering provokes is found spurious and undone, so the window does not collapse.
 */
class ReorderingAndDuplicationTest {

    private static final long SEED = 2;
    private static final long LENGTH = 10L * 1024 * 1024;
    private static final long LINK_RATE = 100_000_000;

    @RegisterExtension
    final PcapOnFailure traces = new PcapOnFailure();

    /**
     * The floors: with 5 ms of reordering a SACK recovery can find several holes and retransmit each, and such an
     * episode is not undone (that takes D-SACK), so its goodput floor is lower.
     */
    @ParameterizedTest(name = "reorder {0} by {1} ms, duplicate {2}, SACK {3}")
    @CsvSource({"0.05, 2, 0, true, 0.75", "0.05, 2, 0, false, 0.75", "0.05, 5, 0, true, 0.3",
            "0.05, 5, 0, false, 0.75", "0, 0, 0.05, true, 0.8", "0, 0, 0.05, false, 0.8"})
    void noSpuriousCollapse(double reorder, int delayMillis, double duplicate, boolean sack, double minShare) {
        LinkConfig link = LinkConfig.builder().rateBitsPerSecond(LINK_RATE).delay(Duration.ofMillis(10))
                .reordering(reorder, Duration.ofMillis(delayMillis)).duplicationProbability(duplicate).build();
        TwoHostNetwork net = SimNetwork.twoHosts(SEED, link);
        traces.watch(net.network());
        TcpConfig config = TcpConfig.builder().sack(sack).maxReceiveBufferSize(1 << 20).build();
        TcpTransfers tcp = TcpTransfers.over(net, StandardProtocolFamily.INET, config);
        BulkTransfer<TcpStream> transfer = tcp.start(config, LENGTH, 0);

        tcp.runUntilFinished(Duration.ofSeconds(10));

        transfer.assertDelivered();
        String report = tcp.report(transfer);
        TcpConnection client = transfer.client().connection().tcp();
        LinkCounters data = net.path(0).aToB().counters();
        assertThat(data.droppedPackets()).isZero();
        assertThat(client.retransmittedSegments()).as(report).isLessThanOrEqualTo(client.segmentsOut() / 100);
        assertThat(transfer.uploadBitsPerSecond()).as(report).isGreaterThanOrEqualTo(minShare * LINK_RATE);
        if (reorder > 0) {
            assertThat(data.reorderedPackets()).isPositive();
            assertThat(client.statistics().get(Counter.SPURIOUS_RECOVERIES)).as(report).isPositive();
        } else {
            assertThat(data.duplicatedPackets()).isPositive();
            assertThat(client.retransmittedSegments()).as(report).isZero();
        }
    }
}
