package io.mptcp4j.reactor;

import io.mptcp4j.testing.ProviderLab;
import io.mptcp4j.testing.TestData;
import static org.assertj.core.api.Assertions.assertThat;

import io.mptcp4j.core.event.SubflowEvent;
import io.mptcp4j.driver.MptcpSocketInfo;
import io.mptcp4j.io.linux.AddressFamily;
import io.mptcp4j.lab.EndpointFlag;
import io.mptcp4j.lab.ExecResult;
import io.mptcp4j.lab.Host;
import io.mptcp4j.nio.MptcpSelectorProvider;
import io.mptcp4j.testing.RootOnly;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * A Reactor Netty {@link HttpServer} on mptcp4j (stack in the server namespace) serving 64 MiB to the kernel's
 * MPTCP client ({@code mptcpize run curl}) over two paths: the body's SHA-256, the kernel's counters and mptcp4j's
 * view of the connection agree that it was MPTCP with a join.
 */
@RootOnly
@Timeout(120)
class HttpServerInteropTest {

    private static final int SIZE = 64 << 20;
    private static final int CHUNK = 64 << 10;
    private static final int PORT = 8080;

    @Test
    void curlOverTheKernelsMptcpDownloads64MiBFromAnHttpServerOnMptcp4j() throws Exception {
        byte[] body = TestData.randomBytes(64, SIZE);
        String expected = TestData.hex(TestData.sha256(body));
        try (ProviderLab lab = new ProviderLab(2); MptcpSelectorProvider provider = lab.provider(Host.SERVER)) {
            // The kernel client opens a second subflow from its path-1 address once the connection is up.
            lab.lab.addEndpoint(Host.CLIENT, 1, AddressFamily.IPV4, EndpointFlag.SUBFLOW);
            provider.open();
            MptcpLoopResources loops = MptcpLoopResources.create(provider, 2);
            List<SubflowEvent> events = new CopyOnWriteArrayList<>();
            Disposable subscription = MptcpEvents.of(provider).subscribe(events::add);
            AtomicReference<MptcpSocketInfo> afterBody = new AtomicReference<>();
            String host = lab.address(Host.SERVER, 0).getHostAddress();
            DisposableServer server = HttpServer.create().host(host).port(PORT).runOn(loops)
                    .route(routes -> routes.get("/blob", (req, res) -> res
                            .header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(SIZE))
                            .header(HttpHeaderNames.CONTENT_TYPE, "application/octet-stream")
                            .send(Flux.range(0, SIZE / CHUNK)
                                    .map(i -> Unpooled.wrappedBuffer(body, i * CHUNK, CHUNK)))
                            .then(Mono.fromRunnable(() -> req.withConnection(c ->
                                    afterBody.set(MptcpConnections.info(c).orElse(null)))))))
                    .bindNow(ProviderLab.WAIT);
            try {
                Map<String, Long> before = lab.lab.nstat(Host.CLIENT);
                long start = System.nanoTime();
                ExecResult curl = lab.lab.exec(Host.CLIENT, Duration.ofSeconds(90), List.of("bash", "-c",
                        "set -o pipefail; mptcpize run curl -sS --fail --max-time 80 http://" + host + ":" + PORT
                                + "/blob | sha256sum"));
                double seconds = (System.nanoTime() - start) / 1e9;
                Map<String, Long> after = lab.lab.nstat(Host.CLIENT);
                System.out.printf("curl: 64 MiB in %.2f s (%.0f Mbit/s); mptcp4j after the body: %s%n", seconds,
                        SIZE * 8 / seconds / 1e6, afterBody.get());

                assertThat(curl.exitCode()).as(curl.stderr()).isZero();
                assertThat(curl.stdout().split("\\s+")[0]).isEqualTo(expected);
                assertThat(delta(before, after, "MPTcpExtMPCapableSYNACKRX")).as("curl spoke MPTCP").isOne();
                assertThat(delta(before, after, "MPTcpExtMPJoinSynAckRx")).as("curl joined").isOne();

                MptcpSocketInfo info = afterBody.get();
                assertThat(info).isNotNull();
                assertThat(info.fallback()).isFalse();
                assertThat(info.subflows()).hasSize(2);
                assertThat(info.subflows()).extracting(s -> s.remote().getAddress())
                        .containsExactlyInAnyOrder(lab.address(Host.CLIENT, 0), lab.address(Host.CLIENT, 1));
                assertThat(events).filteredOn(e -> e instanceof SubflowEvent.ConnectionEstablished).hasSize(1);
                assertThat(events).filteredOn(e -> e instanceof SubflowEvent.SubflowEstablished).hasSize(1);
            } finally {
                subscription.dispose();
                server.disposeNow(ProviderLab.WAIT);
                loops.disposeLater(Duration.ZERO, ProviderLab.WAIT).block(ProviderLab.WAIT);
            }
        }
    }

    private static long delta(Map<String, Long> before, Map<String, Long> after, String counter) {
        return after.getOrDefault(counter, 0L) - before.getOrDefault(counter, 0L);
    }
}
