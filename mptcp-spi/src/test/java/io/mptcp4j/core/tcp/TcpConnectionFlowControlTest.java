package io.mptcp4j.core.tcp;

import io.mptcp4j.core.wire.TcpOption;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Duration;

import static io.mptcp4j.core.tcp.TcpConnectionRecoveryTest.drain;
import static io.mptcp4j.core.tcp.TcpConnectionRecoveryTest.offsets;
import static io.mptcp4j.core.tcp.TcpHarness.MS;
import static io.mptcp4j.core.tcp.TcpHarness.S;
import static io.mptcp4j.core.tcp.TcpHarness.in;
import static io.mptcp4j.core.tcp.TcpHarness.out;
import static io.mptcp4j.core.tcp.TcpHarness.pattern;
import static io.mptcp4j.core.tcp.TcpHarness.plain;
import static io.mptcp4j.core.wire.TcpSegment.ACK;
import static io.mptcp4j.core.wire.TcpSegment.PSH;
import static io.mptcp4j.core.wire.TcpSegment.RST;
import static io.mptcp4j.core.wire.TcpSegment.SYN;
import static org.assertj.core.api.Assertions.assertThat;

/** Delayed ACKs, Nagle, windows in both directions, zero-window probing and keepalive. */
class TcpConnectionFlowControlTest {

    @Nested
    class DelayedAck {

        @Test
        void everySecondFullSizedSegmentIsAcknowledgedAtOnce() {
            TcpHarness h = TcpHarness.with(plain()).established();
            h.send(in().seq(0).ack(0).data(0, 1000));
            h.expectNothing();
            h.send(in().seq(1000).ack(0).data(1000, 1000));
            // RFC 5681 section 4.2: at least every second full-sized segment.
            h.expect(out().seq(0).ack(2000).win(62_000));
            h.send(in().seq(2000).ack(0).data(2000, 1000));
            h.expectNothing();
            assertThat(h.advanceToNextTimeout()).isEqualTo(40 * MS);
            h.expect(out().seq(0).ack(3000).win(61_000));
            assertThat(h.statistics.get(TcpStatistics.Counter.DELAYED_ACKS)).isEqualTo(1);
        }

        @Test
        void anAckRidesOnOutgoingDataAndCancelsTheTimer() {
            TcpHarness h = TcpHarness.with(plain()).established();
            h.send(in().seq(0).ack(0).data("ping"));
            h.write("pong");
            h.expect(out().seq(0).ack(4).flags(ACK | PSH).win(63_996).data("pong"));
            h.advance(40 * MS);
            h.expectNothing();
        }

        @Test
        void withoutDelayEverySegmentIsAcknowledged() {
            TcpHarness h = TcpHarness.with(plain().delayedAckTimeout(Duration.ZERO)).established();
            h.send(in().seq(0).ack(0).data("a"));
            h.expect(out().seq(0).ack(1).win(63_999));
        }
    }

    @Nested
    class Nagle {

        @Test
        void aSmallSegmentWaitsWhileDataIsUnacknowledged() {
            TcpHarness h = TcpHarness.with(plain()).established();
            h.write("a");
            h.expect(out().seq(0).ack(0).flags(ACK | PSH).data("a"));
            h.write("b");
            h.write("c");
            // RFC 896: held until the outstanding data is acknowledged.
            h.expectNothing();
            h.send(in().seq(0).ack(1));
            h.expect(out().seq(1).ack(0).flags(ACK | PSH).data("bc"));
        }

        @Test
        void fullSizedSegmentsAreNotHeld() {
            TcpHarness h = TcpHarness.with(plain()).established();
            h.write("a");
            h.expect(out().seq(0).ack(0).flags(ACK | PSH).data("a"));
            h.write(pattern(1, 2500));
            assertThat(offsets(drain(h))).containsExactly(1L, 1001L);
            h.send(in().seq(0).ack(2001));
            h.expect(out().seq(2001).ack(0).flags(ACK | PSH).data(pattern(2001, 500)));
        }

        @Test
        void noDelaySendsSmallSegmentsAtOnce() {
            TcpHarness h = TcpHarness.with(plain().noDelay(true)).established();
            h.write("a");
            h.expect(out().seq(0).ack(0).flags(ACK | PSH).data("a"));
            h.write("b");
            h.expect(out().seq(1).ack(0).flags(ACK | PSH).data("b"));
        }
    }

    @Nested
    class SendWindow {

        @Test
        void theCongestionWindowLimitsTheFirstFlight() {
            TcpHarness h = TcpHarness.with(plain()).established();
            h.write(pattern(0, 20_000));
            // RFC 6928: min(10 * 1000, max(2 * 1000, 14600)) = 10000 bytes.
            assertThat(drain(h)).hasSize(10);
            assertThat(h.conn.bytesInFlight()).isEqualTo(10_000);
            assertThat(h.conn.unsentBytes()).isEqualTo(10_000);
        }

        @Test
        void thePeersWindowLimitsWhatIsSent() {
            TcpHarness h = TcpHarness.with(plain()).established();
            h.send(in().seq(0).ack(0).win(2500));
            h.write(pattern(0, 5000));
            assertThat(offsets(drain(h))).containsExactly(0L, 1000L);
            // 500 bytes of window are left; SWS avoidance holds them back while data is in flight.
            h.send(in().seq(0).ack(2000).win(2500));
            assertThat(offsets(drain(h))).containsExactly(2000L, 3000L);
        }

        @Test
        void aZeroWindowIsProbedWithBackoffUntilItOpens() {
            TcpHarness h = TcpHarness.with(plain()).established();
            h.send(in().seq(0).ack(0).win(0));
            h.write("data");
            h.expectNothing();
            // RFC 9293 3.8.6.1: probe after an RTO, then back off. The probe is an ACK of old data (SEQ=SND.UNA-1).
            assertThat(h.advanceToNextTimeout()).isEqualTo(200 * MS);
            h.expect(out().seq(-1).ack(0));
            h.send(in().seq(0).ack(0).win(0));
            assertThat(h.advanceToNextTimeout()).isEqualTo(400 * MS);
            h.expect(out().seq(-1).ack(0));
            assertThat(h.advanceToNextTimeout()).isEqualTo(800 * MS);
            h.expect(out().seq(-1).ack(0));
            h.send(in().seq(0).ack(0).win(1000));
            h.expect(out().seq(0).ack(0).flags(ACK | PSH).data("data"));
            assertThat(h.statistics.get(TcpStatistics.Counter.WINDOW_PROBES)).isEqualTo(3);
        }

        @Test
        void unansweredProbesEventuallyFailTheConnection() {
            TcpHarness h = TcpHarness.with(plain().maxDataRetries(2)).established();
            h.send(in().seq(0).ack(0).win(0));
            h.write("data");
            h.expectNothing();
            h.advanceToNextTimeout();
            h.expect(out().seq(-1).ack(0));
            h.advanceToNextTimeout();
            h.expect(out().seq(-1).ack(0));
            h.advanceToNextTimeout();
            assertThat(h.conn.state()).isEqualTo(TcpState.CLOSED);
            assertThat(h.conn.error().reason()).isEqualTo(TcpConnectionException.Reason.TIMEOUT);
        }

        @Test
        void aSmallOpeningIsFilledWhenThePersistTimerFires() {
            TcpHarness h = TcpHarness.with(plain()).established();
            h.send(in().seq(0).ack(0).win(0));
            h.write(pattern(0, 3000));
            h.send(in().seq(0).ack(0).win(300));
            // 300 bytes is under half the largest window seen: wait (RFC 9293 3.8.6.2.1) until the override.
            h.expectNothing();
            h.advanceToNextTimeout();
            h.expect(out().seq(0).ack(0).data(0, 300));
        }
    }

    @Nested
    class ReceiveWindow {

        @Test
        void aFullBufferAdvertisesZeroAndReadingReopensIt() {
            TcpHarness h = TcpHarness.with(plain().receiveBufferSize(2000).maxReceiveBufferSize(2000)).synSent();
            h.send(in().seq(-1).ack(0).flags(SYN | ACK)
                    .opt(new TcpOption.Mss(1000)));
            h.expect(out().seq(0).ack(0).win(2000));
            h.send(in().seq(0).ack(0).data(0, 1000));
            h.send(in().seq(1000).ack(0).data(1000, 1000));
            h.expect(out().seq(0).ack(2000).win(0));
            // Nothing more fits: a segment at RCV.NXT is answered but not stored.
            h.send(in().seq(2000).ack(0).data(2000, 10));
            h.expect(out().seq(0).ack(2000).win(0));
            ByteBuffer b = ByteBuffer.allocate(500);
            assertThat(h.conn.read(b)).isEqualTo(500);
            // 500 free is under min(buffer / 2, MSS) = 1000: receiver SWS avoidance keeps the window closed.
            h.expectNothing();
            assertThat(h.conn.read(ByteBuffer.allocate(1500))).isEqualTo(1500);
            h.expect(out().seq(0).ack(2000).win(2000));
        }

        @Test
        void theWindowNeverShrinks() {
            TcpHarness h = TcpHarness.with(plain()).established();
            h.send(in().seq(0).ack(0).data(0, 1000));
            h.send(in().seq(1000).ack(0).data(1000, 1000));
            h.expect(out().seq(0).ack(2000).win(62_000));
            assertThat(h.conn.receiveWindow()).isEqualTo(62_000);
        }

        @Test
        void autoTuningGrowsTheBufferWhenTheApplicationKeepsUp() {
            TcpHarness h = TcpHarness.with(plain().receiveBufferAutoTuning(true).maxReceiveBufferSize(1 << 20)
                    .windowScaling(true)).synSent();
            h.send(in().seq(-1).ack(0).flags(SYN | ACK)
                    .opt(new TcpOption.Mss(1000), new TcpOption.WindowScale(0)));
            h.poll();
            h.conn.write(ByteBuffer.wrap(new byte[10]));
            h.poll();
            h.now += 10 * MS;
            h.send(in().seq(0).ack(10));
            // RTT sample: 10 ms. Deliver 50 kB per RTT, read at once, for a few RTTs.
            long offset = 0;
            for (int round = 0; round < 5; round++) {
                for (int i = 0; i < 50; i++) {
                    h.send(in().seq(offset).ack(10).data(offset, 1000));
                    offset += 1000;
                    h.conn.read(ByteBuffer.allocate(1000));
                }
                drain(h);
                h.now += 10 * MS;
            }
            // Linux's DRS: about twice what was read per RTT, plus headroom.
            assertThat(h.conn.receiveBufferLimit()).isGreaterThan(100_000);
            assertThat(h.conn.receiveBufferLimit()).isLessThanOrEqualTo(1 << 20);
        }
    }

    @Nested
    class KeepAlive {

        private TcpHarness h;

        private void established() {
            h = TcpHarness.with(plain().keepAlive(Duration.ofSeconds(10), Duration.ofSeconds(1), 3)).established();
        }

        @Test
        void anIdleConnectionIsProbedAndAnAnswerResetsTheCount() {
            established();
            assertThat(h.advanceToNextTimeout()).isEqualTo(10 * S);
            h.expect(out().seq(-1).ack(0));
            h.send(in().seq(0).ack(0));
            // The answer makes the connection alive again: the next probe comes after a full idle period.
            assertThat(h.advanceToNextTimeout()).isEqualTo(1 * S);
            h.expectNothing();
            assertThat(h.advanceToNextTimeout()).isEqualTo(9 * S);
            h.expect(out().seq(-1).ack(0));
        }

        @Test
        void unansweredProbesResetTheConnection() {
            established();
            assertThat(h.advanceToNextTimeout()).isEqualTo(10 * S);
            h.expect(out().seq(-1).ack(0));
            assertThat(h.advanceToNextTimeout()).isEqualTo(1 * S);
            h.expect(out().seq(-1).ack(0));
            assertThat(h.advanceToNextTimeout()).isEqualTo(1 * S);
            h.expect(out().seq(-1).ack(0));
            assertThat(h.advanceToNextTimeout()).isEqualTo(1 * S);
            h.expect(out().seq(0).ack(0).flags(RST | ACK).win(0));
            assertThat(h.conn.error().reason()).isEqualTo(TcpConnectionException.Reason.TIMEOUT);
            assertThat(h.statistics.get(TcpStatistics.Counter.KEEPALIVE_PROBES)).isEqualTo(3);
        }

        @Test
        void trafficPostponesTheProbe() {
            established();
            h.now += 6 * S;
            h.send(in().seq(0).ack(0).data("x"));
            h.advanceToNextTimeout();
            h.expect(out().seq(0).ack(1).win(63_999));
            assertThat(h.advanceToNextTimeout()).isEqualTo(4 * S - 40 * MS);
            h.expectNothing();
            assertThat(h.advanceToNextTimeout()).isEqualTo(6 * S);
            h.expect(out().seq(-1).ack(1).win(63_999));
        }

        @Test
        void isOffByDefault() {
            h = TcpHarness.with(plain()).established();
            assertThat(h.conn.nextTimeout()).isEqualTo(Long.MAX_VALUE);
        }
    }
}
