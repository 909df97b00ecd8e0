package io.mptcp4j.sim.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import io.mptcp4j.core.tcp.TcpConfig;
import io.mptcp4j.sim.DropReason;
import io.mptcp4j.sim.LinkConfig;
import io.mptcp4j.sim.PcapOnFailure;
import io.mptcp4j.sim.SimLink;
import io.mptcp4j.sim.SimNetwork;
import io.mptcp4j.sim.TwoHostNetwork;
import java.net.StandardProtocolFamily;
import java.time.Duration;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A 10 Mbit/s bottleneck with an 8-packet drop-tail queue (about half the bandwidth-delay product) and a
 * 1 Mbit/s return path: a loss-based controller keeps filling the queue and still keeps the link busy.
 */
class BottleneckTest {

    private static final long SEED = 7;
    private static final long RATE = 10_000_000;
    /** About 20 s at the bottleneck's rate. */
    private static final long LENGTH = 24L * 1024 * 1024;

    @RegisterExtension
    final PcapOnFailure traces = new PcapOnFailure();

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"cubic", "reno"})
    void aLossBasedControllerFillsTheBottleneck(String algorithm) {
        LinkConfig bottleneck = LinkConfig.builder().rateBitsPerSecond(RATE).delay(Duration.ofMillis(10))
                .queueLimitPackets(8).build();
        LinkConfig returnPath = bottleneck.toBuilder().rateBitsPerSecond(RATE / 10)
                .queueLimitPackets(LinkConfig.defaults().queueLimitPackets()).build();
        TwoHostNetwork net = SimNetwork.twoHosts(SEED, bottleneck);
        net.path(0).bToA().reconfigure(returnPath);
        traces.watch(net.network());
        TcpConfig config = TcpConfig.builder().congestionControl(algorithm).build();
        TcpTransfers tcp = TcpTransfers.over(net, StandardProtocolFamily.INET, config);
        BulkTransfer<TcpStream> transfer = tcp.start(config, LENGTH, 0);

        tcp.runUntilFinished(Duration.ofSeconds(40));

        transfer.assertDelivered();
        String report = tcp.report(transfer);
        SimLink forward = net.path(0).aToB();
        assertThat(transfer.client().connection().tcp().congestionController().name()).isEqualTo(algorithm);
        assertThat(forward.counters().droppedPackets(DropReason.QUEUE_FULL)).as("the queue overflowed; " + report)
                .isPositive();
        assertThat(transfer.uploadBitsPerSecond()).as(report).isGreaterThanOrEqualTo(0.85 * RATE);
    }
}
