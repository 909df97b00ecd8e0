package io.mptcp4j.sim;

import static io.mptcp4j.sim.TwoHostNetwork.clientIpv4;
import static io.mptcp4j.sim.TwoHostNetwork.clientIpv6;
import static io.mptcp4j.sim.TwoHostNetwork.serverIpv4;
import static io.mptcp4j.sim.TwoHostNetwork.serverIpv6;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.mptcp4j.core.stack.NetworkStack;
import io.mptcp4j.core.stack.PacketSink;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SimRoutingTest {

    private final ProbeStack client = new ProbeStack();
    private final ProbeStack server = new ProbeStack();

    private TwoHostNetwork twoPaths() {
        TwoHostNetwork net = SimNetwork.twoHosts(1, LinkConfig.defaults(), LinkConfig.defaults());
        net.client().install(client);
        net.server().install(server);
        return net;
    }

    @Test
    void theFixtureNumbersItsAddressesByPath() throws UnknownHostException {
        TwoHostNetwork net = twoPaths();

        assertThat(clientIpv4(3)).isEqualTo(InetAddress.getByName("10.0.3.1"));
        assertThat(serverIpv4(3)).isEqualTo(InetAddress.getByName("10.0.3.2"));
        assertThat(clientIpv6(3)).isEqualTo(InetAddress.getByName("fd00:0:0:3::1"));
        assertThat(serverIpv6(3)).isEqualTo(InetAddress.getByName("fd00:0:0:3::2"));
        SimInterface p1 = net.client().interfaceNamed("p1");
        assertThat(p1.addresses()).containsExactly(clientIpv4(1), clientIpv6(1));
        assertThat(p1.link()).isSameAs(net.path(1).aToB());
        assertThat(net.path(1).aToB().name()).isEqualTo("client:p1>server:p1");
        assertThat(net.path(1).from(net.server())).isSameAs(net.path(1).bToA());
        assertThat(net.server().owns(serverIpv6(1))).isTrue();
        assertThat(net.client().owns(serverIpv6(1))).isFalse();
    }

    @Test
    void aPinnedPairLeavesOnTheInterfaceOfItsSourceAddress() {
        TwoHostNetwork net = twoPaths();
        net.client().pinRoute(clientIpv4(1), serverIpv4(0));
        client.send(clientIpv4(1), serverIpv4(0), 1, 100);

        net.network().runUntil(() -> server.arrivals().size() == 1, Duration.ofSeconds(1));

        assertThat(net.path(1).aToB().counters().deliveredPackets()).isEqualTo(1);
        assertThat(net.path(0).aToB().counters().offeredPackets()).isZero();
    }

    @Test
    void anUnpinnedPairFollowsTheConnectedRouteOfItsDestination() {
        TwoHostNetwork net = twoPaths();
        net.client().pinRoute(clientIpv4(1), serverIpv4(0));
        net.client().unpinRoute(clientIpv4(1), serverIpv4(0));
        assertThat(net.client().pinnedRoutes()).isZero();
        client.send(clientIpv4(1), serverIpv4(0), 1, 100);

        net.network().runUntil(() -> server.arrivals().size() == 1, Duration.ofSeconds(1));

        assertThat(net.path(0).aToB().counters().deliveredPackets()).isEqualTo(1);
        assertThat(net.path(1).aToB().counters().offeredPackets()).isZero();
    }

    @Test
    void aForeignSourceIsRoutedByItsDestination() throws UnknownHostException {
        TwoHostNetwork net = twoPaths();
        client.send(InetAddress.getByName("192.0.2.1"), serverIpv4(1), 1, 100);

        net.network().runUntil(() -> server.arrivals().size() == 1, Duration.ofSeconds(1));

        assertThat(net.path(1).aToB().counters().deliveredPackets()).isEqualTo(1);
    }

    @Test
    void ipv6TakesThePathOfItsAddressesToo() {
        TwoHostNetwork net = twoPaths();
        server.echo();
        client.send(clientIpv6(1), serverIpv6(1), 6, 120);

        net.network().runUntil(() -> client.arrivals().size() == 1, Duration.ofSeconds(1));

        assertThat(net.path(1).aToB().counters().deliveredBytes()).isEqualTo(120);
        assertThat(net.path(1).bToA().counters().deliveredBytes()).isEqualTo(120);
        assertThat(client.arrivals().get(0).tag()).isEqualTo(6);
    }

    @Test
    void aPacketWithNoRouteIsCountedAndTraced() throws UnknownHostException {
        TwoHostNetwork net = twoPaths();
        PacketTrace trace = new PacketTrace();
        net.network().addObserver(trace);
        client.send(InetAddress.getByName("192.0.2.1"), InetAddress.getByName("192.0.2.9"), 1, 100);

        net.network().runFor(Duration.ofSeconds(1));

        assertThat(net.client().sentPackets()).isEqualTo(1);
        assertThat(net.client().unroutablePackets()).isEqualTo(1);
        assertThat(trace.records()).extracting(TraceRecord::kind, TraceRecord::location, TraceRecord::reason)
                .containsExactly(
                        tuple(TraceKind.SENT, "client", null),
                        tuple(TraceKind.DROPPED, "client", DropReason.NO_ROUTE));
    }

    @Test
    void aStackThatSendsSomethingElseThanOneIpPacketFailsTheRun() {
        TwoHostNetwork net = twoPaths();
        byte[] packet = ProbeStack.packet(clientIpv4(0), serverIpv4(0), 1, 100);
        ByteBuffer withTrailingBytes = ByteBuffer.allocate(120).put(packet).clear();
        SimHost extra = net.network().addHost("sloppy");
        extra.install(new NetworkStack() {
            @Override
            public void handlePacket(long now, ByteBuffer received) {
            }

            @Override
            public int pollTransmit(long now, PacketSink sink) {
                return sink.accept(withTrailingBytes) ? 1 : 0;
            }

            @Override
            public long nextTimeout() {
                return Long.MAX_VALUE;
            }

            @Override
            public void handleTimeout(long now) {
            }
        });

        assertThatThrownBy(() -> net.network().runFor(1))
                .isInstanceOf(SimulationFailure.class)
                .hasMessageContaining("sloppy: the stack sent a malformed packet")
                .hasMessageContaining("says 100 bytes but the packet has 120");
    }

    @Test
    void topologyMistakesAreRefused() {
        SimNetwork sim = new SimNetwork(1);
        SimHost a = sim.addHost("a");
        SimHost b = sim.addHost("b");
        SimInterface a0 = a.addInterface("eth0", clientIpv4(0));
        SimInterface a1 = a.addInterface("eth1", clientIpv4(1));
        SimInterface b0 = b.addInterface("eth0", serverIpv4(0));
        sim.connect(a0, b0, LinkConfig.defaults());

        assertThatThrownBy(() -> sim.addHost("a")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> a.addInterface("eth0")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.addInterface("eth1", serverIpv4(0))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> sim.connect(a0, a1, LinkConfig.defaults()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> sim.connect(a1, b0, LinkConfig.defaults()))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> a.install(new ProbeStack()).install(new ProbeStack()))
                .isInstanceOf(IllegalStateException.class);
    }
}
