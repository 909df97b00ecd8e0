package io.mptcp4j.samples;

import static org.assertj.core.api.Assertions.assertThat;

import io.mptcp4j.io.linux.KernelMptcpSocket;
import io.mptcp4j.io.linux.StreamProtocol;
import io.mptcp4j.lab.EndpointFlag;
import io.mptcp4j.lab.ExecResult;
import io.mptcp4j.lab.Host;
import io.mptcp4j.lab.NamespaceLab;
import io.mptcp4j.testing.RootOnly;
import io.mptcp4j.testing.TestData;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Unmodified java.nio and Netty code ({@code samples/echo}), started in a lab host with nothing but
 * {@code -Djava.nio.channels.spi.SelectorProvider=io.mptcp4j.nio.MptcpSelectorProvider}, speaks MPTCP over both
 * paths with the kernel: the kernel's own counters show the MP_CAPABLE handshake and the joins, and every echoed
 * byte is checked.
 */
@RootOnly
@Timeout(180)
class EchoSystemPropertyInteropTest {

    private static final String PROPERTY = "-Djava.nio.channels.spi.SelectorProvider=io.mptcp4j.nio.MptcpSelectorProvider";
    private static final int PORT = 7400;
    private static final long BYTES = 16L << 20;

    @Test
    void plainNioClientTalksMptcpToTheKernelOverTwoPaths() throws Exception {
        try (NamespaceLab lab = lab()) {
            assertClientTalksMptcp(lab, "io.mptcp4j.samples.echo.NioEcho", "client");
        }
    }

    @Test
    void plainNettyNioClientTalksMptcpToTheKernelOverTwoPaths() throws Exception {
        try (NamespaceLab lab = lab()) {
            assertClientTalksMptcp(lab, "io.mptcp4j.samples.echo.NettyEcho");
        }
    }

    @Test
    void plainNioServerTalksMptcpToTheKernelsClientOverTwoPaths() throws Exception {
        try (NamespaceLab lab = LabFixtures.settled(NamespaceLab.builder().paths(2).ipv6(false)
                .mptcpLimits(2, 2).endpoint(Host.CLIENT, 1, EndpointFlag.SUBFLOW))) {
            Map<String, Long> before = lab.nstat(Host.CLIENT);
            List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", lab.namespaceName(Host.SERVER)));
            command.addAll(java("io.mptcp4j.samples.echo.NioEcho", "server", Integer.toString(PORT)));
            Path log = Files.createTempFile("nio-echo-server", ".log");
            Process server = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                    .start();
            try {
                awaitListening(log, server);
                InetSocketAddress address = new InetSocketAddress(lab.path(0).serverV4(), PORT);
                byte[] data = TestData.randomBytes(7, (int) BYTES);
                byte[] back = lab.inNamespace(Host.CLIENT, () -> {
                    try (KernelMptcpSocket s = KernelMptcpSocket.connect(address, StreamProtocol.MPTCP,
                            Duration.ofSeconds(10))) {
                        assertThat(s.isFallback()).isFalse();
                        CompletableFuture<Void> writer = LabFixtures.async("kernel-writer", () -> {
                            s.write(data);
                            s.shutdownOutput();
                            return null;
                        });
                        byte[] echoed = new byte[data.length];
                        s.readFully(echoed, Duration.ofSeconds(60));
                        writer.get(60, TimeUnit.SECONDS);
                        return echoed;
                    }
                });
                assertThat(back).isEqualTo(data);
            } finally {
                server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            Map<String, Long> after = lab.nstat(Host.CLIENT);
            assertThat(TestData.delta(before, after, "MPTcpExtMPCapableSYNACKRX")).isEqualTo(1);
            assertThat(TestData.delta(before, after, "MPTcpExtMPJoinSynAckRx")).isEqualTo(1);
            assertThat(Files.readString(log)).contains("provider=io.mptcp4j.nio.MptcpSelectorProvider");
        }
    }

    private static NamespaceLab lab() throws IOException {
        return LabFixtures.settled(NamespaceLab.builder().paths(2).ipv6(false).mptcpLimits(2, 2));
    }

    /** Runs the sample client in CLIENT against a kernel MPTCP echo server in SERVER; checks both sides. */
    private static void assertClientTalksMptcp(NamespaceLab lab, String mainClass, String... mode) throws Exception {
        Map<String, Long> before = lab.nstat(Host.SERVER);
        try (KernelMptcpSocket listener = lab.inNamespace(Host.SERVER, () -> KernelMptcpSocket.listen(
                new InetSocketAddress(InetAddress.getByName("0.0.0.0"), PORT), StreamProtocol.MPTCP, 4))) {
            CompletableFuture<Boolean> echo = LabFixtures.async("kernel-echo", () -> {
                try (KernelMptcpSocket s = listener.accept(Duration.ofSeconds(60))) {
                    byte[] buf = new byte[64 * 1024];
                    for (int n; (n = s.read(buf, 0, buf.length, Duration.ofSeconds(60))) > 0; ) {
                        s.write(buf, 0, n);
                    }
                    s.shutdownOutput();
                    return !s.isFallback();
                }
            });
            List<String> command = new ArrayList<>(java(mainClass, mode));
            command.addAll(List.of(lab.path(0).serverV4().getHostAddress(), Integer.toString(PORT),
                    Long.toString(BYTES)));
            ExecResult run = lab.exec(Host.CLIENT, Duration.ofSeconds(120), command);
            assertThat(run.exitCode()).as(run.stdout() + run.stderr()).isZero();
            assertThat(run.stdout()).contains("echo ok bytes=" + BYTES);
            assertThat(echo.get(30, TimeUnit.SECONDS)).as("the kernel's end is MPTCP, not a fallback").isTrue();
        }
        Map<String, Long> after = lab.nstat(Host.SERVER);
        assertThat(TestData.delta(before, after, "MPTcpExtMPCapableSYNRX")).isEqualTo(1);
        assertThat(TestData.delta(before, after, "MPTcpExtMPJoinSynRx")).isEqualTo(1);
        assertThat(TestData.delta(before, after, "MPTcpExtMPJoinAckRx")).isEqualTo(1);
    }

    /** {@code java PROPERTY -cp <this JVM's class path> mainClass args...}. */
    private static List<String> java(String mainClass, String... args) {
        List<String> command = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java")
                .toString(), PROPERTY, "-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(List.of(args));
        return command;
    }

    private static void awaitListening(Path log, Process server) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.readString(log, StandardCharsets.UTF_8).contains("listening on")) {
            if (!server.isAlive() || System.nanoTime() > end) {
                throw new AssertionError("the echo server did not start: " + Files.readString(log));
            }
            Thread.sleep(20);
        }
    }
}
