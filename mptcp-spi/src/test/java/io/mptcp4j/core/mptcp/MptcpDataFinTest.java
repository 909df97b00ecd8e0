package io.mptcp4j.core.mptcp;

import io.mptcp4j.core.wire.Dss;
import io.mptcp4j.core.wire.TcpOption;
import io.mptcp4j.core.wire.TcpSegment;
import io.mptcp4j.sim.LinkConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The end of a stream reaches the peer with its last bytes (RFC 8684 section 3.3.3). The application shuts output
 * down while its last bytes still wait in the subflows' queues: the DATA_FIN follows them on every subflow, and
 * does not wait for the connection-level retransmission timer. And a peer that announces its DATA_FIN on the last
 * mapping's later segments, as Linux does, is understood.
 */
class MptcpDataFinTest {

    private static final long MEGABYTES = 4L * 1024 * 1024;

    @ParameterizedTest(name = "{0} path(s)")
    @ValueSource(ints = {1, 2})
    void theDataFinFollowsTheLastBytesAtOnce(int paths) {
        LinkConfig link = LinkConfig.builder().rateBitsPerSecond(50_000_000L).delay(Duration.ofMillis(5)).build();
        LinkConfig[] links = new LinkConfig[paths];
        Arrays.fill(links, link);
        MptcpConfig config = MptcpConfig.builder().maxSubflows(paths).build();
        MptcpPair pair = new MptcpPair(7, config, links).withAllPathAddresses().streams(70, MEGABYTES, 71, 0);
        pair.connect();

        long lastByte = pair.runUntil(() -> pair.up.verifier().received() == MEGABYTES, Duration.ofSeconds(30));
        assertThat(pair.up.verifier().received()).as(pair.context()).isEqualTo(MEGABYTES);
        long endOfStream = pair.runUntil(() -> pair.serverEnd.endOfStream(), Duration.ofSeconds(5));

        pair.up.assertTransferred();
        assertThat(pair.clientConnection.subflows()).hasSize(paths);
        // One-way delay 5 ms: the DATA_FIN goes out right behind the last data segment, at most one round trip
        // later (the 200 ms retransmission timer is what it waited for when the last bytes held it back).
        assertThat(endOfStream - lastByte).as(pair.context()).isLessThan(Duration.ofMillis(15).toNanos());
    }

    /**
     * Linux adds its DATA_FIN to the last mapping of its stream whenever it sends bytes of that mapping after its
     * application closed: the first segments of the mapping come without it, the later ones (or a retransmission)
     * with it and a data-level length one longer. That is one mapping, not two that contradict each other (before,
     * the sole subflow fell back to TCP, and the peer, still mapping, was reset: {@code CatInteropTest} against
     * the kernel, one run in ten with checksums).
     */
    @ParameterizedTest(name = "checksums {0}")
    @ValueSource(booleans = {false, true})
    void theSameLastMappingWithTheDataFinAddedIsNoContradiction(boolean checksums) {
        LinkConfig link = LinkConfig.builder().rateBitsPerSecond(50_000_000L).delay(Duration.ofMillis(5)).build();
        MptcpPair pair = new MptcpPair(8, MptcpConfig.builder().checksums(checksums).build(), link)
                .streams(80, MEGABYTES, 81, 0);
        AtomicReference<Dss> lastMapping = new AtomicReference<>();
        AtomicInteger rewritten = new AtomicInteger();
        AtomicLong isn = new AtomicLong();
        pair.net.path(0).aToB().mutator(Middlebox.rewriting(segment -> {
            if (segment.has(TcpSegment.SYN)) {
                isn.set(segment.sequenceNumber());
            }
            if (segment.payloadLength() == 0) {
                return segment;
            }
            Dss dss = Middlebox.dss(segment); // none on a segment that continues a mapping and has no new DATA_ACK
            if (dss != null && dss.hasMapping()) {
                lastMapping.set(dss);
            }
            Dss m = lastMapping.get();
            // A single subflow: relative subflow sequence numbers 1 to MEGABYTES carry the stream.
            long relative = (segment.sequenceNumber() - isn.get()) & 0xFFFF_FFFFL;
            boolean ofTheLastMapping = m != null && !m.isDataFin()
                    && m.subflowSequenceNumber() + m.dataLevelLength() == MEGABYTES + 1
                    && relative > m.subflowSequenceNumber()
                    && relative < m.subflowSequenceNumber() + m.dataLevelLength();
            if (!ofTheLastMapping) {
                return segment;
            }
            rewritten.incrementAndGet();
            int ack = dss == null ? 0 : dss.flags() & (Dss.FLAG_DATA_ACK | Dss.FLAG_DATA_ACK_64);
            Dss withFin = new Dss(ack | Dss.FLAG_MAPPING | Dss.FLAG_DSN_64 | Dss.FLAG_DATA_FIN,
                    dss == null ? 0 : dss.dataAck(), m.dataSequenceNumber(), m.subflowSequenceNumber(),
                    m.dataLevelLength() + 1, m.hasChecksum(), m.hasChecksum() ? oneMoreInLength(m.checksum()) : 0, 0);
            List<TcpOption> options = new ArrayList<>();
            for (TcpOption o : segment.options()) {
                if (o != dss) {
                    options.add(o);
                }
            }
            options.add(withFin);
            return Middlebox.withOptions(segment, options);
        }));
        pair.connect();
        pair.runUntilClosed(Duration.ofSeconds(30));

        pair.up.assertTransferred();
        assertThat(rewritten.get()).as("segments of the last mapping after its first").isPositive();
        assertThat(pair.server.statistics().get(MptcpStatistics.Counter.DSS_NOT_MATCHING)).isZero();
        assertThat(pair.serverConnection.isFallback()).as(pair.context()).isFalse();
        assertThat(pair.serverConnection.error()).as(pair.context()).isNull();
        assertThat(pair.clientConnection.error()).as(pair.context()).isNull();
        if (checksums) {
            assertThat(pair.server.statistics().get(MptcpStatistics.Counter.DATA_CSUM_ERR)).isZero();
        }
    }


    /** A DSS checksum for a data-level length one longer (RFC 1624's incremental update of the pseudo-header). */
    private static int oneMoreInLength(int checksum) {
        int sum = (~checksum & 0xFFFF) + 1;
        sum = (sum & 0xFFFF) + (sum >>> 16);
        return ~sum & 0xFFFF;
    }
}
