package io.mptcp4j.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mptcp4j.core.stack.LocalLink;
import io.mptcp4j.io.EgressPinning;
import io.mptcp4j.io.RawSocketDevice;
import io.mptcp4j.io.linux.AddressFamily;
import io.mptcp4j.io.linux.InsufficientPrivilegesException;
import io.mptcp4j.lab.Host;
import io.mptcp4j.lab.NamespaceLab;
import io.mptcp4j.testing.Privileges;
import io.mptcp4j.testing.RootOnly;
import io.mptcp4j.testing.ThreadCapabilities;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The driver's side of multipath in a two-path lab: {@link UserspaceMptcp} feeds its stack the interfaces its link
 * monitor sees (a path going down and up shows in {@code MptcpStack.links()} on the loop thread), the subflow
 * ports come from the raw device, and opening fails clearly without the privileges the monitor needs.
 */
@RootOnly
@Timeout(60)
class UserspaceMptcpLinksInteropTest {

    private static NamespaceLab lab;

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

    private static UserspaceMptcp open() throws Exception {
        UserspaceMptcp.Builder b = UserspaceMptcp.builder().namespace(lab.namespace(Host.CLIENT));
        for (int path = 0; path < 2; path++) {
            for (AddressFamily family : AddressFamily.values()) {
                b.address(client(path, family));
            }
        }
        return b.open();
    }

    private static List<LocalLink> stackLinks(UserspaceMptcp mptcp) throws Exception {
        return mptcp.eventLoop().submit(() -> mptcp.stack().links()).get(5, TimeUnit.SECONDS);
    }

    /** Waits until the stack's view of veth1 satisfies {@code state}; returns how long that took. */
    private static long awaitVeth1(UserspaceMptcp mptcp, Predicate<LocalLink> state) throws Exception {
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(3);
        while (true) {
            LocalLink veth1 = stackLinks(mptcp).stream().filter(l -> l.name().equals("veth1")).findFirst()
                    .orElse(null);
            if (veth1 != null && state.test(veth1)) {
                return System.nanoTime() - start;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the stack's veth1 never matched; links: " + stackLinks(mptcp));
            }
            Thread.sleep(2);
        }
    }

    @Test
    void theStackSeesAPathGoDownAndComeBack() throws Exception {
        try (UserspaceMptcp mptcp = open()) {
            awaitVeth1(mptcp, LocalLink::up);
            LocalLink veth1 = stackLinks(mptcp).stream().filter(l -> l.name().equals("veth1")).findFirst()
                    .orElseThrow();
            assertThat(veth1.owns(client(1, AddressFamily.IPV4))).isTrue();
            assertThat(veth1.owns(client(1, AddressFamily.IPV6))).isTrue();
            assertThat(veth1.isConnected(lab.path(1).serverV4())).as("prefix /24 known").isTrue();
            assertThat(veth1.isConnected(lab.path(0).serverV4())).isFalse();

            lab.linkDown(1);
            long down = awaitVeth1(mptcp, l -> !l.up());
            assertThat(stackLinks(mptcp)).filteredOn(l -> l.name().equals("veth0")).allMatch(LocalLink::up);
            lab.linkUp(1);
            long up = awaitVeth1(mptcp, LocalLink::up);
            System.out.printf("stack saw veth1 down %.1f ms and up %.1f ms after the lab command returned%n",
                    down / 1e6, up / 1e6);
            assertThat(down).isLessThan(TimeUnit.MILLISECONDS.toNanos(200));
        } finally {
            lab.linkUp(1);
        }
    }

    @Test
    void subflowPortsAreOwnedOnTheDeviceAndGivenBack() throws Exception {
        try (RawSocketDevice device = RawSocketDevice.builder().namespace(lab.namespace(Host.CLIENT))
                .families(AddressFamily.IPV4).egressPinning(EgressPinning.PINNED_ROUTES).open()) {
            DeviceSubflowPorts ports = new DeviceSubflowPorts(UserspaceTcp.portsOf(device), device);
            InetAddress local = client(1, AddressFamily.IPV4);
            int port = ports.acquire(local);
            assertThat(port).isBetween(1, 65535);
            assertThat(device.ownedPorts()).containsExactly(new InetSocketAddress(local, port));
            ports.release(local, port);
            assertThat(device.ownedPorts()).isEmpty();
            ports.release(local, port); // twice: logged, not thrown

            assertThat(ports.acquire(InetAddress.getByName("10.9.9.9"))).as("not a local address").isEqualTo(-1);
            assertThat(ports.acquire(client(1, AddressFamily.IPV6))).as("family not carried").isEqualTo(-1);

            ports.pinRoute(local, lab.path(0).serverV4());
            assertThat(device.unpinRoute(local, lab.path(0).serverV4())).isTrue();
        }
    }

    @Test
    void subflowEventsReachSubscribersOfTheStack() throws Exception {
        InetSocketAddress server = new InetSocketAddress(lab.path(0).address(Host.SERVER, AddressFamily.IPV4), 7411);
        java.util.concurrent.LinkedBlockingQueue<io.mptcp4j.core.event.SubflowEvent> seen =
                new java.util.concurrent.LinkedBlockingQueue<>();
        try (io.mptcp4j.io.linux.KernelMptcpSocket listener = lab.inNamespace(Host.SERVER,
                () -> io.mptcp4j.io.linux.KernelMptcpSocket.listen(server, io.mptcp4j.io.linux.StreamProtocol.MPTCP,
                        4));
             UserspaceMptcp mptcp = open()) {
            mptcp.events().subscribe(new java.util.concurrent.Flow.Subscriber<>() {
                @Override
                public void onSubscribe(java.util.concurrent.Flow.Subscription subscription) {
                    subscription.request(Long.MAX_VALUE);
                }

                @Override
                public void onNext(io.mptcp4j.core.event.SubflowEvent item) {
                    seen.add(item);
                }

                @Override
                public void onError(Throwable throwable) {
                }

                @Override
                public void onComplete() {
                }
            });
            // Events come in order: the connection first, whatever joins follow, its end.
            MptcpSocket socket = mptcp.connect(server, java.time.Duration.ofSeconds(5));
            try (io.mptcp4j.io.linux.KernelMptcpSocket accepted = listener.accept(java.time.Duration.ofSeconds(5))) {
                // Data, so that the kernel's acknowledgment carries the DSS that confirms the connection.
                socket.write(java.nio.ByteBuffer.wrap(new byte[1000]));
                accepted.read(java.nio.ByteBuffer.allocate(1000), java.time.Duration.ofSeconds(5));
                assertThat(seen.poll(5, TimeUnit.SECONDS))
                        .isInstanceOf(io.mptcp4j.core.event.SubflowEvent.ConnectionCreated.class);
                assertThat(seen.poll(5, TimeUnit.SECONDS))
                        .isInstanceOf(io.mptcp4j.core.event.SubflowEvent.ConnectionEstablished.class);
                socket.abort();
            }
            io.mptcp4j.core.event.SubflowEvent e;
            boolean closed = false;
            while (!closed && (e = seen.poll(5, TimeUnit.SECONDS)) != null) {
                closed = e instanceof io.mptcp4j.core.event.SubflowEvent.ConnectionClosed;
            }
            assertThat(closed).as("ConnectionClosed after the abort").isTrue();
        }
    }

    @Test
    void closingStopsTheMonitor() throws Exception {
        UserspaceMptcp mptcp = open();
        assertThat(mptcp.linkMonitor().isRunning()).isTrue();
        mptcp.close();
        assertThat(mptcp.linkMonitor().isRunning()).isFalse();
        mptcp.close();
    }

    @Test
    void withoutTheRightToEnterTheNamespaceOpeningSaysWhatIsMissing() {
        assertThatThrownBy(() -> ThreadCapabilities.callWithout(Privileges.CAP_SYS_ADMIN, UserspaceMptcpLinksInteropTest::open))
                .isInstanceOfSatisfying(InsufficientPrivilegesException.class,
                        e -> assertThat(e.capability()).isEqualTo("CAP_SYS_ADMIN"))
                .hasMessageContaining("needs root or CAP_SYS_ADMIN");
    }

    @Test
    void withoutCapNetRawOpeningSaysWhatIsMissing() {
        assertThatThrownBy(() -> ThreadCapabilities.callWithout(Privileges.CAP_NET_RAW,
                () -> UserspaceMptcp.builder().address(InetAddress.getLoopbackAddress()).open()))
                .isInstanceOfSatisfying(InsufficientPrivilegesException.class,
                        e -> assertThat(e.capability()).isEqualTo("CAP_NET_RAW"))
                .hasMessageContaining("needs root or CAP_NET_RAW");
    }
}
