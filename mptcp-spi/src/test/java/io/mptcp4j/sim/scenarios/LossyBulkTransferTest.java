package io.mptcp4j.sim.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import io.mptcp4j.core.tcp.TcpConfig;
import io.mptcp4j.sim.LinkConfig;
import io.mptcp4j.sim.PcapOnFailure;
import io.mptcp4j.sim.SimNetwork;
import io.mptcp4j.sim.TwoHostNetwork;
import java.net.StandardProtocolFamily;
import java.time.Duration;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** 10 MB over 100 Mbit/s with 10 ms of delay each way, both directions losing packets at random. */
class LossyBulkTransferTest {

    private static final long SEED = 1;
    private static final long LENGTH = 10L * 1024 * 1024;
    private static final long LINK_RATE = 100_000_000;
    /**
     * Four bandwidth-delay products: enough to fill the path, too little for slow start to overflow the
     * 1000-packet queue (that overshoot, which HyStart++ only shortens, is not what this test measures).
     */
    private static final int RECEIVE_BUFFER = 1 << 20;

    @RegisterExtension
    final PcapOnFailure traces = new PcapOnFailure();

    @ParameterizedTest(name = "loss {0}, SACK {1}")
    @CsvSource({"0, true, 2", "0, false, 2", "0.01, true, 20", "0.01, false, 20", "0.05, true, 60",
            "0.05, false, 60"})
    void tenMegabytesArriveIntactInBoundedTime(double loss, boolean sack, int maxSeconds) {
        LinkConfig link = LinkConfig.builder().rateBitsPerSecond(LINK_RATE).delay(Duration.ofMillis(10))
                .lossProbability(loss).build();
        TwoHostNetwork net = SimNetwork.twoHosts(SEED, link);
        traces.watch(net.network());
        TcpConfig config = TcpConfig.builder().sack(sack).maxReceiveBufferSize(RECEIVE_BUFFER).build();
        TcpTransfers tcp = TcpTransfers.over(net, StandardProtocolFamily.INET, config);
        BulkTransfer<TcpStream> transfer = tcp.start(config, LENGTH, 0);

        tcp.runUntilFinished(Duration.ofSeconds(maxSeconds));

        transfer.assertDelivered();
        assertThat(transfer.client().connection().tcp().sackEnabled()).isEqualTo(sack);
        if (loss == 0) {
            assertThat(transfer.client().connection().tcp().retransmittedSegments()).as(tcp.report(transfer))
                    .isZero();
            assertThat(transfer.uploadBitsPerSecond()).as(tcp.report(transfer)).isGreaterThan(0.8 * LINK_RATE);
        }
    }
}
