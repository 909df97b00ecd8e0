package io.mptcp4j.sim;

import static io.mptcp4j.sim.SimNetwork.ORIGIN_NANOS;
import static io.mptcp4j.sim.TwoHostNetwork.clientIpv4;
import static io.mptcp4j.sim.TwoHostNetwork.clientIpv6;
import static io.mptcp4j.sim.TwoHostNetwork.serverIpv4;
import static io.mptcp4j.sim.TwoHostNetwork.serverIpv6;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SimLinkImpairmentTest {

    private static final long MS = 1_000_000L;
    private static final LinkConfig CLEAN = LinkConfig.builder()
            .rateBitsPerSecond(12_000_000)
            .delay(Duration.ofMillis(10))
            .queueLimitPackets(LinkConfig.UNLIMITED_QUEUE)
            .build();

    private final ProbeStack client = new ProbeStack();
    private final ProbeStack server = new ProbeStack();

    private TwoHostNetwork network(long seed, LinkConfig config) {
        TwoHostNetwork net = SimNetwork.twoHosts(seed, config);
        net.client().install(client);
        net.server().install(server);
        return net;
    }

    private void send(int count, int size) {
        for (int i = 0; i < count; i++) {
            client.send(clientIpv4(0), serverIpv4(0), i, size);
        }
    }

    @Test
    void randomLossStaysWithinStatisticalBounds() {
        TwoHostNetwork net = network(11, CLEAN.toBuilder().rateBitsPerSecond(LinkConfig.UNLIMITED_RATE)
                .lossProbability(0.1).build());
        send(10_000, 100);

        net.network().runFor(Duration.ofSeconds(1));

        // 1000 expected, standard deviation 30: five of them either way.
        long lost = net.path(0).aToB().counters().droppedPackets(DropReason.RANDOM_LOSS);
        assertThat(lost).as(net.network().context()).isBetween(850L, 1150L);
        assertThat(server.arrivals()).hasSize(10_000 - (int) lost);
        assertThat(server.arrivedTags()).isSorted();
    }

    @Test
    void aLostPacketStillOccupiesTheWire() {
        TwoHostNetwork net = network(3, CLEAN.toBuilder().lossProbability(1).build());
        send(1, 1500);
        net.network().runFor(0);
        net.path(0).aToB().reconfigure(CLEAN);
        send(1, 1500);

        net.network().runUntil(() -> server.arrivals().size() == 1, Duration.ofSeconds(1));

        assertThat(server.arrivals().get(0).time()).isEqualTo(ORIGIN_NANOS + 12 * MS);
    }

    @Test
    void reorderingHoldsSomePacketsBehindLaterOnes() {
        TwoHostNetwork net = network(5, CLEAN.toBuilder().reordering(0.2, Duration.ofMillis(5)).build());
        send(200, 1500);

        net.network().runUntil(() -> server.arrivals().size() == 200, Duration.ofSeconds(2));

        List<Long> tags = server.arrivedTags();
        assertThat(tags).containsExactlyInAnyOrderElementsOf(range(200));
        assertThat(tags).isNotEqualTo(range(200));
        long reordered = net.path(0).aToB().counters().reorderedPackets();
        assertThat(reordered).as(net.network().context()).isBetween(20L, 60L);
        // A held-back packet arrives exactly 5 ms late.
        for (ProbeStack.Arrival arrival : server.arrivals()) {
            long onTime = ORIGIN_NANOS + (arrival.tag() + 1 + 10) * MS;
            assertThat(arrival.time()).isIn(onTime, onTime + 5 * MS);
        }
    }

    @Test
    void duplicationDeliversEveryDuplicatedPacketTwice() {
        TwoHostNetwork net = network(7, CLEAN.toBuilder().duplicationProbability(1).build());
        send(20, 500);

        net.network().runFor(Duration.ofSeconds(1));

        Map<Long, Long> copies = server.arrivedTags().stream()
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        assertThat(copies).hasSize(20).allSatisfy((tag, count) -> assertThat(count).isEqualTo(2));
        assertThat(net.path(0).aToB().counters().duplicatedPackets()).isEqualTo(20);
        assertThat(net.path(0).aToB().counters().deliveredPackets()).isEqualTo(40);
    }

    @Test
    void duplicationRateStaysWithinStatisticalBounds() {
        TwoHostNetwork net = network(8, CLEAN.toBuilder().rateBitsPerSecond(LinkConfig.UNLIMITED_RATE)
                .duplicationProbability(0.25).build());
        send(4000, 100);

        net.network().runFor(Duration.ofSeconds(1));

        // 1000 expected, standard deviation 27.
        long duplicated = net.path(0).aToB().counters().duplicatedPackets();
        assertThat(duplicated).as(net.network().context()).isBetween(865L, 1135L);
        assertThat(server.arrivals()).hasSize(4000 + (int) duplicated);
    }

    @Test
    void corruptionFlipsOneBitBehindTheIpv4Header() {
        assertEachArrivalHasOneBitFlippedAfter(clientIpv4(0), serverIpv4(0), IpHeaders.IPV4_HEADER);
    }

    @Test
    void corruptionFlipsOneBitBehindTheIpv6Header() {
        assertEachArrivalHasOneBitFlippedAfter(clientIpv6(0), serverIpv6(0), IpHeaders.IPV6_HEADER);
    }

    private void assertEachArrivalHasOneBitFlippedAfter(InetAddress source, InetAddress destination, int header) {
        TwoHostNetwork net = network(9, CLEAN.toBuilder().corruptionProbability(1).build());
        List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            sent.add(ProbeStack.packet(source, destination, i, 200));
            client.send(source, destination, i, 200);
        }

        net.network().runUntil(() -> server.arrivals().size() == 50, Duration.ofSeconds(1));

        List<Integer> flippedBytes = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            byte[] original = sent.get(i);
            byte[] arrived = server.arrivals().get(i).packet();
            int differingBits = 0;
            for (int b = 0; b < original.length; b++) {
                int bits = Integer.bitCount((original[b] ^ arrived[b]) & 0xFF);
                if (bits > 0) {
                    flippedBytes.add(b);
                    assertThat(b).isGreaterThanOrEqualTo(header);
                }
                differingBits += bits;
            }
            assertThat(differingBits).isEqualTo(1);
        }
        assertThat(new HashSet<>(flippedBytes)).as("the flipped bit moves around").hasSizeGreaterThan(25);
        assertThat(net.path(0).aToB().counters().corruptedPackets()).isEqualTo(50);
    }

    @Test
    void goingDownDropsWhatIsInFlightAndWhatIsOffered() {
        TwoHostNetwork net = network(1, CLEAN);
        SimNetwork sim = net.network();
        SimLink link = net.path(0).aToB();
        PacketTrace trace = new PacketTrace();
        sim.addObserver(trace);
        send(5, 1500);
        sim.at(ORIGIN_NANOS + 3 * MS, () -> net.path(0).setUp(false));
        sim.at(ORIGIN_NANOS + 4 * MS, () -> client.send(clientIpv4(0), serverIpv4(0), 5, 1500));

        sim.runFor(Duration.ofMillis(20));

        assertThat(server.arrivals()).isEmpty();
        assertThat(link.isUp()).isFalse();
        assertThat(link.inFlightPackets()).isZero();
        assertThat(link.queuedPackets()).isZero();
        assertThat(link.counters().droppedPackets(DropReason.LINK_DOWN)).isEqualTo(6);
        assertThat(trace.records()).filteredOn(r -> r.kind() == TraceKind.DROPPED)
                .extracting(TraceRecord::time, r -> ProbeStack.tagOf(r.bytes()))
                .containsExactly(
                        tuple(ORIGIN_NANOS + 3 * MS, 0L),
                        tuple(ORIGIN_NANOS + 3 * MS, 1L),
                        tuple(ORIGIN_NANOS + 3 * MS, 2L),
                        tuple(ORIGIN_NANOS + 3 * MS, 3L),
                        tuple(ORIGIN_NANOS + 3 * MS, 4L),
                        tuple(ORIGIN_NANOS + 4 * MS, 5L));
    }

    @Test
    void comingBackUpCarriesPacketsAgainOnAnIdleWire() {
        TwoHostNetwork net = network(1, CLEAN);
        SimNetwork sim = net.network();
        send(5, 1500);
        sim.at(ORIGIN_NANOS + 3 * MS, () -> net.path(0).setUp(false));
        sim.at(ORIGIN_NANOS + 20 * MS, () -> net.path(0).setUp(true));
        sim.at(ORIGIN_NANOS + 21 * MS, () -> client.send(clientIpv4(0), serverIpv4(0), 6, 1500));

        sim.runUntil(() -> server.arrivals().size() == 1, Duration.ofSeconds(1));

        assertThat(net.path(0).isUp()).isTrue();
        assertThat(server.arrivals().get(0).tag()).isEqualTo(6);
        assertThat(server.arrivals().get(0).time()).isEqualTo(ORIGIN_NANOS + 32 * MS);
    }

    private static List<Long> range(int count) {
        List<Long> values = new ArrayList<>();
        for (long i = 0; i < count; i++) {
            values.add(i);
        }
        return values;
    }
}
