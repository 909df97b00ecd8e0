package io.mptcp4j.sim.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mptcp4j.core.tcp.TcpConfig;
import io.mptcp4j.core.tcp.TcpConnection;
import io.mptcp4j.core.tcp.TcpConnectionException;
import io.mptcp4j.core.tcp.TcpStatistics.Counter;
import io.mptcp4j.sim.LinkConfig;
import io.mptcp4j.sim.PcapOnFailure;
import io.mptcp4j.sim.SimNetwork;
import io.mptcp4j.sim.TwoHostNetwork;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The server aborts in the middle of an upload: the client learns it from the RST, and its calls fail cleanly. */
class PeerResetTest {

    private static final long SEED = 5;
    private static final long ABORT_AFTER = 1024 * 1024;

    @RegisterExtension
    final PcapOnFailure traces = new PcapOnFailure();

    @Test
    void aServerAbortResetsTheClient() {
        TwoHostNetwork net = SimNetwork.twoHosts(SEED, LinkConfig.builder().delay(Duration.ofMillis(10)).build());
        traces.watch(net.network());
        TcpConfig config = TcpConfig.defaults();
        TcpTransfers tcp = TcpTransfers.over(net, StandardProtocolFamily.INET, config);
        BulkTransfer<TcpStream> transfer = tcp.start(config, 10L * 1024 * 1024, 1024 * 1024);
        StreamApp<TcpStream> server = transfer.server();
        net.network().addApplication(() -> {
            if (server.incoming().verifier().received() >= ABORT_AFTER && !server.connection().isClosed()) {
                server.connection().abort();
            }
        });

        tcp.runUntilFinished(Duration.ofSeconds(10));

        String report = tcp.report(transfer);
        TcpConnection client = transfer.client().connection().tcp();
        assertThat(client.error()).as(report).isNotNull();
        assertThat(client.error().reason()).isEqualTo(TcpConnectionException.Reason.RESET_BY_PEER);
        assertThat(transfer.client().failure()).isSameAs(client.error());
        assertThat(server.connection().tcp().error().reason()).isEqualTo(TcpConnectionException.Reason.ABORTED);
        assertThat(client.isClosed()).isTrue();
        assertThat(client.read(ByteBuffer.allocate(100))).as("end of stream").isEqualTo(-1);
        assertThatThrownBy(() -> client.write(ByteBuffer.allocate(100))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("reset by");
        assertThat(tcp.clientStack().statistics().get(Counter.ESTABLISHED_RESETS)).isEqualTo(1);
        assertThat(tcp.clientStack().connectionCount()).isZero();
        assertThat(tcp.serverStack().connectionCount()).isZero();
    }
}
