package io.mptcp4j.driver;

import static io.mptcp4j.testing.TestData.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mptcp4j.core.tcp.TcpConfig;
import io.mptcp4j.core.tcp.TcpConnectionException;
import io.mptcp4j.core.tcp.TcpState;
import io.mptcp4j.io.linux.AddressFamily;
import io.mptcp4j.io.linux.KernelMptcpSocket;
import io.mptcp4j.io.linux.StreamProtocol;
import io.mptcp4j.lab.Host;
import io.mptcp4j.lab.NamespaceLab;
import io.mptcp4j.testing.RootOnly;
import io.mptcp4j.testing.TestData;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.EnumSet;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link UserspaceTcp} against the Linux kernel's TCP in a namespace lab (offloads off): 100 MB each way at once
 * in both roles, judged by SHA-256; a kernel peer that resets (SO_LINGER 0) and one that vanishes (link down)
 * end our calls with "connection reset by peer" and "connection timed out", never a hang.
 */
@RootOnly
@Timeout(60)
class UserspaceTcpInteropTest {

    private static final long SIZE = 100_000_000;
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int CHUNK = 1 << 20;

    private static NamespaceLab lab;
    private static InetAddress clientAddress;
    private static InetAddress serverAddress;
    private static int nextPort = 7400;

    @BeforeAll
    static void createLab() throws Exception {
        lab = NamespaceLab.builder().paths(1).build();
        clientAddress = lab.path(0).address(Host.CLIENT, AddressFamily.IPV4);
        serverAddress = lab.path(0).address(Host.SERVER, AddressFamily.IPV4);
    }

    @AfterAll
    static void closeLab() {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void ourClientAndAKernelServerMove100MegabytesEachWay() throws Exception {
        var countersBefore = lab.counters(Host.CLIENT);
        InetSocketAddress server = new InetSocketAddress(serverAddress, nextPort++);
        try (UserspaceTcp tcp = open(Host.CLIENT, clientAddress, TcpConfig.defaults());
             KernelMptcpSocket listener = kernelListener(server)) {
            CompletableFuture<KernelMptcpSocket> accepted = acceptAsync(listener);
            TcpSocket ours = tcp.connect(server, WAIT);
            try (KernelMptcpSocket theirs = accepted.get(10, TimeUnit.SECONDS)) {
                exchange(ours, theirs);
            }
            ours.close();
            awaitClosed(ours); // closing the stack earlier would drop the port while the FINs still fly
        }
        assertThat(TestData.delta(countersBefore, lab.counters(Host.CLIENT), "TcpOutRsts"))
                .as("RSTs from the client's kernel").isZero();
    }

    @Test
    void aKernelClientAndOurServerMove100MegabytesEachWay() throws Exception {
        int port = nextPort++;
        try (UserspaceTcp tcp = open(Host.SERVER, serverAddress, TcpConfig.defaults())) {
            TcpServerSocket listener = tcp.listen(serverAddress, port, 4);
            try (KernelMptcpSocket theirs = lab.inNamespace(Host.CLIENT, () -> KernelMptcpSocket.connect(
                    new InetSocketAddress(serverAddress, port), StreamProtocol.TCP, WAIT))) {
                TcpSocket ours = listener.accept(WAIT);
                exchange(ours, theirs);
                ours.close();
                awaitClosed(ours);
            }
            listener.close();
        }
    }

    @Test
    void aKernelPeerThatResetsEndsOurReadWithResetByPeer() throws Exception {
        InetSocketAddress server = new InetSocketAddress(serverAddress, nextPort++);
        try (UserspaceTcp tcp = open(Host.CLIENT, clientAddress, TcpConfig.defaults());
             KernelMptcpSocket listener = kernelListener(server)) {
            CompletableFuture<KernelMptcpSocket> accepted = acceptAsync(listener);
            TcpSocket ours = tcp.connect(server, WAIT);
            ours.write(ByteBuffer.wrap(new byte[1000]));
            CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> {
                try {
                    return ours.read(ByteBuffer.allocate(100), WAIT);
                } catch (IOException e) {
                    throw new CompletionException(e);
                }
            });
            KernelMptcpSocket theirs = accepted.get(10, TimeUnit.SECONDS);
            theirs.readFully(new byte[1000], WAIT);
            theirs.setLinger(Duration.ZERO);
            theirs.close(); // SO_LINGER 0: a RST instead of a FIN

            assertThatThrownBy(() -> read.get(10, TimeUnit.SECONDS)).cause()
                    .isInstanceOf(SocketException.class).hasMessageContaining("connection reset by peer")
                    .cause().isInstanceOfSatisfying(TcpConnectionException.class,
                            e -> assertThat(e.reason()).isEqualTo(TcpConnectionException.Reason.RESET_BY_PEER));
            assertThatThrownBy(() -> ours.write(ByteBuffer.allocate(10), WAIT))
                    .hasMessageContaining("connection reset by peer");
            ours.close();
        }
    }

    @Test
    void aKernelPeerThatVanishesEndsOurCallsWithATimeout() throws Exception {
        TcpConfig giveUpSoon = TcpConfig.builder().minRto(Duration.ofMillis(100)).initialRto(Duration.ofMillis(400))
                .maxRto(Duration.ofMillis(400)).maxDataRetries(4).build();
        InetSocketAddress server = new InetSocketAddress(serverAddress, nextPort++);
        try (UserspaceTcp tcp = open(Host.CLIENT, clientAddress, giveUpSoon);
             KernelMptcpSocket listener = kernelListener(server)) {
            CompletableFuture<KernelMptcpSocket> accepted = acceptAsync(listener);
            TcpSocket ours = tcp.connect(server, WAIT);
            try (KernelMptcpSocket theirs = accepted.get(10, TimeUnit.SECONDS)) {
                CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> {
                    try {
                        return ours.read(ByteBuffer.allocate(100), WAIT);
                    } catch (IOException e) {
                        throw new CompletionException(e);
                    }
                });
                ByteBuffer data = ByteBuffer.allocate(CHUNK);
                ours.write(data.clear().limit(CHUNK / 16), WAIT);
                theirs.readFully(new byte[CHUNK / 16], WAIT); // a connection that worked...
                lab.linkDown(0); // ...until the peer vanished
                long start = System.nanoTime();
                try {
                    assertThatThrownBy(() -> {
                        while (true) {
                            ours.write(data.clear(), WAIT);
                        }
                    }).isInstanceOf(SocketException.class).hasMessageContaining("connection timed out")
                            .cause().isInstanceOfSatisfying(TcpConnectionException.class,
                                    e -> assertThat(e.reason()).isEqualTo(TcpConnectionException.Reason.TIMEOUT));
                    double seconds = (System.nanoTime() - start) / 1e9;
                    assertThat(seconds).as("seconds to give up").isLessThan(10);
                    assertThatThrownBy(() -> read.get(5, TimeUnit.SECONDS)).cause()
                            .hasMessageContaining("connection timed out");
                    System.out.printf("gave up %.1f s after the link went down%n", seconds);
                } finally {
                    theirs.setLinger(Duration.ZERO); // nothing of this connection may come back once the link is up
                    theirs.close();
                    lab.linkUp(0);
                }
            }
            ours.close();
        }
    }

    /** Waits (up to 5 s) for our side of the close handshake to finish: TIME_WAIT or CLOSED. */
    private static void awaitClosed(TcpSocket socket) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!EnumSet.of(TcpState.TIME_WAIT, TcpState.CLOSED).contains(socket.info().state())) {
            assertThat(System.nanoTime()).as("closed in time").isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    private static UserspaceTcp open(Host host, InetAddress address, TcpConfig config) throws IOException {
        return UserspaceTcp.builder().namespace(lab.namespace(host)).address(address).config(config).open();
    }

    private static KernelMptcpSocket kernelListener(InetSocketAddress server) throws IOException {
        return lab.inNamespace(Host.SERVER, () -> KernelMptcpSocket.listen(server, StreamProtocol.TCP, 4));
    }

    private static CompletableFuture<KernelMptcpSocket> acceptAsync(KernelMptcpSocket listener) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return listener.accept(WAIT);
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        });
    }

    /**
     * {@link #SIZE} bytes each way at once between our socket and the kernel's, each side half-closing after its
     * last byte; compares the SHA-256 of what each side sent with what the other received.
     */
    private static void exchange(TcpSocket ours, KernelMptcpSocket theirs) throws Exception {
        long start = System.nanoTime();
        CompletableFuture<byte[]> ourSend = CompletableFuture.supplyAsync(() -> send(1, buffer -> {
            ours.write(buffer, WAIT);
            return null;
        }, ours::shutdownOutput));
        CompletableFuture<byte[]> theirSend = CompletableFuture.supplyAsync(() -> send(2, buffer -> {
            theirs.write(buffer, WAIT);
            return null;
        }, theirs::shutdownOutput));
        CompletableFuture<byte[]> theyReceived =
                CompletableFuture.supplyAsync(() -> receive(b -> theirs.read(b, WAIT)));
        byte[] weReceived = receive(b -> ours.read(b, WAIT));
        double seconds = (System.nanoTime() - start) / 1e9;

        assertThat(hex(theyReceived.get(WAIT.toSeconds(), TimeUnit.SECONDS)))
                .as("SHA-256 of our bytes, as the kernel got them")
                .isEqualTo(hex(ourSend.get(WAIT.toSeconds(), TimeUnit.SECONDS)));
        assertThat(hex(weReceived)).as("SHA-256 of the kernel's bytes, as we got them")
                .isEqualTo(hex(theirSend.get(WAIT.toSeconds(), TimeUnit.SECONDS)));
        TcpSocketInfo info = ours.info();
        System.out.printf("%d MB each way in %.2f s (%.0f Mbit/s each way), %d segments retransmitted%n",
                SIZE / 1_000_000, seconds, SIZE * 8 / seconds / 1e6, info.retransmittedSegments());
    }

    /** Writes {@link #SIZE} seeded pseudo-random bytes, then half-closes; returns their SHA-256. */
    private static byte[] send(long seed, IoFunction<ByteBuffer, Void> write, IoAction shutdown) {
        try {
            MessageDigest digest = TestData.sha256Digest();
            SplittableRandom random = new SplittableRandom(seed);
            ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK);
            for (long sent = 0; sent < SIZE; ) {
                int n = (int) Math.min(CHUNK, SIZE - sent);
                chunk.clear();
                while (chunk.remaining() >= 8) {
                    chunk.putLong(random.nextLong());
                }
                chunk.clear().limit(n);
                digest.update(chunk.duplicate());
                write.apply(chunk);
                sent += n;
            }
            shutdown.run();
            return digest.digest();
        } catch (Exception e) {
            throw new CompletionException(e);
        }
    }

    /** Reads to the end of the stream; returns the SHA-256 of what came. */
    private static byte[] receive(IoFunction<ByteBuffer, Integer> read) {
        try {
            MessageDigest digest = TestData.sha256Digest();
            ByteBuffer buffer = ByteBuffer.allocateDirect(CHUNK);
            while (read.apply(buffer.clear()) >= 0) {
                digest.update(buffer.flip());
            }
            return digest.digest();
        } catch (Exception e) {
            throw new CompletionException(e);
        }
    }

    /** A function that may throw IOException. */
    @FunctionalInterface
    private interface IoFunction<A, R> {
        R apply(A a) throws IOException;
    }

    /** An action that may throw IOException. */
    @FunctionalInterface
    private interface IoAction {
        void run() throws IOException;
    }
}
