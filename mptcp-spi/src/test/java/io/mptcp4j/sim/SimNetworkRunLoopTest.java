package io.mptcp4j.sim;

import static io.mptcp4j.sim.SimNetwork.ORIGIN_NANOS;
import static io.mptcp4j.sim.TwoHostNetwork.clientIpv4;
import static io.mptcp4j.sim.TwoHostNetwork.serverIpv4;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mptcp4j.core.stack.NetworkStack;
import io.mptcp4j.core.stack.PacketSink;
import io.mptcp4j.core.time.Deadlines;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimNetworkRunLoopTest {

    private static final long MS = 1_000_000L;

    @Test
    void aTenMinuteTimerFiresAtOnceInWallTime() {
        SimNetwork sim = new SimNetwork(1);
        ProbeStack stack = new ProbeStack();
        sim.addHost("alone").install(stack);
        long tenMinutes = Duration.ofMinutes(10).toNanos();
        stack.armTimer(ORIGIN_NANOS + tenMinutes);
        long wallStart = System.nanoTime();

        long doneAt = sim.runUntil(() -> stack.timeouts() == 1, Duration.ofHours(1));

        assertThat(doneAt).isEqualTo(ORIGIN_NANOS + tenMinutes);
        assertThat(sim.now()).isEqualTo(doneAt);
        assertThat(sim.elapsedNanos()).isEqualTo(tenMinutes);
        assertThat(System.nanoTime() - wallStart).isLessThan(Duration.ofSeconds(2).toNanos());
    }

    @Test
    void theClockStartsAtTheOriginNotAtZero() {
        SimNetwork sim = new SimNetwork(1);

        assertThat(sim.now()).isEqualTo(ORIGIN_NANOS).isNotZero();
        assertThat(sim.context()).isEqualTo("seed=1, t=+0.000000000s");
    }

    @Test
    void theRandomGeneratorForApplicationsReplaysFromTheSeed() {
        assertThat(new SimNetwork(5).random().nextLong()).isEqualTo(new SimNetwork(5).random().nextLong())
                .isNotEqualTo(new SimNetwork(6).random().nextLong());
    }

    @Test
    void anUnboundedRunStopsWhenItsConditionHolds() {
        SimNetwork sim = new SimNetwork(1);
        ProbeStack stack = new ProbeStack();
        sim.addHost("alone").install(stack);
        stack.armTimer(ORIGIN_NANOS + 5 * MS);

        assertThat(sim.runUntil(() -> stack.timeouts() == 1, Long.MAX_VALUE)).isEqualTo(ORIGIN_NANOS + 5 * MS);
    }

    @Test
    void runForStopsExactlyAtItsEndEvenBetweenEvents() {
        SimNetwork sim = new SimNetwork(1);
        ProbeStack stack = new ProbeStack();
        sim.addHost("alone").install(stack);
        stack.armTimer(ORIGIN_NANOS + 10 * MS);

        sim.runFor(3 * MS);
        assertThat(sim.now()).isEqualTo(ORIGIN_NANOS + 3 * MS);
        assertThat(stack.timeouts()).isZero();

        sim.runFor(7 * MS);
        assertThat(sim.now()).isEqualTo(ORIGIN_NANOS + 10 * MS);
        assertThat(stack.timeouts()).as("an event at the end instant runs").isEqualTo(1);
    }

    @Test
    void actionsRunAtTheirInstantInSchedulingOrder() {
        SimNetwork sim = new SimNetwork(1);
        List<String> log = new ArrayList<>();
        sim.at(ORIGIN_NANOS + 5 * MS, () -> log.add("b@" + sim.elapsedNanos()));
        sim.at(ORIGIN_NANOS + 2 * MS, () -> log.add("a@" + sim.elapsedNanos()));
        sim.at(ORIGIN_NANOS + 5 * MS, () -> {
            log.add("c@" + sim.elapsedNanos());
            sim.after(0, () -> log.add("d@" + sim.elapsedNanos()));
        });

        sim.runFor(Duration.ofSeconds(1));

        assertThat(log).containsExactly("a@2000000", "b@5000000", "c@5000000", "d@5000000");
        assertThatThrownBy(() -> sim.at(ORIGIN_NANOS, () -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("before now");
    }

    @Test
    void anApplicationStepAnswersADeliveryAtTheSameInstant() {
        LinkConfig instant = LinkConfig.builder().rateBitsPerSecond(LinkConfig.UNLIMITED_RATE)
                .delay(Duration.ofMillis(10)).build();
        TwoHostNetwork net = SimNetwork.twoHosts(1, instant);
        ProbeStack client = new ProbeStack();
        ProbeStack server = new ProbeStack();
        net.client().install(client);
        net.server().install(server);
        List<Long> answeredAt = new ArrayList<>();
        net.network().addApplication(() -> {
            if (server.arrivals().size() > answeredAt.size()) {
                answeredAt.add(net.network().elapsedNanos());
                server.send(serverIpv4(0), clientIpv4(0), 2, 100);
            }
        });
        client.send(clientIpv4(0), serverIpv4(0), 1, 100);

        net.network().runUntil(() -> client.arrivals().size() == 1, Duration.ofSeconds(1));

        assertThat(answeredAt).containsExactly(10 * MS);
        assertThat(client.arrivals().get(0).time()).isEqualTo(ORIGIN_NANOS + 20 * MS);
    }

    @Test
    void anApplicationStepThatThrowsStopsTheRunWithTheSeed() {
        SimNetwork sim = new SimNetwork(8);
        sim.addHost("alone").install(new ProbeStack());
        sim.addApplication(() -> {
            throw new IllegalStateException("broken application");
        });

        assertThatThrownBy(() -> sim.runFor(Duration.ofSeconds(1)))
                .isInstanceOf(SimulationFailure.class)
                .hasMessageContaining("seed=8").hasMessageContaining("broken application");
    }

    @Test
    void runUntilFailsWithTheSeedWhenTheConditionNeverHolds() {
        TwoHostNetwork net = SimNetwork.twoHosts(1234, LinkConfig.defaults());
        net.client().install(new ProbeStack());
        net.server().install(new ProbeStack());

        assertThatThrownBy(() -> net.network().runUntil(() -> false, Duration.ofSeconds(3)))
                .isInstanceOf(SimulationFailure.class)
                .hasMessageContaining("seed=1234")
                .hasMessageContaining("went idle")
                .hasMessageContaining("link client:p0>server:p0");
        assertThat(net.network().elapsedNanos()).isEqualTo(Duration.ofSeconds(3).toNanos());
    }

    @Test
    void aTimerStillDueAfterItRanIsHeldBackByTheQuantumAndThenFails() {
        SimNetwork sim = new SimNetwork(77).livelockGuard(1_000, 50, 1_000);
        StuckTimerStack stuck = new StuckTimerStack(ORIGIN_NANOS + MS, Integer.MAX_VALUE);
        sim.addHost("stuck").install(stuck);

        assertThatThrownBy(() -> sim.runFor(Duration.ofSeconds(1)))
                .isInstanceOf(SimulationFailure.class)
                .hasMessageContaining("livelock")
                .hasMessageContaining("stuck")
                .hasMessageContaining("seed=77");
        assertThat(stuck.calls).isEqualTo(51);
        assertThat(sim.now()).isEqualTo(ORIGIN_NANOS + MS + 50 * 1_000);
    }

    @Test
    void aTimerThatRecoversOnlyCountsItsStalls() {
        SimNetwork sim = new SimNetwork(1).livelockGuard(1_000, 50, 1_000);
        StuckTimerStack briefly = new StuckTimerStack(ORIGIN_NANOS + MS, 5);
        sim.addHost("briefly").install(briefly);

        sim.runFor(Duration.ofSeconds(1));

        assertThat(briefly.calls).isEqualTo(6);
        assertThat(sim.timerStalls()).isEqualTo(5);
    }

    @Test
    void endlessWorkAtOneInstantFails() {
        LinkConfig instant = LinkConfig.builder().rateBitsPerSecond(LinkConfig.UNLIMITED_RATE).delayNanos(0).build();
        TwoHostNetwork net = SimNetwork.twoHosts(5, instant);
        ProbeStack client = new ProbeStack().echo();
        net.client().install(client);
        net.server().install(new ProbeStack().echo());
        net.network().livelockGuard(1_000, 10, 500);
        client.send(clientIpv4(0), serverIpv4(0), 1, 64);

        assertThatThrownBy(() -> net.network().runFor(Duration.ofSeconds(1)))
                .isInstanceOf(SimulationFailure.class)
                .hasMessageContaining("500 rounds")
                .hasMessageContaining("seed=5");
        assertThat(net.network().now()).isEqualTo(ORIGIN_NANOS);
    }

    @Test
    void anExceptionFromAStackCarriesTheSeedAndTheHost() {
        TwoHostNetwork net = SimNetwork.twoHosts(99, LinkConfig.defaults());
        ProbeStack client = new ProbeStack();
        net.client().install(client);
        net.server().install(new StuckTimerStack(Deadlines.NEVER, 0) {
            @Override
            public void handlePacket(long now, ByteBuffer packet) {
                throw new IllegalStateException("boom");
            }
        });
        client.send(clientIpv4(0), serverIpv4(0), 1, 64);

        assertThatThrownBy(() -> net.network().runFor(Duration.ofSeconds(1)))
                .isInstanceOf(SimulationFailure.class)
                .hasMessageContaining("server: handlePacket threw")
                .hasMessageContaining("seed=99")
                .hasRootCauseMessage("boom");
    }

    @Test
    void everyHostNeedsAStackBeforeTheRun() {
        SimNetwork sim = new SimNetwork(1);
        sim.addHost("bare");

        assertThatThrownBy(() -> sim.runFor(1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("bare");
    }

    @Test
    void theSameSeedReplaysTheSameTraceAndAnotherSeedDoesNot() {
        List<TraceRecord> first = impairedExchange(2024);
        List<TraceRecord> again = impairedExchange(2024);
        List<TraceRecord> other = impairedExchange(2025);

        assertThat(first).hasSizeGreaterThan(400);
        assertThat(again).isEqualTo(first);
        assertThat(other).isNotEqualTo(first);
    }

    /** Pings both ways over two lossy, reordering, duplicating, corrupting paths and returns the trace. */
    private static List<TraceRecord> impairedExchange(long seed) {
        LinkConfig rough = LinkConfig.builder().rateBitsPerSecond(10_000_000).delay(Duration.ofMillis(3))
                .queueLimitPackets(20).lossProbability(0.05).reordering(0.1, Duration.ofMillis(2))
                .duplicationProbability(0.05).corruptionProbability(0.05).build();
        TwoHostNetwork net = SimNetwork.twoHosts(seed, rough, rough);
        ProbeStack client = new ProbeStack();
        net.client().install(client);
        net.server().install(new ProbeStack().echo());
        PacketTrace trace = new PacketTrace();
        net.network().addObserver(trace);
        for (int i = 0; i < 100; i++) {
            int path = i % 2;
            int tag = i;
            net.network().at(ORIGIN_NANOS + i * 100_000L,
                    () -> client.send(clientIpv4(path), serverIpv4(path), tag, 100 + tag * 10));
        }
        net.network().runFor(Duration.ofSeconds(1));
        return trace.records();
    }

    /** A stack whose timer stays due for its first {@code stalls} runs, then disarms. */
    private static class StuckTimerStack implements NetworkStack {

        private final long deadline;
        private final int stalls;
        int calls;

        StuckTimerStack(long deadline, int stalls) {
            this.deadline = deadline;
            this.stalls = stalls;
        }

        @Override
        public void handlePacket(long now, ByteBuffer packet) {
        }

        @Override
        public int pollTransmit(long now, PacketSink sink) {
            return 0;
        }

        @Override
        public long nextTimeout() {
            return calls <= stalls ? deadline : Deadlines.NEVER;
        }

        @Override
        public void handleTimeout(long now) {
            calls++;
        }
    }
}
