package io.mptcp4j.reactor;

import io.mptcp4j.testing.ProviderLab;
import io.mptcp4j.testing.TestData;
import static org.assertj.core.api.Assertions.assertThat;

import io.mptcp4j.core.event.SubflowEvent;
import io.mptcp4j.driver.MptcpSocketInfo;
import io.mptcp4j.lab.ExecResult;
import io.mptcp4j.lab.Host;
import io.mptcp4j.nio.MptcpSelectorProvider;
import io.mptcp4j.testing.RootOnly;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.netty.http.client.HttpClient;

/**
 * A Reactor Netty {@link HttpClient} on mptcp4j (stack in the client namespace) downloading 64 MiB over two paths
 * from the kernel's MPTCP: Python's {@code http.server} under {@code mptcpize run} in the server namespace.
 */
@RootOnly
@Timeout(120)
class HttpClientInteropTest {

    private static final int SIZE = 64 << 20;
    private static final int PORT = 8081;

    @Test
    void httpClientOnMptcp4jDownloads64MiBFromTheKernelsMptcpOverTwoPaths() throws Exception {
        byte[] body = TestData.randomBytes(81, SIZE);
        String expected = TestData.hex(TestData.sha256(body));
        Path dir = Files.createTempDirectory("m4j-reactor-http");
        Files.write(dir.resolve("blob"), body);
        body = null; // 64 MiB less on the heap during the transfer
        Process python = null;
        try (ProviderLab lab = new ProviderLab(2); MptcpSelectorProvider provider = lab.provider(Host.CLIENT)) {
            String host = lab.address(Host.SERVER, 0).getHostAddress();
            Path log = dir.resolve("http.server.log");
            python = new ProcessBuilder("ip", "netns", "exec", lab.lab.namespaceName(Host.SERVER),
                    "mptcpize", "run", "python3", "-m", "http.server", Integer.toString(PORT),
                    "--bind", host, "--directory", dir.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            awaitListening(lab, python, log);

            provider.open();
            MptcpLoopResources loops = MptcpLoopResources.create(provider, 1);
            Map<String, Long> before = lab.lab.nstat(Host.SERVER);
            MessageDigest sha = TestData.sha256Digest();
            AtomicLong received = new AtomicLong();
            AtomicReference<MptcpSocketInfo> halfway = new AtomicReference<>();
            List<SubflowEvent> events = new CopyOnWriteArrayList<>();
            try {
                long start = System.nanoTime();
                Long total = HttpClient.create().runOn(loops)
                        .get().uri("http://" + host + ":" + PORT + "/blob")
                        .responseConnection((res, connection) -> {
                            assertThat(res.status().code()).isEqualTo(200);
                            MptcpConnections.events(connection).subscribe(events::add);
                            return connection.inbound().receive().map(buf -> {
                                int n = buf.readableBytes();
                                sha.update(buf.nioBuffer());
                                if (received.addAndGet(n) >= SIZE / 2 && halfway.get() == null) {
                                    halfway.set(MptcpConnections.info(connection).orElse(null));
                                }
                                return (long) n;
                            });
                        })
                        .reduce(0L, Long::sum)
                        .block(Duration.ofSeconds(80));
                double seconds = (System.nanoTime() - start) / 1e9;
                Map<String, Long> after = lab.lab.nstat(Host.SERVER);
                System.out.printf("HttpClient: 64 MiB in %.2f s (%.0f Mbit/s); halfway: %s%n", seconds,
                        SIZE * 8 / seconds / 1e6, halfway.get());

                assertThat(total).isEqualTo(SIZE);
                assertThat(HexFormat.of().formatHex(sha.digest())).isEqualTo(expected);
                assertThat(after.get("MPTcpExtMPCapableSYNRX") - before.get("MPTcpExtMPCapableSYNRX"))
                        .as("the server spoke MPTCP").isOne();
                assertThat(after.get("MPTcpExtMPJoinSynRx") - before.get("MPTcpExtMPJoinSynRx"))
                        .as("mptcp4j joined").isOne();
                MptcpSocketInfo info = halfway.get();
                assertThat(info).isNotNull();
                assertThat(info.fallback()).isFalse();
                assertThat(info.subflowsEstablished()).isEqualTo(2);
                assertThat(info.subflows()).extracting(s -> s.local().getAddress())
                        .containsExactlyInAnyOrder(lab.address(Host.CLIENT, 0), lab.address(Host.CLIENT, 1));
                assertThat(events).filteredOn(e -> e instanceof SubflowEvent.SubflowEstablished).hasSize(1);
            } finally {
                loops.disposeLater(Duration.ZERO, ProviderLab.WAIT).block(ProviderLab.WAIT);
            }
        } finally {
            if (python != null) {
                python.destroy();
                if (!python.waitFor(5, TimeUnit.SECONDS)) {
                    python.destroyForcibly();
                }
            }
            deleteTree(dir);
        }
    }

    /** Until {@code ss} shows the listener in the server namespace (Python takes a moment to start). */
    private static void awaitListening(ProviderLab lab, Process python, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (true) {
            ExecResult ss = lab.lab.exec(Host.SERVER, "ss", "-Hltn", "sport = :" + PORT);
            if (ss.succeeded() && !ss.stdout().isBlank()) {
                return;
            }
            if (!python.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("http.server did not start: " + Files.readString(log));
            }
            Thread.sleep(20);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
