package io.mptcp4j.sim.scenarios;

import io.mptcp4j.core.tcp.TcpConfig;
import io.mptcp4j.core.tcp.TcpConnection;
import io.mptcp4j.core.tcp.TcpEndpoint;
import io.mptcp4j.core.tcp.TcpListener;
import io.mptcp4j.core.tcp.TcpStack;
import io.mptcp4j.sim.ByteStreamChecker;
import io.mptcp4j.sim.SimNetwork;
import io.mptcp4j.sim.SimulationFailure;
import io.mptcp4j.sim.TwoHostNetwork;
import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Bulk transfers over TCP between the hosts of a {@link TwoHostNetwork}: a {@link TcpStack} on each host (path 0's
 * addresses of one family, secrets from the seed), the server listening on {@link #PORT}, and a
 * {@link BulkTransfer} per connection whose server side is attached when the listener accepts it.
 */
public final class TcpTransfers {

    /** The port the server listens on. */
    public static final int PORT = 5001;

    private static final int BACKLOG = 1024;

    private final SimNetwork network;
    private final TcpStack clientStack;
    private final TcpStack serverStack;
    private final InetAddress clientAddress;
    private final InetAddress serverAddress;
    private final TcpListener listener;
    private final SimApplications applications;
    private final Map<TcpEndpoint, StreamApp<TcpStream>> awaitingAccept = new HashMap<>();
    private final List<BulkTransfer<TcpStream>> transfers = new ArrayList<>();

    private TcpTransfers(TwoHostNetwork net, StandardProtocolFamily family, TcpConfig serverConfig) {
        this.network = net.network();
        boolean ipv6 = family == StandardProtocolFamily.INET6;
        this.clientAddress = ipv6 ? TwoHostNetwork.clientIpv6(0) : TwoHostNetwork.clientIpv4(0);
        this.serverAddress = ipv6 ? TwoHostNetwork.serverIpv6(0) : TwoHostNetwork.serverIpv4(0);
        this.clientStack = newStack(clientAddress);
        this.serverStack = newStack(serverAddress);
        net.client().install(clientStack);
        net.server().install(serverStack);
        this.listener = serverStack.listen(null, PORT, BACKLOG, serverConfig);
        network.addApplication(this::acceptAll);
        this.applications = new SimApplications(network);
    }

    /**
     * Installs the stacks on {@code net}'s hosts and starts the server listening with {@code serverConfig}.
     *
     * @param family {@link StandardProtocolFamily#INET} or {@link StandardProtocolFamily#INET6}
     */
    public static TcpTransfers over(TwoHostNetwork net, StandardProtocolFamily family, TcpConfig serverConfig) {
        return new TcpTransfers(net, family, serverConfig);
    }

    public SimNetwork network() {
        return network;
    }

    public TcpStack clientStack() {
        return clientStack;
    }

    public TcpStack serverStack() {
        return serverStack;
    }

    public List<BulkTransfer<TcpStream>> transfers() {
        return List.copyOf(transfers);
    }

    /**
     * Connects now and runs a transfer of {@code uploadBytes} from the client and {@code downloadBytes} from the
     * server, each a checked stream with its own pattern.
     */
    public BulkTransfer<TcpStream> start(TcpConfig clientConfig, long uploadBytes, long downloadBytes) {
        long now = network.now();
        BulkTransfer<TcpStream> transfer = new BulkTransfer<>("transfer " + transfers.size(), now,
                new ByteStreamChecker(network.random().nextLong(), uploadBytes),
                new ByteStreamChecker(network.random().nextLong(), downloadBytes));
        TcpConnection connection = clientStack.connect(now, clientAddress, 0, serverAddress, PORT, clientConfig);
        transfer.client().attach(new TcpStream(connection));
        awaitingAccept.put(connection.local(), transfer.server());
        applications.add(transfer.client());
        applications.add(transfer.server());
        transfers.add(transfer);
        return transfer;
    }

    /**
     * Runs until every transfer has finished, well or not.
     *
     * @return the virtual instant it took
     * @throws AssertionError with the unfinished transfers' progress if that takes more than {@code maxVirtualTime}
     */
    public long runUntilFinished(Duration maxVirtualTime) {
        try {
            return network.runUntil(applications::allFinished, maxVirtualTime);
        } catch (SimulationFailure e) {
            throw new AssertionError(e.getMessage() + "unfinished:\n" + applications.progress(), e);
        }
    }

    /**
     * Runs until neither stack holds a connection (TIME_WAIT and FIN_WAIT_2 over).
     *
     * @return the virtual instant it took
     * @throws io.mptcp4j.sim.SimulationFailure if that takes more than {@code maxVirtualTime}
     */
    public long runUntilClosed(Duration maxVirtualTime) {
        return network.runUntil(() -> clientStack.connectionCount() == 0 && serverStack.connectionCount() == 0,
                maxVirtualTime);
    }

    /**
     * Goodput, both stacks' counters and the network's, for assertion messages: "upload 91.2 Mbit/s, download
     * 0.0 Mbit/s in 0.920 s; client TcpStatistics[...]; server ...; seed=1, t=+0.92s" and the links.
     */
    public String report(BulkTransfer<TcpStream> transfer) {
        long duration = transfer.durationNanos();
        return String.format("upload %.1f Mbit/s, download %.1f Mbit/s %s; client %s; server %s; %s%n%s",
                transfer.uploadBitsPerSecond() / 1e6, transfer.downloadBitsPerSecond() / 1e6,
                duration == StreamApp.NOT_YET ? "(unfinished)" : String.format("in %.3f s", duration / 1e9),
                clientStack.statistics(), serverStack.statistics(), network.context(), network.summary());
    }

    private TcpStack newStack(InetAddress address) {
        byte[] secret = new byte[16];
        network.random().nextBytes(secret);
        TcpStack stack = TcpStack.builder().secret(secret).build();
        stack.addAddress(address);
        return stack;
    }

    private void acceptAll() {
        for (TcpConnection accepted = listener.accept(); accepted != null; accepted = listener.accept()) {
            StreamApp<TcpStream> app = awaitingAccept.remove(accepted.remote());
            if (app == null) {
                throw new AssertionError("the server accepted an unexpected connection: " + accepted);
            }
            app.attach(new TcpStream(accepted));
        }
    }
}
