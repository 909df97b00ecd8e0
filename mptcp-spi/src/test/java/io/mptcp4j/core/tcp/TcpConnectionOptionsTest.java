package io.mptcp4j.core.tcp;

import io.mptcp4j.core.wire.TcpOption;
import io.mptcp4j.core.wire.TcpSegment;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.mptcp4j.core.tcp.TcpConnectionRecoveryTest.drain;
import static io.mptcp4j.core.tcp.TcpHarness.MS;
import static io.mptcp4j.core.tcp.TcpHarness.in;
import static io.mptcp4j.core.tcp.TcpHarness.out;
import static io.mptcp4j.core.tcp.TcpHarness.pattern;
import static io.mptcp4j.core.tcp.TcpHarness.plain;
import static io.mptcp4j.core.wire.TcpSegment.ACK;
import static io.mptcp4j.core.wire.TcpSegment.SYN;
import static org.assertj.core.api.Assertions.assertThat;

/** The handshake options: MSS (RFC 9293 3.7.1), window scale and timestamps (RFC 7323), SACK-permitted. */
class TcpConnectionOptionsTest {

    private static final TcpOption MSS = new TcpOption.Mss(TcpHarness.MSS);

    /** Our timestamp clock in the harness: milliseconds, offset 0. */
    private static long ts(TcpHarness h) {
        return (h.now / MS) & 0xFFFF_FFFFL;
    }

    @Nested
    class Mss {

        @Test
        void segmentsAreCutToThePeersSmallerMss() {
            TcpHarness h = TcpHarness.with(plain()).synSent();
            h.send(in().seq(-1).ack(0).flags(SYN | ACK).opt(new TcpOption.Mss(600)));
            h.poll();
            assertThat(h.conn.sendMss()).isEqualTo(600);
            h.write(pattern(0, 1500));
            List<TcpSegment> sent = drain(h);
            // The 300-byte tail waits for an ACK (Nagle).
            assertThat(sent).extracting(TcpSegment::payloadLength).containsExactly(600, 600);
        }

        @Test
        void ourOwnMssCapsALargerOne() {
            TcpHarness h = TcpHarness.with(plain()).synSent();
            h.send(in().seq(-1).ack(0).flags(SYN | ACK).opt(new TcpOption.Mss(9000)));
            assertThat(h.conn.sendMss()).isEqualTo(1000);
        }

        @Test
        void theDefaultsDependOnTheAddressFamilyAndMtu() {
            TcpConfig config = TcpConfig.builder().mtu(9000).build();
            assertThat(config.mss(false)).isEqualTo(8960);
            assertThat(config.mss(true)).isEqualTo(8940);
            assertThat(TcpConfig.defaults().mss(false)).isEqualTo(1460);
            assertThat(TcpConfig.defaults().mss(true)).isEqualTo(1440);
        }
    }

    @Nested
    class WindowScale {

        @Test
        void isOfferedSizedForTheMaximumBufferAndUsedWhenBothAgree() {
            TcpHarness h = TcpHarness.with(plain().windowScaling(true).maxReceiveBufferSize(1 << 20));
            h.conn = TcpConnection.builder(h.config, TcpHarness.LOCAL, TcpHarness.REMOTE)
                    .initialSequenceNumber(TcpHarness.LOCAL_ISS).connect(h.now);
            // 2^20 >> 4 = 65536 does not fit 16 bits: shift 5.
            h.expect(out().seq(-1).flags(SYN).opt(MSS, new TcpOption.WindowScale(5)));
            h.send(in().seq(-1).ack(0).flags(SYN | ACK).win(1000).opt(MSS, new TcpOption.WindowScale(3)));
            assertThat(h.conn.sendWindowScale()).isEqualTo(3);
            assertThat(h.conn.receiveWindowScale()).isEqualTo(5);
            // The SYN-ACK's window is not scaled (RFC 7323 section 2.2); later ones are.
            assertThat(h.conn.sendWindow()).isEqualTo(1000);
            h.expect(out().seq(0).ack(0).win(TcpHarness.BUFFER >> 5));
            h.send(in().seq(0).ack(0).win(1000));
            assertThat(h.conn.sendWindow()).isEqualTo(8000);
        }

        @Test
        void isNotUsedWhenThePeerDoesNotOfferIt() {
            TcpHarness h = TcpHarness.with(plain().windowScaling(true).maxReceiveBufferSize(1 << 20)).synSent();
            h.send(in().seq(-1).ack(0).flags(SYN | ACK).win(1000).opt(MSS));
            assertThat(h.conn.sendWindowScale()).isZero();
            assertThat(h.conn.receiveWindowScale()).isZero();
            h.expect(out().seq(0).ack(0).win(TcpHarness.BUFFER));
        }

        @Test
        void aPassiveOpenAnswersOnlyWhatThePeerOffered() {
            TcpHarness h = TcpHarness.with(TcpConfig.builder().mss(1000).congestionControl("reno"));
            h.synReceived(in().seq(-1).flags(SYN).opt(MSS));
            assertThat(h.conn.receiveWindowScale()).isZero();
            assertThat(h.conn.sackEnabled()).isFalse();
            assertThat(h.conn.timestampsEnabled()).isFalse();
        }

        @Test
        void aShiftAbove14IsUsedAs14() {
            TcpHarness h = TcpHarness.with(plain().windowScaling(true)).synSent();
            h.send(in().seq(-1).ack(0).flags(SYN | ACK).opt(MSS, new TcpOption.WindowScale(20)));
            assertThat(h.conn.sendWindowScale()).isEqualTo(14);
        }
    }

    @Nested
    class Timestamps {

        private TcpHarness established() {
            TcpHarness h = TcpHarness.with(plain().timestamps(true));
            h.conn = TcpConnection.builder(h.config, TcpHarness.LOCAL, TcpHarness.REMOTE)
                    .initialSequenceNumber(TcpHarness.LOCAL_ISS).statistics(h.statistics).connect(h.now);
            h.expect(out().seq(-1).flags(SYN).opt(MSS, new TcpOption.Timestamps(ts(h), 0)));
            h.now += 5 * MS;
            h.send(in().seq(-1).ack(0).flags(SYN | ACK).opt(MSS, new TcpOption.Timestamps(700, ts(h) - 5)));
            assertThat(h.conn.timestampsEnabled()).isTrue();
            // Every later segment carries TSval and echoes the peer's latest in-order TSval (RFC 7323 section 3).
            h.expect(out().seq(0).ack(0).opt(new TcpOption.Timestamps(ts(h), 700)));
            return h;
        }

        @Test
        void areNegotiatedAndEchoed() {
            TcpHarness h = established();
            // 5 ms from SYN to SYN-ACK.
            assertThat(h.conn.rttStats().latestRttNanos()).isEqualTo(5 * MS);
            h.send(in().seq(0).ack(0).data("x").opt(new TcpOption.Timestamps(710, ts(h))));
            h.write("y");
            h.expect(out().seq(0).ack(1).win(63_999).flags(ACK | TcpSegment.PSH).data("y")
                    .opt(new TcpOption.Timestamps(ts(h), 710)));
        }

        @Test
        void theOptionShrinksThePayload() {
            TcpHarness h = established();
            h.write(pattern(0, 2000));
            // 1000 - 12 bytes of timestamps option (10, padded); the 24-byte tail waits (Nagle).
            assertThat(drain(h)).extracting(TcpSegment::payloadLength).containsExactly(988, 988);
        }

        @Test
        void pawsDropsAnOldSegmentAndAnswersIt() {
            TcpHarness h = established();
            h.send(in().seq(0).ack(0).data("new").opt(new TcpOption.Timestamps(800, ts(h))));
            h.advanceToNextTimeout();
            h.expect(out().seq(0).ack(3).win(63_997).opt(new TcpOption.Timestamps(ts(h), 800)));
            // RFC 7323 section 5.3 R1: TSval 750 < TS.Recent 800.
            h.send(in().seq(3).ack(0).data("old").opt(new TcpOption.Timestamps(750, ts(h))));
            h.expect(out().seq(0).ack(3).win(63_997).opt(new TcpOption.Timestamps(ts(h), 800)));
            assertThat(h.read()).isEqualTo("new");
            assertThat(h.statistics.drops(TcpStatistics.DropReason.PAWS)).isEqualTo(1);
        }

        @Test
        void arentUsedIfThePeerDoesNotEchoTheOffer() {
            TcpHarness h = TcpHarness.with(plain().timestamps(true)).synSent();
            h.send(in().seq(-1).ack(0).flags(SYN | ACK).opt(MSS));
            assertThat(h.conn.timestampsEnabled()).isFalse();
            h.expect(out().seq(0).ack(0));
        }

        @Test
        void aRetransmittedSegmentIsTimedByItsEcho() {
            TcpHarness h = established();
            h.write("a");
            long sentAt = ts(h);
            h.poll();
            h.advanceToNextTimeout();
            h.poll();
            h.now += 7 * MS;
            // The echo names the first transmission: a valid sample even though the segment was resent.
            h.send(in().seq(0).ack(1).opt(new TcpOption.Timestamps(720, sentAt)));
            assertThat(h.conn.rttStats().latestRttNanos()).isEqualTo(h.now / MS * MS - sentAt * MS);
        }
    }

    @Nested
    class SackPermitted {

        @Test
        void isOfferedAndAgreed() {
            TcpHarness h = TcpHarness.with(plain().sack(true));
            h.conn = TcpConnection.builder(h.config, TcpHarness.LOCAL, TcpHarness.REMOTE)
                    .initialSequenceNumber(TcpHarness.LOCAL_ISS).connect(h.now);
            h.expect(out().seq(-1).flags(SYN).opt(MSS, new TcpOption.SackPermitted()));
            h.send(in().seq(-1).ack(0).flags(SYN | ACK).opt(MSS, new TcpOption.SackPermitted()));
            assertThat(h.conn.sackEnabled()).isTrue();
        }

        @Test
        void theDefaultsOfferEverythingInLinuxOrder() {
            TcpHarness h = new TcpHarness(TcpConfig.defaults());
            h.conn = TcpConnection.builder(h.config, TcpHarness.LOCAL, TcpHarness.REMOTE)
                    .initialSequenceNumber(TcpHarness.LOCAL_ISS).connect(h.now);
            TcpSegment syn = h.poll();
            assertThat(syn.options()).containsExactly(new TcpOption.Mss(1460), new TcpOption.SackPermitted(),
                    new TcpOption.Timestamps(ts(h), 0), new TcpOption.WindowScale(7));
            assertThat(syn.window()).isEqualTo(65_535);
        }
    }
}
