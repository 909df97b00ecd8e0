package io.mptcp4j.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.mptcp4j.core.time.Deadlines;
import io.mptcp4j.core.time.ManualClock;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Each impairment with a fixed seed and a manual clock, over an in-memory device. */
class FaultInjectingDeviceTest {

    private static final long MS = 1_000_000L;
    private static final int N = 10_000;

    private final ManualClock clock = new ManualClock(1_000 * MS);
    private final MemoryDevice wire = new MemoryDevice();
    private final ByteBuffer[] buffers = buffers();

    private static ByteBuffer[] buffers() {
        ByteBuffer[] b = new ByteBuffer[Device.MAX_BATCH];
        for (int i = 0; i < b.length; i++) {
            b[i] = ByteBuffer.allocate(2048);
        }
        return b;
    }

    /** An IPv4-looking packet: a 20-byte header (version 4, IHL 5) and a payload carrying {@code tag}. */
    static byte[] ipv4(int tag) {
        ByteBuffer b = ByteBuffer.allocate(60);
        b.put(0, (byte) 0x45);
        b.putInt(40, tag);
        return b.array();
    }

    /** An IPv6-looking packet: a 40-byte header and a payload carrying {@code tag}. */
    static byte[] ipv6(int tag) {
        ByteBuffer b = ByteBuffer.allocate(80);
        b.put(0, (byte) 0x60);
        b.putInt(60, tag);
        return b.array();
    }

    static int tag(byte[] packet) {
        return ByteBuffer.wrap(packet).getInt((packet[0] & 0xf0) == 0x40 ? 40 : 60);
    }

    private FaultInjectingDevice.Builder device(long seed) {
        return FaultInjectingDevice.wrap(wire, seed).clock(clock);
    }

    /** Sends {@code count} tagged packets at the current instant and flushes. */
    private static void sendAll(FaultInjectingDevice d, int from, int count) throws Exception {
        for (int i = from; i < from + count; i++) {
            assertThat(d.send(ByteBuffer.wrap(ipv4(i)))).isTrue();
        }
        d.flush();
    }

    private List<Integer> sentTags() {
        return wire.drainSent().stream().map(FaultInjectingDeviceTest::tag).toList();
    }

    /** Receives everything due now, clearing the buffers before each call. */
    private List<byte[]> receiveAll(FaultInjectingDevice d) throws Exception {
        List<byte[]> out = new ArrayList<>();
        while (true) {
            for (ByteBuffer b : buffers) {
                b.clear();
            }
            int n = d.receive(buffers);
            for (int i = 0; i < n; i++) {
                byte[] bytes = new byte[buffers[i].remaining()];
                buffers[i].get(bytes);
                out.add(bytes);
            }
            if (n == 0) {
                return out;
            }
        }
    }

    private static void assertBalanced(FaultCounters c, long held) {
        assertThat(c.packets() + c.duplicated())
                .isEqualTo(c.dropped() + c.droppedLinkDown() + c.droppedOverflow() + c.delivered() + held);
    }

    @Test
    void withoutImpairmentsEverythingPassesInOrder() throws Exception {
        FaultInjectingDevice d = device(1).build();
        sendAll(d, 0, 100);
        assertThat(sentTags()).containsExactlyElementsOf(range(0, 100));
        for (int i = 0; i < 100; i++) {
            wire.inject(ipv6(i));
        }
        assertThat(receiveAll(d)).extracting(FaultInjectingDeviceTest::tag).containsExactlyElementsOf(range(0, 100));
        assertThat(d.transmitCounters()).isEqualTo(new FaultCounters(100, 0, 0, 0, 0, 0, 0, 0, 100));
        assertThat(d.receiveCounters().delivered()).isEqualTo(100);
        assertThat(d.nextDeadline(clock.nanos())).isEqualTo(Deadlines.NEVER);
    }

    @Nested
    class Drop {
        @Test
        void lossRateIsWithinBoundsAndSurvivorsKeepTheirOrder() throws Exception {
            FaultInjectingDevice d = device(42).transmit(Impairments.NONE.drop(0.2)).build();
            sendAll(d, 0, N);
            List<Integer> survivors = sentTags();
            FaultCounters c = d.transmitCounters();
            assertThat(c.dropped()).isBetween(1_800L, 2_200L);
            assertThat(survivors).hasSize((int) (N - c.dropped())).isSorted();
            assertBalanced(c, 0);
        }

        @Test
        void theSameSeedDropsTheSamePacketsAndAnotherSeedOthers() throws Exception {
            List<List<Integer>> runs = new ArrayList<>();
            for (long seed : new long[] {7, 7, 8}) {
                FaultInjectingDevice d = device(seed).transmit(Impairments.NONE.drop(0.5)).build();
                sendAll(d, 0, 200);
                runs.add(sentTags());
            }
            assertThat(runs.get(0)).isEqualTo(runs.get(1)).isNotEqualTo(runs.get(2));
        }

        @Test
        void receivedPacketsAreDroppedIndependentlyOfSentOnes() throws Exception {
            FaultInjectingDevice d = device(3).receive(Impairments.NONE.drop(0.1)).build();
            for (int i = 0; i < N; i++) {
                wire.inject(ipv4(i));
                if (i % 20 == 19) {
                    receiveAll(d);
                }
            }
            FaultCounters c = d.receiveCounters();
            assertThat(c.packets()).isEqualTo(N);
            assertThat(c.dropped()).isBetween(850L, 1_150L);
            assertThat(d.transmitCounters().packets()).isZero();
            assertBalanced(c, 0);
        }
    }

    @Nested
    class Corrupt {
        @Test
        void flipsExactlyOneBitAfterTheIpHeader() throws Exception {
            FaultInjectingDevice d = device(5).both(Impairments.NONE.corrupt(1.0)).build();
            for (int i = 0; i < 500; i++) {
                boolean v6 = i % 2 == 0;
                byte[] original = v6 ? ipv6(i) : ipv4(i);
                d.send(ByteBuffer.wrap(original));
                d.flush();
                byte[] sent = wire.drainSent().get(0);
                assertOneBitFlippedAfter(original, sent, v6 ? 40 : 20);
            }
            assertThat(d.transmitCounters().corrupted()).isEqualTo(500);
            wire.inject(ipv4(1));
            byte[] received = receiveAll(d).get(0);
            assertOneBitFlippedAfter(ipv4(1), received, 20);
        }

        @Test
        void corruptionRateIsWithinBounds() throws Exception {
            FaultInjectingDevice d = device(6).transmit(Impairments.NONE.corrupt(0.1)).build();
            sendAll(d, 0, N);
            List<byte[]> sent = wire.drainSent();
            long changed = 0;
            for (int i = 0; i < N; i++) {
                changed += Arrays.equals(sent.get(i), ipv4(i)) ? 0 : 1;
            }
            assertThat(changed).isEqualTo(d.transmitCounters().corrupted()).isBetween(850L, 1_150L);
        }

        private static void assertOneBitFlippedAfter(byte[] original, byte[] got, int header) {
            assertThat(got).hasSameSizeAs(original);
            int bits = 0;
            for (int i = 0; i < original.length; i++) {
                int diff = (original[i] ^ got[i]) & 0xff;
                if (diff != 0) {
                    assertThat(i).as("corrupted byte index").isGreaterThanOrEqualTo(header);
                }
                bits += Integer.bitCount(diff);
            }
            assertThat(bits).isEqualTo(1);
        }
    }

    @Test
    void duplicatesArriveOnceMoreAtTheGivenRate() throws Exception {
        FaultInjectingDevice d = device(9).transmit(Impairments.NONE.duplicate(0.25)).build();
        sendAll(d, 0, N);
        List<Integer> sent = sentTags();
        Map<Integer, Integer> copies = new HashMap<>();
        sent.forEach(t -> copies.merge(t, 1, Integer::sum));
        FaultCounters c = d.transmitCounters();
        assertThat(copies).hasSize(N);
        assertThat(copies.values()).allMatch(n -> n == 1 || n == 2);
        assertThat(sent).hasSize((int) (N + c.duplicated())).isSorted();
        assertThat(c.duplicated()).isBetween(2_250L, 2_750L);
        assertBalanced(c, 0);
    }

    @Nested
    class Delay {
        @Test
        void aDelayedPacketIsReleasedAtItsDueTimeInBothDirections() throws Exception {
            FaultInjectingDevice d = device(1).both(Impairments.NONE.delay(Duration.ofMillis(10), Duration.ZERO))
                    .build();
            long start = clock.nanos();
            sendAll(d, 0, 3);
            wire.inject(ipv4(7));
            assertThat(receiveAll(d)).isEmpty();
            assertThat(sentTags()).isEmpty();
            assertThat(d.nextDeadline(start)).isEqualTo(start + 10 * MS);
            assertThat(d.heldForSending()).isEqualTo(3);
            assertThat(d.heldReceived()).isEqualTo(1);

            clock.advanceTo(start + 10 * MS - 1);
            d.flush();
            assertThat(sentTags()).isEmpty();
            assertThat(receiveAll(d)).isEmpty();

            clock.advanceTo(start + 10 * MS);
            d.flush();
            assertThat(sentTags()).containsExactly(0, 1, 2);
            assertThat(receiveAll(d)).extracting(FaultInjectingDeviceTest::tag).containsExactly(7);
            assertThat(d.nextDeadline(clock.nanos())).isEqualTo(Deadlines.NEVER);
            assertThat(d.transmitCounters().delayed()).isEqualTo(3);
        }

        @Test
        void jitterAddsBetweenZeroAndItsBoundToTheFixedDelay() throws Exception {
            FaultInjectingDevice d = device(11)
                    .transmit(Impairments.NONE.delay(Duration.ofMillis(10), Duration.ofMillis(5))).build();
            long start = clock.nanos();
            sendAll(d, 0, 1_000);
            Map<Integer, Long> releasedAfter = new HashMap<>();
            for (long t = 0; t <= 16 * MS; t += MS / 10) {
                clock.advanceTo(start + t);
                d.flush();
                for (int tag : sentTags()) {
                    releasedAfter.put(tag, t);
                }
            }
            assertThat(releasedAfter).hasSize(1_000);
            assertThat(releasedAfter.values()).allMatch(t -> t >= 10 * MS && t <= 15 * MS);
            assertThat(releasedAfter.values().stream().distinct().count()).as("spread").isGreaterThan(40);
        }
    }

    @Test
    void reorderingHoldsSomePacketsBackSoLaterOnesOvertakeThem() throws Exception {
        FaultInjectingDevice d = device(13).transmit(Impairments.NONE.reorder(0.3, Duration.ofMillis(5))).build();
        List<Integer> sent = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) { // one packet per millisecond
            sendAll(d, i, 1);
            sent.addAll(sentTags());
            clock.advance(MS);
        }
        clock.advance(10 * MS);
        d.flush();
        sent.addAll(sentTags());
        assertThat(sent).containsExactlyInAnyOrderElementsOf(range(0, 1_000)).isNotEqualTo(range(0, 1_000));
        long overtaken = 0;
        for (int i = 1; i < sent.size(); i++) {
            overtaken += sent.get(i) < sent.get(i - 1) ? 1 : 0;
        }
        assertThat(overtaken).isPositive();
        assertThat(d.transmitCounters().reordered()).isBetween(250L, 350L);
    }

    @Test
    void aDownLinkLosesEverythingHeldPacketsIncludedUntilItIsUpAgain() throws Exception {
        FaultInjectingDevice d = device(1).both(Impairments.NONE.delay(Duration.ofMillis(10), Duration.ZERO))
                .build();
        sendAll(d, 0, 5);
        wire.inject(ipv4(100));
        receiveAll(d);
        assertThat(d.heldForSending()).isEqualTo(5);

        d.setLinkUp(false);
        assertThat(d.isLinkUp()).isFalse();
        sendAll(d, 5, 2);
        wire.inject(ipv4(101));
        assertThat(receiveAll(d)).isEmpty();
        clock.advance(20 * MS);
        d.flush();
        assertThat(sentTags()).isEmpty();
        assertThat(d.transmitCounters().droppedLinkDown()).isEqualTo(7);
        assertThat(d.receiveCounters().droppedLinkDown()).isEqualTo(2);

        d.setLinkUp(true);
        sendAll(d, 10, 1);
        wire.inject(ipv4(102));
        assertThat(receiveAll(d)).as("held for its delay").isEmpty();
        clock.advance(10 * MS);
        d.flush();
        assertThat(sentTags()).containsExactly(10);
        assertThat(receiveAll(d)).extracting(FaultInjectingDeviceTest::tag).containsExactly(102);
        assertBalanced(d.transmitCounters(), d.heldForSending());
        assertBalanced(d.receiveCounters(), d.heldReceived());
    }

    @Test
    void aFullHoldRefusesSendsUntilPacketsLeave() throws Exception {
        FaultInjectingDevice d = device(1).holdLimit(3)
                .transmit(Impairments.NONE.delay(Duration.ofMillis(1), Duration.ZERO)).build();
        for (int i = 0; i < 3; i++) {
            assertThat(d.send(ByteBuffer.wrap(ipv4(i)))).isTrue();
        }
        assertThat(d.send(ByteBuffer.wrap(ipv4(3)))).isFalse();
        clock.advance(MS);
        d.flush();
        assertThat(d.send(ByteBuffer.wrap(ipv4(3)))).isTrue();
        assertThat(sentTags()).containsExactly(0, 1, 2);
    }

    @Test
    void impairmentsCanChangeWhileRunning() throws Exception {
        FaultInjectingDevice d = device(1).build();
        sendAll(d, 0, 10);
        d.setTransmitImpairments(Impairments.NONE.drop(1.0));
        sendAll(d, 10, 10);
        d.setTransmitImpairments(Impairments.NONE);
        sendAll(d, 20, 10);
        assertThat(sentTags()).containsExactlyElementsOf(concat(range(0, 10), range(20, 30)));
    }

    private static List<Integer> range(int from, int to) {
        List<Integer> list = new ArrayList<>();
        for (int i = from; i < to; i++) {
            list.add(i);
        }
        return list;
    }

    private static List<Integer> concat(List<Integer> a, List<Integer> b) {
        List<Integer> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
