package io.mptcp4j.sim;

import static io.mptcp4j.sim.SimNetwork.ORIGIN_NANOS;
import static io.mptcp4j.sim.TwoHostNetwork.clientIpv4;
import static io.mptcp4j.sim.TwoHostNetwork.serverIpv4;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SimLinkTimingTest {

    private static final long MS = 1_000_000L;
    /** 1500 bytes at 12 Mbit/s take exactly 1 ms to serialize. */
    private static final LinkConfig TWELVE_MBIT_TEN_MS = LinkConfig.builder()
            .rateBitsPerSecond(12_000_000)
            .delay(Duration.ofMillis(10))
            .queueLimitPackets(LinkConfig.UNLIMITED_QUEUE)
            .build();

    private final ProbeStack client = new ProbeStack();
    private final ProbeStack server = new ProbeStack();

    private TwoHostNetwork network(LinkConfig config) {
        TwoHostNetwork net = SimNetwork.twoHosts(1, config);
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
    void serializationQueuesABurstAndPropagationDelaysEachPacket() {
        TwoHostNetwork net = network(TWELVE_MBIT_TEN_MS);
        send(3, 1500);

        net.network().runUntil(() -> server.arrivals().size() == 3, Duration.ofSeconds(1));

        assertThat(server.arrivals()).extracting(ProbeStack.Arrival::time).containsExactly(
                ORIGIN_NANOS + 11 * MS, ORIGIN_NANOS + 12 * MS, ORIGIN_NANOS + 13 * MS);
        assertThat(server.arrivedTags()).containsExactly(0L, 1L, 2L);
    }

    @Test
    void serializationIsProportionalToSizeAndRoundsUpToANanosecond() {
        TwoHostNetwork net = network(TWELVE_MBIT_TEN_MS.toBuilder().rateBitsPerSecond(7_000_000).build());
        send(1, 100); // 800 bits at 7 Mbit/s: 114285.71 ns, so 114286

        net.network().runUntil(() -> server.arrivals().size() == 1, Duration.ofSeconds(1));

        assertThat(server.arrivals().get(0).time()).isEqualTo(ORIGIN_NANOS + 114_286 + 10 * MS);
    }

    @Test
    void anUnlimitedRateLeavesOnlyThePropagationDelay() {
        TwoHostNetwork net = network(TWELVE_MBIT_TEN_MS.toBuilder()
                .rateBitsPerSecond(LinkConfig.UNLIMITED_RATE).delay(Duration.ofMillis(7)).build());
        send(5, 1500);

        net.network().runUntil(() -> server.arrivals().size() == 5, Duration.ofSeconds(1));

        assertThat(server.arrivals()).extracting(ProbeStack.Arrival::time).containsOnly(ORIGIN_NANOS + 7 * MS);
        assertThat(server.arrivedTags()).containsExactly(0L, 1L, 2L, 3L, 4L);
    }

    @Test
    void aPacketOfferedToAnIdleLinkStartsAtOnce() {
        TwoHostNetwork net = network(TWELVE_MBIT_TEN_MS);
        send(1, 1500);
        net.network().at(ORIGIN_NANOS + 5 * MS, () -> client.send(clientIpv4(0), serverIpv4(0), 1, 1500));

        net.network().runUntil(() -> server.arrivals().size() == 2, Duration.ofSeconds(1));

        assertThat(server.arrivals()).extracting(ProbeStack.Arrival::time)
                .containsExactly(ORIGIN_NANOS + 11 * MS, ORIGIN_NANOS + 16 * MS);
    }

    @Test
    void theRepliesTakeTheReverseDirectionWithItsOwnDelay() {
        TwoHostNetwork net = SimNetwork.twoHosts(1, LinkConfig.defaults());
        net.path(0).bToA().reconfigure(TWELVE_MBIT_TEN_MS.toBuilder().delay(Duration.ofMillis(30)).build());
        net.path(0).aToB().reconfigure(TWELVE_MBIT_TEN_MS);
        net.client().install(client);
        net.server().install(server.echo());
        send(1, 1500);

        net.network().runUntil(() -> client.arrivals().size() == 1, Duration.ofSeconds(1));

        assertThat(client.arrivals().get(0).time()).isEqualTo(ORIGIN_NANOS + (1 + 10 + 1 + 30) * MS);
    }

    @Test
    void aBurstBeyondThePacketLimitIsDroppedAtTheTail() {
        TwoHostNetwork net = network(TWELVE_MBIT_TEN_MS.toBuilder().queueLimitPackets(4).build());
        SimLink link = net.path(0).aToB();
        PacketTrace trace = new PacketTrace();
        net.network().addObserver(trace);
        send(10, 1500);

        net.network().runFor(0);

        // One on the wire, four waiting, five dropped.
        assertThat(link.queuedPackets()).isEqualTo(4);
        assertThat(link.queuedBytes()).isEqualTo(6000);
        assertThat(link.counters().droppedPackets(DropReason.QUEUE_FULL)).isEqualTo(5);
        assertThat(trace.records()).filteredOn(r -> r.kind() == TraceKind.DROPPED)
                .extracting(r -> ProbeStack.tagOf(r.bytes())).containsExactly(5L, 6L, 7L, 8L, 9L);

        net.network().runFor(2 * MS + MS / 2);
        assertThat(link.queuedPackets()).as("packets 1 and 2 have left the queue").isEqualTo(2);
        send(1, 1500);
        net.network().runUntil(() -> server.arrivals().size() == 6, Duration.ofSeconds(1));

        assertThat(server.arrivedTags()).containsExactly(0L, 1L, 2L, 3L, 4L, 0L);
        assertThat(server.arrivals().get(5).time()).isEqualTo(ORIGIN_NANOS + 16 * MS);
        assertThat(link.counters().droppedPackets(DropReason.QUEUE_FULL)).isEqualTo(5);
    }

    @Test
    void theByteLimitCountsOnlyWaitingBytes() {
        TwoHostNetwork net = network(TWELVE_MBIT_TEN_MS.toBuilder().queueLimitBytes(3000).build());
        SimLink link = net.path(0).aToB();
        send(10, 1000);

        net.network().runUntil(() -> link.inFlightPackets() == 0, Duration.ofSeconds(1));

        assertThat(server.arrivedTags()).containsExactly(0L, 1L, 2L, 3L);
        assertThat(link.counters().droppedPackets(DropReason.QUEUE_FULL)).isEqualTo(6);
        assertThat(link.counters().droppedBytes(DropReason.QUEUE_FULL)).isEqualTo(6000);
    }

    @Test
    void aZeroQueueTakesOnlyWhatTheIdleWireCanCarry() {
        TwoHostNetwork net = network(TWELVE_MBIT_TEN_MS.toBuilder().queueLimitPackets(0).build());
        send(3, 1500);

        net.network().runFor(Duration.ofMillis(50));

        assertThat(server.arrivedTags()).containsExactly(0L);
    }

    @Test
    void countersBalance() {
        TwoHostNetwork net = network(TWELVE_MBIT_TEN_MS.toBuilder().queueLimitPackets(20).lossProbability(0.2)
                .duplicationProbability(0.2).build());
        SimLink link = net.path(0).aToB();
        send(50, 700);

        net.network().runFor(Duration.ofMillis(15));
        LinkCounters counters = link.counters();
        assertThat(counters.offeredPackets() + counters.duplicatedPackets())
                .isEqualTo(counters.deliveredPackets() + counters.droppedPackets() + link.inFlightPackets());
        assertThat(link.inFlightPackets()).isPositive();
        assertThat(counters.deliveredPackets()).isPositive();

        net.network().runFor(Duration.ofSeconds(1));
        assertThat(counters.offeredPackets()).isEqualTo(50);
        assertThat(counters.offeredBytes()).isEqualTo(50 * 700);
        assertThat(counters.offeredPackets() + counters.duplicatedPackets())
                .isEqualTo(counters.deliveredPackets() + counters.droppedPackets());
        assertThat(counters.deliveredPackets()).isEqualTo(server.arrivals().size());
        assertThat(counters.deliveredBytes()).isEqualTo(700L * server.arrivals().size());
    }
}
