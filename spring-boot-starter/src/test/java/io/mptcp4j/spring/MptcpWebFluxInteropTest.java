package io.mptcp4j.spring;

import io.mptcp4j.testing.DaemonTasks;
import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.mptcp4j.core.sched.MinRttScheduler;
import io.mptcp4j.io.linux.AddressFamily;
import io.mptcp4j.io.linux.KernelMptcpSocket;
import io.mptcp4j.io.linux.StreamProtocol;
import io.mptcp4j.lab.EndpointFlag;
import io.mptcp4j.lab.ExecResult;
import io.mptcp4j.lab.Host;
import io.mptcp4j.lab.NamespaceLab;
import io.mptcp4j.testing.RootOnly;
import io.mptcp4j.testing.TestData;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;

/**
 * A WebFlux application on the starter, its stack in the lab's SERVER namespace over two paths, against the Linux
 * kernel's MPTCP: {@code mptcpize run curl} in the CLIENT namespace downloads 64 MiB from a controller (the kernel
 * joins a second subflow from its path-1 address), and the application's auto-configured WebClient downloads from a
 * kernel MPTCP server. Bytes are SHA-256 checked; the kernel's counters, the {@code mptcp} actuator endpoint (read
 * over loopback, which stays on the platform's TCP) and the Micrometer meters must show both subflows.
 */
@RootOnly
@Timeout(120)
class MptcpWebFluxInteropTest {

    static final int CHUNK = 64 * 1024;
    static final int SIZE = 64 << 20;
    /** Long enough to watch both subflows, short enough for the module's time budget: 64 MiB in about 3.5 s. */
    static final String CURL_RATE = "18M";

    @Test
    void theKernelsClientDownloadsFromAWebFluxApplicationOverTwoPaths() throws Exception {
        try (NamespaceLab lab = lab()) {
            Map<String, Long> clientBefore = lab.nstat(Host.CLIENT);
            try (ConfigurableApplicationContext app = start(lab)) {
                int port = port(app);
                Path file = Files.createTempFile("mptcp4j-download", ".bin");
                try {
                    CompletableFuture<ExecResult> curl = async("curl", () -> lab.exec(Host.CLIENT,
                            Duration.ofSeconds(90), List.of("mptcpize", "run", "curl", "-sS", "--fail",
                                    "--limit-rate", CURL_RATE, "-o", file.toString(), "-w",
                                    "%{http_code} %{size_download}",
                                    "http://" + lab.path(0).serverV4().getHostAddress() + ":" + port + "/download")));

                    // While the download runs: the endpoint and the meters must show the connection on two paths.
                    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
                    String twoSubflows = null;
                    Set<String> meteredRemotes = new HashSet<>();
                    MeterRegistry registry = app.getBean(MeterRegistry.class);
                    while (!curl.isDone()) {
                        String body = actuator(http, port, "mptcp");
                        if (establishedSubflows(body) >= 2) {
                            twoSubflows = body; // the latest: the one with the most bytes on each subflow
                        }
                        for (Meter m : registry.find("mptcp.subflow.bytes").tag("direction", "sent").meters()) {
                            meteredRemotes.add(m.getId().getTag("remote").replaceAll(":\\d+$", ""));
                        }
                        Thread.sleep(200);
                    }
                    ExecResult result = curl.get(90, TimeUnit.SECONDS);
                    assertThat(result.exitCode()).as(result.stderr()).isZero();
                    assertThat(result.stdout()).isEqualTo("200 " + SIZE);
                    assertThat(TestData.hex(sha256(file))).isEqualTo(TestData.hex(expectedSha256()));

                    assertThat(twoSubflows).as("the mptcp endpoint never showed two established subflows")
                            .isNotNull();
                    System.out.println("GET /actuator/mptcp late in the download: " + twoSubflows);
                    List<Number> sent = JsonPath.read(twoSubflows,
                            "$.connections[*].subflows[?(@.state == 'ESTABLISHED')].bytesSent");
                    assertThat(sent).as("bytes sent on each subflow").hasSize(2)
                            .allMatch(n -> n.longValue() > 0);
                    // The server sends the download: by now it has waited for its subflows, and says for how long.
                    List<Number> subflowLimited = JsonPath.read(twoSubflows,
                            "$.connections[*].sendLimitedMillis.subflows");
                    assertThat(subflowLimited).isNotEmpty().anyMatch(n -> n.longValue() > 0);
                    List<String> remotes = JsonPath.read(twoSubflows,
                            "$.connections[*].subflows[?(@.state == 'ESTABLISHED')].remote");
                    assertThat(remotes.stream().map(r -> r.replaceAll(":\\d+$", "")).distinct())
                            .containsExactlyInAnyOrder("10.0.0.1", "10.0.1.1");
                    List<String> locals = JsonPath.read(twoSubflows,
                            "$.connections[*].subflows[?(@.state == 'ESTABLISHED')].local");
                    assertThat(locals).allMatch(l -> l.equals("10.0.0.2:" + port));
                    assertThat(JsonPath.<String>read(twoSubflows, "$.configuration.scheduler"))
                            .isEqualTo("counting-minrtt");
                    assertThat(JsonPath.<List<String>>read(twoSubflows, "$.addresses"))
                            .containsExactly("10.0.0.2", "10.0.1.2");
                    assertThat(meteredRemotes).containsExactlyInAnyOrder("10.0.0.1", "10.0.1.1");
                } finally {
                    Files.deleteIfExists(file);
                }

                Map<String, Long> clientAfter = lab.nstat(Host.CLIENT);
                assertThat(TestData.delta(clientBefore, clientAfter, "MPTcpExtMPCapableSYNACKRX")).isEqualTo(1);
                assertThat(TestData.delta(clientBefore, clientAfter, "MPTcpExtMPJoinSynAckRx")).isEqualTo(1);
                String after = actuator(HttpClient.newHttpClient(), port, "mptcp");
                assertThat(JsonPath.<Integer>read(after, "$.counters.JoinAckRx")).isEqualTo(1);
                assertThat(JsonPath.<Integer>read(after, "$.counters.MPTCPFallback")).isZero();
                assertThat(app.getBean(DownloadApp.class).schedulers).hasPositiveValue();
                String fallbacks = actuator(HttpClient.newHttpClient(), port, "metrics/mptcp.fallbacks");
                assertThat(JsonPath.<Double>read(fallbacks, "$.measurements[0].value")).isZero();
            }
        }
    }

    @Test
    void theAutoConfiguredWebClientDownloadsFromTheKernelOverTwoPaths() throws Exception {
        try (NamespaceLab lab = lab()) {
            Map<String, Long> clientBefore = lab.nstat(Host.CLIENT);
            byte[] body = TestData.randomBytes(11, 8 << 20);
            try (ConfigurableApplicationContext app = start(lab);
                 KernelMptcpSocket listener = lab.inNamespace(Host.CLIENT, () -> KernelMptcpSocket.listen(
                         new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 8000), StreamProtocol.MPTCP, 4))) {
                CompletableFuture<Boolean> server = async("kernel-http", () -> serveOnce(listener, body));
                WebClient client = app.getBean(WebClient.Builder.class)
                        .codecs(c -> c.defaultCodecs().maxInMemorySize(16 << 20)).build();
                byte[] got = client.get().uri("http://" + lab.path(0).clientV4().getHostAddress() + ":8000/file")
                        .retrieve().bodyToMono(byte[].class).block(Duration.ofSeconds(30));
                assertThat(got).isEqualTo(body);
                assertThat(server.get(10, TimeUnit.SECONDS)).as("the kernel's end is MPTCP, not a fallback").isTrue();
                String endpoint = actuator(HttpClient.newHttpClient(), port(app), "mptcp");
                assertThat(JsonPath.<Integer>read(endpoint, "$.counters.MPCapableSYNACKRX")).isEqualTo(1);
            }
            Map<String, Long> clientAfter = lab.nstat(Host.CLIENT);
            assertThat(TestData.delta(clientBefore, clientAfter, "MPTcpExtMPCapableSYNRX")).isEqualTo(1);
            assertThat(TestData.delta(clientBefore, clientAfter, "MPTcpExtMPJoinSynRx")).isEqualTo(1);
        }
    }

    /** Two paths, kernel MPTCP limits for two subflows, a client subflow endpoint on path 1; links up. */
    private static NamespaceLab lab() throws Exception {
        NamespaceLab lab = NamespaceLab.builder().paths(2).ipv6(false).mptcpLimits(2, 2)
                .endpoint(Host.CLIENT, 1, AddressFamily.IPV4, EndpointFlag.SUBFLOW).build();
        try {
            return lab.awaitLinksUp(Duration.ofSeconds(10));
        } catch (Exception | Error e) {
            lab.close();
            throw e;
        }
    }

    /** The application, its stack in SERVER with both paths' addresses, the mptcp and metrics endpoints exposed. */
    private static ConfigurableApplicationContext start(NamespaceLab lab) {
        return new SpringApplicationBuilder(DownloadApp.class).web(WebApplicationType.REACTIVE)
                .bannerMode(Banner.Mode.OFF).logStartupInfo(false)
                .properties("server.port=0",
                        "mptcp.namespace=" + lab.namespaceName(Host.SERVER),
                        "mptcp.local-addresses=" + lab.path(0).serverV4().getHostAddress() + ","
                                + lab.path(1).serverV4().getHostAddress(),
                        "management.endpoints.web.exposure.include=mptcp,metrics")
                .run();
    }

    private static int port(ConfigurableApplicationContext app) {
        return Integer.parseInt(app.getEnvironment().getRequiredProperty("local.server.port"));
    }

    /** GET /actuator/NAME over loopback (the platform's TCP beside the MPTCP listener). */
    private static String actuator(HttpClient http, int port, String name) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/actuator/" + name)).timeout(Duration.ofSeconds(5))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body();
    }

    private static int establishedSubflows(String mptcp) {
        List<Integer> counts = JsonPath.read(mptcp, "$.connections[*].subflowsEstablished");
        return counts.stream().mapToInt(Integer::intValue).max().orElse(0);
    }

    /** Answers one HTTP request with {@code body}; returns whether the connection stayed MPTCP. */
    private static boolean serveOnce(KernelMptcpSocket listener, byte[] body) throws Exception {
        try (KernelMptcpSocket s = listener.accept(Duration.ofSeconds(30))) {
            ByteArrayOutputStream request = new ByteArrayOutputStream();
            byte[] buf = new byte[4096];
            while (!request.toString(StandardCharsets.ISO_8859_1).contains("\r\n\r\n")) {
                int n = s.read(buf, 0, buf.length, Duration.ofSeconds(30));
                if (n < 0) {
                    throw new IllegalStateException("request cut short: " + request);
                }
                request.write(buf, 0, n);
            }
            boolean mptcp = !s.isFallback();
            s.write(("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: " + body.length
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            s.write(body);
            s.shutdownOutput();
            while (s.read(buf, 0, buf.length, Duration.ofSeconds(30)) >= 0) {
                // until the client closes
            }
            return mptcp && !s.isFallback();
        }
    }

    /** Chunk {@code index} of the download: 64 KiB from a generator seeded with the index. */
    static byte[] chunk(int index) {
        byte[] b = new byte[CHUNK];
        new Random(index).nextBytes(b);
        return b;
    }

    private static byte[] expectedSha256() throws Exception {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        for (int i = 0; i < SIZE / CHUNK; i++) {
            d.update(chunk(i));
        }
        return d.digest();
    }

    private static byte[] sha256(Path file) throws Exception {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        try (var in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                d.update(buf, 0, n);
            }
        }
        return d.digest();
    }

    private static <T> CompletableFuture<T> async(String name, Callable<T> task) {
        return DaemonTasks.async(name, task);
    }

    /** The application: a download controller, and a scheduler bean of its own that counts its connections. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(DownloadController.class)
    static class DownloadApp {

        final AtomicInteger schedulers = new AtomicInteger();

        @Bean
        MptcpSchedulerFactory countingScheduler() {
            return MptcpSchedulerFactory.of("counting-minrtt", () -> {
                schedulers.incrementAndGet();
                return new MinRttScheduler();
            });
        }
    }

    @RestController
    static class DownloadController {

        /** {@link #SIZE} deterministic bytes, produced as the client reads them. */
        @GetMapping("/download")
        ResponseEntity<Flux<DataBuffer>> download() {
            Flux<DataBuffer> body = Flux.range(0, SIZE / CHUNK)
                    .map(i -> DefaultDataBufferFactory.sharedInstance.wrap(chunk(i)));
            return ResponseEntity.ok().contentType(MediaType.APPLICATION_OCTET_STREAM).contentLength(SIZE).body(body);
        }
    }
}
