package io.mptcp4j.core.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openjdk.jol.info.GraphLayout;

/**
 * The heap an idle established connection costs, beyond data buffers (which are allocated on first use): 10,000
 * connections between two stacks in memory, every object the stacks reach measured with JOL, divided by the
 * connections. Both ends of each connection are counted, so a connection here is one endpoint's state: the
 * {@link TcpConnection} with everything it owns, its share of the stack's maps and timer heap, and its share of
 * what the stack keeps per connection. Budget: 8 KiB.
 */
class IdleConnectionFootprintTest {

    private static final int CONNECTIONS = 10_000;
    private static final long BUDGET_BYTES = 8 * 1024;

    static {
        // JOL reads field offsets of records (TcpEndpoint, ...) only in this mode; set before it initialises.
        System.setProperty("jol.magicFieldOffset", "true");
    }

    @Test
    void anIdleEstablishedConnectionTakesAtMostEightKibibytes() throws Exception {
        InetAddress clientAddress = InetAddress.getByName("10.0.0.1");
        InetAddress serverAddress = InetAddress.getByName("10.0.0.2");
        TcpStack client = TcpStack.builder().secret(new byte[16]).build();
        TcpStack server = TcpStack.builder().secret(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
                .build();
        client.addAddress(clientAddress);
        server.addAddress(serverAddress);
        TcpListener listener = server.listen(serverAddress, 80, CONNECTIONS, TcpConfig.defaults());
        BackToBack wire = new BackToBack(client, server, 0);

        long emptyClient = GraphLayout.parseInstance(client).totalSize();
        long emptyServer = GraphLayout.parseInstance(server).totalSize();
        List<TcpConnection> clients = new ArrayList<>(CONNECTIONS);
        List<TcpConnection> accepted = new ArrayList<>(CONNECTIONS);
        for (int i = 0; i < CONNECTIONS; i++) {
            clients.add(client.connect(wire.now, clientAddress, 0, serverAddress, 80, TcpConfig.defaults()));
            if (i % 100 == 99) {
                wire.exchange();
                for (TcpConnection c; (c = listener.accept()) != null; ) {
                    accepted.add(c);
                }
            }
        }
        wire.exchange();
        assertThat(clients).allMatch(c -> c.state() == TcpState.ESTABLISHED);
        assertThat(accepted).hasSize(CONNECTIONS).allMatch(c -> c.state() == TcpState.ESTABLISHED);

        // The stacks reach every connection (demultiplexing maps, timer heap, listener): measure from them alone,
        // so the test's own lists do not count.
        GraphLayout clientSide = GraphLayout.parseInstance(client);
        GraphLayout serverSide = GraphLayout.parseInstance(server);
        long perClient = (clientSide.totalSize() - emptyClient) / CONNECTIONS;
        long perServer = (serverSide.totalSize() - emptyServer) / CONNECTIONS;

        System.out.printf("idle established connection: %d bytes (client side), %d bytes (server side)%n",
                perClient, perServer);
        System.out.println(serverSide.toFootprint());
        assertThat(perClient).as("bytes per idle client connection").isLessThanOrEqualTo(BUDGET_BYTES);
        assertThat(perServer).as("bytes per idle accepted connection").isLessThanOrEqualTo(BUDGET_BYTES);
    }
}
