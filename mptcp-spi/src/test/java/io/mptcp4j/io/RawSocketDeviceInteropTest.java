package io.mptcp4j.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mptcp4j.core.wire.IpPacket;
import io.mptcp4j.core.wire.TcpSegment;
import io.mptcp4j.io.linux.AddressFamily;
import io.mptcp4j.io.linux.KernelMptcpSocket;
import io.mptcp4j.io.linux.RawTcpSocket;
import io.mptcp4j.io.linux.ReceivedPacket;
import io.mptcp4j.io.linux.StreamProtocol;
import io.mptcp4j.lab.Direction;
import io.mptcp4j.lab.Host;
import io.mptcp4j.lab.NamespaceLab;
import io.mptcp4j.lab.Shaping;
import io.mptcp4j.testing.RootOnly;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The raw-socket device in the client namespace of a two-path lab, against kernel TCP listeners in the server
 * namespace: hand-built SYNs leave with our IP header, SYN-ACKs come back as complete packets (IPv6 header
 * synthesized) whose checksums verify, and the client kernel stays silent.
 */
@RootOnly
@SuppressWarnings("try") // listeners held open only for their effect
class RawSocketDeviceInteropTest {

    private static final Duration WAIT = Duration.ofSeconds(3);
    private static NamespaceLab lab;
    private static int nextServerPort = 7100;

    private RawSocketDevice device;
    private final ByteBuffer[] buffers = new ByteBuffer[Device.MAX_BATCH];

    @BeforeAll
    static void createLab() throws Exception {
        lab = NamespaceLab.builder().paths(2).build();
    }

    @AfterAll
    static void closeLab() {
        if (lab != null) {
            lab.close();
        }
    }

    @BeforeEach
    void openDevice() throws Exception {
        device = RawSocketDevice.builder().namespace(lab.namespace(Host.CLIENT)).open();
        for (int i = 0; i < buffers.length; i++) {
            buffers[i] = ByteBuffer.allocateDirect(Device.MAX_PACKET_LENGTH);
        }
    }

    @AfterEach
    void closeDevice() {
        device.close();
    }

    private static InetAddress client(int path, AddressFamily family) {
        return lab.path(path).address(Host.CLIENT, family);
    }

    private static InetAddress server(int path, AddressFamily family) {
        return lab.path(path).address(Host.SERVER, family);
    }

    private static KernelMptcpSocket listener(InetAddress address, int port) throws Exception {
        return lab.inNamespace(Host.SERVER, () -> KernelMptcpSocket.listen(new InetSocketAddress(address, port),
                StreamProtocol.TCP, 16));
    }

    private static long clientOutRsts() throws Exception {
        return lab.counters(Host.CLIENT).getOrDefault("TcpOutRsts", 0L);
    }

    /** Packets received within {@code window} (until {@code expected} arrived), each copied out. */
    private List<byte[]> receive(int expected, Duration window) throws Exception {
        List<byte[]> got = new ArrayList<>();
        long end = System.nanoTime() + window.toNanos();
        while (got.size() < expected) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                break;
            }
            device.awaitReadable(left);
            for (ByteBuffer b : buffers) {
                b.clear();
            }
            int n = device.receive(buffers);
            for (int i = 0; i < n; i++) {
                got.add(TestPackets.bytes(buffers[i]));
            }
        }
        return got;
    }

    private static TcpSegment decode(byte[] packet, InetAddress source, InetAddress destination) throws Exception {
        ByteBuffer b = ByteBuffer.wrap(packet);
        if (source instanceof java.net.Inet4Address) {
            IpPacket.Ipv4Tcp v4 = IpPacket.decodeIpv4Tcp(b, true); // header and TCP checksums verified
            assertThat(v4.header().totalLength()).isEqualTo(packet.length);
            assertThat(v4.source()).isEqualTo(source);
            assertThat(v4.destination()).isEqualTo(destination);
            return v4.segment();
        }
        IpPacket.Ipv6Tcp v6 = IpPacket.decodeIpv6Tcp(b, true); // TCP checksum verified over the synthesized header
        assertThat(v6.header().payloadLength()).isEqualTo(packet.length - 40);
        assertThat(v6.header().nextHeader()).isEqualTo(6);
        assertThat(v6.header().hopLimit()).isEqualTo(RawSocketDevice.SYNTHESIZED_HOP_LIMIT);
        assertThat(v6.header().source()).isEqualTo(source);
        assertThat(v6.header().destination()).isEqualTo(destination);
        return v6.segment();
    }

    @ParameterizedTest
    @EnumSource(AddressFamily.class)
    void aSynGetsItsSynAckAsACompletePacketAndTheClientKernelStaysSilent(AddressFamily family) throws Exception {
        int serverPort = nextServerPort++;
        InetAddress local = client(0, family);
        InetAddress remote = server(0, family);
        try (KernelMptcpSocket ignored = listener(remote, serverPort)) {
            int port = device.ownPort(local, 0);
            assertThat(port).isPositive();
            assertThat(device.ownedPorts()).containsExactly(new InetSocketAddress(local, port));
            long rstsBefore = clientOutRsts();

            assertThat(device.send(TestPackets.syn(local, remote, port, serverPort, 1_000))).isTrue();
            device.flush();
            List<byte[]> got = receive(1, WAIT);

            assertThat(got).as("SYN-ACK").hasSize(1);
            TcpSegment synAck = decode(got.get(0), remote, local);
            assertThat(synAck.flags() & (TcpSegment.SYN | TcpSegment.ACK)).isEqualTo(TcpSegment.SYN | TcpSegment.ACK);
            assertThat(synAck.sourcePort()).isEqualTo(serverPort);
            assertThat(synAck.destinationPort()).isEqualTo(port);
            assertThat(synAck.acknowledgmentNumber()).isEqualTo(1_001);
            assertThat(device.sentPackets()).isEqualTo(1);
            assertThat(device.receivedPackets()).isEqualTo(1);

            Thread.sleep(300); // time for any RST the client kernel might send
            assertThat(clientOutRsts()).isEqualTo(rstsBefore);
            device.send(TestPackets.reset(local, remote, port, serverPort, 1_001)); // end the half-open handshake
            device.flush();
        }
    }

    /** Replaces the device with one that lets the kernel route every packet by destination. */
    private void routeByDestination() throws Exception {
        device.close();
        device = RawSocketDevice.builder().namespace(lab.namespace(Host.CLIENT)).egressPinning(EgressPinning.OFF)
                .open();
    }

    /** Without egress pinning (see {@link EgressPinningInteropTest} for pinning). */
    @ParameterizedTest
    @EnumSource(AddressFamily.class)
    void theStacksSourceAddressIsUsedWhicheverPathTheKernelRoutesBy(AddressFamily family) throws Exception {
        routeByDestination();
        int serverPort = nextServerPort++;
        InetAddress local = client(0, family);
        InetAddress remote = server(1, family); // routed out of path 1, while the source is path 0's address
        try (KernelMptcpSocket ignored = listener(remote, serverPort);
             RawTcpSocket watch = lab.inNamespace(Host.SERVER, () -> RawTcpSocket.openForPorts(family, serverPort))) {
            int port = device.ownPort(local, 0);
            ByteBuffer syn = TestPackets.packet(local, remote, 77, TcpSegment.of(port, serverPort, 5, 0,
                    TcpSegment.SYN, 1000, List.of(), ByteBuffer.allocate(0)));
            device.send(syn);
            device.flush();

            List<byte[]> got = receive(1, WAIT);
            assertThat(got).hasSize(1);
            assertThat(decode(got.get(0), remote, local).acknowledgmentNumber()).isEqualTo(6);

            ByteBuffer seen = ByteBuffer.allocate(2048);
            ReceivedPacket p = watch.receive(seen, WAIT);
            assertThat(p.source()).isEqualTo(local);
            if (family == AddressFamily.IPV4) {
                assertThat(seen.get(8) & 0xff).as("our TTL").isEqualTo(77);
            }
            device.send(TestPackets.reset(local, remote, port, serverPort, 6));
            device.flush();
        }
    }

    @Test
    void batchesGoOutInOneFlushAndComeBackInOneReceiveAcrossBothFamilies() throws Exception {
        int serverPort = nextServerPort++;
        try (KernelMptcpSocket v4 = listener(server(0, AddressFamily.IPV4), serverPort);
             KernelMptcpSocket v6 = listener(server(0, AddressFamily.IPV6), serverPort)) {
            List<Integer> ports = new ArrayList<>();
            for (AddressFamily family : AddressFamily.values()) {
                for (int i = 0; i < 5; i++) {
                    int port = device.ownPort(client(0, family), 0);
                    ports.add(port);
                    assertThat(device.send(TestPackets.syn(client(0, family), server(0, family), port, serverPort,
                            i))).isTrue();
                }
            }
            assertThat(device.sentPackets()).as("held until flushed").isZero();
            device.flush();
            assertThat(device.sentPackets()).isEqualTo(10);
            Thread.sleep(300); // let every SYN-ACK queue up

            for (ByteBuffer b : buffers) {
                b.clear();
            }
            int n = device.receive(buffers);
            assertThat(n).isEqualTo(10);
            List<Integer> answered = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                byte[] packet = TestPackets.bytes(buffers[i]);
                boolean isV4 = (packet[0] & 0xf0) == 0x40;
                AddressFamily family = isV4 ? AddressFamily.IPV4 : AddressFamily.IPV6;
                answered.add(decode(packet, server(0, family), client(0, family)).destinationPort());
            }
            assertThat(answered).containsExactlyInAnyOrderElementsOf(ports);
            for (int i = 0; i < ports.size(); i++) {
                AddressFamily family = i < 5 ? AddressFamily.IPV4 : AddressFamily.IPV6;
                device.send(TestPackets.reset(client(0, family), server(0, family), ports.get(i), serverPort, i + 1));
            }
            device.flush();
        }
    }

    @Test
    void aReleasedPortIsNoLongerReceived() throws Exception {
        int serverPort = nextServerPort++;
        InetAddress local = client(0, AddressFamily.IPV4);
        InetAddress remote = server(0, AddressFamily.IPV4);
        try (KernelMptcpSocket ignored = listener(remote, serverPort)) {
            int kept = device.ownPort(local, 0);
            int released = device.ownPort(local, 0);
            device.releasePort(local, released);
            assertThat(device.ownedPorts()).containsExactly(new InetSocketAddress(local, kept));
            assertThatThrownBy(() -> device.releasePort(local, released)).isInstanceOf(IllegalArgumentException.class);

            device.send(TestPackets.syn(local, remote, released, serverPort, 1));
            device.send(TestPackets.syn(local, remote, kept, serverPort, 1));
            device.flush();
            List<byte[]> got = receive(2, Duration.ofMillis(700)); // before the listener retransmits its SYN-ACKs
            assertThat(got).hasSize(1);
            assertThat(decode(got.get(0), remote, local).destinationPort()).isEqualTo(kept);
            device.send(TestPackets.reset(local, remote, kept, serverPort, 2));
            device.flush();
        }
    }

    @Test
    void ownershipIsCheckedAndAFixedPortCanBeOwned() throws Exception {
        InetAddress local = client(0, AddressFamily.IPV6);
        int port = device.ownPort(local, 0);
        assertThatThrownBy(() -> device.ownPort(local, port)).isInstanceOf(IllegalStateException.class);
        int fixed = port == 60_000 ? 60_001 : 60_000;
        assertThat(device.ownPort(local, fixed)).isEqualTo(fixed);
        assertThat(device.ownPort(InetAddress.getByName("0.0.0.0"), 0)).isPositive();
        assertThat(device.ownedPorts()).hasSize(3);

        try (RawSocketDevice v4Only = RawSocketDevice.builder().namespace(lab.namespace(Host.CLIENT))
                .families(AddressFamily.IPV4).open()) {
            assertThat(v4Only.families()).containsExactly(AddressFamily.IPV4);
            assertThatThrownBy(() -> v4Only.ownPort(local, 0)).isInstanceOf(IllegalArgumentException.class);
            assertThat(v4Only.send(TestPackets.syn(local, server(0, AddressFamily.IPV6), 1, 2, 3))).isTrue();
            assertThat(v4Only.sendDrops()).as("an IPv6 packet on an IPv4-only device").isEqualTo(1);
        }
    }

    @Test
    void anUnroutablePacketIsCountedAndDroppedNotThrown() throws Exception {
        InetAddress local = client(0, AddressFamily.IPV4);
        InetAddress nowhere = InetAddress.getByName("198.51.100.7"); // no route in the lab
        // Routed by destination (the default for pairs nobody pinned): refused by the kernel, counted.
        device.send(TestPackets.syn(local, nowhere, 40_000, 80, 1));
        device.flush();
        assertThat(device.sendDrops()).isEqualTo(1);
        assertThat(device.lastRefusedErrno()).as("ENETUNREACH").isEqualTo(101);
        assertThat(device.sentPackets()).isZero();

        // Pinned to veth0, the kernel assumes the destination is on that link (ARP, which nobody answers).
        device.pinRoute(local, nowhere);
        device.send(TestPackets.syn(local, nowhere, 40_000, 80, 1));
        device.flush();
        assertThat(device.sentPackets()).isEqualTo(1);
        assertThat(device.sendDrops()).isEqualTo(1);
    }

    /**
     * A slow path whose qdisc holds packets fills the socket's send buffer: the batch then stays held, send
     * refuses more, and the wait ends when the kernel has room again ({@code POLLOUT}).
     */
    @Test
    void aFullSendBufferHoldsTheBatchAndTheWaitEndsWhenItDrains() throws Exception {
        lab.setShaping(1, Direction.CLIENT_TO_SERVER, Shaping.megabits(2).withLatency(Duration.ofSeconds(30)));
        device.close();
        // A small send buffer, so that the queue of the shaped path fills it before its qdisc drops anything.
        device = RawSocketDevice.builder().namespace(lab.namespace(Host.CLIENT)).sendBufferBytes(256 * 1024).open();
        try {
            InetAddress local = client(1, AddressFamily.IPV4);
            InetAddress remote = server(1, AddressFamily.IPV4);
            int port = device.ownPort(local, 0);
            // RSTs, which the server's kernel drops without answering: nothing comes back to end a wait early.
            ByteBuffer packet = TestPackets.packet(local, remote, 64, TcpSegment.of(port, 9, 1, 0, TcpSegment.RST,
                    0, List.of(), ByteBuffer.allocate(1400)));
            int offered = 0;
            while (offered < 20_000 && device.send(packet)) {
                offered++;
            }
            assertThat(offered).as("send refused once the held batch could not leave").isLessThan(20_000);
            long sentWhenFull = device.sentPackets();
            assertThat(sentWhenFull).isLessThan(offered);

            long start = System.nanoTime();
            device.awaitReadable(TimeUnit.SECONDS.toNanos(20));
            assertThat(System.nanoTime() - start).as("woken by POLLOUT").isLessThan(TimeUnit.SECONDS.toNanos(10));
            device.flush();
            assertThat(device.sentPackets()).isGreaterThan(sentWhenFull);
            assertThat(device.sendDrops()).isZero();
        } finally {
            lab.clearShaping(1, Direction.CLIENT_TO_SERVER);
        }
    }

    @Test
    void wakeupEndsAWaitAtOnceAndAWaitEndsAtItsTimeout() throws Exception {
        long start = System.nanoTime();
        device.awaitReadable(TimeUnit.MILLISECONDS.toNanos(200));
        long waited = System.nanoTime() - start;
        assertThat(waited).isBetween(TimeUnit.MILLISECONDS.toNanos(200), TimeUnit.MILLISECONDS.toNanos(2_000));

        CompletableFuture<Long> sleeper = CompletableFuture.supplyAsync(() -> {
            long t = System.nanoTime();
            try {
                device.awaitReadable(TimeUnit.SECONDS.toNanos(30));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return System.nanoTime() - t;
        });
        Thread.sleep(200);
        device.wakeup();
        device.wakeup();
        assertThat(sleeper.get(5, TimeUnit.SECONDS)).isLessThan(TimeUnit.SECONDS.toNanos(5));

        device.wakeup(); // a wake-up before the wait makes it return at once, once
        start = System.nanoTime();
        device.awaitReadable(TimeUnit.SECONDS.toNanos(30));
        assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(1));
        start = System.nanoTime();
        device.awaitReadable(TimeUnit.MILLISECONDS.toNanos(100));
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(100));
    }

    @Test
    void aClosedDeviceRefusesCallsAndGivesItsPortsBack() throws Exception {
        InetAddress local = client(0, AddressFamily.IPV4);
        int port = device.ownPort(local, 0);
        device.close();
        device.close();
        device.wakeup(); // harmless after close
        assertThat(device.isOpen()).isFalse();
        assertThatThrownBy(() -> device.receive(buffers)).isInstanceOf(ClosedChannelException.class);
        // The port is free again for a kernel socket.
        lab.inNamespace(Host.CLIENT, () -> KernelMptcpSocket.listen(new InetSocketAddress(local, port),
                StreamProtocol.TCP, 1)).close();
    }
}
