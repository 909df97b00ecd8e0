package io.mptcp4j.reactor;

import io.mptcp4j.testing.ProviderLab;
import io.mptcp4j.testing.DaemonTasks;
import static org.assertj.core.api.Assertions.assertThat;

import io.mptcp4j.core.event.FallbackReason;
import io.mptcp4j.core.event.SubflowCloseReason;
import io.mptcp4j.core.event.SubflowEvent;
import io.mptcp4j.driver.MptcpSocketInfo;
import io.mptcp4j.io.linux.KernelMptcpSocket;
import io.mptcp4j.lab.Host;
import io.mptcp4j.nio.MptcpSelectorProvider;
import io.mptcp4j.testing.RootOnly;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.tcp.TcpClient;
import reactor.test.StepVerifier;

/**
 * A Reactor Netty {@link TcpClient} on mptcp4j (stack in the client namespace) against the kernel: the event
 * sequence of a real connection, from the join through a path going down to the close, and of a fallback.
 */
@RootOnly
@Timeout(90)
class TcpClientEventsInteropTest {

    private static ProviderLab lab;
    private static MptcpSelectorProvider provider;
    private static MptcpLoopResources loops;

    @BeforeAll
    static void setUp() throws Exception {
        lab = new ProviderLab(2);
        provider = lab.provider(Host.CLIENT);
        provider.open();
        loops = MptcpLoopResources.create(provider, 1);
    }

    @AfterAll
    static void tearDown() {
        if (loops != null) {
            loops.disposeLater(Duration.ZERO, ProviderLab.WAIT).block(ProviderLab.WAIT);
        }
        if (provider != null) {
            provider.close();
        }
        if (lab != null) {
            lab.close();
        }
    }

    private static Connection connect(int port) {
        return TcpClient.create().host(lab.address(Host.SERVER, 0).getHostAddress()).port(port).runOn(loops)
                .connectNow(ProviderLab.WAIT);
    }

    /** Sends {@code text} and waits for the echo, so that the kernel's DSS confirms the connection. */
    private static void echo(Connection connection, String text) throws Exception {
        StringBuilder received = new StringBuilder();
        connection.inbound().receive().asString().subscribe(s -> {
            synchronized (received) {
                received.append(s);
            }
        });
        connection.outbound().sendString(Mono.just(text)).then().block(ProviderLab.WAIT);
        long deadline = System.nanoTime() + ProviderLab.WAIT.toNanos();
        while (true) {
            synchronized (received) {
                if (received.toString().equals(text)) {
                    return;
                }
            }
            assertThat(System.nanoTime()).as("echo of " + text).isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    @Test
    void joinThenPathDownThenCloseOverTwoPaths() throws Exception {
        List<SubflowEvent> stackWide = new CopyOnWriteArrayList<>();
        Disposable all = MptcpEvents.of(provider).subscribe(stackWide::add);
        try (KernelMptcpSocket listener = lab.kernelListener(Host.SERVER, 7100)) {
            CompletableFuture<Void> echo = DaemonTasks.async("kernel-echo", () -> {
                try (KernelMptcpSocket s = listener.accept(ProviderLab.WAIT)) {
                    byte[] buf = new byte[4096];
                    for (int n; (n = s.read(buf, 0, buf.length, ProviderLab.WAIT)) > 0; ) {
                        s.write(buf, 0, n);
                    }
                    s.shutdownOutput();
                }
                return null;
            });
            Connection connection = connect(7100);
            echo(connection, "ping");
            InetSocketAddress joinFrom = new InetSocketAddress(lab.address(Host.CLIENT, 1), 0);
            try {
                // Subscribed after the handshake: the present state comes first, then the changes, in order.
                StepVerifier.create(MptcpConnections.events(connection))
                        .expectNextMatches(e -> e instanceof SubflowEvent.ConnectionCreated)
                        .expectNextMatches(e -> e instanceof SubflowEvent.ConnectionEstablished)
                        .assertNext(e -> assertThat(e).isInstanceOfSatisfying(SubflowEvent.SubflowEstablished.class,
                                j -> assertThat(j.local().getAddress()).isEqualTo(joinFrom.getAddress())))
                        .then(() -> {
                            MptcpSocketInfo info = MptcpConnections.info(connection).orElseThrow();
                            assertThat(info.fallback()).isFalse();
                            assertThat(MptcpConnections.isMptcp(connection)).isTrue();
                            assertThat(info.subflowsEstablished()).isEqualTo(2);
                            lab.pathDown(1);
                        })
                        .assertNext(e -> assertThat(e).isInstanceOfSatisfying(SubflowEvent.SubflowClosed.class,
                                c -> {
                                    assertThat(c.reason()).isEqualTo(SubflowCloseReason.LINK_DOWN);
                                    assertThat(c.local().getAddress()).isEqualTo(joinFrom.getAddress());
                                }))
                        .then(connection::dispose)
                        .assertNext(e -> assertThat(e).isInstanceOfSatisfying(SubflowEvent.ConnectionClosed.class,
                                c -> assertThat(c.error()).isNull()))
                        .expectComplete()
                        .verify(ProviderLab.WAIT);
                echo.get(ProviderLab.WAIT.toSeconds(), TimeUnit.SECONDS);
            } finally {
                connection.dispose();
                lab.lab.linkUp(1);
            }
        } finally {
            all.dispose();
        }
        // The stack-wide Flux saw the same story live, from the start.
        assertThat(stackWide.stream().map(e -> e.getClass().getSimpleName()).collect(Collectors.toList()))
                .containsSubsequence("ConnectionCreated", "ConnectionEstablished", "SubflowEstablished",
                        "SubflowClosed", "ConnectionClosed");
    }

    @Test
    void aPlainTcpServerGivesAFallback() throws Exception {
        InetSocketAddress address = new InetSocketAddress(lab.address(Host.SERVER, 0), 7200);
        try (ServerSocketChannel plain = lab.lab.inNamespace(Host.SERVER,
                () -> ServerSocketChannel.open().bind(address))) {
            CompletableFuture<Long> sink = DaemonTasks.async("plain-sink", () -> {
                long total = 0;
                try (SocketChannel s = plain.accept()) {
                    ByteBuffer buf = ByteBuffer.allocate(4096);
                    for (int n; (n = s.read(buf.clear())) >= 0; ) {
                        total += n;
                    }
                }
                return total;
            });
            Connection connection = connect(address.getPort());
            try {
                connection.outbound().sendString(Mono.just("hello")).then().block(ProviderLab.WAIT);
                assertThat(MptcpConnections.info(connection).orElseThrow().fallback()).isTrue();
                assertThat(MptcpConnections.isMptcp(connection)).as("plain TCP after the fallback").isFalse();
                StepVerifier.create(MptcpConnections.events(connection))
                        .assertNext(e -> assertThat(e).isInstanceOfSatisfying(SubflowEvent.Fallback.class,
                                f -> assertThat(f.reason()).isEqualTo(FallbackReason.SYN_ACK_WITHOUT_MP_CAPABLE)))
                        .then(() -> {
                            connection.dispose();
                            // The plain server reads the 5 bytes and the FIN: the connection did close.
                            assertThat(sink.orTimeout(20, TimeUnit.SECONDS).join()).isEqualTo(5);
                        })
                        // Closed at both ends now: as MptcpChannel.events() promises, the end is a
                        // ConnectionClosed and completion (a fallback's connection too).
                        .expectNextMatches(e -> e instanceof SubflowEvent.ConnectionClosed)
                        .expectComplete()
                        .verify(ProviderLab.WAIT);
            } finally {
                connection.dispose();
            }
        }
    }
}
