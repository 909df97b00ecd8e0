package io.mptcp4j.samples;

import static org.assertj.core.api.Assertions.assertThat;

import io.mptcp4j.io.linux.AddressFamily;
import io.mptcp4j.io.linux.KernelMptcpSocket;
import io.mptcp4j.io.linux.StreamProtocol;
import io.mptcp4j.lab.Host;
import io.mptcp4j.lab.NamespaceLab;
import io.mptcp4j.testing.RootOnly;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code mptcp cat} against the kernel's MPTCP in a namespace lab, in both roles, with the bytes hash-checked both
 * ways; and a refused connect exiting with 1. Needs root ({@link RootOnly}); traffic stays between the lab's
 * namespaces.
 */
@RootOnly
@Timeout(120)
class CatInteropTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int SIZE = 8 << 20;
    private static NamespaceLab lab;
    private static int nextPort = 9700;

    @BeforeAll
    static void createLab() throws Exception {
        lab = NamespaceLab.builder().paths(1).build();
    }

    @AfterAll
    static void closeLab() {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void listensForTheKernelsMptcpClient() throws Exception {
        byte[] fromCat = random(1, SIZE);
        byte[] toCat = random(2, SIZE + 12345);
        InetSocketAddress server = new InetSocketAddress(lab.path(0).address(Host.SERVER, AddressFamily.IPV4),
                nextPort++);
        Cat.Settings settings = Cat.Settings.parse(List.of("--listen",
                server.getAddress().getHostAddress() + ":" + server.getPort(), "--timeout", "30", "--stats"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CompletableFuture<Integer> cat = CompletableFuture.supplyAsync(() -> run(settings, Host.SERVER, fromCat,
                out, err));

        byte[] kernelGot;
        long end = System.nanoTime() + WAIT.toNanos();
        while (true) {
            try (KernelMptcpSocket client = lab.inNamespace(Host.CLIENT,
                    () -> KernelMptcpSocket.connect(server, StreamProtocol.MPTCP, WAIT))) {
                kernelGot = exchange(client, toCat);
                assertThat(client.isFallback()).isFalse();
                break;
            } catch (IOException e) { // ECONNREFUSED until cat listens
                if (!String.valueOf(e.getMessage()).contains("ECONNREFUSED") || System.nanoTime() > end
                        || cat.isDone()) {
                    throw e;
                }
                Thread.sleep(50); // cat is not listening yet
            }
        }
        assertThat(cat.get(60, TimeUnit.SECONDS)).as("exit status; stderr: %s", text(err)).isZero();
        assertThat(sha256(out.toByteArray())).isEqualTo(sha256(toCat));
        assertThat(sha256(kernelGot)).isEqualTo(sha256(fromCat));
        assertThat(text(err)).contains("\"mptcp\":true", "\"subflows_established\":1",
                "\"bytes_received\":" + toCat.length);
    }

    @Test
    void connectsToTheKernelsMptcpListenerWithChecksums() throws Exception {
        byte[] fromCat = random(3, SIZE + 777);
        byte[] toCat = random(4, SIZE);
        InetSocketAddress server = new InetSocketAddress(lab.path(0).address(Host.SERVER, AddressFamily.IPV4),
                nextPort++);
        try (KernelMptcpSocket listener = lab.inNamespace(Host.SERVER,
                () -> KernelMptcpSocket.listen(server, StreamProtocol.MPTCP, 4))) {
            CompletableFuture<byte[]> kernel = CompletableFuture.supplyAsync(() -> {
                try (KernelMptcpSocket accepted = listener.accept(WAIT)) {
                    return exchange(accepted, toCat);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Cat.Settings settings = Cat.Settings.parse(List.of("--connect",
                    server.getAddress().getHostAddress() + ":" + server.getPort(),
                    "--bind", lab.path(0).address(Host.CLIENT, AddressFamily.IPV4).getHostAddress(),
                    "--checksum", "--stats", "--timeout", "30"));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int status = run(settings, Host.CLIENT, fromCat, out, err);
            assertThat(status).as("exit status; stderr: %s", text(err)).isZero();
            assertThat(sha256(out.toByteArray())).isEqualTo(sha256(toCat));
            assertThat(sha256(kernel.get(60, TimeUnit.SECONDS))).isEqualTo(sha256(fromCat));
            assertThat(text(err)).contains("\"mptcp\":true", "\"checksum\":true", "\"bytes_sent\":" + fromCat.length);
        }
    }

    @Test
    void aRefusedConnectExitsWithOne() throws Exception {
        InetSocketAddress nobody = new InetSocketAddress(lab.path(0).address(Host.SERVER, AddressFamily.IPV4),
                nextPort++);
        Cat.Settings settings = Cat.Settings.parse(List.of("--connect",
                nobody.getAddress().getHostAddress() + ":" + nobody.getPort(),
                "--bind", lab.path(0).address(Host.CLIENT, AddressFamily.IPV4).getHostAddress(), "--timeout", "10"));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(run(settings, Host.CLIENT, new byte[0], new ByteArrayOutputStream(), err)).isEqualTo(1);
        assertThat(text(err)).startsWith("mptcp cat: ").contains("refused");
    }

    private static int run(Cat.Settings settings, Host host, byte[] stdin, ByteArrayOutputStream stdout,
                           ByteArrayOutputStream stderr) {
        try {
            return Cat.transfer(settings, lab.namespace(host), new ByteArrayInputStream(stdin), stdout,
                    new PrintStream(stderr, true, StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Sends {@code data} then a FIN from another thread while reading everything the peer sends. */
    private static byte[] exchange(KernelMptcpSocket socket, byte[] data) throws Exception {
        CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
            try {
                socket.write(data);
                socket.shutdownOutput();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        byte[] got = socket.inputStream().readAllBytes();
        sent.get(60, TimeUnit.SECONDS);
        return got;
    }

    private static byte[] random(long seed, int size) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static byte[] sha256(byte[] data) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(data);
    }

    private static String text(ByteArrayOutputStream b) {
        return b.toString(StandardCharsets.UTF_8);
    }
}
