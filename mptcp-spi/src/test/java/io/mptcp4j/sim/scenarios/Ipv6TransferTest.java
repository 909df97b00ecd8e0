package io.mptcp4j.sim.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import io.mptcp4j.core.tcp.TcpConfig;
import io.mptcp4j.core.tcp.TcpConnection;
import io.mptcp4j.sim.LinkConfig;
import io.mptcp4j.sim.PcapOnFailure;
import io.mptcp4j.sim.SimNetwork;
import io.mptcp4j.sim.TwoHostNetwork;
import java.net.Inet6Address;
import java.net.StandardProtocolFamily;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The basic transfer over IPv6: both directions at once, then a clean close. */
class Ipv6TransferTest {

    private static final long SEED = 8;
    private static final long LENGTH = 4L * 1024 * 1024;

    @RegisterExtension
    final PcapOnFailure traces = new PcapOnFailure();

    @Test
    void streamsCrossIntactBothWaysOverIpv6() {
        TwoHostNetwork net = SimNetwork.twoHosts(SEED, LinkConfig.builder().delay(Duration.ofMillis(10)).build());
        traces.watch(net.network());
        TcpConfig config = TcpConfig.builder().maxReceiveBufferSize(1 << 20).build();
        TcpTransfers tcp = TcpTransfers.over(net, StandardProtocolFamily.INET6, config);
        BulkTransfer<TcpStream> transfer = tcp.start(config, LENGTH, LENGTH);

        tcp.runUntilFinished(Duration.ofSeconds(10));
        tcp.runUntilClosed(Duration.ofMinutes(2));

        transfer.assertDelivered();
        transfer.assertClosedCleanly();
        String report = tcp.report(transfer);
        TcpConnection client = transfer.client().connection().tcp();
        assertThat(client.local().address()).isInstanceOf(Inet6Address.class);
        assertThat(client.remote().address()).isEqualTo(TwoHostNetwork.serverIpv6(0));
        // RFC 8200: 1500 less the 40-byte IPv6 and 20-byte TCP headers.
        assertThat(client.sendMss()).isEqualTo(1440);
        assertThat(transfer.uploadBitsPerSecond()).as(report).isGreaterThan(50e6);
        assertThat(transfer.downloadBitsPerSecond()).as(report).isGreaterThan(50e6);
        assertThat(net.path(0).aToB().counters().droppedPackets()).as(report).isZero();
    }
}
