package io.mptcp4j.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mptcp4j.core.tcp.TcpConfig;
import io.mptcp4j.core.tcp.TcpConnectionException;
import io.mptcp4j.core.tcp.TcpState;
import io.mptcp4j.testing.TestData;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The blocking API over two stacks joined by an in-memory cable (no root needed): data both ways, and that every
 * blocking call ends — by its timeout, an interrupt, a close from another thread, the stack's shutdown or the
 * connection's failure — with the exception a socket user expects.
 */
@Timeout(30)
class UserspaceTcpTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final InetAddress CLIENT = address("10.9.0.1");
    private static final InetAddress SERVER = address("10.9.0.2");

    private CrossoverDevice[] cable;
    private UserspaceTcp client;
    private UserspaceTcp server;

    private void start(TcpConfig config) {
        cable = CrossoverDevice.pair();
        client = UserspaceTcp.over(cable[0], new CountingPorts(), List.of(CLIENT), config);
        server = UserspaceTcp.over(cable[1], new CountingPorts(), List.of(SERVER), config);
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
            server.close();
        }
    }

    @Test
    void movesBytesBothWaysAtOnceAndEndsWithEndOfStream() throws Exception {
        start(TcpConfig.defaults());
        TcpServerSocket listener = server.listen(SERVER, 80, 4);
        TcpSocket a = client.connect(new InetSocketAddress(SERVER, 80), WAIT);
        TcpSocket b = listener.accept(WAIT);
        assertThat(b.remoteAddress()).isEqualTo(a.localAddress());

        int size = 8 << 20;
        CompletableFuture<byte[]> aToB = CompletableFuture.supplyAsync(() -> drain(b));
        CompletableFuture<byte[]> bToA = CompletableFuture.supplyAsync(() -> drain(a));
        CompletableFuture<byte[]> sentByB = CompletableFuture.supplyAsync(() -> send(b, 2, size));
        byte[] sentByA = send(a, 1, size);

        assertThat(aToB.get(20, TimeUnit.SECONDS)).isEqualTo(sentByA);
        assertThat(bToA.get(20, TimeUnit.SECONDS)).isEqualTo(sentByB.get(20, TimeUnit.SECONDS));
        // b has every byte; its last ACK may still be on its way to a.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (a.info().bytesAcked() < size && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertThat(a.info().bytesAcked()).isEqualTo(size);
        a.close();
        b.close();
        listener.close();
    }

    @Test
    void readTimesOutAndTheSocketStaysUsable() throws Exception {
        start(TcpConfig.defaults());
        TcpSocket[] pair = connectedPair();
        ByteBuffer buffer = ByteBuffer.allocate(16);
        long start = System.nanoTime();
        assertThatThrownBy(() -> pair[0].read(buffer, Duration.ofMillis(150)))
                .isInstanceOf(SocketTimeoutException.class).hasMessageContaining("timed out");
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(150));

        pair[1].write(ByteBuffer.wrap(new byte[] {7, 8, 9}));
        assertThat(pair[0].read(buffer, WAIT)).isEqualTo(3);
        assertThat(buffer.get(0)).isEqualTo((byte) 7);
    }

    @Test
    void acceptTimesOut() throws Exception {
        start(TcpConfig.defaults());
        TcpServerSocket listener = server.listen(null, 81, 4);
        assertThatThrownBy(() -> listener.accept(Duration.ofMillis(100))).isInstanceOf(SocketTimeoutException.class);
        assertThat(listener.isOpen()).isTrue();
    }

    @Test
    void interruptEndsABlockedRead() throws Exception {
        start(TcpConfig.defaults());
        TcpSocket[] pair = connectedPair();
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try {
                pair[0].read(ByteBuffer.allocate(16));
                outcome.complete(null);
            } catch (IOException e) {
                assertThat(Thread.currentThread().isInterrupted()).as("interrupt status kept").isTrue();
                outcome.complete(e);
            }
        });
        reader.start();
        Thread.sleep(100);
        reader.interrupt();
        assertThat(outcome.get(5, TimeUnit.SECONDS)).isInstanceOf(InterruptedIOException.class)
                .isNotInstanceOf(SocketTimeoutException.class);
    }

    @Test
    void closeFromAnotherThreadEndsABlockedRead() throws Exception {
        start(TcpConfig.defaults());
        TcpSocket[] pair = connectedPair();
        CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> {
            try {
                return pair[0].read(ByteBuffer.allocate(16));
            } catch (IOException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
        Thread.sleep(100);
        pair[0].close();
        assertThatThrownBy(() -> read.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(AsynchronousCloseException.class);
        assertThatThrownBy(() -> pair[0].read(ByteBuffer.allocate(1))).isInstanceOf(SocketException.class)
                .hasMessage("socket closed");
    }

    @Test
    void closingTheStackEndsEveryWaitingCall() throws Exception {
        start(TcpConfig.defaults());
        TcpSocket[] pair = connectedPair();
        CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> {
            try {
                return pair[0].read(ByteBuffer.allocate(16));
            } catch (IOException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
        Thread.sleep(100);
        client.close();
        assertThatThrownBy(() -> read.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(SocketException.class)
                .hasMessageContaining("stack was closed");
    }

    @Test
    void aConnectionToAClosedPortIsRefused() throws Exception {
        start(TcpConfig.defaults());
        assertThatThrownBy(() -> client.connect(new InetSocketAddress(SERVER, 9), WAIT))
                .isInstanceOf(ConnectException.class).hasMessageContaining("connection refused")
                .cause().isInstanceOfSatisfying(TcpConnectionException.class,
                        e -> assertThat(e.reason()).isEqualTo(TcpConnectionException.Reason.REFUSED));
    }

    @Test
    void connectGivesUpAtItsTimeout() throws Exception {
        start(TcpConfig.defaults());
        cable[0].unplug();
        long start = System.nanoTime();
        assertThatThrownBy(() -> client.connect(new InetSocketAddress(SERVER, 80), Duration.ofMillis(300)))
                .isInstanceOf(SocketTimeoutException.class).hasMessageContaining("connect to");
        assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(3));
    }

    @Test
    void aPeerResetEndsReadsWithResetByPeer() throws Exception {
        start(TcpConfig.defaults());
        TcpSocket[] pair = connectedPair();
        pair[1].abort();
        assertThatThrownBy(() -> pair[0].read(ByteBuffer.allocate(16), WAIT))
                .isInstanceOf(SocketException.class).hasMessageContaining("connection reset by peer")
                .cause().isInstanceOfSatisfying(TcpConnectionException.class,
                        e -> assertThat(e.reason()).isEqualTo(TcpConnectionException.Reason.RESET_BY_PEER));
        assertThat(pair[0].info().state()).isEqualTo(TcpState.CLOSED);
    }

    @Test
    void aVanishedPeerEndsWritesAndReadsWithATimeout() throws Exception {
        start(TcpConfig.builder().minRto(Duration.ofMillis(50)).maxRto(Duration.ofMillis(200))
                .initialRto(Duration.ofMillis(200)).maxDataRetries(4).build());
        TcpSocket[] pair = connectedPair();
        cable[0].unplug();
        CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> {
            try {
                return pair[0].read(ByteBuffer.allocate(16));
            } catch (IOException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
        long start = System.nanoTime();
        ByteBuffer data = ByteBuffer.allocate(4 << 20);
        assertThatThrownBy(() -> pair[0].write(data, WAIT)).isInstanceOf(SocketException.class)
                .hasMessageContaining("connection timed out").cause()
                .isInstanceOfSatisfying(TcpConnectionException.class,
                        e -> assertThat(e.reason()).isEqualTo(TcpConnectionException.Reason.TIMEOUT));
        assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(5));
        assertThatThrownBy(() -> read.get(5, TimeUnit.SECONDS)).hasMessageContaining("connection timed out");
    }

    @Test
    void aWriteThatTimesOutTellsHowMuchItTook() throws Exception {
        start(TcpConfig.builder().sendBufferSize(64 * 1024).maxSendBufferSize(64 * 1024)
                .receiveBufferSize(64 * 1024).maxReceiveBufferSize(64 * 1024).build());
        TcpSocket[] pair = connectedPair();
        ByteBuffer data = ByteBuffer.allocate(1 << 20);
        assertThatThrownBy(() -> pair[0].write(data, Duration.ofMillis(300)))
                .isInstanceOf(SocketTimeoutException.class);
        assertThat(data.position()).isBetween(64 * 1024, 1 << 19);

        CompletableFuture<byte[]> rest = CompletableFuture.supplyAsync(() -> drain(pair[1]));
        pair[0].write(data, WAIT);
        pair[0].shutdownOutput();
        assertThat(rest.get(10, TimeUnit.SECONDS))
                .isEqualTo(TestData.sha256(new byte[1 << 20]));
    }

    private TcpSocket[] connectedPair() throws IOException {
        TcpServerSocket listener = server.listen(SERVER, 80, 4);
        TcpSocket a = client.connect(new InetSocketAddress(SERVER, 80), WAIT);
        return new TcpSocket[] {a, listener.accept(WAIT)};
    }

    /** Writes {@code size} seeded random bytes in uneven chunks, half-closes, and returns their SHA-256. */
    private static byte[] send(TcpSocket socket, long seed, int size) {
        try {
            MessageDigest digest = TestData.sha256Digest();
            Random random = new Random(seed);
            byte[] chunk = new byte[300_001];
            for (int sent = 0; sent < size; ) {
                int n = Math.min(chunk.length - random.nextInt(1000), size - sent);
                random.nextBytes(chunk);
                digest.update(chunk, 0, n);
                socket.write(ByteBuffer.wrap(chunk, 0, n), WAIT);
                sent += n;
            }
            socket.shutdownOutput();
            return digest.digest();
        } catch (Exception e) {
            throw new java.util.concurrent.CompletionException(e);
        }
    }

    /** Reads to the end of the stream and returns the SHA-256 of what came. */
    private static byte[] drain(TcpSocket socket) {
        try {
            MessageDigest digest = TestData.sha256Digest();
            ByteBuffer buffer = ByteBuffer.allocate(100_000);
            while (socket.read(buffer.clear(), WAIT) >= 0) {
                digest.update(buffer.flip());
            }
            return digest.digest();
        } catch (Exception e) {
            throw new java.util.concurrent.CompletionException(e);
        }
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Ports from a counter; nothing to reserve in memory. */
    private static final class CountingPorts implements LocalPorts {
        private final AtomicInteger next = new AtomicInteger(40_000);

        @Override
        public int own(InetAddress local, int port) {
            return port != 0 ? port : next.getAndIncrement();
        }

        @Override
        public void release(InetAddress local, int port) {
        }
    }
}
