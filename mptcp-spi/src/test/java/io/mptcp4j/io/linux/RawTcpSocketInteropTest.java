package io.mptcp4j.io.linux;

import static io.mptcp4j.io.linux.TestSegments.ACK;
import static io.mptcp4j.io.linux.TestSegments.RST;
import static io.mptcp4j.io.linux.TestSegments.SYN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mptcp4j.lab.Host;
import io.mptcp4j.lab.NamespaceLab;
import io.mptcp4j.testing.RootOnly;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A raw socket in the client namespace talks to a kernel TCP listener in the server namespace: the SYN-ACK
 * arrives, and the client kernel stays silent only while a {@link PortReservation} holds the port.
 */
@RootOnly
@SuppressWarnings("try") // resources held open only for their effect
class RawTcpSocketInteropTest {

    private static final Duration WAIT = Duration.ofSeconds(3);
    private static NamespaceLab lab;
    private static int nextServerPort = 7000;

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

    private static InetAddress client(AddressFamily family) {
        return lab.path(0).address(Host.CLIENT, family);
    }

    private static InetAddress server(AddressFamily family) {
        return lab.path(0).address(Host.SERVER, family);
    }

    private static KernelMptcpSocket listener(AddressFamily family, int port) throws Exception {
        return lab.inNamespace(Host.SERVER, () -> KernelMptcpSocket.listen(
                new InetSocketAddress(server(family), port), StreamProtocol.TCP, 16));
    }

    /** A raw socket in the server namespace seeing what reaches the listener's port: SYNs, ACKs, RSTs. */
    private static RawTcpSocket serverWatch(AddressFamily family, int port) throws Exception {
        return lab.inNamespace(Host.SERVER, () -> RawTcpSocket.openForPorts(family, port));
    }

    private static long clientOutRsts() throws Exception {
        return lab.counters(Host.CLIENT).getOrDefault("TcpOutRsts", 0L);
    }

    /** Flags of every segment the watch sees within {@code window}. */
    private static List<Integer> flagsSeen(RawTcpSocket watch, Duration window) throws Exception {
        List<Integer> flags = new ArrayList<>();
        long end = System.nanoTime() + window.toNanos();
        ByteBuffer b = ByteBuffer.allocate(2048);
        while (true) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                return flags;
            }
            ReceivedPacket p = watch.receive(b.clear(), Duration.ofNanos(left));
            if (p == null) {
                return flags;
            }
            flags.add(TestSegments.flags(b, p.transportOffset()));
        }
    }

    @ParameterizedTest
    @EnumSource(AddressFamily.class)
    void synGetsSynAckAndTheReservationKeepsTheClientKernelSilent(AddressFamily family) throws Exception {
        int serverPort = nextServerPort++;
        try (KernelMptcpSocket ignored = listener(family, serverPort);
             RawTcpSocket watch = serverWatch(family, serverPort);
             PortReservation reservation = lab.inNamespace(Host.CLIENT,
                     () -> PortReservation.reserve(client(family), 0));
             RawTcpSocket raw = lab.inNamespace(Host.CLIENT,
                     () -> RawTcpSocket.openForPorts(family, reservation.port()))) {
            raw.bind(client(family));
            long rstsBefore = clientOutRsts();

            byte[] syn = TestSegments.syn(client(family), server(family), reservation.port(), serverPort, 1000);
            assertThat(raw.send(ByteBuffer.wrap(syn), server(family))).isTrue();

            ByteBuffer in = ByteBuffer.allocate(2048);
            ReceivedPacket p = raw.receive(in, WAIT);
            assertThat(p).as("SYN-ACK").isNotNull();
            int tcp = p.transportOffset();
            assertThat(tcp).isEqualTo(family == AddressFamily.IPV4 ? 20 : 0);
            assertThat(p.length()).isEqualTo(in.position());
            assertThat(p.source()).isEqualTo(server(family));
            assertThat(p.destination()).isEqualTo(client(family));
            assertThat(p.interfaceIndex()).isPositive();
            assertThat(p.truncated()).isFalse();
            assertThat(TestSegments.flags(in, tcp) & (SYN | ACK)).isEqualTo(SYN | ACK);
            assertThat(TestSegments.sourcePort(in, tcp)).isEqualTo(serverPort);
            assertThat(TestSegments.destinationPort(in, tcp)).isEqualTo(reservation.port());
            assertThat(TestSegments.ack(in, tcp)).isEqualTo(1001);

            // The server sees our SYN and then nothing from the client kernel: no RST.
            List<Integer> seen = flagsSeen(watch, Duration.ofSeconds(1));
            assertThat(seen).first().isEqualTo(SYN);
            assertThat(seen).noneMatch(f -> (f & RST) != 0);
            assertThat(clientOutRsts()).isEqualTo(rstsBefore);
        }
    }

    @ParameterizedTest
    @EnumSource(AddressFamily.class)
    void withoutReservationTheClientKernelResets(AddressFamily family) throws Exception {
        int serverPort = nextServerPort++;
        int clientPort;
        try (PortReservation probe = lab.inNamespace(Host.CLIENT, () -> PortReservation.reserve(client(family), 0))) {
            clientPort = probe.port(); // a free port, released before the SYN goes out
        }
        try (KernelMptcpSocket ignored = listener(family, serverPort);
             RawTcpSocket watch = serverWatch(family, serverPort);
             RawTcpSocket raw = lab.inNamespace(Host.CLIENT, () -> RawTcpSocket.openForPorts(family, clientPort))) {
            raw.bind(client(family));
            long rstsBefore = clientOutRsts();
            raw.send(ByteBuffer.wrap(TestSegments.syn(client(family), server(family), clientPort, serverPort, 5)),
                    server(family));
            assertThat(raw.receive(ByteBuffer.allocate(2048), WAIT)).as("SYN-ACK").isNotNull();
            List<Integer> seen = flagsSeen(watch, Duration.ofSeconds(1));
            assertThat(seen).anyMatch(f -> (f & RST) != 0);
            assertThat(clientOutRsts()).isGreaterThan(rstsBefore);
        }
    }

    /**
     * Where a classic BPF program on a raw TCP socket starts reading, verified: IPv4 delivers the IP header
     * first, IPv6 the TCP header. A program built for the other family never matches.
     */
    @ParameterizedTest
    @EnumSource(AddressFamily.class)
    void filterOffsetsDifferBetweenIpv4AndIpv6RawSockets(AddressFamily family) throws Exception {
        AddressFamily other = family == AddressFamily.IPV4 ? AddressFamily.IPV6 : AddressFamily.IPV4;
        int serverPort = nextServerPort++;
        try (KernelMptcpSocket ignored = listener(family, serverPort);
             PortReservation reservation = lab.inNamespace(Host.CLIENT,
                     () -> PortReservation.reserve(client(family), 0));
             RawTcpSocket right = lab.inNamespace(Host.CLIENT, () -> RawTcpSocket.open(family,
                     BpfProgram.tcpDestinationPorts(family, List.of(reservation.port()))));
             RawTcpSocket wrong = lab.inNamespace(Host.CLIENT, () -> RawTcpSocket.open(family,
                     BpfProgram.tcpDestinationPorts(other, List.of(reservation.port()))));
             RawTcpSocket otherPort = lab.inNamespace(Host.CLIENT,
                     () -> RawTcpSocket.openForPorts(family, reservation.port() ^ 1))) {
            right.bind(client(family));
            right.send(ByteBuffer.wrap(TestSegments.syn(client(family), server(family), reservation.port(),
                    serverPort, 77)), server(family));
            assertThat(right.receive(ByteBuffer.allocate(2048), WAIT)).isNotNull();
            assertThat(wrong.receive(ByteBuffer.allocate(2048), Duration.ofMillis(300))).isNull();
            assertThat(otherPort.receive(ByteBuffer.allocate(2048))).isNull();
        }
    }

    @Test
    void directBuffersAndBatchReceive() throws Exception {
        AddressFamily family = AddressFamily.IPV4;
        int serverPort = nextServerPort++;
        List<PortReservation> reservations = new ArrayList<>();
        try (KernelMptcpSocket ignored = listener(family, serverPort)) {
            for (int i = 0; i < 3; i++) {
                reservations.add(lab.inNamespace(Host.CLIENT, () -> PortReservation.reserve(client(family), 0)));
            }
            List<Integer> ports = reservations.stream().map(PortReservation::port).toList();
            try (RawTcpSocket raw = lab.inNamespace(Host.CLIENT,
                    () -> RawTcpSocket.open(family, BpfProgram.tcpDestinationPorts(family, ports)))) {
                raw.bind(client(family));
                raw.setReceiveBufferSize(1 << 20);
                for (int port : ports) {
                    ByteBuffer out = ByteBuffer.allocateDirect(64);
                    out.put(new byte[7]); // segment starts at a non-zero position
                    out.put(TestSegments.syn(client(family), server(family), port, serverPort, 9)).flip();
                    out.position(7);
                    assertThat(raw.send(out, server(family))).isTrue();
                    assertThat(out.hasRemaining()).isFalse();
                }
                Thread.sleep(300); // let all three SYN-ACKs queue up
                ByteBuffer[] targets = new ByteBuffer[4];
                for (int i = 0; i < targets.length; i++) {
                    targets[i] = i % 2 == 0 ? ByteBuffer.allocateDirect(2048) : ByteBuffer.allocate(2048);
                    targets[i].position(3);
                }
                ReceivedPacket[] results = new ReceivedPacket[4];
                int n = raw.receiveBatch(targets, results, WAIT);
                assertThat(n).isEqualTo(3);
                List<Integer> got = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    int tcp = 3 + results[i].transportOffset();
                    assertThat(targets[i].position()).isEqualTo(3 + results[i].length());
                    assertThat(TestSegments.flags(targets[i], tcp) & (SYN | ACK)).isEqualTo(SYN | ACK);
                    got.add(TestSegments.destinationPort(targets[i], tcp));
                }
                assertThat(got).containsExactlyInAnyOrderElementsOf(ports);
            }
        } finally {
            reservations.forEach(PortReservation::close);
        }
    }

    @Test
    void truncatesIntoASmallBuffer() throws Exception {
        AddressFamily family = AddressFamily.IPV4;
        int serverPort = nextServerPort++;
        try (KernelMptcpSocket ignored = listener(family, serverPort);
             PortReservation reservation = lab.inNamespace(Host.CLIENT,
                     () -> PortReservation.reserve(client(family), 0));
             RawTcpSocket raw = lab.inNamespace(Host.CLIENT,
                     () -> RawTcpSocket.openForPorts(family, reservation.port()))) {
            raw.bind(client(family));
            raw.send(ByteBuffer.wrap(TestSegments.syn(client(family), server(family), reservation.port(),
                    serverPort, 1)), server(family));
            ByteBuffer small = ByteBuffer.allocate(24);
            ReceivedPacket p = raw.receive(small, WAIT);
            assertThat(p.truncated()).isTrue();
            assertThat(p.length()).isEqualTo(24);
            assertThat(small.hasRemaining()).isFalse();
        }
    }

    @Test
    void closeEndsABlockedReceiveAndIsIdempotent() throws Exception {
        RawTcpSocket raw = lab.inNamespace(Host.CLIENT, () -> RawTcpSocket.openForPorts(AddressFamily.IPV4, 1));
        CompletableFuture<ReceivedPacket> blocked = CompletableFuture.supplyAsync(() -> {
            try {
                return raw.receive(ByteBuffer.allocate(100), null);
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
        Thread.sleep(200);
        raw.close();
        raw.close();
        assertThatThrownBy(() -> blocked.get(2, TimeUnit.SECONDS)).hasCauseInstanceOf(AsynchronousCloseException.class);
        assertThat(raw.isOpen()).isFalse();
        assertThatThrownBy(() -> raw.receive(ByteBuffer.allocate(10)))
                .isInstanceOf(java.nio.channels.ClosedChannelException.class);
    }

    @Test
    void portReservationPicksAPortHoldsItAndReleasesIt() throws Exception {
        InetAddress address = client(AddressFamily.IPV4);
        PortReservation reservation = lab.inNamespace(Host.CLIENT, () -> PortReservation.reserve(address, 0));
        int port = reservation.port();
        assertThat(port).isPositive();
        assertThat(reservation.address().getAddress()).isEqualTo(address);

        // Another kernel socket cannot take the port...
        assertThatThrownBy(() -> lab.inNamespace(Host.CLIENT, () -> KernelMptcpSocket.listen(
                new InetSocketAddress(address, port), StreamProtocol.TCP, 1)))
                .isInstanceOfSatisfying(NativeCallException.class,
                        e -> assertThat(e.errno()).isEqualTo(Errno.EADDRINUSE));
        // ...and a connection attempt to it is silently dropped: neither accepted nor refused.
        assertThatThrownBy(() -> lab.inNamespace(Host.SERVER, () -> KernelMptcpSocket.connect(
                new InetSocketAddress(address, port), StreamProtocol.TCP, Duration.ofMillis(500))))
                .isInstanceOf(java.net.SocketTimeoutException.class);

        reservation.close();
        reservation.close();
        assertThat(reservation.isOpen()).isFalse();
        lab.inNamespace(Host.CLIENT, () -> KernelMptcpSocket.listen(new InetSocketAddress(address, port),
                StreamProtocol.TCP, 1)).close();
    }
}
