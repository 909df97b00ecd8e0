package io.mptcp4j.core.tcp;

import io.mptcp4j.core.wire.TcpOption;
import io.mptcp4j.core.wire.TcpOption.SackBlock;
import io.mptcp4j.core.wire.TcpSegment;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static io.mptcp4j.core.tcp.TcpHarness.LOCAL_ISS;
import static io.mptcp4j.core.tcp.TcpHarness.MS;
import static io.mptcp4j.core.tcp.TcpHarness.REMOTE_ISS;
import static io.mptcp4j.core.tcp.TcpHarness.in;
import static io.mptcp4j.core.tcp.TcpHarness.out;
import static io.mptcp4j.core.tcp.TcpHarness.pattern;
import static io.mptcp4j.core.tcp.TcpHarness.plain;
import static io.mptcp4j.core.wire.TcpSegment.ACK;
import static io.mptcp4j.core.wire.TcpSegment.PSH;
import static org.assertj.core.api.Assertions.assertThat;

/** Retransmission timeouts, fast retransmit, NewReno and SACK loss recovery, SACK generation. */
class TcpConnectionRecoveryTest {

    /** The wire form of a SACK block for local stream offsets (what the peer sends us). */
    static SackBlock localBlock(long from, long to) {
        return new SackBlock((LOCAL_ISS + 1 + from) & 0xFFFF_FFFFL, (LOCAL_ISS + 1 + to) & 0xFFFF_FFFFL);
    }

    /** The wire form of a SACK block for remote stream offsets (what we send). */
    static SackBlock remoteBlock(long from, long to) {
        return new SackBlock((REMOTE_ISS + 1 + from) & 0xFFFF_FFFFL, (REMOTE_ISS + 1 + to) & 0xFFFF_FFFFL);
    }

    static TcpOption sack(SackBlock... blocks) {
        return new TcpOption.Sack(List.of(blocks));
    }

    /** Polls every segment due now. */
    static List<TcpSegment> drain(TcpHarness h) {
        List<TcpSegment> all = new ArrayList<>();
        TcpSegment s;
        while ((s = h.poll()) != null) {
            all.add(s);
        }
        return all;
    }

    /** The stream offsets (relative to ISS + 1) of local segments. */
    static List<Long> offsets(List<TcpSegment> segments) {
        return segments.stream().map(s -> (s.sequenceNumber() - LOCAL_ISS - 1) & 0xFFFF_FFFFL).toList();
    }

    @Nested
    class RetransmissionTimeout {

        @Test
        void theTimerDoublesAtEachTimeoutThenTheConnectionFails() {
            TcpHarness h = TcpHarness.with(plain().maxDataRetries(3)).established();
            h.write("data");
            h.expect(out().seq(0).ack(0).flags(ACK | PSH).data("data"));
            // The handshake took no time, so the RTO is the 200 ms floor; RFC 6298 (5.5) doubles it.
            for (long rto : new long[] {200, 400, 800}) {
                assertThat(h.advanceToNextTimeout()).isEqualTo(rto * MS);
                h.expect(out().seq(0).ack(0).flags(ACK | PSH).data("data"));
                h.expectNothing();
            }
            assertThat(h.advanceToNextTimeout()).isEqualTo(1600 * MS);
            h.expectNothing();
            assertThat(h.conn.state()).isEqualTo(TcpState.CLOSED);
            assertThat(h.conn.error().reason()).isEqualTo(TcpConnectionException.Reason.TIMEOUT);
            assertThat(h.statistics.get(TcpStatistics.Counter.TIMEOUTS)).isEqualTo(3);
            assertThat(h.conn.retransmittedSegments()).isEqualTo(3);
        }

        @Test
        void onlyTheOldestSegmentIsResentAndTheWindowCollapses() {
            TcpHarness h = TcpHarness.with(plain()).established();
            h.write(pattern(0, 3000));
            assertThat(offsets(drain(h))).containsExactly(0L, 1000L, 2000L);
            h.advanceToNextTimeout();
            // RFC 5681 section 3.1: cwnd = 1 SMSS after a timeout.
            assertThat(h.conn.congestionWindow()).isEqualTo(1000);
            h.expect(out().seq(0).ack(0).data(0, 1000));
            h.expectNothing();
            h.send(in().seq(0).ack(1000));
            // Slow start resumes: the next two lost segments go.
            assertThat(offsets(drain(h))).containsExactly(1000L, 2000L);
        }

        @Test
        void anAckRestartsTheTimerAndKarnsRuleKeepsTheBackoff() {
            TcpHarness h = TcpHarness.with(plain()).established();
            h.write("a");
            h.expect(out().seq(0).ack(0).flags(ACK | PSH).data("a"));
            h.advanceToNextTimeout();
            h.expect(out().seq(0).ack(0).flags(ACK | PSH).data("a"));
            h.now += 50 * MS;
            h.send(in().seq(0).ack(1));
            // The ACK of a retransmitted segment gives no sample (RFC 6298 section 3): the RTO stays at 400 ms.
            assertThat(h.conn.rttStats().rtoNanos()).isEqualTo(400 * MS);
            h.write("b");
            h.expect(out().seq(1).ack(0).flags(ACK | PSH).data("b"));
            assertThat(h.conn.nextTimeout() - h.now).isEqualTo(400 * MS);
            h.now += 30 * MS;
            h.send(in().seq(0).ack(2));
            // A fresh sample (30 ms) ends the backoff.
            assertThat(h.conn.rttStats().hasSample()).isTrue();
            assertThat(h.conn.rttStats().latestRttNanos()).isEqualTo(30 * MS);
            assertThat(h.conn.rttStats().rtoNanos()).isEqualTo(200 * MS);
        }
    }

    @Nested
    class NewReno {

        private TcpHarness fiveSegmentsOut() {
            TcpHarness h = TcpHarness.with(plain()).established();
            h.write(pattern(0, 5000));
            assertThat(offsets(drain(h))).containsExactly(0L, 1000L, 2000L, 3000L, 4000L);
            return h;
        }

        @Test
        void threeDuplicateAcksTriggerAFastRetransmit() {
            TcpHarness h = fiveSegmentsOut();
            h.send(in().seq(0).ack(0));
            h.send(in().seq(0).ack(0));
            h.expectNothing();
            assertThat(h.conn.inRecovery()).isFalse();
            h.send(in().seq(0).ack(0));
            assertThat(h.conn.inRecovery()).isTrue();
            h.expect(out().seq(0).ack(0).data(0, 1000));
            h.expectNothing();
            // RFC 5681 section 3.2: ssthresh = max(FlightSize / 2, 2 * SMSS).
            assertThat(h.conn.slowStartThreshold()).isEqualTo(2500);
            assertThat(h.statistics.get(TcpStatistics.Counter.FAST_RETRANSMITS)).isEqualTo(1);
            assertThat(h.statistics.get(TcpStatistics.Counter.RENO_RECOVERIES)).isEqualTo(1);
            // A full ACK ends the recovery with cwnd = ssthresh.
            h.send(in().seq(0).ack(5000));
            assertThat(h.conn.inRecovery()).isFalse();
            assertThat(h.conn.congestionWindow()).isEqualTo(2500);
        }

        @Test
        void aPartialAckRetransmitsTheNextHoleAtOnce() {
            TcpHarness h = fiveSegmentsOut();
            for (int i = 0; i < 3; i++) {
                h.send(in().seq(0).ack(0));
            }
            h.expect(out().seq(0).ack(0).data(0, 1000));
            // Segments 0 and 2 were lost: the retransmission of 0 yields a partial ACK up to 2000.
            h.send(in().seq(0).ack(2000));
            assertThat(h.conn.inRecovery()).isTrue();
            h.expect(out().seq(2000).ack(0).data(2000, 1000));
            h.send(in().seq(0).ack(5000));
            assertThat(h.conn.inRecovery()).isFalse();
        }

        @Test
        void onlyTheFirstPartialAckRestartsTheTimer() {
            TcpHarness h = fiveSegmentsOut();
            for (int i = 0; i < 3; i++) {
                h.send(in().seq(0).ack(0));
            }
            h.expect(out().seq(0).ack(0).data(0, 1000));
            // Segments 0 to 2 were lost. The first partial ACK restarts the 200 ms timer...
            h.now += 50 * MS;
            h.send(in().seq(0).ack(1000));
            h.expect(out().seq(1000).ack(0).data(1000, 1000));
            long deadline = h.conn.nextTimeout();
            assertThat(deadline - h.now).isEqualTo(200 * MS);
            // ...a later one does not (RFC 6582 section 4, the Impatient variant)...
            h.now += 50 * MS;
            h.send(in().seq(0).ack(2000));
            h.expect(out().seq(2000).ack(0).data(2000, 1000));
            assertThat(h.conn.nextTimeout()).isEqualTo(deadline);
            // ...so the timeout comes 200 ms after the first one and resends from SND.UNA.
            assertThat(h.advanceToNextTimeout()).isEqualTo(150 * MS);
            h.expect(out().seq(2000).ack(0).data(2000, 1000));
            assertThat(h.conn.inRecovery()).isFalse();
        }

        @Test
        void aSpuriousFastRetransmitIsUndoneAndRaisesTheDuplicateAckThreshold() {
            TcpHarness h = TcpHarness.with(plain().timestamps(true)).established(new TcpOption.Timestamps(700, 0));
            int smss = 988; // 1000 less the padded timestamps option
            h.write(pattern(0, 30 * smss));
            long firstSent = h.now / MS;
            assertThat(drain(h)).hasSize(10);
            h.now += 20 * MS;
            for (int i = 0; i < 3; i++) {
                h.send(in().seq(0).ack(0).opt(new TcpOption.Timestamps(701 + i, firstSent)));
            }
            assertThat(offsets(drain(h))).containsExactly(0L);
            h.send(in().seq(0).ack(0).opt(new TcpOption.Timestamps(704, firstSent)));
            // The original arrives after four others: the first ACK to cover it echoes its timestamp (RFC 3522).
            h.now += 2 * MS;
            h.send(in().seq(0).ack(10 * smss).opt(new TcpOption.Timestamps(705, firstSent)));
            assertThat(h.conn.inRecovery()).isFalse();
            assertThat(h.statistics.get(TcpStatistics.Counter.SPURIOUS_RECOVERIES)).isEqualTo(1);
            assertThat(h.conn.congestionWindow()).isEqualTo(10 * smss);
            assertThat(drain(h)).hasSize(10);
            // Now the fifth duplicate ACK, not the third, means a loss.
            for (int i = 0; i < 4; i++) {
                h.send(in().seq(0).ack(10 * smss).opt(new TcpOption.Timestamps(706 + i, firstSent)));
            }
            assertThat(h.conn.inRecovery()).isFalse();
            h.send(in().seq(0).ack(10 * smss).opt(new TcpOption.Timestamps(710, firstSent)));
            assertThat(h.conn.inRecovery()).isTrue();
        }

        @Test
        void duplicateAcksWithNewDataOrAWindowChangeDoNotCount() {
            TcpHarness h = fiveSegmentsOut();
            h.send(in().seq(0).ack(0).data("x"));
            h.send(in().seq(1).ack(0).win(50_000));
            h.send(in().seq(1).ack(0).win(50_000));
            assertThat(h.conn.inRecovery()).isFalse();
        }
    }

    @Nested
    class SackRecovery {

        private TcpHarness h;

        /** 12000 bytes written, 2000 acknowledged: 2000 to 12000 in flight, nothing unsent. */
        private void tenThousandBytesInFlight() {
            h = TcpHarness.with(plain().sack(true)).established(new TcpOption.SackPermitted());
            assertThat(h.conn.sackEnabled()).isTrue();
            h.write(pattern(0, 12_000));
            // The initial window of RFC 6928: ten segments.
            assertThat(drain(h)).hasSize(10);
            h.send(in().seq(0).ack(2000));
            // Slow start: the 2000 bytes ACKed let the last two segments go.
            assertThat(offsets(drain(h))).containsExactly(10_000L, 11_000L);
            assertThat(h.conn.bytesInFlight()).isEqualTo(10_000);
        }

        @Test
        void threeSackedSegmentsAboveAHoleMarkItLost() {
            tenThousandBytesInFlight();
            h.send(in().seq(0).ack(2000).opt(sack(localBlock(3000, 4000))));
            h.send(in().seq(0).ack(2000).opt(sack(localBlock(3000, 5000))));
            h.expectNothing();
            assertThat(h.conn.inRecovery()).isFalse();
            // RFC 6675 IsLost: DupThresh (3) SACKed segments above the hole.
            h.send(in().seq(0).ack(2000).opt(sack(localBlock(3000, 6000))));
            assertThat(h.conn.inRecovery()).isTrue();
            h.expect(out().seq(2000).ack(0).data(2000, 1000));
            h.expectNothing();
            assertThat(h.statistics.get(TcpStatistics.Counter.SACK_RECOVERIES)).isEqualTo(1);
            // FlightSize was 10000: ssthresh = cwnd = 5000. pipe = 10000 - 3000 SACKed - 1000 lost + 1000 resent.
            assertThat(h.conn.congestionWindow()).isEqualTo(5000);
            assertThat(h.conn.bytesInFlight()).isEqualTo(7000);
            h.write(pattern(12_000, 3000));
            h.expectNothing();
            // Each further SACKed segment leaves the pipe; below cwnd new data flows (NextSeg rule 2).
            h.send(in().seq(0).ack(2000).opt(sack(localBlock(3000, 7000))));
            h.send(in().seq(0).ack(2000).opt(sack(localBlock(3000, 8000))));
            h.expectNothing();
            h.send(in().seq(0).ack(2000).opt(sack(localBlock(3000, 9000))));
            assertThat(h.conn.bytesInFlight()).isEqualTo(4000);
            h.expect(out().seq(12_000).ack(0).data(12_000, 1000));
            h.expectNothing();
            // The recovery point is 12000, everything sent when the recovery began.
            h.send(in().seq(0).ack(12_000));
            assertThat(h.conn.inRecovery()).isFalse();
            assertThat(h.conn.congestionWindow()).isEqualTo(5000);
        }

        @Test
        void aLostRetransmissionIsSentAgainWhenLaterDataArrivesNotAfterATimeout() {
            tenThousandBytesInFlight();
            h.now += 10 * MS;
            // 2000 is lost: three segments above it arrive, it is retransmitted.
            h.send(in().seq(0).ack(2000).opt(sack(localBlock(3000, 6000))));
            assertThat(h.conn.inRecovery()).isTrue();
            h.expect(out().seq(2000).ack(0).data(2000, 1000));
            h.expectNothing();
            // New data goes out after the retransmission, as SACKs free the pipe.
            h.write(pattern(12_000, 3000));
            h.now += 10 * MS;
            h.send(in().seq(0).ack(2000).opt(sack(localBlock(3000, 12_000))));
            List<TcpSegment> sent = drain(h);
            assertThat(offsets(sent)).contains(12_000L).doesNotContain(2000L);
            // The new data is SACKed but the retransmission of 2000 is not: it was lost as well. It goes again now,
            // ahead of the retransmission timer.
            h.now += 10 * MS;
            h.send(in().seq(0).ack(2000).opt(sack(localBlock(3000, 13_000))));
            assertThat(offsets(drain(h))).startsWith(2000L);
            assertThat(h.statistics.get(TcpStatistics.Counter.LOST_RETRANSMISSIONS)).isEqualTo(1);
            assertThat(h.statistics.get(TcpStatistics.Counter.TIMEOUTS)).isZero();
            h.send(in().seq(0).ack(13_000));
            assertThat(h.conn.retransmittedSegments()).isEqualTo(2);
        }

        @Test
        void severalHolesAreRepairedInOrder() {
            tenThousandBytesInFlight();
            // Holes at 2000 and 4000; everything else up to 12000 arrived.
            h.send(in().seq(0).ack(2000).opt(sack(localBlock(5000, 12_000), localBlock(3000, 4000))));
            assertThat(h.conn.inRecovery()).isTrue();
            h.expect(out().seq(2000).ack(0).data(2000, 1000));
            h.expect(out().seq(4000).ack(0).data(4000, 1000));
            h.expectNothing();
            h.send(in().seq(0).ack(4000).opt(sack(localBlock(5000, 12_000))));
            assertThat(h.conn.inRecovery()).isTrue();
            h.send(in().seq(0).ack(12_000));
            assertThat(h.conn.inRecovery()).isFalse();
            assertThat(h.conn.retransmittedSegments()).isEqualTo(2);
        }

        @Test
        void aSpuriousFastRetransmitIsUndoneAndRaisesDupThresh() {
            h = TcpHarness.with(plain().sack(true).timestamps(true))
                    .established(new TcpOption.SackPermitted(), new TcpOption.Timestamps(700, 0));
            int smss = 988; // 1000 less the padded timestamps option
            h.write(pattern(0, 20 * smss));
            long firstSent = h.now / MS;
            assertThat(drain(h)).hasSize(10);
            // Three segments above the first arrive ahead of it: it is deemed lost and resent.
            h.now += 20 * MS;
            h.send(in().seq(0).ack(0).opt(sack(localBlock(smss, 4 * smss)), new TcpOption.Timestamps(701, firstSent)));
            assertThat(h.conn.inRecovery()).isTrue();
            assertThat(offsets(drain(h))).containsExactly(0L);
            // The original arrives after all: the first ACK to cover it echoes its timestamp (RFC 3522).
            h.now += 2 * MS;
            h.send(in().seq(0).ack(10 * smss).opt(new TcpOption.Timestamps(702, firstSent)));
            assertThat(h.conn.inRecovery()).isFalse();
            assertThat(h.statistics.get(TcpStatistics.Counter.SPURIOUS_RECOVERIES)).isEqualTo(1);
            // The reduction is undone (RFC 4015): the initial window and slow start are back.
            assertThat(h.conn.congestionWindow()).isEqualTo(10 * smss);
            assertThat(h.conn.slowStartThreshold()).isEqualTo(Long.MAX_VALUE);
            List<Long> next = offsets(drain(h));
            assertThat(next).hasSizeGreaterThanOrEqualTo(5);
            // Four segments arrived ahead of it: three SACKed above a hole no longer mean a loss...
            long hole = next.get(0);
            h.send(in().seq(0).ack(hole).opt(sack(localBlock(hole + smss, hole + 4 * smss)),
                    new TcpOption.Timestamps(703, firstSent)));
            assertThat(h.conn.inRecovery()).isFalse();
            // ...four do.
            h.send(in().seq(0).ack(hole).opt(sack(localBlock(hole + smss, hole + 5 * smss)),
                    new TcpOption.Timestamps(704, firstSent)));
            assertThat(h.conn.inRecovery()).isTrue();
        }

        @Test
        void aRecoveryThatARetransmissionEndedKeepsDupThresh() {
            h = TcpHarness.with(plain().sack(true).timestamps(true))
                    .established(new TcpOption.SackPermitted(), new TcpOption.Timestamps(700, 0));
            int smss = 988;
            h.write(pattern(0, 20 * smss));
            long firstSent = h.now / MS;
            drain(h);
            h.now += 20 * MS;
            h.send(in().seq(0).ack(0).opt(sack(localBlock(smss, 4 * smss)), new TcpOption.Timestamps(701, firstSent)));
            long resent = h.now / MS;
            assertThat(offsets(drain(h))).containsExactly(0L);
            // The retransmission filled the hole: its timestamp is echoed.
            h.now += 20 * MS;
            h.send(in().seq(0).ack(10 * smss).opt(new TcpOption.Timestamps(702, resent)));
            assertThat(h.conn.inRecovery()).isFalse();
            assertThat(h.statistics.get(TcpStatistics.Counter.SPURIOUS_RECOVERIES)).isZero();
            long hole = offsets(drain(h)).get(0);
            h.send(in().seq(0).ack(hole).opt(sack(localBlock(hole + smss, hole + 4 * smss)),
                    new TcpOption.Timestamps(703, resent)));
            assertThat(h.conn.inRecovery()).isTrue();
        }

        @Test
        void sackBlocksOutsideTheFlightAreIgnored() {
            tenThousandBytesInFlight();
            h.send(in().seq(0).ack(2000).opt(sack(localBlock(50_000, 60_000))));
            h.send(in().seq(0).ack(2000).opt(sack(localBlock(0, 1000))));
            assertThat(h.conn.bytesInFlight()).isEqualTo(10_000);
        }

        @Test
        void aTimeoutKeepsSackedDataAndResendsOnlyTheHoles() {
            tenThousandBytesInFlight();
            h.send(in().seq(0).ack(2000).opt(sack(localBlock(3000, 12_000))));
            h.expect(out().seq(2000).ack(0).data(2000, 1000));
            h.advanceToNextTimeout();
            // RFC 6675 section 5.1: after the timeout SACKed data is not resent.
            h.expect(out().seq(2000).ack(0).data(2000, 1000));
            h.expectNothing();
            h.send(in().seq(0).ack(12_000));
            assertThat(h.conn.bytesInFlight()).isZero();
        }
    }

    @Nested
    class SackGeneration {

        @Test
        void outOfOrderDataIsAcknowledgedAtOnceWithTheNewestBlockFirst() {
            TcpHarness h = TcpHarness.with(plain().sack(true)).established(new TcpOption.SackPermitted());
            h.send(in().seq(0).ack(0).data(0, 100));
            h.send(in().seq(200).ack(0).data(200, 100));
            // RFC 5681 4.2 and RFC 2018 section 4.
            h.expect(out().seq(0).ack(100).win(63_900).opt(sack(remoteBlock(200, 300))));
            h.send(in().seq(400).ack(0).data(400, 100));
            h.expect(out().seq(0).ack(100).win(63_900).opt(sack(remoteBlock(400, 500), remoteBlock(200, 300))));
            h.send(in().seq(600).ack(0).data(600, 100));
            h.expect(out().seq(0).ack(100).win(63_900)
                    .opt(sack(remoteBlock(600, 700), remoteBlock(400, 500), remoteBlock(200, 300))));
            // Filling the first hole is acknowledged at once too.
            h.send(in().seq(100).ack(0).data(100, 100));
            h.expect(out().seq(0).ack(300).win(63_700).opt(sack(remoteBlock(600, 700), remoteBlock(400, 500))));
            h.send(in().seq(300).ack(0).data(300, 100));
            h.expect(out().seq(0).ack(500).win(63_500).opt(sack(remoteBlock(600, 700))));
            h.send(in().seq(500).ack(0).data(500, 100));
            h.expect(out().seq(0).ack(700).win(63_300));
            byte[] all = new byte[700];
            assertThat(h.conn.read(ByteBuffer.wrap(all))).isEqualTo(700);
            assertThat(all).isEqualTo(pattern(0, 700));
        }

        @Test
        void aDuplicateSegmentIsReportedAsADsack() {
            TcpHarness h = TcpHarness.with(plain().sack(true)).established(new TcpOption.SackPermitted());
            h.send(in().seq(0).ack(0).data(0, 100));
            h.send(in().seq(0).ack(0).data(0, 100));
            // RFC 2883 section 4: the first block below the cumulative ACK reports the duplicate.
            h.expect(out().seq(0).ack(100).win(63_900).opt(sack(remoteBlock(0, 100))));
            h.send(in().seq(100).ack(0).data(100, 100));
            h.advanceToNextTimeout();
            h.expect(out().seq(0).ack(200).win(63_800));
        }

        @Test
        void withoutSackNoBlocksAreSent() {
            TcpHarness h = TcpHarness.with(plain()).established();
            h.send(in().seq(200).ack(0).data(200, 100));
            h.expect(out().seq(0).ack(0));
        }
    }
}
