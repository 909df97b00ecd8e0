package io.mptcp4j.sim.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import io.mptcp4j.core.tcp.TcpConfig;
import io.mptcp4j.sim.LinkConfig;
import io.mptcp4j.sim.PcapOnFailure;
import io.mptcp4j.sim.SimNetwork;
import io.mptcp4j.sim.TwoHostNetwork;
import java.net.StandardProtocolFamily;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A thousand connections opened at once between two hosts, each exchanging 10 KB both ways, then closing: the
 * opening burst overflows the 1000-packet queue, and every connection still recovers, delivers and closes.
 */
class ManyConnectionsTest {

    private static final long SEED = 6;
    private static final int CONNECTIONS = 1000;
    private static final long BYTES_EACH_WAY = 10 * 1024;

    @RegisterExtension
    final PcapOnFailure traces = new PcapOnFailure();

    @Test
    void aThousandConcurrentConnectionsAllDeliverAndClose() {
        TwoHostNetwork net = SimNetwork.twoHosts(SEED, LinkConfig.builder().delay(Duration.ofMillis(10)).build());
        traces.watch(net.network());
        TcpConfig config = TcpConfig.defaults();
        TcpTransfers tcp = TcpTransfers.over(net, StandardProtocolFamily.INET, config);
        for (int i = 0; i < CONNECTIONS; i++) {
            tcp.start(config, BYTES_EACH_WAY, BYTES_EACH_WAY);
        }

        // A few seconds for every exchange despite the losses of the opening burst, then TIME_WAIT.
        tcp.runUntilFinished(Duration.ofSeconds(5));
        tcp.runUntilClosed(Duration.ofNanos(config.timeWaitNanos()).plusSeconds(5));

        List<BulkTransfer<TcpStream>> transfers = tcp.transfers();
        String summary = tcp.clientStack().statistics() + "; " + tcp.serverStack().statistics() + "; "
                + net.network().context() + "\n" + net.network().summary();
        assertThat(transfers).hasSize(CONNECTIONS);
        transfers.forEach(BulkTransfer::assertDelivered);
        transfers.forEach(BulkTransfer::assertClosedCleanly);
        assertThat(tcp.clientStack().connectionCount()).as(summary).isZero();
        assertThat(tcp.serverStack().connectionCount()).as(summary).isZero();
    }
}
