package io.mptcp4j.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mptcp4j.io.linux.AddressFamily;
import io.mptcp4j.io.linux.KernelMptcpSocket;
import io.mptcp4j.io.linux.NetworkNamespace;
import io.mptcp4j.io.linux.StreamProtocol;
import io.mptcp4j.testing.RootOnly;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

@RootOnly
@SuppressWarnings("try") // resources held open only for their effect
class NamespaceLabTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    /** Names under /run/netns right now. */
    private static Set<String> namespaces() throws IOException {
        Path dir = NetworkNamespace.NETNS_DIRECTORY;
        if (!Files.isDirectory(dir)) {
            return Set.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
    }

    /** Lab namespaces created by this JVM. */
    private static Set<String> ourNamespaces() throws IOException {
        String prefix = "m4j-" + ProcessHandle.current().pid() + "-";
        return namespaces().stream().filter(n -> n.startsWith(prefix)).collect(Collectors.toSet());
    }

    @Test
    void buildCreatesHostsAndPathsAndCloseRemovesThem() throws Exception {
        Set<String> before = ourNamespaces();
        NamespaceLab lab = NamespaceLab.builder().paths(2).build();
        try {
            assertThat(namespaces()).contains(lab.namespaceName(Host.CLIENT), lab.namespaceName(Host.SERVER));
            assertThat(lab.namespaceName(Host.CLIENT)).startsWith("m4j-" + ProcessHandle.current().pid() + "-");
            assertThat(lab.pathCount()).isEqualTo(2);
            assertThat(lab.path(1).clientV4().getHostAddress()).isEqualTo("10.0.1.1");
            assertThat(lab.path(1).serverV6().getHostAddress()).isEqualTo("fd00:0:0:1:0:0:0:2");

            String addresses = lab.exec(Host.CLIENT, "ip", "-br", "addr", "show", "dev", "veth1")
                    .requireSuccess().stdout();
            assertThat(addresses).contains("10.0.1.1/24").contains("fd00:0:0:1::1/64").contains("UP");
            assertThat(lab.exec(Host.SERVER, "ip", "-br", "addr", "show", "dev", "veth0").stdout())
                    .contains("10.0.0.2/24").contains("fd00::2/64");
            String features = lab.exec(Host.SERVER, "ethtool", "-k", "veth1").requireSuccess().stdout();
            assertThat(features).contains("tx-checksumming: off", "rx-checksumming: off",
                    "tcp-segmentation-offload: off", "generic-segmentation-offload: off",
                    "generic-receive-offload: off");
            // Receive packet steering keeps each flow on one CPU (veths would otherwise reorder).
            String mask = NamespaceLab.rpsMask(Runtime.getRuntime().availableProcessors());
            if (mask != null) {
                assertThat(lab.exec(Host.CLIENT, "cat", "/sys/class/net/veth0/queues/rx-0/rps_cpus")
                        .requireSuccess().stdout().replace(",", "")).endsWith(mask.replace(",", "") + "\n");
            }
        } finally {
            lab.close();
        }
        assertThat(lab.isClosed()).isTrue();
        assertThat(namespaces()).doesNotContain(lab.namespaceName(Host.CLIENT), lab.namespaceName(Host.SERVER));
        assertThat(ourNamespaces()).isEqualTo(before);
        lab.close(); // idempotent
    }

    @Test
    void linkDownCutsThePathOnBothEndsAndUpRestoresIt() throws Exception {
        try (NamespaceLab lab = NamespaceLab.builder().paths(1).build()) {
            var server = new InetSocketAddress(lab.path(0).serverV4(), 9100);
            try (KernelMptcpSocket listener = lab.inNamespace(Host.SERVER,
                    () -> KernelMptcpSocket.listen(server, StreamProtocol.TCP, 8))) {
                connectOnce(lab, server, listener);

                lab.linkDown(0);
                for (Host h : Host.values()) {
                    assertThat(lab.exec(h, "ip", "link", "show", "veth0").stdout()).contains("state DOWN");
                }
                assertThatThrownBy(() -> lab.inNamespace(Host.CLIENT, () -> KernelMptcpSocket.connect(server,
                        StreamProtocol.TCP, Duration.ofMillis(500)))).isInstanceOf(IOException.class);

                lab.linkUp(0);
                for (Host h : Host.values()) {
                    assertThat(lab.exec(h, "ip", "link", "show", "veth0").stdout()).contains("state UP");
                }
                // IPv6 addresses survive the down/up (keep_addr_on_down), IPv4 always does.
                assertThat(lab.exec(Host.CLIENT, "ip", "-br", "addr", "show", "dev", "veth0").stdout())
                        .contains("10.0.0.1/24").contains("fd00::1/64");
                connectOnce(lab, server, listener);
            }
        }
    }

    private static void connectOnce(NamespaceLab lab, InetSocketAddress server, KernelMptcpSocket listener)
            throws Exception {
        try (KernelMptcpSocket c = lab.inNamespace(Host.CLIENT,
                () -> KernelMptcpSocket.connect(server, StreamProtocol.TCP, WAIT));
             KernelMptcpSocket a = listener.accept(WAIT)) {
            c.write(new byte[] {1});
            a.readFully(new byte[1], WAIT);
        }
    }

    @Test
    void tbfShapesTheChosenDirection() throws Exception {
        try (NamespaceLab lab = NamespaceLab.builder()
                .paths(2)
                .shaping(0, Direction.CLIENT_TO_SERVER, Shaping.megabits(20))
                .shaping(1, Shaping.megabits(30))
                .build()) {
            assertThat(lab.exec(Host.CLIENT, "tc", "qdisc", "show", "dev", "veth0").stdout())
                    .contains("tbf").contains("rate 20Mbit").contains("burst " + Shaping.MIN_BURST_BYTES + "b");
            assertThat(lab.exec(Host.SERVER, "tc", "qdisc", "show", "dev", "veth0").stdout()).doesNotContain("tbf");
            for (Host h : Host.values()) {
                assertThat(lab.exec(h, "tc", "qdisc", "show", "dev", "veth1").stdout()).contains("rate 30Mbit");
            }

            // 2.5 MB at 20 Mbit/s is one second; unshaped veth would take milliseconds.
            var server = new InetSocketAddress(lab.path(0).serverV4(), 9200);
            byte[] data = new byte[2_500_000];
            long elapsed;
            try (KernelMptcpSocket listener = lab.inNamespace(Host.SERVER,
                    () -> KernelMptcpSocket.listen(server, StreamProtocol.TCP, 8));
                 KernelMptcpSocket c = lab.inNamespace(Host.CLIENT,
                         () -> KernelMptcpSocket.connect(server, StreamProtocol.TCP, WAIT));
                 KernelMptcpSocket a = listener.accept(WAIT)) {
                QdiscCounters before = lab.shapingCounters(0, Direction.CLIENT_TO_SERVER);
                long start = System.nanoTime();
                var writer = java.util.concurrent.CompletableFuture.runAsync(() -> {
                    try {
                        c.write(ByteBuffer.wrap(data), Duration.ofSeconds(20));
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                a.readFully(new byte[data.length], Duration.ofSeconds(20));
                elapsed = System.nanoTime() - start;
                writer.get(5, TimeUnit.SECONDS);
                QdiscCounters sent = lab.shapingCounters(0, Direction.CLIENT_TO_SERVER).since(before);
                assertThat(sent.bytes()).isGreaterThan(data.length);
                assertThat(sent.packets()).isGreaterThan(data.length / 1500);
            }
            assertThat(lab.shapingCounters(0, Direction.SERVER_TO_CLIENT)).isEqualTo(QdiscCounters.NONE);
            assertThat(Duration.ofNanos(elapsed)).isBetween(Duration.ofMillis(850), Duration.ofSeconds(3));

            lab.clearShaping(0, Direction.CLIENT_TO_SERVER);
            lab.clearShaping(0, Direction.CLIENT_TO_SERVER); // nothing left: no error
            assertThat(lab.exec(Host.CLIENT, "tc", "qdisc", "show", "dev", "veth0").stdout()).doesNotContain("tbf");
        }
    }

    @Test
    void kernelMptcpSettingsPerHost() throws Exception {
        try (NamespaceLab lab = NamespaceLab.builder()
                .paths(3)
                .mptcpLimits(Host.CLIENT, 4, 3)
                .mptcpLimits(Host.SERVER, 2, 1)
                .endpoint(Host.CLIENT, 1, EndpointFlag.SUBFLOW)
                .endpoint(Host.CLIENT, 2, EndpointFlag.SUBFLOW, EndpointFlag.BACKUP)
                .endpoint(Host.SERVER, 1, AddressFamily.IPV6, EndpointFlag.SIGNAL)
                .checksum(Host.SERVER, true)
                .sysctl(Host.CLIENT, "net.ipv4.tcp_congestion_control", "reno")
                .build()) {
            assertThat(lab.exec(Host.CLIENT, "ip", "mptcp", "limits", "show").stdout())
                    .contains("add_addr_accepted 3").contains("subflows 4");
            assertThat(lab.exec(Host.SERVER, "ip", "mptcp", "limits", "show").stdout())
                    .contains("add_addr_accepted 1").contains("subflows 2");
            String clientEndpoints = lab.exec(Host.CLIENT, "ip", "mptcp", "endpoint", "show").stdout();
            assertThat(clientEndpoints).contains("10.0.1.1 id 2 subflow dev veth1")
                    .contains("10.0.2.1 id 3 subflow backup dev veth2");
            assertThat(lab.exec(Host.SERVER, "ip", "mptcp", "endpoint", "show").stdout())
                    .contains("fd00:0:0:1::2 id 130 signal dev veth1");
            assertThat(lab.readSysctl(Host.SERVER, "net.mptcp.checksum_enabled")).isEqualTo("1");
            assertThat(lab.readSysctl(Host.CLIENT, "net.mptcp.checksum_enabled")).isEqualTo("0");
            assertThat(lab.readSysctl(Host.CLIENT, "net.ipv4.tcp_congestion_control")).isEqualTo("reno");

            lab.flushEndpoints(Host.CLIENT);
            assertThat(lab.exec(Host.CLIENT, "ip", "mptcp", "endpoint", "show").stdout()).isBlank();
            lab.addEndpoint(Host.CLIENT, 2, AddressFamily.IPV4, EndpointFlag.SUBFLOW, EndpointFlag.FULLMESH);
            assertThat(lab.exec(Host.CLIENT, "ip", "mptcp", "endpoint", "show").stdout())
                    .contains("10.0.2.1 id 3 subflow fullmesh dev veth2");
        }
    }

    @Test
    void nstatReportsMptcpCountersOfOneHost() throws Exception {
        try (NamespaceLab lab = NamespaceLab.builder().paths(1).build()) {
            Map<String, Long> counters = lab.nstat(Host.SERVER);
            assertThat(counters).containsKey("MPTcpExtMPCapableSYNRX");
            assertThat(counters.keySet()).allMatch(k -> k.startsWith("MPTcp"));
            assertThat(counters.get("MPTcpExtMPCapableSYNRX")).isZero();

            var server = new InetSocketAddress(lab.path(0).serverV4(), 9300);
            try (KernelMptcpSocket listener = lab.inNamespace(Host.SERVER,
                    () -> KernelMptcpSocket.listen(server, StreamProtocol.MPTCP, 8));
                 KernelMptcpSocket c = lab.inNamespace(Host.CLIENT,
                         () -> KernelMptcpSocket.connect(server, StreamProtocol.MPTCP, WAIT));
                 KernelMptcpSocket a = listener.accept(WAIT)) {
                assertThat(lab.nstat(Host.SERVER).get("MPTcpExtMPCapableSYNRX")).isEqualTo(1);
                assertThat(lab.nstat(Host.SERVER).get("MPTcpExtMPCapableSYNRX")).as("absolute, not delta")
                        .isEqualTo(1);
                assertThat(lab.nstat(Host.CLIENT).get("MPTcpExtMPCapableSYNRX")).isZero();
                assertThat(lab.counters(Host.CLIENT)).containsKeys("TcpOutRsts", "TcpActiveOpens");
            }
        }
    }

    @Test
    void execReportsExitStatusOutputAndKillsOnTimeout() throws Exception {
        try (NamespaceLab lab = NamespaceLab.builder().paths(1).ipv6(false).offloadsOff(false).build()) {
            ExecResult r = lab.exec(Host.CLIENT, "sh", "-c", "echo out; echo err >&2; exit 3");
            assertThat(r.exitCode()).isEqualTo(3);
            assertThat(r.stdout()).isEqualTo("out\n");
            assertThat(r.stderr()).isEqualTo("err\n");
            assertThat(r.command()).startsWith("ip", "netns", "exec", lab.namespaceName(Host.CLIENT), "sh");
            assertThatThrownBy(r::requireSuccess).isInstanceOf(CommandFailedException.class)
                    .hasMessageContaining("exit 3").hasMessageContaining("sh -c").hasMessageContaining("err");

            long start = System.nanoTime();
            assertThatThrownBy(() -> lab.exec(Host.SERVER, Duration.ofMillis(300), List.of("sleep", "30")))
                    .isInstanceOf(CommandFailedException.class).hasMessageContaining("timed out");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));

            assertThat(lab.exec(Host.SERVER, "ip", "-br", "addr", "show", "dev", "veth0").stdout())
                    .doesNotContain("fd00");
        }
    }

    @Test
    void aFailingBuildRemovesWhatItCreated() throws Exception {
        Set<String> before = ourNamespaces();
        assertThatThrownBy(() -> NamespaceLab.builder()
                .paths(2)
                .sysctl(Host.SERVER, "net.m4j.no_such_setting", "1")
                .build())
                .isInstanceOf(IOException.class)
                .hasMessageContaining("net.m4j.no_such_setting");
        assertThat(ourNamespaces()).isEqualTo(before);

        assertThatThrownBy(() -> NamespaceLab.builder().paths(1).endpoint(Host.CLIENT, 0, EndpointFlag.SUBFLOW)
                .mptcpLimits(Host.CLIENT, 99, 99).build())
                .isInstanceOf(CommandFailedException.class)
                .hasMessageContaining("ip -n m4j-").hasMessageContaining("limits set subflows 99");
        assertThat(ourNamespaces()).isEqualTo(before);

        assertThatThrownBy(() -> NamespaceLab.builder().paths(1).shaping(3, Shaping.megabits(1)).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(ourNamespaces()).isEqualTo(before);
    }

    @Test
    void theShutdownHookClosesForgottenLabsAndStaleLabsAreCleanedLater() throws Exception {
        List<String> exited = runChildJvm("exit");
        assertThat(exited).hasSize(2);
        assertThat(namespaces()).doesNotContainAnyElementsOf(exited);

        List<String> halted = runChildJvm("halt");
        assertThat(halted).hasSize(2);
        assertThat(namespaces()).containsAll(halted); // no hook ran
        Path haltedScratch = LabNames.scratchDirectory(halted.get(0).substring(4, halted.get(0).length() - 4));
        assertThat(haltedScratch).isDirectory();
        try {
            NamespaceLab.cleanStaleNamespaces();
            assertThat(namespaces()).doesNotContainAnyElementsOf(halted);
            assertThat(haltedScratch).doesNotExist();
        } finally {
            for (String name : halted) {
                new ProcessBuilder("ip", "netns", "delete", name).redirectErrorStream(true).start().waitFor();
            }
        }
    }

    @Test
    void labsOfLiveProcessesAreNotStale() throws Exception {
        try (NamespaceLab lab = NamespaceLab.builder().paths(1).build()) {
            NamespaceLab.cleanStaleNamespaces();
            assertThat(namespaces()).contains(lab.namespaceName(Host.CLIENT), lab.namespaceName(Host.SERVER));
        }
    }

    /** Runs {@link LabChildMain} in a new JVM and returns the namespace names it printed. */
    private static List<String> runChildJvm(String mode) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                LabChildMain.class.getName(), mode).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("child output: %s", out).isZero();
        List<String> names = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (line.startsWith("m4j-")) {
                names.add(line.trim());
            }
        }
        return names;
    }
}
