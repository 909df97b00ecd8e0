package io.mptcp4j.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.mptcp4j.core.wire.TcpSegment;
import io.mptcp4j.io.linux.AddressFamily;
import io.mptcp4j.io.linux.RawTcpSocket;
import io.mptcp4j.io.linux.ReceivedPacket;
import io.mptcp4j.lab.Host;
import io.mptcp4j.lab.NamespaceLab;
import io.mptcp4j.testing.RootOnly;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Egress pinning, proved on the wire: SYNs from the client's path-1 address to the server's path-0 address,
 * sent through a {@link RawSocketDevice} in the client namespace of a two-path lab, arrive on the server's path-1
 * veth (watched by raw sockets bound to each server veth), while a device without pinning sends them down path 0
 * as the kernel routes by destination.
 *
 * <p>IPv6 needs a route through the pinned interface: without one the kernel refuses the packet
 * ({@code ENETUNREACH}) rather than letting it out of another path; with a (worse-metric) route for path 0's
 * prefix through path 1's veth it goes there. Linux answers neighbour solicitations only for addresses of the
 * asking interface, so the test also puts the server's path-1 MAC into the client's neighbour table.
 */
@RootOnly
class EgressPinningInteropTest {

    private static final int SYNS = 20;
    private static final Duration QUIET = Duration.ofMillis(300);
    private static NamespaceLab lab;
    private static int nextServerPort = 7300;

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

    private static InetAddress client(int path, AddressFamily family) {
        return lab.path(path).address(Host.CLIENT, family);
    }

    private static InetAddress server(int path, AddressFamily family) {
        return lab.path(path).address(Host.SERVER, family);
    }

    private static RawSocketDevice device(EgressPinning pinning) throws Exception {
        return RawSocketDevice.builder().namespace(lab.namespace(Host.CLIENT)).egressPinning(pinning).open();
    }

    /** A raw socket in the server namespace that sees TCP to {@code port} arriving on {@code veth} only. */
    private static RawTcpSocket watch(AddressFamily family, int port, String veth) throws Exception {
        RawTcpSocket raw = lab.inNamespace(Host.SERVER, () -> RawTcpSocket.openForPorts(family, port));
        raw.bindToDevice(veth);
        return raw;
    }

    private static ByteBuffer syn(InetAddress from, InetAddress to, int clientPort, int serverPort, int seq) {
        return TestPackets.packet(from, to, 64, TcpSegment.of(clientPort, serverPort, seq, 0, TcpSegment.SYN, 1000,
                List.of(), ByteBuffer.allocate(0)));
    }

    /** The sources of the segments {@code raw} receives until nothing came for {@link #QUIET}. */
    private static List<InetAddress> drain(RawTcpSocket raw) throws Exception {
        List<InetAddress> sources = new ArrayList<>();
        ByteBuffer b = ByteBuffer.allocate(4096);
        ReceivedPacket p;
        while ((p = raw.receive(b.clear(), QUIET)) != null) {
            sources.add(p.source());
        }
        return sources;
    }

    private static long rxPackets(String veth) throws Exception {
        return Long.parseLong(lab.exec(Host.SERVER, "cat", "/sys/class/net/" + veth + "/statistics/rx_packets")
                .stdout().trim());
    }

    /** Sends {@link #SYNS} SYNs path-1 address → path-0 address; returns {arrived on veth0, on veth1}. */
    private static int[] crossPathSyns(RawSocketDevice device, AddressFamily family) throws Exception {
        int serverPort = nextServerPort++;
        InetAddress local = client(1, family);
        InetAddress remote = server(0, family);
        try (RawTcpSocket on0 = watch(family, serverPort, "veth0");
             RawTcpSocket on1 = watch(family, serverPort, "veth1")) {
            long rx0 = rxPackets("veth0");
            long rx1 = rxPackets("veth1");
            for (int i = 0; i < SYNS; i++) {
                assertThat(device.send(syn(local, remote, 41_000 + i, serverPort, i))).isTrue();
            }
            device.flush();
            List<InetAddress> via0 = drain(on0);
            List<InetAddress> via1 = drain(on1);
            System.out.printf("%s %s: kernel took %d, refused %d (errno %d); server veth0 saw %d SYNs "
                            + "(rx +%d packets), veth1 %d SYNs (rx +%d packets)%n", family,
                    device.egressPinning(), device.sentPackets(), device.sendDrops(), device.lastRefusedErrno(),
                    via0.size(), rxPackets("veth0") - rx0, via1.size(), rxPackets("veth1") - rx1);
            assertThat(via0).as("sources").allMatch(local::equals);
            assertThat(via1).as("sources").allMatch(local::equals);
            return new int[] {via0.size(), via1.size()};
        }
    }

    @Test
    void ipv4LeavesThroughTheInterfaceOfItsSourceAndRoutingAloneWouldNot() throws Exception {
        try (RawSocketDevice pinned = device(EgressPinning.BY_SOURCE)) {
            assertThat(crossPathSyns(pinned, AddressFamily.IPV4)).containsExactly(0, SYNS);
            assertThat(pinned.pinnedPackets()).isEqualTo(SYNS);
            assertThat(pinned.sendDrops()).isZero();
        }
        try (RawSocketDevice routed = device(EgressPinning.OFF)) {
            assertThat(crossPathSyns(routed, AddressFamily.IPV4)).containsExactly(SYNS, 0);
            assertThat(routed.pinnedPackets()).isZero();
        }
    }

    @Test
    void ipv6IsRefusedWithoutARouteThroughTheInterfaceAndPinnedWithOne() throws Exception {
        try (RawSocketDevice pinned = device(EgressPinning.BY_SOURCE)) {
            assertThat(crossPathSyns(pinned, AddressFamily.IPV6)).as("no route for path 0 via veth1")
                    .containsExactly(0, 0);
            assertThat(pinned.sendDrops()).isEqualTo(SYNS);
            assertThat(pinned.lastRefusedErrno()).as("ENETUNREACH").isEqualTo(101);
        }
        String serverMac = lab.exec(Host.SERVER, "cat", "/sys/class/net/veth1/address").stdout().trim();
        String prefix = "fd00::/64"; // path 0's
        lab.exec(Host.CLIENT, "ip", "-6", "route", "add", prefix, "dev", "veth1", "metric", "1024").requireSuccess();
        lab.exec(Host.CLIENT, "ip", "-6", "neigh", "replace", server(0, AddressFamily.IPV6).getHostAddress(),
                "lladdr", serverMac, "dev", "veth1", "nud", "permanent").requireSuccess();
        try {
            try (RawSocketDevice pinned = device(EgressPinning.BY_SOURCE)) {
                assertThat(crossPathSyns(pinned, AddressFamily.IPV6)).containsExactly(0, SYNS);
                assertThat(pinned.sendDrops()).isZero();
            }
            try (RawSocketDevice routed = device(EgressPinning.OFF)) {
                assertThat(crossPathSyns(routed, AddressFamily.IPV6)).as("the metric-256 route wins")
                        .containsExactly(SYNS, 0);
            }
        } finally {
            lab.exec(Host.CLIENT, "ip", "-6", "neigh", "del", server(0, AddressFamily.IPV6).getHostAddress(),
                    "dev", "veth1");
            lab.exec(Host.CLIENT, "ip", "-6", "route", "del", prefix, "dev", "veth1", "metric", "1024");
        }
    }

    /** One sendmmsg batch mixing sources: every slot carries its own interface (or none). */
    @ParameterizedTest
    @EnumSource(AddressFamily.class)
    void eachPacketOfABatchLeavesByItsOwnSource(AddressFamily family) throws Exception {
        int serverPort = nextServerPort++;
        InetAddress remote = server(family == AddressFamily.IPV4 ? 0 : 1, family);
        // IPv4: towards path 0's address from both paths. IPv6 (no cross-path route): towards each path's own
        // server address, so both interfaces are used within one batch.
        try (RawSocketDevice device = device(EgressPinning.BY_SOURCE);
             RawTcpSocket on0 = watch(family, serverPort, "veth0");
             RawTcpSocket on1 = watch(family, serverPort, "veth1")) {
            for (int i = 0; i < SYNS; i++) {
                int path = i % 2;
                InetAddress to = family == AddressFamily.IPV4 ? remote : server(path, family);
                device.send(syn(client(path, family), to, 42_000 + i, serverPort, i));
            }
            device.flush();
            assertThat(drain(on0)).hasSize(SYNS / 2).containsOnly(client(0, family));
            assertThat(drain(on1)).hasSize(SYNS / 2).containsOnly(client(1, family));
            assertThat(device.pinnedPackets()).isEqualTo(SYNS);
        }
    }

    @Test
    void aPacketPinnedToAnInterfaceThatIsDownIsRefusedNotRoutedElsewhere() throws Exception {
        try (RawSocketDevice pinned = device(EgressPinning.BY_SOURCE)) {
            lab.linkDown(1);
            try {
                assertThat(crossPathSyns(pinned, AddressFamily.IPV4)).containsExactly(0, 0);
                assertThat(pinned.sendDrops()).isEqualTo(SYNS);
                assertThat(pinned.lastRefusedErrno()).as("ENETUNREACH").isEqualTo(101);
            } finally {
                lab.linkUp(1);
            }
        }
    }

    @Test
    void withPinnedRoutesOnlyThePinnedPairsArePinned() throws Exception {
        InetAddress local = client(1, AddressFamily.IPV4);
        InetAddress remote = server(0, AddressFamily.IPV4);
        try (RawSocketDevice device = device(EgressPinning.PINNED_ROUTES)) {
            assertThat(crossPathSyns(device, AddressFamily.IPV4)).as("not pinned yet").containsExactly(SYNS, 0);
            device.pinRoute(local, remote);
            device.pinRoute(local, remote); // two subflows of the pair
            assertThat(crossPathSyns(device, AddressFamily.IPV4)).containsExactly(0, SYNS);
            assertThat(device.unpinRoute(local, remote)).isTrue();
            assertThat(crossPathSyns(device, AddressFamily.IPV4)).as("one pin left").containsExactly(0, SYNS);
            assertThat(device.unpinRoute(local, remote)).isTrue();
            assertThat(device.unpinRoute(local, remote)).isFalse();
            assertThat(crossPathSyns(device, AddressFamily.IPV4)).containsExactly(SYNS, 0);
            assertThat(device.pinnedPackets()).isEqualTo(2 * SYNS);
        }
    }

    @Test
    void anAddressAddedAfterOpenIsPinnedOnceTheMonitorSawIt() throws Exception {
        InetAddress added = InetAddress.getByName("10.0.1.77");
        try (RawSocketDevice device = device(EgressPinning.BY_SOURCE)) {
            assertThat(device.linkMonitor().interfaceAddresses().interfaceOf(added)).isZero();
            lab.exec(Host.CLIENT, "ip", "addr", "add", "10.0.1.77/24", "dev", "veth1").requireSuccess();
            try {
                long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
                while (device.linkMonitor().interfaceAddresses().interfaceOf(added) == 0
                        && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                assertThat(device.linkMonitor().interfaceAddresses().interfaceOf(added))
                        .isEqualTo(device.linkMonitor().interfaceAddresses().interfaceOf(client(1,
                                AddressFamily.IPV4)));
                int serverPort = nextServerPort++;
                try (RawTcpSocket on1 = watch(AddressFamily.IPV4, serverPort, "veth1")) {
                    device.send(syn(added, server(0, AddressFamily.IPV4), 43_000, serverPort, 1));
                    device.flush();
                    assertThat(drain(on1)).containsExactly(added);
                }
            } finally {
                lab.exec(Host.CLIENT, "ip", "addr", "del", "10.0.1.77/24", "dev", "veth1");
            }
        }
    }
}
