package io.mptcp4j.driver;

import static io.mptcp4j.testing.TestData.hex;
import static io.mptcp4j.testing.TestData.sha256;
import static io.mptcp4j.testing.TestData.sha256Digest;
import static io.mptcp4j.testing.TestData.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.mptcp4j.core.tcp.TcpConfig;
import io.mptcp4j.core.tcp.TcpConnection;
import io.mptcp4j.core.tcp.TcpStack;
import io.mptcp4j.io.Device;
import io.mptcp4j.io.FaultInjectingDevice;
import io.mptcp4j.io.Impairments;
import io.mptcp4j.io.PcapDevice;
import io.mptcp4j.io.RawSocketDevice;
import io.mptcp4j.io.linux.AddressFamily;
import io.mptcp4j.io.linux.KernelMptcpSocket;
import io.mptcp4j.io.linux.StreamProtocol;
import io.mptcp4j.lab.Host;
import io.mptcp4j.lab.NamespaceLab;
import io.mptcp4j.testing.RootOnly;
import io.mptcp4j.testing.Tshark;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The whole userspace path against the kernel: our {@link TcpStack} on a {@link StackEventLoop} over a
 * {@link RawSocketDevice} in the client namespace, a kernel TCP server in the server namespace, both directions at
 * once, judged by SHA-256 of the bytes and by the client kernel sending no RST.
 */
@RootOnly
@Timeout(120)
class TcpOverRawSocketsInteropTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static NamespaceLab lab;
    private static int nextPort = 7300;

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

    @ParameterizedTest
    @EnumSource(AddressFamily.class)
    void tenMebibytesEachWayAgainstAKernelTcpServer(AddressFamily family) throws Exception {
        Transfer t = transfer(family, 10 << 20, device -> device);
        assertThat(t.retransmitted()).isZero();
        System.out.printf("%s: 2 x %d MiB in %.2f s: %.0f Mbit/s each way, %.0f Mbit/s total; "
                        + "%d packets in, %d out%n", family, t.size() >> 20, t.seconds(), t.megabitsEachWay(),
                2 * t.megabitsEachWay(), t.packetsIn(), t.packetsOut());
    }

    /**
     * The decorators on real traffic: loss and delay both ways from a {@link FaultInjectingDevice}, whose held
     * packets the loop releases by their deadlines, all recorded by a {@link PcapDevice} that tshark reads back.
     */
    @Test
    void throughLossDelayAndACapture(@TempDir Path temp) throws Exception {
        Path capture = temp.resolve("impaired.pcap");
        Impairments impairments = Impairments.NONE.drop(0.01).delay(Duration.ofMillis(2), Duration.ofMillis(1));
        FaultInjectingDevice[] faults = new FaultInjectingDevice[1];
        PcapDevice[] pcap = new PcapDevice[1];
        Transfer t = transfer(AddressFamily.IPV4, 2 << 20, device -> {
            faults[0] = FaultInjectingDevice.wrap(device, 99).both(impairments).build();
            pcap[0] = PcapDevice.open(faults[0], capture);
            return pcap[0];
        });
        assertThat(faults[0].transmitCounters().dropped()).isPositive();
        assertThat(faults[0].receiveCounters().dropped()).isPositive();
        assertThat(t.retransmitted()).isPositive();
        assertThat(Files.size(capture)).isGreaterThan(2L << 20);
        Optional<File> tshark = Tshark.find();
        if (tshark.isPresent()) {
            assertThat(Tshark.fields(tshark.get(), capture, "tcp", "frame.number")).as("TCP frames tshark reads")
                    .hasSize((int) pcap[0].packetsWritten());
        }
        System.out.printf("IPV4 with %s: 2 x %d MiB in %.2f s (%.1f Mbit/s each way), %d retransmitted; %s%n",
                impairments, t.size() >> 20, t.seconds(), t.megabitsEachWay(), t.retransmitted(),
                faults[0].transmitCounters());
    }

    /** What one transfer measured. */
    private record Transfer(int size, double seconds, long retransmitted, long packetsIn, long packetsOut) {
        double megabitsEachWay() {
            return size * 8 / seconds / 1e6;
        }
    }

    /** A device between the loop and the raw sockets, for decorators. */
    @FunctionalInterface
    private interface Wrapper {
        Device wrap(RawSocketDevice device) throws IOException;
    }

    /**
     * Connects our stack (over {@code wrapper(raw device)}) to a kernel TCP server and moves {@code size} bytes
     * each way at once; checks both SHA-256s, that the stack never threw and that the client kernel sent no RST.
     */
    private static Transfer transfer(AddressFamily family, int size, Wrapper wrapper) throws Exception {
        InetAddress local = lab.path(0).address(Host.CLIENT, family);
        InetAddress remote = lab.path(0).address(Host.SERVER, family);
        int serverPort = nextPort++;
        byte[] upload = randomBytes(serverPort, size);
        byte[] download = randomBytes(~serverPort, size);
        long rstsBefore = lab.counters(Host.CLIENT).getOrDefault("TcpOutRsts", 0L);

        TcpStack stack = TcpStack.builder().secret(new byte[16]).build();
        stack.addAddress(local);
        try (KernelMptcpSocket listener = lab.inNamespace(Host.SERVER, () -> KernelMptcpSocket.listen(
                new InetSocketAddress(remote, serverPort), StreamProtocol.TCP, 4));
             RawSocketDevice device = RawSocketDevice.builder().namespace(lab.namespace(Host.CLIENT)).open();
             StackEventLoop loop = StackEventLoop.builder(stack, wrapper.wrap(device)).build()) {
            CompletableFuture<byte[]> server = serveOnce(listener, download, upload.length);
            int port = device.ownPort(local, 0);
            loop.start();

            long start = System.nanoTime();
            TcpConnection connection = loop.submit(() -> stack.connect(loop.clock().nanos(), local, port,
                    remote, serverPort, TcpConfig.defaults())).get(5, TimeUnit.SECONDS);
            ClientApplication app = new ClientApplication(loop, connection, upload);
            loop.addIterationListener(app::onIteration);
            loop.execute(app::pump);

            byte[] received = app.done.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            byte[] serverReceived = server.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            double seconds = (System.nanoTime() - start) / 1e9;

            assertThat(hex(received)).as("SHA-256 of the download").isEqualTo(hex(sha256(download)));
            assertThat(hex(serverReceived)).as("SHA-256 of the upload").isEqualTo(hex(sha256(upload)));
            assertThat(loop.stackFailures()).isZero();
            long retransmitted = loop.submit(connection::retransmittedSegments).get(5, TimeUnit.SECONDS);
            loop.submit(() -> {
                connection.close();
                return null;
            }).get(5, TimeUnit.SECONDS);
            Thread.sleep(200); // the FIN exchange
            assertThat(lab.counters(Host.CLIENT).getOrDefault("TcpOutRsts", 0L)).isEqualTo(rstsBefore);
            return new Transfer(size, seconds, retransmitted, loop.packetsReceived(), loop.packetsSent());
        }
    }

    /**
     * The application on the loop thread: writes the upload and half-closes, reads the download to its end, and
     * is done when both are. It runs as a task, so what it writes is transmitted in the same iteration; the
     * iteration listener queues it again whenever the connection became readable or writable.
     */
    private static final class ClientApplication {
        final CompletableFuture<byte[]> done = new CompletableFuture<>();
        private final StackEventLoop loop;
        private final TcpConnection connection;
        private final ByteBuffer upload;
        private final ByteBuffer readBuffer = ByteBuffer.allocate(256 * 1024);
        private final MessageDigest digest = sha256Digest();
        private byte[] downloadDigest;
        private boolean shutDown;
        private boolean scheduled;

        ClientApplication(StackEventLoop loop, TcpConnection connection, byte[] upload) {
            this.loop = loop;
            this.connection = connection;
            this.upload = ByteBuffer.wrap(upload);
        }

        void onIteration() {
            if (done.isDone() || scheduled) {
                return;
            }
            if (connection.error() != null) {
                done.completeExceptionally(connection.error());
                return;
            }
            boolean wantsToWrite = upload.hasRemaining() ? connection.isWritable() : !shutDown;
            boolean wantsToRead = downloadDigest == null && connection.isReadable();
            if (wantsToWrite || wantsToRead) {
                scheduled = true;
                loop.execute(this::pump);
            }
        }

        void pump() {
            scheduled = false;
            while (upload.hasRemaining() && connection.write(upload) > 0) {
                // keep filling the send buffer
            }
            if (!upload.hasRemaining() && !shutDown && connection.isConnected()) {
                connection.shutdownOutput();
                shutDown = true;
            }
            int n;
            while (downloadDigest == null && (n = connection.read(readBuffer.clear())) != 0) {
                if (n < 0) {
                    downloadDigest = digest.digest();
                } else {
                    digest.update(readBuffer.flip());
                }
            }
            if (shutDown && downloadDigest != null) {
                done.complete(downloadDigest);
            }
        }
    }

    /** Accepts one connection; writes {@code reply} and half-closes while reading {@code expected} bytes. */
    private static CompletableFuture<byte[]> serveOnce(KernelMptcpSocket listener, byte[] reply, int expected) {
        return CompletableFuture.supplyAsync(() -> {
            try (KernelMptcpSocket accepted = listener.accept(WAIT)) {
                CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                    try {
                        accepted.write(reply);
                        accepted.shutdownOutput();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
                byte[] got = new byte[expected];
                accepted.readFully(got, WAIT);
                assertThat(accepted.read(new byte[1], 0, 1, WAIT)).as("end of stream after the upload").isEqualTo(-1);
                writer.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                return sha256(got);
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
    }
}
