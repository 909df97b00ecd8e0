package io.mptcp4j.core.mptcp;

import io.mptcp4j.core.event.FallbackReason;
import io.mptcp4j.core.event.SubflowEvent;
import io.mptcp4j.core.wire.Dss;
import io.mptcp4j.core.wire.MptcpOption;
import io.mptcp4j.core.wire.TcpOption;
import io.mptcp4j.core.wire.TcpSegment;
import io.mptcp4j.sim.ByteStreamChecker;
import io.mptcp4j.sim.LinkConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static io.mptcp4j.core.mptcp.MptcpStatistics.Counter.DATA_CSUM_ERR;
import static io.mptcp4j.core.mptcp.MptcpStatistics.Counter.DSS_CORRUPTION_FALLBACK;
import static io.mptcp4j.core.mptcp.MptcpStatistics.Counter.INFINITE_MAP_TX;
import static io.mptcp4j.core.mptcp.MptcpStatistics.Counter.MP_FAIL_RX;
import static io.mptcp4j.core.mptcp.MptcpStatistics.Counter.MP_FAIL_TX;
import static org.assertj.core.api.Assertions.assertThat;

/** DSS checksums (RFC 8684 section 3.3.1) and what a failed one leads to (section 3.7). */
class MptcpChecksumTest {

    private static final long SIZE = 1024 * 1024;

    @ParameterizedTest(name = "client asks {0}, server asks {1}")
    @CsvSource({"true, true", "true, false", "false, true"})
    void checksumsAreUsedWhenEitherSideAsks(boolean clientAsks, boolean serverAsks) {
        LinkConfig lossy = LinkConfig.builder().delay(Duration.ofMillis(5)).lossProbability(0.01).build();
        MptcpPair pair = new MptcpPair(20, MptcpConfig.builder().checksums(clientAsks).build(),
                MptcpConfig.builder().checksums(serverAsks).build(), lossy);
        pair.streams(20, SIZE, 21, SIZE);
        pair.connect();
        pair.runUntilClosed(Duration.ofSeconds(120));

        pair.up.assertTransferred();
        pair.down.assertTransferred();
        assertThat(pair.clientConnection.isChecksumEnabled()).isTrue();
        assertThat(pair.serverConnection.isChecksumEnabled()).isTrue();
        assertThat(pair.clientConnection.isFallback()).isFalse();
        assertThat(pair.client.statistics().get(DATA_CSUM_ERR)).isZero();
        assertThat(pair.server.statistics().get(DATA_CSUM_ERR)).isZero();
        assertThat(pair.clientConnection.error()).isNull();
    }

    @Test
    void aChecksumFailureWhenFallbackIsNoLongerPossibleResetsWithMiddleboxInterference() {
        MptcpPair pair = new MptcpPair(24, MptcpConfig.builder().checksums(true).build(),
                LinkConfig.builder().delay(Duration.ofMillis(5)).build());
        pair.streams(24, SIZE, 25, 0);
        // A mapping is first moved out of the window, so the client reinjects it (no infinite fallback any more);
        // then the reinjected copy's payload is changed, so its checksum fails.
        Set<Long> seen = new HashSet<>();
        AtomicLong shiftedDsn = new AtomicLong(-1);
        AtomicLong shiftedSsn = new AtomicLong(-1);
        pair.net.path(0).aToB().mutator(Middlebox.rewriting(s -> {
            Dss d = null;
            for (MptcpOption o : s.mptcpOptions()) {
                if (o instanceof Dss dss && dss.hasMapping() && s.payloadLength() > 0) {
                    d = dss;
                }
            }
            if (d == null) {
                return s;
            }
            if (seen.add(d.subflowSequenceNumber()) && seen.size() == 5) {
                shiftedSsn.set(d.subflowSequenceNumber());
                shiftedDsn.set(d.dataSequenceNumber());
            }
            if (d.subflowSequenceNumber() == shiftedSsn.get()) {
                List<TcpOption> options = new ArrayList<>();
                for (TcpOption o : s.options()) {
                    options.add(o != d ? o : new Dss(d.flags(), d.dataAck(),
                            d.dataSequenceNumber() + (1L << 40), d.subflowSequenceNumber(), d.dataLevelLength(),
                            true, d.checksum(), d.reserved()));
                }
                return Middlebox.withOptions(s, options);
            }
            if (d.dataSequenceNumber() <= shiftedDsn.get() && shiftedDsn.get() < d.dataSequenceNumber()
                    + d.dataLevelLength()) {
                ByteBuffer payload = ByteBuffer.allocate(s.payloadLength()).put(s.payload()).flip();
                payload.put(0, (byte) (payload.get(0) ^ 1));
                return Middlebox.withPayload(s, payload);
            }
            return s;
        }));
        pair.connect();
        pair.runUntil(() -> pair.clientConnection.isClosed(), Duration.ofSeconds(30));

        assertThat(pair.server.statistics().get(DATA_CSUM_ERR)).isEqualTo(1);
        assertThat(pair.server.statistics().get(MptcpStatistics.Counter.DSS_CORRUPTION_RESET)).isEqualTo(1);
        assertThat(pair.server.statistics().get(MP_FAIL_TX)).isEqualTo(1);
        assertThat(pair.client.statistics().get(MP_FAIL_RX)).isEqualTo(1);
        assertThat(pair.serverConnection.error().reason()).isEqualTo(MptcpException.Reason.PROTOCOL_ERROR);
        assertThat(pair.serverConnection.error()).hasMessageContaining("middlebox interference");
        assertThat(pair.clientConnection.error().reason()).isEqualTo(MptcpException.Reason.RESET_BY_PEER);
        assertThat(pair.clientConnection.error()).hasMessageContaining("MP_TCPRST reason 0x06 (middlebox interference)");
        assertThat(pair.up.verifier().firstMismatch()).as("nothing corrupted was delivered").isEqualTo(-1);
    }

    @Test
    void aPayloadChangedOnTheWayLeadsToMpFailAndFallbackWithoutLosingOrder() {
        MptcpPair pair = new MptcpPair(21, MptcpConfig.builder().checksums(true).build(),
                LinkConfig.builder().delay(Duration.ofMillis(5)).build());
        pair.up = new ByteStreamChecker(22, SIZE);
        pair.down = new ByteStreamChecker(23, SIZE);
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        pair.clientEnd = new StreamEnd(pair.up, pair.down);
        pair.serverEnd = new StreamEnd(pair.down, pair.up).capture(received);
        // A middlebox rewrites one byte of the 40th data segment and fixes the TCP checksum, as an ALG would.
        AtomicInteger dataSegments = new AtomicInteger();
        AtomicLong clientIsn = new AtomicLong();
        AtomicLong corruptedOffset = new AtomicLong(-1);
        pair.net.path(0).aToB().mutator(Middlebox.rewriting(s -> {
            if (s.has(TcpSegment.SYN)) {
                clientIsn.set(s.sequenceNumber());
            }
            if (s.payloadLength() == 0 || dataSegments.incrementAndGet() != 40) {
                return s;
            }
            ByteBuffer payload = ByteBuffer.allocate(s.payloadLength()).put(s.payload()).flip();
            payload.put(7, (byte) (payload.get(7) ^ 0x5A));
            corruptedOffset.set(((s.sequenceNumber() - clientIsn.get() - 1) & 0xFFFF_FFFFL) + 7);
            return Middlebox.withPayload(s, payload);
        }));
        pair.connect();
        pair.runUntilClosed(Duration.ofSeconds(120));
        pair.drainEvents();

        assertThat(pair.clientConnection.error()).as(pair.context()).isNull();
        assertThat(pair.serverConnection.error()).as(pair.context()).isNull();
        // Every byte arrived once and in order; only the one the middlebox changed differs, as with TCP.
        byte[] bytes = received.toByteArray();
        assertThat(bytes).hasSize((int) SIZE);
        for (int i = 0; i < bytes.length; i++) {
            byte expected = pair.up.expectedByte(i);
            if (i == corruptedOffset.get()) {
                assertThat(bytes[i]).isEqualTo((byte) (expected ^ 0x5A));
            } else if (bytes[i] != expected) {
                throw new AssertionError("byte " + i + " differs; only " + corruptedOffset.get() + " should");
            }
        }
        pair.down.assertTransferred();
        assertThat(pair.server.statistics().get(DATA_CSUM_ERR)).isEqualTo(1);
        assertThat(pair.server.statistics().get(DSS_CORRUPTION_FALLBACK)).isEqualTo(1);
        assertThat(pair.server.statistics().get(MP_FAIL_TX)).isEqualTo(1);
        assertThat(pair.client.statistics().get(MP_FAIL_RX)).isEqualTo(1);
        assertThat(pair.client.statistics().get(MP_FAIL_TX)).isEqualTo(1);
        assertThat(pair.client.statistics().get(INFINITE_MAP_TX)).isEqualTo(1);
        assertThat(pair.serverConnection.isFallback()).isTrue();
        assertThat(pair.clientConnection.isFallback()).isTrue();
        assertThat(pair.serverEvents).filteredOn(e -> e instanceof SubflowEvent.Fallback)
                .extracting(e -> ((SubflowEvent.Fallback) e).reason()).containsExactly(FallbackReason.CHECKSUM_FAILED);
        assertThat(pair.clientEvents).filteredOn(e -> e instanceof SubflowEvent.Fallback)
                .extracting(e -> ((SubflowEvent.Fallback) e).reason()).containsExactly(FallbackReason.MP_FAIL_RECEIVED);
    }
}
