package io.mptcp4j.io.linux;

import static io.mptcp4j.testing.TestData.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mptcp4j.lab.EndpointFlag;
import io.mptcp4j.lab.Host;
import io.mptcp4j.lab.NamespaceLab;
import io.mptcp4j.testing.KernelMptcpInfo;
import io.mptcp4j.testing.RootOnly;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The kernel's MPTCP between the lab hosts: echo, MPTCP_INFO, an extra subflow, fallback to TCP. */
@RootOnly
@SuppressWarnings("try") // resources held open only for their effect
class KernelMptcpSocketInteropTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static NamespaceLab lab;
    private static int nextPort = 8000;

    @BeforeAll
    static void createLab() throws Exception {
        lab = NamespaceLab.builder()
                .paths(2)
                .mptcpLimits(2, 2)
                // IPv4: the client opens a subflow from path 1 (to the server's path-0 address; Linux answers
                // ARP for it on any interface). IPv6 neighbour discovery is per interface, so there the
                // server announces its path-1 address and the client joins to it (wildcard listener).
                .endpoint(Host.CLIENT, 1, EndpointFlag.SUBFLOW)
                .endpoint(Host.SERVER, 1, AddressFamily.IPV6, EndpointFlag.SIGNAL)
                .build();
    }

    @AfterAll
    static void closeLab() {
        if (lab != null) {
            lab.close();
        }
    }

    private static InetSocketAddress serverAddress(AddressFamily family, int port) {
        return new InetSocketAddress(lab.path(0).address(Host.SERVER, family), port);
    }

    /** Accepts one connection and echoes everything until the client half-closes, then half-closes too. */
    private static CompletableFuture<KernelMptcpSocket> echoOnce(KernelMptcpSocket listener) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                KernelMptcpSocket s = listener.accept(WAIT);
                byte[] buffer = new byte[16384];
                int n;
                while ((n = s.read(buffer, 0, buffer.length, WAIT)) >= 0) {
                    s.write(buffer, 0, n);
                }
                s.shutdownOutput();
                return s;
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        });
    }

    /** Sends {@code data}, reads the echo concurrently, returns the echo. */
    private static byte[] roundTrip(KernelMptcpSocket client, byte[] data) throws Exception {
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try {
                client.write(ByteBuffer.wrap(data), WAIT);
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        });
        byte[] echo = new byte[data.length];
        client.readFully(echo, Duration.ofSeconds(20));
        writer.get(5, TimeUnit.SECONDS);
        return echo;
    }

    @ParameterizedTest
    @EnumSource(AddressFamily.class)
    void mptcpEchoWithInfoAndAJoinedSubflow(AddressFamily family) throws Exception {
        int port = nextPort++;
        Map<String, Long> before = lab.nstat(Host.SERVER);
        byte[] data = new byte[1 << 20];
        new Random(port).nextBytes(data);
        InetSocketAddress wildcard = new InetSocketAddress(
                family == AddressFamily.IPV4 ? InetAddress.getByName("0.0.0.0") : InetAddress.getByName("::"), port);
        try (KernelMptcpSocket listener = lab.inNamespace(Host.SERVER,
                () -> KernelMptcpSocket.listen(wildcard, StreamProtocol.MPTCP, 8))) {
            CompletableFuture<KernelMptcpSocket> server = echoOnce(listener);
            try (KernelMptcpSocket client = lab.inNamespace(Host.CLIENT,
                    () -> KernelMptcpSocket.connect(serverAddress(family, port), StreamProtocol.MPTCP, WAIT))) {
                assertThat(client.socketProtocol()).isEqualTo(262);
                assertThat(sha256(roundTrip(client, data))).isEqualTo(sha256(data));

                awaitServerCounterAbove("MPTcpExtMPJoinAckRx", before); // the extra subflow is established
                MptcpInfo info = awaitSubflows(client, 1);
                assertThat(info.token()).isNotZero();
                assertThat(info.remoteKeyReceived()).isTrue();
                assertThat(info.isFallback()).isFalse();
                assertThat(info.subflowsTotal()).isEqualTo(2);
                assertThat(info.bytesAcked()).isGreaterThanOrEqualTo(data.length);
                assertThat(info.bytesReceived()).isGreaterThanOrEqualTo(data.length);
                assertThat(info.kernelLength()).isEqualTo(MptcpInfo.STRUCT_SIZE);
                assertThat(client.isFallback()).isFalse();

                client.shutdownOutput();
                try (KernelMptcpSocket accepted = server.get(10, TimeUnit.SECONDS)) {
                    assertThat(client.read(new byte[1], 0, 1, WAIT)).isEqualTo(-1);
                    MptcpInfo serverInfo = accepted.mptcpInfo().orElseThrow();
                    assertThat(serverInfo.token()).isNotZero().isNotEqualTo(info.token());
                    assertThat(serverInfo.bytesReceived()).isEqualTo(data.length);
                    assertThat(serverInfo.bytesSent()).isGreaterThanOrEqualTo(data.length);
                }
            }
        }
        Map<String, Long> after = lab.nstat(Host.SERVER);
        assertThat(after.get("MPTcpExtMPCapableSYNRX")).isGreaterThan(before.get("MPTcpExtMPCapableSYNRX"));
        assertThat(after.get("MPTcpExtMPJoinSynRx")).isGreaterThan(before.get("MPTcpExtMPJoinSynRx"));
    }

    private static void awaitServerCounterAbove(String counter, Map<String, Long> before) throws Exception {
        long end = System.nanoTime() + WAIT.toNanos();
        while (lab.nstat(Host.SERVER).get(counter) <= before.get(counter) && System.nanoTime() < end) {
            Thread.sleep(50);
        }
        assertThat(lab.nstat(Host.SERVER).get(counter)).as(counter).isGreaterThan(before.get(counter));
    }

    private static MptcpInfo awaitSubflows(KernelMptcpSocket socket, int subflows) throws Exception {
        MptcpInfo info = KernelMptcpInfo.await(socket, i -> i.subflows() >= subflows, WAIT);
        assertThat(info.subflows()).as("additional subflows").isEqualTo(subflows);
        return info;
    }

    @Test
    void mptcpClientToPlainTcpServerFallsBack() throws Exception {
        int port = nextPort++;
        try (KernelMptcpSocket listener = lab.inNamespace(Host.SERVER,
                () -> KernelMptcpSocket.listen(serverAddress(AddressFamily.IPV4, port), StreamProtocol.TCP, 8))) {
            CompletableFuture<KernelMptcpSocket> server = echoOnce(listener);
            try (KernelMptcpSocket client = lab.inNamespace(Host.CLIENT, () -> KernelMptcpSocket.connect(
                    serverAddress(AddressFamily.IPV4, port), StreamProtocol.MPTCP, WAIT))) {
                byte[] data = "plain tcp, please".getBytes();
                assertThat(roundTrip(client, data)).isEqualTo(data);
                assertThat(client.socketProtocol()).isEqualTo(262);
                assertThat(client.mptcpInfo()).isEqualTo(Optional.empty());
                assertThat(client.isFallback()).isTrue();
                client.shutdownOutput();
                server.get(10, TimeUnit.SECONDS).close();
            }
        }
    }

    @Test
    void plainTcpClientToMptcpServerGetsAPlainTcpSocket() throws Exception {
        int port = nextPort++;
        try (KernelMptcpSocket listener = lab.inNamespace(Host.SERVER, () -> KernelMptcpSocket.listen(
                serverAddress(AddressFamily.IPV4, port), StreamProtocol.MPTCP, 8));
             KernelMptcpSocket client = lab.inNamespace(Host.CLIENT, () -> KernelMptcpSocket.connect(
                     serverAddress(AddressFamily.IPV4, port), StreamProtocol.TCP, WAIT));
             KernelMptcpSocket accepted = listener.accept(WAIT)) {
            assertThat(client.socketProtocol()).isEqualTo(6);
            assertThat(client.mptcpInfo()).isEmpty();
            assertThat(accepted.socketProtocol()).isEqualTo(6);
            assertThat(accepted.isFallback()).isTrue();
            assertThat(listener.mptcpInfo()).hasValueSatisfying(i -> assertThat(i.token()).isZero());
        }
    }

    @Test
    void refusedAndTimedOutConnects() throws Exception {
        int port = nextPort++;
        assertThatThrownBy(() -> lab.inNamespace(Host.CLIENT, () -> KernelMptcpSocket.connect(
                serverAddress(AddressFamily.IPV4, port), StreamProtocol.MPTCP, WAIT)))
                .isInstanceOfSatisfying(NativeCallException.class,
                        e -> assertThat(e.errno()).isEqualTo(Errno.ECONNREFUSED))
                .hasMessageContaining("Connection refused");
        // A reserved port drops SYNs silently: the connect can only time out.
        try (PortReservation hole = lab.inNamespace(Host.SERVER,
                () -> PortReservation.reserve(serverAddress(AddressFamily.IPV4, port)))) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> lab.inNamespace(Host.CLIENT, () -> KernelMptcpSocket.connect(
                    hole.address(), StreamProtocol.MPTCP, Duration.ofMillis(300))))
                    .isInstanceOf(SocketTimeoutException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        }
    }

    @Test
    void readTimesOutAndCloseEndsABlockedRead() throws Exception {
        int port = nextPort++;
        try (KernelMptcpSocket listener = lab.inNamespace(Host.SERVER, () -> KernelMptcpSocket.listen(
                serverAddress(AddressFamily.IPV4, port), StreamProtocol.MPTCP, 8));
             KernelMptcpSocket client = lab.inNamespace(Host.CLIENT, () -> KernelMptcpSocket.connect(
                     serverAddress(AddressFamily.IPV4, port), StreamProtocol.MPTCP, WAIT));
             KernelMptcpSocket accepted = listener.accept(WAIT)) {
            assertThatThrownBy(() -> client.read(new byte[8], 0, 8, Duration.ofMillis(100)))
                    .isInstanceOf(SocketTimeoutException.class);
            CompletableFuture<Integer> blocked = CompletableFuture.supplyAsync(() -> {
                try {
                    return client.read(new byte[8], 0, 8);
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
            });
            Thread.sleep(100);
            client.close();
            client.close();
            assertThatThrownBy(() -> blocked.get(2, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(AsynchronousCloseException.class);
            assertThat(accepted.read(new byte[8], 0, 8, WAIT)).isEqualTo(-1);
        }
    }
}
