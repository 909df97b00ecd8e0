package io.mptcp4j.core.mptcp;

import io.mptcp4j.core.wire.Dss;
import io.mptcp4j.core.wire.MalformedPacketException;
import io.mptcp4j.core.wire.MpMalformed;
import io.mptcp4j.core.wire.MptcpOption;
import io.mptcp4j.core.wire.TcpOption;
import io.mptcp4j.core.wire.TcpOptions;
import io.mptcp4j.core.wire.TcpSegment;
import io.mptcp4j.sim.LinkConfig;
import io.mptcp4j.sim.PacketMutator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

import static io.mptcp4j.core.mptcp.MptcpStatistics.Counter.MALFORMED_OPTIONS;
import static io.mptcp4j.core.mptcp.MptcpStatistics.Counter.NO_DSS_IN_WINDOW;
import static io.mptcp4j.core.mptcp.MptcpStatistics.Counter.RETRANSMISSIONS;
import static org.assertj.core.api.Assertions.assertThat;

/** Bad input from the network: malformed options and mappings that point where they must not. */
class MptcpRobustnessTest {

    private static final long SIZE = 1024 * 1024;
    private static final LinkConfig LINK = LinkConfig.builder().delay(Duration.ofMillis(5)).build();

    @Test
    void anMptcpOptionWithAWrongLengthIsIgnoredAndCounted() {
        MptcpPair pair = transferPair(30);
        AtomicInteger injected = new AtomicInteger();
        // MP_FASTCLOSE is 12 bytes long; one of 4 is malformed and must change nothing (RFC 8684 section 3.7).
        MpMalformed bogus = new MpMalformed(MalformedPacketException.Reason.BAD_OPTION_LENGTH,
                new byte[] {30, 4, 0x70, 0});
        pair.net.path(0).bToA().mutator(Middlebox.rewriting(s -> {
            boolean pureAck = s.payloadLength() == 0 && !s.hasAny(TcpSegment.SYN | TcpSegment.FIN);
            if (!pureAck || !hasDataAck(s) || injected.get() >= 20) {
                return s;
            }
            List<TcpOption> options = new ArrayList<>(s.options());
            options.add(bogus);
            if (TcpOptions.encodedLength(options) > TcpOptions.MAX_LENGTH) {
                return s;
            }
            injected.incrementAndGet();
            return Middlebox.withOptions(s, options);
        }));
        runTransfer(pair);

        assertThat(injected.get()).isEqualTo(20);
        assertThat(pair.client.statistics().get(MALFORMED_OPTIONS)).isEqualTo(20);
        assertThat(pair.clientConnection.isFallback()).isFalse();
        assertThat(pair.serverConnection.isFallback()).isFalse();
    }

    @Test
    void aMappingBeyondTheReceiveWindowIsDiscardedAndTheDataSentAgain() {
        MptcpPair pair = transferPair(31);
        AtomicLong target = new AtomicLong(-1);
        // The 10th new mapping's DSN is moved 2^40 ahead, on every segment that carries it (retransmissions too).
        pair.net.path(0).aToB().mutator(shiftingMapping(10, 1L << 40, target));
        runTransfer(pair);

        assertThat(target.get()).isPositive();
        assertThat(pair.server.statistics().get(NO_DSS_IN_WINDOW)).isPositive();
        assertThat(pair.client.statistics().get(RETRANSMISSIONS)).isPositive();
        assertThat(pair.clientConnection.isFallback()).isFalse();
        assertThat(pair.serverConnection.isFallback()).isFalse();
    }

    @Test
    void aMappingThatContradictsAnEarlierOneMakesTheSoleSubflowFallBack() {
        MptcpPair pair = transferPair(32);
        AtomicLong target = new AtomicLong(-1);
        pair.net.path(0).aToB().mutator(Middlebox.rewriting(contradictingOnce(target)));
        runTransfer(pair);

        assertThat(target.get()).isPositive();
        assertThat(pair.server.statistics().get(MptcpStatistics.Counter.DSS_NOT_MATCHING)).isEqualTo(1);
        assertThat(pair.serverConnection.isFallback()).isTrue();
        assertThat(pair.clientConnection.isFallback()).isTrue();
    }

    /**
     * After the fallback, a peer that never fell back maps again: its data-level retransmission, at new subflow
     * bytes. Passing those bytes through would deliver them twice; the connection is reset first (section 3.7).
     * Linux's retransmissions after its application closed end with its DATA_FIN, and are checked alike.
     */
    @ParameterizedTest(name = "DATA_FIN {0}")
    @ValueSource(booleans = {false, true})
    void aPeerThatStillMapsAfterTheFallbackIsResetBeforeItsBytesAreDelivered(boolean dataFin) {
        MptcpPair pair = transferPair(33);
        AtomicLong target = new AtomicLong(-1);
        UnaryOperator<TcpSegment> contradicting = contradictingOnce(target);
        AtomicLong isn = new AtomicLong();
        AtomicReference<Dss> lastMapping = new AtomicReference<>();
        AtomicInteger stale = new AtomicInteger();
        pair.net.path(0).aToB().mutator(Middlebox.rewriting(s -> {
            if (s.has(TcpSegment.SYN)) {
                isn.set(s.sequenceNumber());
            }
            Dss m = mapping(s);
            if (m != null && s.payloadLength() > 0) {
                lastMapping.set(m);
            }
            if (pair.serverConnection == null || !pair.serverConnection.isFallback()) {
                return contradicting.apply(s);
            }
            if (s.payloadLength() == 0 || stale.get() > 0) {
                return s;
            }
            // These bytes, mapped 1000 data bytes back (the pass-through maps one to one, as before the fallback).
            long relative = (s.sequenceNumber() - isn.get()) & 0xFFFF_FFFFL;
            Dss known = lastMapping.get();
            long dsn = known.dataSequenceNumber() + (relative - known.subflowSequenceNumber()) - 1000;
            stale.incrementAndGet();
            List<TcpOption> options = new ArrayList<>();
            for (TcpOption o : s.options()) {
                if (!(o instanceof Dss)) {
                    options.add(o);
                }
            }
            options.add(Dss.mapping(dsn, true, relative, s.payloadLength() + (dataFin ? 1 : 0), dataFin));
            return Middlebox.withOptions(s, options);
        }));
        pair.connect();
        pair.runUntil(() -> pair.serverConnection != null && pair.serverConnection.isClosed(), Duration.ofSeconds(30));

        assertThat(stale.get()).isEqualTo(1);
        assertThat(pair.server.statistics().get(MptcpStatistics.Counter.DSS_NOT_MATCHING)).isEqualTo(2);
        assertThat(pair.serverConnection.error()).as(pair.context()).isNotNull();
        assertThat(pair.serverConnection.error().reason()).isEqualTo(MptcpException.Reason.PROTOCOL_ERROR);
        assertThat(pair.serverConnection.error()).hasMessageContaining("still maps its data");
        assertThat(pair.up.verifier().firstMismatch()).as("nothing wrong was delivered").isEqualTo(-1);
    }

    /**
     * A segment that continues a mapping (and carries only a DATA_ACK, section 3.3.1) gets that mapping again with
     * another DSN, once: the peer sees two mappings for the same bytes. {@code target} gets their subflow sequence
     * number.
     */
    private static UnaryOperator<TcpSegment> contradictingOnce(AtomicLong target) {
        AtomicReference<Dss> last = new AtomicReference<>();
        AtomicInteger mappings = new AtomicInteger();
        return s -> {
            if (s.payloadLength() == 0) {
                return s;
            }
            Dss d = mapping(s);
            if (d != null) {
                last.set(d);
                mappings.incrementAndGet();
                return s;
            }
            Dss ack = dataAckOnly(s);
            Dss m = last.get();
            if (ack == null || m == null || target.get() >= 0 || mappings.get() <= 5) {
                return s;
            }
            target.set(m.subflowSequenceNumber());
            Dss contradicting = new Dss(m.flags(), m.dataAck(), m.dataSequenceNumber() + 1000,
                    m.subflowSequenceNumber(), m.dataLevelLength(), m.hasChecksum(), m.checksum(), m.reserved());
            List<TcpOption> options = new ArrayList<>();
            for (TcpOption o : s.options()) {
                options.add(o != ack ? o : contradicting);
            }
            return Middlebox.withOptions(s, options);
        };
    }

    /** Moves the DSN of the {@code nth} new mapping by {@code shift}, wherever that mapping appears. */
    private static PacketMutator shiftingMapping(int nth, long shift, AtomicLong target) {
        Set<Long> seen = new HashSet<>();
        return Middlebox.rewriting(s -> {
            Dss d = mapping(s);
            if (d == null || s.payloadLength() == 0) {
                return s;
            }
            if (seen.add(d.subflowSequenceNumber()) && seen.size() == nth) {
                target.set(d.subflowSequenceNumber());
            }
            if (d.subflowSequenceNumber() != target.get()) {
                return s;
            }
            return Middlebox.withOptions(s, replaced(s, d, d.dataSequenceNumber() + shift));
        });
    }

    private static Dss mapping(TcpSegment s) {
        for (MptcpOption o : s.mptcpOptions()) {
            if (o instanceof Dss d && d.hasMapping() && !d.isDataFin()) {
                return d;
            }
        }
        return null;
    }

    /** A DSS with a DATA_ACK and no mapping, as on the segments that continue one. */
    private static Dss dataAckOnly(TcpSegment s) {
        for (MptcpOption o : s.mptcpOptions()) {
            if (o instanceof Dss d && d.hasDataAck() && !d.hasMapping()) {
                return d;
            }
        }
        return null;
    }

    private static List<TcpOption> replaced(TcpSegment s, Dss d, long dsn) {
        List<TcpOption> options = new ArrayList<>();
        for (TcpOption o : s.options()) {
            options.add(o != d ? o : new Dss(d.flags(), d.dataAck(), dsn, d.subflowSequenceNumber(),
                    d.dataLevelLength(), d.hasChecksum(), d.checksum(), d.reserved()));
        }
        return options;
    }

    private static boolean hasDataAck(TcpSegment s) {
        for (MptcpOption o : s.mptcpOptions()) {
            if (o instanceof Dss d && d.hasDataAck()) {
                return true;
            }
        }
        return false;
    }

    private static MptcpPair transferPair(long seed) {
        MptcpPair pair = new MptcpPair(seed, MptcpConfig.defaults(), LINK);
        pair.streams(seed, SIZE, seed + 100, SIZE);
        return pair;
    }

    private static void runTransfer(MptcpPair pair) {
        pair.connect();
        try {
            pair.runUntilClosed(Duration.ofSeconds(120));
            pair.up.assertTransferred();
            pair.down.assertTransferred();
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError(pair.context() + "\n" + pair.clientConnection.error() + "\n"
                    + pair.serverConnection.error(), e);
        }
        assertThat(pair.clientConnection.error()).as(pair.context()).isNull();
        assertThat(pair.serverConnection.error()).as(pair.context()).isNull();
    }
}
