package io.mptcp4j.lab;

import static io.mptcp4j.testing.TestData.delta;
import static io.mptcp4j.testing.TestData.hex;
import static io.mptcp4j.testing.TestData.sha256;
import static io.mptcp4j.testing.TestData.sha256Digest;
import static io.mptcp4j.testing.TestData.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.mptcp4j.core.event.SubflowEvent;
import io.mptcp4j.core.mptcp.MptcpConfig;
import io.mptcp4j.core.mptcp.MptcpConnection;
import io.mptcp4j.core.mptcp.MptcpException;
import io.mptcp4j.core.mptcp.MptcpListener;
import io.mptcp4j.core.mptcp.MptcpStack;
import io.mptcp4j.core.mptcp.MptcpStatistics;
import io.mptcp4j.core.tcp.TcpStack;
import io.mptcp4j.core.wire.MptcpCrypto;
import io.mptcp4j.driver.StackEventLoop;
import io.mptcp4j.io.RawSocketDevice;
import io.mptcp4j.io.linux.AddressFamily;
import io.mptcp4j.io.linux.KernelMptcpSocket;
import io.mptcp4j.io.linux.MptcpInfo;
import io.mptcp4j.io.linux.StreamProtocol;
import io.mptcp4j.testing.RootOnly;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Our {@link MptcpStack} on the real driver ({@link StackEventLoop} over a {@link RawSocketDevice}) against the Linux
 * kernel's MPTCP, in both roles, over IPv4 and IPv6, with and without DSS checksums: 100 MB each way at once,
 * judged by SHA-256, by the kernel reporting MPTCP (not fallback) in MPTCP_INFO with the token our crypto derives,
 * and by its MIB.
 */
@RootOnly
@Timeout(120)
class MptcpStackInteropTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    /**
     * Each way, in every family and checksum combination of both roles. All twelve took 35-46 s together on
     * 2 cores (2-7 s each), so the checksum cases move the full amount too.
     */
    private static final int BULK = 100_000_000;
    /** For the fallback case, which is about the handshake, not the volume. */
    private static final int SIZE = 4 << 20;
    private static NamespaceLab lab;
    private static int nextPort = 9400;

    @BeforeAll
    static void createLab() throws Exception {
        lab = NamespaceLab.builder().paths(1).build();
    }

    /** Every family with every checksum combination: kernel off/we off, kernel on/we off, kernel off/we ask. */
    static Stream<Arguments> familiesAndChecksums() {
        return Stream.of(AddressFamily.IPV4, AddressFamily.IPV6).flatMap(family -> Stream.of(
                Arguments.of(family, false, false), Arguments.of(family, true, false),
                Arguments.of(family, false, true)));
    }

    @AfterAll
    static void closeLab() {
        if (lab != null) {
            lab.close();
        }
    }

    @ParameterizedTest(name = "{0}, kernel checksum {1}, we ask {2}")
    @MethodSource("familiesAndChecksums")
    void ourClientToTheKernelsMptcpServer(AddressFamily family, boolean kernelChecksum, boolean ourChecksum)
            throws Exception {
        lab.setChecksum(Host.SERVER, kernelChecksum);
        InetAddress local = lab.path(0).address(Host.CLIENT, family);
        InetSocketAddress server = new InetSocketAddress(lab.path(0).address(Host.SERVER, family), nextPort++);
        byte[] upload = randomBytes(server.getPort(), BULK);
        byte[] download = randomBytes(~server.getPort(), BULK);
        Map<String, Long> before = lab.nstat(Host.SERVER);
        MptcpStack stack = stack(local);

        try (KernelMptcpSocket listener = lab.inNamespace(Host.SERVER,
                () -> KernelMptcpSocket.listen(server, StreamProtocol.MPTCP, 4));
             RawSocketDevice device = RawSocketDevice.builder().namespace(lab.namespace(Host.CLIENT)).open();
             StackEventLoop loop = StackEventLoop.builder(stack, device).build()) {
            CompletableFuture<KernelSide> kernel = kernelServer(listener, download, upload.length);
            int port = device.ownPort(local, 0);
            Application app = new Application(loop, stack, upload);
            loop.addIterationListener(app::onIteration);
            loop.start();
            MptcpConnection c = loop.submit(() -> stack.connect(loop.clock().nanos(), local, port, server.getAddress(),
                    server.getPort(), MptcpConfig.builder().checksums(ourChecksum).build()))
                    .get(5, TimeUnit.SECONDS);
            loop.execute(() -> app.attach(c));

            byte[] received = app.done.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            KernelSide k = kernel.get(WAIT.toSeconds(), TimeUnit.SECONDS);

            assertThat(hex(received)).as("SHA-256 of what the kernel sent").isEqualTo(hex(sha256(download)));
            assertThat(hex(k.received())).as("SHA-256 of what we sent").isEqualTo(hex(sha256(upload)));
            assertThat(loop.submit(c::isFallback).get()).isFalse();
            assertThat(loop.submit(c::isChecksumEnabled).get()).isEqualTo(kernelChecksum || ourChecksum);
            assertThat(k.info().isFallback()).as("the kernel fell back to TCP").isFalse();
            assertThat(k.info().token()).isEqualTo(loop.submit(c::remoteToken).get());
            assertThat(k.info().token()).isEqualTo(MptcpCrypto.token(loop.submit(c::remoteKey).get()));
            assertThat(k.info().checksumEnabled()).isEqualTo(kernelChecksum || ourChecksum);
            assertThat(loop.stackFailures()).isZero();
            assertThat(app.events).extracting(e -> e.getClass().getSimpleName())
                    .startsWith("ConnectionCreated", "ConnectionEstablished");
            // RFC 8684 section 3.3.1: without checksums most of our data segments continue a mapping an earlier
            // segment carried, with only a DATA_ACK; the kernel took every byte under them (hashes above).
            long continuations = loop.submit(() -> c.statistics().get(MptcpStatistics.Counter.MAPPING_CONTINUATIONS_TX))
                    .get();
            if (kernelChecksum || ourChecksum) {
                assertThat(continuations).isZero();
            } else {
                assertThat(continuations).isPositive();
            }
            assertClosedInOrder(loop, c);
        }
        Map<String, Long> after = lab.nstat(Host.SERVER);
        assertThat(delta(before, after, "MPTcpExtMPCapableSYNRX")).isEqualTo(1);
        assertThat(delta(before, after, "MPTcpExtMPCapableACKRX")).isEqualTo(1);
        assertThat(delta(before, after, "MPTcpExtMPCapableFallbackACK")).isZero();
        assertThat(delta(before, after, "MPTcpExtDSSNoMatchTCP")).isZero();
        assertThat(delta(before, after, "MPTcpExtDssFallback")).isZero();
        assertThat(delta(before, after, "MPTcpExtDSSCorruptionFallback")).isZero();
        assertThat(delta(before, after, "MPTcpExtDSSCorruptionReset")).isZero();
        assertThat(delta(before, after, "MPTcpExtDSSNotMatching")).isZero();
        assertThat(delta(before, after, "MPTcpExtDataCsumErr")).isZero();
        assertThat(delta(before, after, "MPTcpExtMPFastcloseRx")).isZero();
        assertThat(delta(before, after, "MPTcpExtMPRstRx")).isZero();
    }

    @ParameterizedTest(name = "{0}, kernel checksum {1}, we ask {2}")
    @MethodSource("familiesAndChecksums")
    void theKernelsMptcpClientToOurServer(AddressFamily family, boolean kernelChecksum, boolean ourChecksum)
            throws Exception {
        lab.setChecksum(Host.CLIENT, kernelChecksum);
        InetSocketAddress server = new InetSocketAddress(lab.path(0).address(Host.SERVER, family), nextPort++);
        byte[] upload = randomBytes(server.getPort(), BULK);
        byte[] download = randomBytes(~server.getPort(), BULK);
        Map<String, Long> before = lab.nstat(Host.CLIENT);
        MptcpStack stack = stack(server.getAddress());

        try (RawSocketDevice device = RawSocketDevice.builder().namespace(lab.namespace(Host.SERVER)).open();
             StackEventLoop loop = StackEventLoop.builder(stack, device).build()) {
            device.ownPort(server.getAddress(), server.getPort());
            Application app = new Application(loop, stack, download);
            loop.addIterationListener(app::onIteration);
            loop.start();
            MptcpListener listener = loop.submit(() -> stack.listen(server.getAddress(), server.getPort(), 4,
                    MptcpConfig.builder().checksums(ourChecksum).build())).get(5, TimeUnit.SECONDS);
            app.listenOn(listener);
            CompletableFuture<KernelSide> kernel = kernelClient(server, upload, download.length);

            KernelSide k = kernel.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            byte[] received = app.done.get(WAIT.toSeconds(), TimeUnit.SECONDS);

            assertThat(hex(received)).as("SHA-256 of what the kernel sent").isEqualTo(hex(sha256(upload)));
            assertThat(hex(k.received())).as("SHA-256 of what we sent").isEqualTo(hex(sha256(download)));
            MptcpConnection c = app.connection;
            assertThat(loop.submit(c::isFallback).get()).isFalse();
            assertThat(loop.submit(c::isChecksumEnabled).get()).isEqualTo(kernelChecksum || ourChecksum);
            assertThat(k.info().isFallback()).as("the kernel fell back to TCP").isFalse();
            assertThat(k.info().token()).isEqualTo(loop.submit(c::remoteToken).get());
            assertThat(k.info().checksumEnabled()).isEqualTo(kernelChecksum || ourChecksum);
            assertThat(loop.stackFailures()).isZero();
            assertClosedInOrder(loop, c);
        }
        Map<String, Long> after = lab.nstat(Host.CLIENT);
        assertThat(delta(before, after, "MPTcpExtMPCapableSYNACKRX")).isEqualTo(1);
        assertThat(delta(before, after, "MPTcpExtMPCapableFallbackSYNACK")).isZero();
        assertThat(delta(before, after, "MPTcpExtDSSNoMatchTCP")).isZero();
        assertThat(delta(before, after, "MPTcpExtDSSNotMatching")).isZero();
        assertThat(delta(before, after, "MPTcpExtDataCsumErr")).isZero();
        assertThat(delta(before, after, "MPTcpExtMPFastcloseRx")).isZero();
        assertThat(delta(before, after, "MPTcpExtMPRstRx")).isZero();
    }

    @org.junit.jupiter.api.Test
    void ourClientFallsBackToAPlainTcpKernelServer() throws Exception {
        InetAddress local = lab.path(0).address(Host.CLIENT, AddressFamily.IPV4);
        InetSocketAddress server = new InetSocketAddress(lab.path(0).address(Host.SERVER, AddressFamily.IPV4),
                nextPort++);
        byte[] upload = randomBytes(server.getPort(), SIZE);
        byte[] download = randomBytes(~server.getPort(), SIZE);
        MptcpStack stack = stack(local);

        try (KernelMptcpSocket listener = lab.inNamespace(Host.SERVER,
                () -> KernelMptcpSocket.listen(server, StreamProtocol.TCP, 4));
             RawSocketDevice device = RawSocketDevice.builder().namespace(lab.namespace(Host.CLIENT)).open();
             StackEventLoop loop = StackEventLoop.builder(stack, device).build()) {
            CompletableFuture<byte[]> kernel = CompletableFuture.supplyAsync(() -> {
                try (KernelMptcpSocket accepted = listener.accept(WAIT)) {
                    CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                        try {
                            accepted.write(download);
                            accepted.shutdownOutput();
                        } catch (Exception e) {
                            throw new CompletionException(e);
                        }
                    });
                    byte[] got = new byte[upload.length];
                    accepted.readFully(got, WAIT);
                    writer.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                    return sha256(got);
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
            });
            int port = device.ownPort(local, 0);
            Application app = new Application(loop, stack, upload);
            loop.addIterationListener(app::onIteration);
            loop.start();
            MptcpConnection c = loop.submit(() -> stack.connect(loop.clock().nanos(), local, port, server.getAddress(),
                    server.getPort(), MptcpConfig.defaults())).get(5, TimeUnit.SECONDS);
            loop.execute(() -> app.attach(c));

            assertThat(hex(app.done.get(WAIT.toSeconds(), TimeUnit.SECONDS))).isEqualTo(hex(sha256(download)));
            assertThat(hex(kernel.get(WAIT.toSeconds(), TimeUnit.SECONDS))).isEqualTo(hex(sha256(upload)));
            assertThat(loop.submit(c::isFallback).get()).isTrue();
            assertThat(app.events).extracting(e -> e.getClass().getSimpleName()).containsExactly("Fallback");
        }
    }

    @org.junit.jupiter.api.Test
    void aPlainTcpKernelClientFallsBackAtOurServer() throws Exception {
        InetSocketAddress server = new InetSocketAddress(lab.path(0).address(Host.SERVER, AddressFamily.IPV4),
                nextPort++);
        byte[] upload = randomBytes(server.getPort(), SIZE);
        byte[] download = randomBytes(~server.getPort(), SIZE);
        MptcpStack stack = stack(server.getAddress());

        try (RawSocketDevice device = RawSocketDevice.builder().namespace(lab.namespace(Host.SERVER)).open();
             StackEventLoop loop = StackEventLoop.builder(stack, device).build()) {
            device.ownPort(server.getAddress(), server.getPort());
            Application app = new Application(loop, stack, download);
            loop.addIterationListener(app::onIteration);
            loop.start();
            MptcpListener listener = loop.submit(() -> stack.listen(server.getAddress(), server.getPort(), 4,
                    MptcpConfig.defaults())).get(5, TimeUnit.SECONDS);
            app.listenOn(listener);
            CompletableFuture<byte[]> kernel = CompletableFuture.supplyAsync(() -> {
                try (KernelMptcpSocket client = lab.inNamespace(Host.CLIENT,
                        () -> KernelMptcpSocket.connect(server, StreamProtocol.TCP, WAIT))) {
                    CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                        try {
                            client.write(upload);
                            client.shutdownOutput();
                        } catch (Exception e) {
                            throw new CompletionException(e);
                        }
                    });
                    byte[] got = new byte[download.length];
                    client.readFully(got, WAIT);
                    writer.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                    return sha256(got);
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
            });

            assertThat(hex(app.done.get(WAIT.toSeconds(), TimeUnit.SECONDS))).isEqualTo(hex(sha256(upload)));
            assertThat(hex(kernel.get(WAIT.toSeconds(), TimeUnit.SECONDS))).isEqualTo(hex(sha256(download)));
            assertThat(loop.submit(app.connection::isFallback).get()).isTrue();
            assertThat(loop.stackFailures()).isZero();
        }
    }

    @org.junit.jupiter.api.Test
    void ourAbortFastClosesTheKernelsConnection() throws Exception {
        InetAddress local = lab.path(0).address(Host.CLIENT, AddressFamily.IPV4);
        InetSocketAddress server = new InetSocketAddress(lab.path(0).address(Host.SERVER, AddressFamily.IPV4),
                nextPort++);
        Map<String, Long> before = lab.nstat(Host.SERVER);
        MptcpStack stack = stack(local);

        try (KernelMptcpSocket listener = lab.inNamespace(Host.SERVER,
                () -> KernelMptcpSocket.listen(server, StreamProtocol.MPTCP, 4));
             RawSocketDevice device = RawSocketDevice.builder().namespace(lab.namespace(Host.CLIENT)).open();
             StackEventLoop loop = StackEventLoop.builder(stack, device).build()) {
            CompletableFuture<Exception> kernel = CompletableFuture.supplyAsync(() -> {
                try (KernelMptcpSocket accepted = listener.accept(WAIT)) {
                    byte[] got = new byte[1000];
                    accepted.readFully(got, WAIT);
                    accepted.read(new byte[1], 0, 1, WAIT);
                    return null;
                } catch (Exception e) {
                    return e;
                }
            });
            int port = device.ownPort(local, 0);
            loop.start();
            MptcpConnection c = loop.submit(() -> stack.connect(loop.clock().nanos(), local, port, server.getAddress(),
                    server.getPort(), MptcpConfig.defaults())).get(5, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!loop.submit(c::isFullyEstablished).get() && System.nanoTime() < deadline) {
                loop.submit(() -> c.isConnected() && c.bytesWritten() == 0 ? c.write(ByteBuffer.allocate(1000)) : 0)
                        .get();
                Thread.sleep(10);
            }
            loop.submit(() -> {
                c.abort();
                return null;
            }).get();

            Exception seen = kernel.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(seen).as("the kernel's read after our MP_FASTCLOSE").isNotNull()
                    .hasMessageContaining("reset");
            assertThat(loop.submit(c::error).get().reason()).isEqualTo(MptcpException.Reason.ABORTED);
        }
        Map<String, Long> after = lab.nstat(Host.SERVER);
        assertThat(delta(before, after, "MPTcpExtMPFastcloseRx")).isEqualTo(1);
    }

    /** Both DATA_FINs were exchanged: our connection closes without an error (and so without MP_FASTCLOSE). */
    private static void assertClosedInOrder(StackEventLoop loop, MptcpConnection c) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!loop.submit(c::isClosed).get() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(loop.submit(c::isClosed).get()).as("closed: %s", c).isTrue();
        assertThat(loop.submit(c::error).get()).isNull();
    }

    private static MptcpStack stack(InetAddress local) {
        Random random = new Random(nextPort);
        byte[] secret = new byte[16];
        random.nextBytes(secret);
        MptcpStack stack = MptcpStack.builder().tcpStack(TcpStack.builder().secret(secret).build()).build();
        stack.addAddress(local);
        return stack;
    }

    /**
     * The application on the loop thread: writes its stream and half-closes, reads the peer's to the end, and is
     * done when both are (then closes). Runs after every loop iteration; collects the stack's events.
     */
    private static final class Application {
        final CompletableFuture<byte[]> done = new CompletableFuture<>();
        final List<SubflowEvent> events = new CopyOnWriteArrayList<>();
        private final StackEventLoop loop;
        private final MptcpStack stack;
        private final ByteBuffer outgoing;
        private final ByteBuffer readBuffer = ByteBuffer.allocate(256 * 1024);
        private final MessageDigest digest = sha256Digest();
        private volatile MptcpListener listener;
        private volatile MptcpConnection connection;
        private byte[] incomingDigest;
        private boolean scheduled;

        Application(StackEventLoop loop, MptcpStack stack, byte[] outgoing) {
            this.loop = loop;
            this.stack = stack;
            this.outgoing = ByteBuffer.wrap(outgoing);
        }

        void attach(MptcpConnection c) {
            connection = c;
        }

        void listenOn(MptcpListener l) {
            listener = l;
        }

        /** After every loop iteration: collects events, and queues {@link #pump} when there is work for it. */
        void onIteration() {
            for (SubflowEvent e; (e = stack.pollEvent()) != null; ) {
                events.add(e);
            }
            if (!scheduled && !done.isDone() && hasWork()) {
                scheduled = true;
                loop.execute(this::pump);
            }
        }

        private boolean hasWork() {
            MptcpConnection c = connection;
            if (c == null) {
                return listener != null && listener.isAcceptable();
            }
            boolean wantsToWrite = outgoing.hasRemaining() ? c.isWritable() : c.isConnected() && !c.isOutputShutdown();
            return c.error() != null || wantsToWrite || c.isReadable();
        }

        /** Runs as a loop task, so what it writes goes out in the same iteration. */
        private void pump() {
            scheduled = false;
            if (connection == null) {
                connection = listener.accept();
                if (connection == null) {
                    return;
                }
            }
            MptcpConnection c = connection;
            if (c.error() != null) {
                done.completeExceptionally(c.error());
                return;
            }
            if (c.isConnected()) {
                while (outgoing.hasRemaining() && c.write(outgoing) > 0) {
                    // fill the connection-level send buffer
                }
                if (!outgoing.hasRemaining() && !c.isOutputShutdown()) {
                    c.shutdownOutput();
                }
            }
            int n;
            while (incomingDigest == null && (n = c.read(readBuffer.clear())) != 0) {
                if (n < 0) {
                    incomingDigest = digest.digest();
                } else {
                    digest.update(readBuffer.flip());
                }
            }
            if (incomingDigest != null && !outgoing.hasRemaining()) {
                c.close();
                done.complete(incomingDigest);
            }
        }
    }

    /** What the kernel's end saw. */
    private record KernelSide(byte[] received, MptcpInfo info) {
    }

    private static CompletableFuture<KernelSide> kernelServer(KernelMptcpSocket listener, byte[] reply,
            int expected) {
        return CompletableFuture.supplyAsync(() -> {
            try (KernelMptcpSocket accepted = listener.accept(WAIT)) {
                return exchange(accepted, reply, expected);
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        });
    }

    private static CompletableFuture<KernelSide> kernelClient(InetSocketAddress server, byte[] upload,
            int expected) {
        return CompletableFuture.supplyAsync(() -> {
            try (KernelMptcpSocket client = lab.inNamespace(Host.CLIENT,
                    () -> KernelMptcpSocket.connect(server, StreamProtocol.MPTCP, WAIT))) {
                return exchange(client, upload, expected);
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        });
    }

    /** Writes {@code data} and half-closes while reading {@code expected} bytes and the end of stream. */
    private static KernelSide exchange(KernelMptcpSocket socket, byte[] data, int expected) throws Exception {
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try {
                socket.write(data);
                socket.shutdownOutput();
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        });
        byte[] got = new byte[expected];
        socket.readFully(got, WAIT);
        MptcpInfo info = socket.mptcpInfo().orElseThrow();
        assertThat(socket.read(new byte[1], 0, 1, WAIT)).as("end of stream after the data").isEqualTo(-1);
        writer.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        return new KernelSide(sha256(got), info);
    }
}
