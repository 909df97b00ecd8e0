package io.mptcp4j.reactor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mptcp4j.nio.ExclusionPolicy;
import io.mptcp4j.nio.MptcpProviderConfig;
import io.mptcp4j.nio.MptcpSelectorProvider;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.tcp.TcpClient;
import reactor.netty.tcp.TcpServer;
import reactor.test.StepVerifier;

/**
 * Reactor Netty on {@link MptcpLoopResources} without a lab: loopback goes through the platform behind the
 * provider's channels, on the provider's selectors; the stack never opens, so no privileges are needed.
 */
@Timeout(60)
class MptcpLoopResourcesTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void httpOverLoopbackRunsOnTheMptcpChannelsThroughThePlatform() {
        try (MptcpSelectorProvider provider = new MptcpSelectorProvider(MptcpProviderConfig.defaults())) {
            MptcpLoopResources loops = MptcpLoopResources.create(provider, 2);
            AtomicReference<Channel> serverSide = new AtomicReference<>();
            AtomicReference<String> handlerThread = new AtomicReference<>();
            DisposableServer server = HttpServer.create().host("127.0.0.1").port(0).runOn(loops)
                    .handle((req, res) -> {
                        handlerThread.set(Thread.currentThread().getName());
                        req.withConnection(c -> serverSide.set(c.channel())); // the Connection is disposed after
                        return res.sendString(Mono.just("hello over " + req.method()));
                    })
                    .bindNow(WAIT);
            try {
                AtomicReference<Channel> clientSide = new AtomicReference<>();
                // preferNative = true on purpose: the loops ignore it, epoll or io_uring are never picked.
                String body = HttpClient.create().runOn(loops, true)
                        .doOnConnected(c -> clientSide.set(c.channel()))
                        .get().uri("http://127.0.0.1:" + server.port() + "/")
                        .responseContent().aggregate().asString().block(WAIT);

                assertThat(body).isEqualTo("hello over GET");
                assertThat(handlerThread.get()).startsWith(MptcpLoopResources.THREAD_PREFIX);
                assertThat(server.channel()).isInstanceOf(MptcpNioServerSocketChannel.class);
                assertThat(((MptcpNioServerSocketChannel) server.channel()).nioChannel().provider())
                        .isSameAs(provider);
                for (Channel ch : new Channel[] {serverSide.get(), clientSide.get()}) {
                    // The channel itself: Connection.from(ch) would return the exchange's operations, which answer a
                    // placeholder channel once the event loop has finished the exchange (a race with these lines).
                    Connection c = () -> ch;
                    assertThat(c.channel()).isInstanceOf(MptcpNioSocketChannel.class);
                    assertThat(((MptcpNioSocketChannel) c.channel()).nioChannel().provider()).isSameAs(provider);
                    assertThat(c.channel().eventLoop().parent()).isSameAs(loops.onServer(false));
                    assertThat(MptcpConnections.channel(c)).isPresent();
                    assertThat(MptcpConnections.isMptcp(c)).as("loopback goes through the platform").isFalse();
                    assertThat(MptcpConnections.info(c)).isEmpty();
                    StepVerifier.create(MptcpConnections.events(c)).expectComplete().verify(WAIT);
                }
                assertThat(provider.stackIfOpen()).as("loopback alone never opens the stack").isEmpty();
            } finally {
                server.disposeNow(WAIT);
                loops.disposeLater(Duration.ZERO, WAIT).block(WAIT);
            }
        }
    }

    @Test
    void tcpEchoOverLoopback() {
        try (MptcpSelectorProvider provider = new MptcpSelectorProvider(MptcpProviderConfig.defaults())) {
            MptcpLoopResources loops = MptcpLoopResources.create(provider, 1);
            DisposableServer server = TcpServer.create().host("127.0.0.1").port(0).runOn(loops)
                    .handle((in, out) -> out.send(in.receive().retain()))
                    .bindNow(WAIT);
            try {
                Connection client = TcpClient.create().host("127.0.0.1").port(server.port()).runOn(loops)
                        .connectNow(WAIT);
                client.outbound().sendString(Mono.just("ping")).then().subscribe();
                String echoed = client.inbound().receive().asString().next().block(WAIT);
                assertThat(echoed).isEqualTo("ping");
                assertThat(client.channel()).isInstanceOf(MptcpNioSocketChannel.class);
                client.disposeNow(WAIT);
            } finally {
                server.disposeNow(WAIT);
                loops.disposeLater(Duration.ZERO, WAIT).block(WAIT);
            }
        }
    }

    @Test
    void excludedPortsGoThroughThePlatformToo() throws Exception {
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        // Loopback itself is not excluded here: only the port keeps these connections off the userspace stack.
        MptcpProviderConfig config = MptcpProviderConfig.builder()
                .exclusion(ExclusionPolicy.of(false, List.of(), Set.of(port)))
                .build();
        try (MptcpSelectorProvider provider = new MptcpSelectorProvider(config)) {
            MptcpLoopResources loops = MptcpLoopResources.create(provider, 1);
            DisposableServer server = HttpServer.create().host("127.0.0.1").port(port).runOn(loops)
                    .handle((req, res) -> res.sendString(Mono.just("excluded")))
                    .bindNow(WAIT);
            try {
                String body = HttpClient.create().runOn(loops)
                        .get().uri("http://127.0.0.1:" + port + "/")
                        .responseContent().aggregate().asString().block(WAIT);
                assertThat(body).isEqualTo("excluded");
                assertThat(provider.stackIfOpen()).isEmpty();
            } finally {
                server.disposeNow(WAIT);
                loops.disposeLater(Duration.ZERO, WAIT).block(WAIT);
            }
        }
    }

    @Test
    void everyChannelComesFromTheProvider() {
        try (MptcpSelectorProvider provider = new MptcpSelectorProvider(MptcpProviderConfig.defaults())) {
            MptcpLoopResources loops = MptcpLoopResources.create(provider, 1);
            EventLoopGroup group = loops.onClient(true);
            Channel socket = loops.onChannel(SocketChannel.class, group);
            Channel server = loops.onChannel(ServerSocketChannel.class, group);
            Channel datagram = loops.onChannel(DatagramChannel.class, group);
            try {
                assertThat(socket).isInstanceOf(MptcpNioSocketChannel.class);
                assertThat(((MptcpNioSocketChannel) socket).nioChannel().provider()).isSameAs(provider);
                assertThat(server).isInstanceOf(MptcpNioServerSocketChannel.class);
                assertThat(((MptcpNioServerSocketChannel) server).nioChannel().provider()).isSameAs(provider);
                assertThat(datagram).isInstanceOf(NioDatagramChannel.class); // DNS: the platform's, behind ours
                assertThat(loops.onChannelClass(SocketChannel.class, group)).isEqualTo(MptcpNioSocketChannel.class);
                assertThat(loops.onChannelClass(ServerSocketChannel.class, group))
                        .isEqualTo(MptcpNioServerSocketChannel.class);
                assertThatThrownBy(() -> loops.onChannel(io.netty.channel.socket.DuplexChannel.class, group))
                        .isInstanceOf(IllegalArgumentException.class);
            } finally {
                socket.unsafe().closeForcibly();
                server.unsafe().closeForcibly();
                datagram.unsafe().closeForcibly();
                loops.disposeLater(Duration.ZERO, WAIT).block(WAIT);
            }
        }
    }

    @Test
    void disposingClosesTheEventLoopsAndAnOwnedProvider() {
        MptcpLoopResources loops = MptcpLoopResources.create(MptcpProviderConfig.defaults());
        EventLoopGroup group = loops.onServer(false);
        StepVerifier.create(MptcpEvents.of(loops.provider()))
                .expectSubscription()
                .then(() -> loops.disposeLater(Duration.ZERO, WAIT).block(WAIT))
                .expectComplete() // the provider's events complete when it closes
                .verify(WAIT);
        assertThat(group.isTerminated()).isTrue();
        assertThat(loops.isDisposed()).isTrue();
        assertThatThrownBy(() -> loops.onServer(false)).isInstanceOf(IllegalStateException.class);
    }
}
