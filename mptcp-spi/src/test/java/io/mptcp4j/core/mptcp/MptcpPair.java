package io.mptcp4j.core.mptcp;

import io.mptcp4j.core.event.SubflowEvent;
import io.mptcp4j.core.tcp.TcpStack;
import io.mptcp4j.event.SubflowEventPublisher;
import io.mptcp4j.sim.ByteStreamChecker;
import io.mptcp4j.sim.LinkConfig;
import io.mptcp4j.sim.SimHost;
import io.mptcp4j.sim.SimNetwork;
import io.mptcp4j.sim.TwoHostNetwork;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Flow;
import java.util.function.BooleanSupplier;

import static io.mptcp4j.sim.TwoHostNetwork.clientIpv4;
import static io.mptcp4j.sim.TwoHostNetwork.serverIpv4;

/**
 * Two MPTCP stacks on the simulator's two hosts ("client" and "server", one path unless told), a listener on the
 * server, and an application clock: every millisecond of virtual time both {@link StreamEnd}s pump their
 * connections and the stacks' events are collected.
 */
final class MptcpPair {

    static final int PORT = 8080;

    final TwoHostNetwork net;
    final MptcpStack client;
    final MptcpStack server;
    final MptcpListener listener;
    final MptcpConfig clientConfig;
    final List<SubflowEvent> clientEvents = new ArrayList<>();
    final List<SubflowEvent> serverEvents = new ArrayList<>();
    private final SubflowEventPublisher clientPublisher = new SubflowEventPublisher(Runnable::run, 1024);
    ByteStreamChecker up;
    ByteStreamChecker down;
    StreamEnd clientEnd = new StreamEnd(null, null);
    StreamEnd serverEnd = new StreamEnd(null, null);
    MptcpConnection clientConnection;
    MptcpConnection serverConnection;

    MptcpPair(long seed, MptcpConfig clientConfig, MptcpConfig serverConfig, LinkConfig... paths) {
        this.net = SimNetwork.twoHosts(seed, paths.length == 0 ? new LinkConfig[] {LinkConfig.defaults()} : paths);
        this.clientConfig = clientConfig;
        this.client = stack(seed, 1, net.client());
        this.server = stack(seed, 2, net.server());
        client.addAddress(clientIpv4(0));
        server.addAddress(serverIpv4(0));
        net.client().install(client);
        net.server().install(server);
        clientPublisher.subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                subscription.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(SubflowEvent item) {
                clientEvents.add(item);
            }

            @Override
            public void onError(Throwable throwable) {
                throw new AssertionError(throwable);
            }

            @Override
            public void onComplete() {
            }
        });
        this.listener = server.listen(null, PORT, 16, serverConfig);
    }

    MptcpPair(long seed, MptcpConfig config, LinkConfig... paths) {
        this(seed, config, config, paths);
    }

    static MptcpStack stack(long seed, int host) {
        return stack(seed, host, null);
    }

    /** A stack with a fixed secret and seed; the joins it opens pin their routes in {@code simHost}. */
    static MptcpStack stack(long seed, int host, SimHost simHost) {
        byte[] secret = new byte[16];
        secret[0] = (byte) host;
        secret[1] = (byte) seed;
        MptcpStack.Builder b = MptcpStack.builder().tcpStack(TcpStack.builder().secret(secret).build())
                .random(new SplittableRandom(seed * 31 + host));
        if (simHost != null) {
            b.subflowPorts(simHost.subflowPorts());
        }
        return b.build();
    }

    /**
     * The applications' streams: the client sends {@code upBytes} of pattern {@code upSeed} and the server
     * {@code downBytes} of pattern {@code downSeed}; each end checks what it receives.
     */
    MptcpPair streams(long upSeed, long upBytes, long downSeed, long downBytes) {
        up = new ByteStreamChecker(upSeed, upBytes);
        down = new ByteStreamChecker(downSeed, downBytes);
        clientEnd = new StreamEnd(up, down);
        serverEnd = new StreamEnd(down, up);
        return this;
    }

    /** Gives each stack its address on every path beyond the first, so that path managers can use them. */
    MptcpPair withAllPathAddresses() {
        for (int i = 1; i < net.paths().size(); i++) {
            client.addAddress(clientIpv4(i));
            server.addAddress(serverIpv4(i));
        }
        return this;
    }

    SimNetwork network() {
        return net.network();
    }

    /** Opens the client's connection now and starts the application clock. */
    MptcpConnection connect() {
        clientConnection = client.connect(network().now(), clientIpv4(0), 0, serverIpv4(0), PORT, clientConfig);
        clientEnd.attach(clientConnection);
        Ticker.every(network(), this::tick);
        return clientConnection;
    }

    private void tick() {
        if (serverConnection == null) {
            serverConnection = listener.accept();
            if (serverConnection != null) {
                serverEnd.attach(serverConnection);
            }
        }
        clientEnd.pump();
        serverEnd.pump();
        drainEvents();
    }

    /** The client's events go through the Flow adapter, the server's straight from the queue. */
    void drainEvents() {
        clientPublisher.publishFrom(client);
        SubflowEvent e;
        while ((e = server.pollEvent()) != null) {
            serverEvents.add(e);
        }
    }

    long runUntil(BooleanSupplier done, Duration max) {
        return network().runUntil(done, max);
    }

    /**
     * Runs until both connections are closed (or {@code max} passed), then lets both applications read once more:
     * a connection can close in the same millisecond as its last bytes arrived, before the application's next
     * read takes them.
     */
    long runUntilClosed(Duration max) {
        long end = runUntil(() -> clientConnection.isClosed() && serverConnection != null
                && serverConnection.isClosed(), max);
        clientEnd.pump();
        serverEnd.pump();
        return end;
    }

    String context() {
        return network().context() + "\nclient " + clientConnection + " " + client.statistics() + "\nserver "
                + serverConnection + " " + server.statistics() + "\n" + network().summary();
    }
}
