package io.mptcp4j.core.mptcp;

import io.mptcp4j.core.mptcp.MptcpStatistics.Counter;
import io.mptcp4j.core.wire.Dss;
import io.mptcp4j.core.wire.TcpSegment;
import io.mptcp4j.sim.LinkConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static io.mptcp4j.sim.TwoHostNetwork.clientIpv4;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Mappings that cover several segments (RFC 8684 section 3.3.1): the segment that begins a mapping carries it,
 * the new segments that continue it carry only the DATA_ACK, and retransmissions repeat the whole mapping. Checked
 * on the wire with a {@link MappingWitness} and end to end with hashed streams; the Linux kernel's side is checked
 * by the interop tests ({@code MptcpStackInteropTest}).
 */
class MptcpMappingSpanTest {

    private static final long MEGABYTE = 1024 * 1024;
    private static final LinkConfig LINK = LinkConfig.builder().rateBitsPerSecond(100_000_000L)
            .delay(Duration.ofMillis(10)).build();
    /** MSS 1460 less timestamps (12): a continuation of a sender whose DATA_ACK has not moved carries no DSS. */
    private static final int BARE_CONTINUATION_PAYLOAD = 1448;
    /** MSS 1460 less timestamps (10) and an 18-byte DSS with a 64-bit DSN and no DATA_ACK, padded together. */
    private static final int MAPPING_PAYLOAD = 1432;

    private static MptcpPair pair(long seed, MptcpConfig config, long up, long down, LinkConfig... paths) {
        MptcpPair pair = new MptcpPair(seed, config, paths.length == 0 ? new LinkConfig[] {LINK} : paths);
        pair.streams(seed, up, seed + 1, down);
        return pair;
    }

    private static void runToTheEnd(MptcpPair pair) {
        pair.runUntilClosed(Duration.ofSeconds(120));
        pair.up.assertTransferred();
        pair.down.assertTransferred();
        assertThat(pair.clientConnection.error()).as(pair.context()).isNull();
        assertThat(pair.serverConnection.error()).as(pair.context()).isNull();
        assertThat(pair.clientConnection.isFallback()).as(pair.context()).isFalse();
        assertThat(pair.serverConnection.isFallback()).as(pair.context()).isFalse();
        for (MptcpStack stack : new MptcpStack[] {pair.client, pair.server}) {
            assertThat(stack.statistics().get(Counter.DSS_NOT_MATCHING)).as(pair.context()).isZero();
            assertThat(stack.statistics().get(Counter.DSS_NO_MATCH_TCP)).as(pair.context()).isZero();
            assertThat(stack.statistics().get(Counter.DSS_FALLBACK)).as(pair.context()).isZero();
        }
    }

    /** The flow of data segments from the client's first address to the server. */
    private static MappingWitness.Flow upload(MappingWitness witness) {
        return witness.flows().entrySet().stream()
                .filter(e -> e.getKey().startsWith(clientIpv4(0).getHostAddress() + ":"))
                .filter(e -> e.getValue().dataSegments > 0)
                .findFirst().orElseThrow().getValue();
    }


    @Test
    void aMappingSpansSeveralSegmentsAndTheOthersCarryNoMappingAndNoRepeatedDataAck() {
        MptcpPair pair = pair(60, MptcpConfig.defaults(), 4 * MEGABYTE, 1000);
        MappingWitness witness = MappingWitness.on(pair.network());
        pair.connect();
        runToTheEnd(pair);

        witness.verify();
        MappingWitness.Flow up = upload(witness);
        long longest = up.mappings.values().stream().mapToLong(MappingWitness.WireMapping::length).max().orElse(0);
        // Each mapping takes what the subflow queued before its first segment left: several segments, most of
        // which carry no mapping.
        assertThat(longest).as("longest mapping").isGreaterThanOrEqualTo(4L * BARE_CONTINUATION_PAYLOAD);
        assertThat(up.continuations).as("continuations").isGreaterThan(up.mappingSegments);
        // Once the download's bytes were acknowledged with a DATA_ACK the peer got, the DATA_ACK stopped moving:
        // the continuations after that carry no DSS and as much payload as plain TCP's segments.
        assertThat(up.bareContinuations).as("continuations without a DSS").isGreaterThan(up.continuations * 9 / 10);
        assertThat(up.continuationPayloads).as("the option space freed goes to payload")
                .contains(BARE_CONTINUATION_PAYLOAD).allMatch(n -> n <= BARE_CONTINUATION_PAYLOAD);
        // Sent, counted by the sender; a few were lost in the queue while slow start overshot.
        assertThat(pair.clientConnection.statistics().get(Counter.MAPPING_CONTINUATIONS_TX))
                .isGreaterThanOrEqualTo(up.continuations);
    }

    @Test
    void mappingsAreWholeSegmentsSoABulkTransferSendsNoShortSegments() {
        // Two paths share the data: every mapping a subflow gets is cut to the room an acknowledgment freed,
        // which, left as it is, ends in a short segment of its own (a third of the segments, measured against
        // the kernel). Rounded up to whole segments, only the stream's last bytes may leave short.
        LinkConfig path = LinkConfig.builder().rateBitsPerSecond(50_000_000L).delay(Duration.ofMillis(5)).build();
        // A fixed 4 MB window: a sender held back by the peer's window sends what the window allows, short or not.
        MptcpConfig fixedWindow = MptcpConfig.builder().receiveBufferAutoTuning(false).build();
        MptcpPair pair = pair(66, fixedWindow, 8 * MEGABYTE, 1000, path, path).withAllPathAddresses();
        MappingWitness witness = MappingWitness.on(pair.network());
        pair.connect();
        runToTheEnd(pair);

        witness.verify();
        int segments = 0;
        int short_ = 0;
        for (var e : witness.flows().entrySet()) {
            boolean fromClient = e.getKey().startsWith(clientIpv4(0).getHostAddress() + ":")
                    || e.getKey().startsWith(clientIpv4(1).getHostAddress() + ":");
            if (!fromClient) {
                continue;
            }
            for (int n : e.getValue().payloads) {
                segments++;
                // A segment that begins a mapping carries 12 option bytes more than one that continues it.
                if (n < 1428) { // a full segment carries 1428 payload bytes at least (22-byte DSS)
                    short_++;
                }
            }
        }
        assertThat(segments).as("data segments of the upload").isGreaterThan(8 * (int) MEGABYTE / 1460);
        assertThat(pair.clientConnection.subflows()).as("subflows").hasSize(2);
        assertThat(short_).as("short data segments of %d", segments).isLessThanOrEqualTo(segments / 200);
    }

    @Test
    void aLostMiddleSegmentIsResentWithItsWholeMappingWhileTheFirstIsMissing() {
        MptcpPair pair = pair(61, MptcpConfig.defaults(), 2 * MEGABYTE, 1000);
        AtomicLong first = new AtomicLong(-1);
        AtomicLong middle = new AtomicLong(-1);
        AtomicInteger firstLength = new AtomicInteger();
        AtomicInteger mappingsSeen = new AtomicInteger();
        AtomicReference<Dss> resent = new AtomicReference<>();
        // Drop the first transmissions of the 100th mapping of several segments and of the segment after it: the
        // peer has not got the mapping when the second one is resent, so that one must bring it.
        pair.net.path(0).aToB().mutator(Middlebox.rewriting(s -> {
            Dss d = Middlebox.dss(s);
            if (s.payloadLength() == 0) {
                return s;
            }
            if (first.get() < 0 && d != null && d.hasMapping() && d.dataLevelLength() > s.payloadLength()
                    && mappingsSeen.incrementAndGet() == 100) {
                first.set(s.sequenceNumber());
                firstLength.set(s.payloadLength());
                return null;
            }
            if (first.get() >= 0 && middle.get() < 0 && (d == null || !d.hasMapping())
                    && s.sequenceNumber() == ((first.get() + firstLength.get()) & 0xFFFF_FFFFL)) {
                middle.set(s.sequenceNumber());
                return null;
            }
            if (s.sequenceNumber() == middle.get() && resent.get() == null) {
                resent.set(d);
            }
            return s;
        }));
        MappingWitness witness = MappingWitness.on(pair.network());
        pair.connect();
        runToTheEnd(pair);

        witness.verify();
        assertThat(middle.get()).as("a continuation right after the dropped first segment").isNotNegative();
        assertThat(resent.get()).as("the retransmission's DSS").isNotNull();
        assertThat(resent.get().hasMapping()).as("the retransmission carries its mapping").isTrue();
        MappingWitness.WireMapping original = upload(witness).mappings.get(resent.get().subflowSequenceNumber());
        assertThat(original).as("the mapping the retransmission repeats").isNotNull();
        assertThat(resent.get().dataSequenceNumber()).isEqualTo(original.dsn());
        assertThat(resent.get().dataLevelLength()).isEqualTo(original.length());
        assertThat(upload(witness).repeatedMappings).isPositive();
    }

    @Test
    void aLostMiddleSegmentIsResentWithItsWholeMappingAndSplitToMakeRoomForIt() {
        MptcpPair pair = pair(65, MptcpConfig.defaults(), 2 * MEGABYTE, 1000);
        AtomicLong dropped = new AtomicLong(-1);
        AtomicInteger continuationsSeen = new AtomicInteger();
        AtomicInteger droppedLength = new AtomicInteger();
        AtomicReference<TcpSegment> resent = new AtomicReference<>();
        // Drop the first transmission of the 300th full-sized continuation alone (the peer has its mapping already).
        pair.net.path(0).aToB().mutator(Middlebox.rewriting(s -> {
            Dss d = Middlebox.dss(s);
            if (s.payloadLength() == 0) {
                return s;
            }
            if (dropped.get() < 0 && (d == null || !d.hasMapping()) && s.payloadLength() == BARE_CONTINUATION_PAYLOAD
                    && continuationsSeen.incrementAndGet() == 300) {
                dropped.set(s.sequenceNumber());
                droppedLength.set(s.payloadLength());
                return null;
            }
            if (s.sequenceNumber() == dropped.get() && resent.get() == null) {
                resent.set(s);
            }
            return s;
        }));
        MappingWitness witness = MappingWitness.on(pair.network());
        pair.connect();
        runToTheEnd(pair);

        witness.verify();
        assertThat(droppedLength.get()).isEqualTo(BARE_CONTINUATION_PAYLOAD);
        assertThat(resent.get()).as("the retransmission").isNotNull();
        Dss d = Middlebox.dss(resent.get());
        assertThat(d.hasMapping()).as("the retransmission carries its mapping").isTrue();
        assertThat(d.subflowSequenceNumber()).as("the mapping begins before it")
                .isLessThan(upload(witness).isn < 0 ? 0 : (dropped.get() - upload(witness).isn) & 0xFFFF_FFFFL);
        // The mapping takes 16 bytes of the payload it replaces: the rest follows in a segment of its own.
        assertThat(resent.get().payloadLength()).isEqualTo(MAPPING_PAYLOAD);
    }

    @Test
    void aLostFirstSegmentTakesItsMappingAlongWhenResent() {
        MptcpPair pair = pair(62, MptcpConfig.defaults(), 2 * MEGABYTE, 1000);
        AtomicLong dropped = new AtomicLong(-1);
        AtomicInteger mappingsSeen = new AtomicInteger();
        // Drop the first transmission of the 100th segment that begins a mapping: the segments that continue
        // it arrive first, without a mapping, and wait for the retransmission to bring it.
        pair.net.path(0).aToB().mutator(Middlebox.rewriting(s -> {
            Dss d = Middlebox.dss(s);
            if (s.payloadLength() > 0 && d != null && d.hasMapping() && dropped.get() < 0
                    && mappingsSeen.incrementAndGet() == 100) {
                dropped.set(s.sequenceNumber());
                return null;
            }
            return s;
        }));
        MappingWitness witness = MappingWitness.on(pair.network());
        pair.connect();
        runToTheEnd(pair);

        witness.verify();
        assertThat(dropped.get()).isNotNegative();
        assertThat(pair.clientConnection.statistics().get(Counter.MAPPING_CONTINUATIONS_TX)).isPositive();
    }

    @Test
    void underRandomLossEveryDataSegmentIsCoveredBothWays() {
        LinkConfig lossy = LinkConfig.builder().rateBitsPerSecond(100_000_000L).delay(Duration.ofMillis(10))
                .lossProbability(0.02).build();
        MptcpPair pair = pair(63, MptcpConfig.defaults(), 4 * MEGABYTE, 4 * MEGABYTE, lossy);
        MappingWitness witness = MappingWitness.on(pair.network());
        pair.connect();
        runToTheEnd(pair);

        witness.verify();
        assertThat(witness.total(f -> f.continuations)).isPositive();
        assertThat(witness.total(f -> f.repeatedMappings)).as("retransmissions repeating a mapping").isPositive();
    }

    @Test
    void reinjectedDataBeginsNewMappingsOnTheOtherSubflow() {
        MptcpPair pair = pair(64, MptcpConfig.defaults(), 12 * MEGABYTE, 1000, MptcpMultipathTest.path(20, 10),
                MptcpMultipathTest.path(20, 10)).withAllPathAddresses();
        MappingWitness witness = MappingWitness.on(pair.network());
        MptcpConnection c = pair.connect();
        pair.network().at(pair.network().now() + Duration.ofSeconds(2).toNanos(),
                () -> MptcpMultipathTest.setPath(pair, 0, false));
        runToTheEnd(pair);

        witness.verify();
        assertThat(c.statistics().get(Counter.SUBFLOW_LINK_DOWN)).isEqualTo(1);
        assertThat(c.statistics().get(Counter.RETRANSMISSIONS)).as("bytes reinjected").isPositive();
        Set<String> carrying = new HashSet<>();
        Set<String> clients = Set.of(clientIpv4(0).getHostAddress(), clientIpv4(1).getHostAddress());
        witness.flows().forEach((key, f) -> {
            String source = key.substring(0, key.indexOf(':'));
            if (f.continuations > 0 && clients.contains(source)) {
                carrying.add(source);
            }
        });
        assertThat(carrying).as("client addresses whose subflows sent continuations").isEqualTo(clients);
    }
}
