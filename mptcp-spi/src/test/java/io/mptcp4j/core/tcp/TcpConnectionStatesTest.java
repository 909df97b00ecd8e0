package io.mptcp4j.core.tcp;

import io.mptcp4j.core.wire.TcpOption;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Duration;

import static io.mptcp4j.core.tcp.TcpHarness.MS;
import static io.mptcp4j.core.tcp.TcpHarness.S;
import static io.mptcp4j.core.tcp.TcpHarness.in;
import static io.mptcp4j.core.tcp.TcpHarness.out;
import static io.mptcp4j.core.tcp.TcpHarness.plain;
import static io.mptcp4j.core.wire.TcpSegment.ACK;
import static io.mptcp4j.core.wire.TcpSegment.FIN;
import static io.mptcp4j.core.wire.TcpSegment.PSH;
import static io.mptcp4j.core.wire.TcpSegment.RST;
import static io.mptcp4j.core.wire.TcpSegment.SYN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The RFC 9293 state machine, one nested class per state (after smoltcp's socket tests). */
class TcpConnectionStatesTest {

    private static final TcpOption MSS = new TcpOption.Mss(TcpHarness.MSS);

    private TcpHarness h;

    @Nested
    class SynSent {

        @BeforeEach
        void open() {
            h = TcpHarness.with(plain());
            h.conn = TcpConnection.builder(h.config, TcpHarness.LOCAL, TcpHarness.REMOTE)
                    .initialSequenceNumber(TcpHarness.LOCAL_ISS).statistics(h.statistics).connect(h.now);
        }

        @Test
        void sendsASynWithItsMssAndWindow() {
            assertThat(h.conn.state()).isEqualTo(TcpState.SYN_SENT);
            h.expect(out().seq(-1).flags(SYN).opt(MSS));
            h.expectNothing();
        }

        @Test
        void aSynAckEstablishesAndIsAcknowledged() {
            h.expect(out().seq(-1).flags(SYN).opt(MSS));
            h.send(in().seq(-1).ack(0).flags(SYN | ACK).opt(MSS));
            assertThat(h.conn.state()).isEqualTo(TcpState.ESTABLISHED);
            assertThat(h.conn.isConnected()).isTrue();
            h.expect(out().seq(0).ack(0));
            h.expectNothing();
        }

        @Test
        void dataWrittenBeforeTheHandshakeGoesAfterIt() {
            h.expect(out().seq(-1).flags(SYN).opt(MSS));
            assertThat(h.write("early")).isEqualTo(5);
            h.expectNothing();
            h.send(in().seq(-1).ack(0).flags(SYN | ACK).opt(MSS));
            h.expect(out().seq(0).ack(0).flags(ACK | PSH).data("early"));
            h.expectNothing();
        }

        @Test
        void aRstWithAnAcceptableAckRefusesTheConnection() {
            h.expect(out().seq(-1).flags(SYN).opt(MSS));
            h.send(in().seq(0).ack(0).flags(RST | ACK).win(0));
            assertThat(h.conn.state()).isEqualTo(TcpState.CLOSED);
            assertThat(h.conn.error().reason()).isEqualTo(TcpConnectionException.Reason.REFUSED);
            assertThat(h.conn.isReadable()).isTrue();
            h.expectNothing();
        }

        @Test
        void aRstWithoutAckIsIgnored() {
            h.expect(out().seq(-1).flags(SYN).opt(MSS));
            h.send(in().seq(0).flags(RST).win(0));
            assertThat(h.conn.state()).isEqualTo(TcpState.SYN_SENT);
            h.expectNothing();
        }

        @Test
        void anUnacceptableAckIsAnsweredWithARstAndIgnored() {
            h.expect(out().seq(-1).flags(SYN).opt(MSS));
            // RFC 9293 3.10.7.3: <SEQ=SEG.ACK><CTL=RST>
            h.send(in().seq(-1).ack(41).flags(SYN | ACK).opt(MSS));
            h.expect(out().seq(41).ack(0).flags(RST).win(0));
            assertThat(h.conn.state()).isEqualTo(TcpState.SYN_SENT);
            h.send(in().seq(-1).ack(0).flags(SYN | ACK).opt(MSS));
            assertThat(h.conn.state()).isEqualTo(TcpState.ESTABLISHED);
        }

        @Test
        void aSegmentWithNeitherSynNorRstIsDropped() {
            h.expect(out().seq(-1).flags(SYN).opt(MSS));
            h.send(in().seq(0).ack(0).data("x"));
            assertThat(h.conn.state()).isEqualTo(TcpState.SYN_SENT);
            h.expectNothing();
        }

        @Test
        void aSynWithoutAckIsASimultaneousOpen() {
            h.expect(out().seq(-1).flags(SYN).opt(MSS));
            h.send(in().seq(-1).flags(SYN).opt(MSS));
            assertThat(h.conn.state()).isEqualTo(TcpState.SYN_RECEIVED);
            // RFC 9293 figure 7: <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>
            h.expect(out().seq(-1).ack(0).flags(SYN | ACK).opt(MSS));
            // The peer's SYN-ACK repeats its SYN's sequence number and acknowledges ours.
            h.send(in().seq(-1).ack(0).flags(SYN | ACK).opt(MSS));
            assertThat(h.conn.state()).isEqualTo(TcpState.ESTABLISHED);
            h.write("hi");
            h.expect(out().seq(0).ack(0).flags(ACK | PSH).data("hi"));
        }

        @Test
        void theSynIsRetransmittedWithExponentialBackoffThenTheOpenFails() {
            h = TcpHarness.with(plain().maxSynRetries(3));
            h.conn = TcpConnection.builder(h.config, TcpHarness.LOCAL, TcpHarness.REMOTE)
                    .initialSequenceNumber(TcpHarness.LOCAL_ISS).connect(h.now);
            h.expect(out().seq(-1).flags(SYN).opt(MSS));
            // RFC 6298 (2.1) and (5.5): 1 s, then doubling.
            assertThat(h.advanceToNextTimeout()).isEqualTo(1 * S);
            h.expect(out().seq(-1).flags(SYN).opt(MSS));
            assertThat(h.advanceToNextTimeout()).isEqualTo(2 * S);
            h.expect(out().seq(-1).flags(SYN).opt(MSS));
            assertThat(h.advanceToNextTimeout()).isEqualTo(4 * S);
            h.expect(out().seq(-1).flags(SYN).opt(MSS));
            assertThat(h.advanceToNextTimeout()).isEqualTo(8 * S);
            h.expectNothing();
            assertThat(h.conn.state()).isEqualTo(TcpState.CLOSED);
            assertThat(h.conn.error().reason()).isEqualTo(TcpConnectionException.Reason.TIMEOUT);
            assertThat(h.conn.nextTimeout()).isEqualTo(Long.MAX_VALUE);
        }

        @Test
        void closingBeforeTheAnswerJustForgetsTheConnection() {
            h.expect(out().seq(-1).flags(SYN).opt(MSS));
            h.conn.close();
            assertThat(h.conn.state()).isEqualTo(TcpState.CLOSED);
            assertThat(h.conn.error()).isNull();
            h.expectNothing();
        }
    }

    @Nested
    class SynReceived {

        @BeforeEach
        void open() {
            h = TcpHarness.with(plain());
            h.conn = TcpConnection.builder(h.config, TcpHarness.LOCAL, TcpHarness.REMOTE)
                    .initialSequenceNumber(TcpHarness.LOCAL_ISS).statistics(h.statistics)
                    .accept(h.now, in().seq(-1).flags(SYN).opt(MSS).build());
        }

        @Test
        void answersTheSynWithASynAck() {
            assertThat(h.conn.state()).isEqualTo(TcpState.SYN_RECEIVED);
            h.expect(out().seq(-1).ack(0).flags(SYN | ACK).opt(MSS));
            h.expectNothing();
        }

        @Test
        void theAckOfTheSynAckEstablishes() {
            h.expect(out().seq(-1).ack(0).flags(SYN | ACK).opt(MSS));
            h.send(in().seq(0).ack(0));
            assertThat(h.conn.state()).isEqualTo(TcpState.ESTABLISHED);
            h.expectNothing();
        }

        @Test
        void dataOnTheThirdSegmentIsAccepted() {
            h.expect(out().seq(-1).ack(0).flags(SYN | ACK).opt(MSS));
            h.send(in().seq(0).ack(0).flags(ACK | PSH).data("hello"));
            assertThat(h.conn.state()).isEqualTo(TcpState.ESTABLISHED);
            assertThat(h.read()).isEqualTo("hello");
        }

        @Test
        void aFinWithTheThirdSegmentGoesToCloseWait() {
            h.expect(out().seq(-1).ack(0).flags(SYN | ACK).opt(MSS));
            h.send(in().seq(0).ack(0).flags(ACK | FIN));
            assertThat(h.conn.state()).isEqualTo(TcpState.CLOSE_WAIT);
            h.expect(out().seq(0).ack(1));
        }

        @Test
        void aRetransmittedSynGetsTheSynAckAgain() {
            h.expect(out().seq(-1).ack(0).flags(SYN | ACK).opt(MSS));
            h.send(in().seq(-1).flags(SYN).opt(MSS));
            h.expect(out().seq(-1).ack(0).flags(SYN | ACK).opt(MSS));
            assertThat(h.conn.state()).isEqualTo(TcpState.SYN_RECEIVED);
        }

        @Test
        void anUnacceptableAckIsAnsweredWithARst() {
            h.expect(out().seq(-1).ack(0).flags(SYN | ACK).opt(MSS));
            h.send(in().seq(0).ack(7));
            h.expect(out().seq(7).ack(0).flags(RST).win(0));
            assertThat(h.conn.state()).isEqualTo(TcpState.SYN_RECEIVED);
        }

        @Test
        void aRstClosesThePassiveOpenQuietly() {
            h.expect(out().seq(-1).ack(0).flags(SYN | ACK).opt(MSS));
            h.send(in().seq(0).flags(RST).win(0));
            assertThat(h.conn.state()).isEqualTo(TcpState.CLOSED);
            h.expectNothing();
            assertThat(h.statistics.get(TcpStatistics.Counter.ATTEMPT_FAILS)).isEqualTo(1);
        }

        @Test
        void theSynAckIsRetransmittedThenTheOpenFails() {
            h = TcpHarness.with(plain().maxSynRetries(1));
            h.conn = TcpConnection.builder(h.config, TcpHarness.LOCAL, TcpHarness.REMOTE)
                    .initialSequenceNumber(TcpHarness.LOCAL_ISS).accept(h.now, in().seq(-1).flags(SYN).build());
            h.expect(out().seq(-1).ack(0).flags(SYN | ACK).opt(MSS));
            assertThat(h.advanceToNextTimeout()).isEqualTo(1 * S);
            h.expect(out().seq(-1).ack(0).flags(SYN | ACK).opt(MSS));
            assertThat(h.advanceToNextTimeout()).isEqualTo(2 * S);
            assertThat(h.conn.state()).isEqualTo(TcpState.CLOSED);
            assertThat(h.conn.error().reason()).isEqualTo(TcpConnectionException.Reason.TIMEOUT);
        }

        @Test
        void withoutAnMssOptionTheSenderUsesTheRfcDefault() {
            h = TcpHarness.with(plain());
            h.conn = TcpConnection.builder(h.config, TcpHarness.LOCAL, TcpHarness.REMOTE)
                    .initialSequenceNumber(TcpHarness.LOCAL_ISS).accept(h.now, in().seq(-1).flags(SYN).build());
            assertThat(h.conn.sendMss()).isEqualTo(536);
        }
    }

    @Nested
    class Established {

        @BeforeEach
        void open() {
            h = TcpHarness.with(plain()).established();
        }

        @Test
        void dataIsAcknowledgedAfterTheDelayedAckTimeout() {
            h.send(in().seq(0).ack(0).flags(ACK | PSH).data("abc"));
            h.expectNothing();
            assertThat(h.advanceToNextTimeout()).isEqualTo(40 * MS);
            h.expect(out().seq(0).ack(3).win(TcpHarness.WINDOW - 3));
            assertThat(h.read()).isEqualTo("abc");
        }

        @Test
        void twoSegmentsJustShortOfTheLargestSeenAreAcknowledgedAtOnce() {
            // RFC 5681 section 4.2, counted as Linux does: more than one largest segment. Options of varying
            // length (a DSS on a mapping's first segment) make two full segments less than twice the largest.
            String largest = "x".repeat(1000);
            h.send(in().seq(0).ack(0).data(largest));
            h.expectNothing();
            h.advanceToNextTimeout();
            h.expect(out().seq(0).ack(1000).win(TcpHarness.WINDOW - 1000));
            String shorter = "y".repeat(980);
            h.send(in().seq(1000).ack(0).data(shorter));
            h.expectNothing();
            h.send(in().seq(1980).ack(0).data(shorter));
            h.expect(out().seq(0).ack(2960).win(TcpHarness.WINDOW - 2960));
        }

        @Test
        void sendsDataAndStopsTheTimerWhenAcknowledged() {
            h.write("hello");
            h.expect(out().seq(0).ack(0).flags(ACK | PSH).data("hello"));
            assertThat(h.conn.bytesInFlight()).isEqualTo(5);
            assertThat(h.conn.nextTimeout()).isNotEqualTo(Long.MAX_VALUE);
            h.send(in().seq(0).ack(5));
            assertThat(h.conn.bytesInFlight()).isZero();
            assertThat(h.conn.nextTimeout()).isEqualTo(Long.MAX_VALUE);
            h.expectNothing();
        }

        @Test
        void anOutOfWindowSegmentIsAnsweredWithAnAck() {
            h.send(in().seq(TcpHarness.WINDOW + 10).ack(0).data("far"));
            h.expect(out().seq(0).ack(0));
            assertThat(h.statistics.drops(TcpStatistics.DropReason.OUT_OF_WINDOW)).isEqualTo(1);
        }

        @Test
        void aDuplicateSegmentIsAnsweredWithAnAck() {
            h.send(in().seq(0).ack(0).data("abc"));
            h.send(in().seq(0).ack(0).data("abc"));
            h.expect(out().seq(0).ack(3).win(TcpHarness.WINDOW - 3));
            assertThat(h.read()).isEqualTo("abc");
        }

        @Test
        void aRstAtExactlyRcvNxtResetsTheConnection() {
            h.send(in().seq(0).flags(RST).win(0));
            assertThat(h.conn.state()).isEqualTo(TcpState.CLOSED);
            assertThat(h.conn.error().reason()).isEqualTo(TcpConnectionException.Reason.RESET_BY_PEER);
            assertThat(h.conn.read(ByteBuffer.allocate(10))).isEqualTo(-1);
            assertThatThrownBy(() -> h.write("x")).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("reset");
            h.expectNothing();
        }

        @Test
        void aRstInTheWindowButNotAtRcvNxtGetsAChallengeAck() {
            // RFC 5961 section 3.2
            h.send(in().seq(100).flags(RST).win(0));
            assertThat(h.conn.state()).isEqualTo(TcpState.ESTABLISHED);
            h.expect(out().seq(0).ack(0));
            assertThat(h.statistics.get(TcpStatistics.Counter.CHALLENGE_ACKS)).isEqualTo(1);
        }

        @Test
        void aRstOutsideTheWindowIsDroppedSilently() {
            h.send(in().seq(TcpHarness.WINDOW + 1).flags(RST).win(0));
            assertThat(h.conn.state()).isEqualTo(TcpState.ESTABLISHED);
            h.expectNothing();
        }

        @Test
        void aSynGetsAChallengeAckAndChallengesAreRateLimited() {
            // RFC 5961 section 4.2, and section 7's throttling
            h.send(in().seq(500).flags(SYN).opt(MSS));
            h.expect(out().seq(0).ack(0));
            h.send(in().seq(501).flags(SYN).opt(MSS));
            h.expectNothing();
            h.now += 500 * MS;
            h.send(in().seq(502).flags(SYN).opt(MSS));
            h.expect(out().seq(0).ack(0));
            assertThat(h.conn.state()).isEqualTo(TcpState.ESTABLISHED);
        }

        @Test
        void anAckOfDataNotYetSentIsAnsweredAndDropped() {
            h.send(in().seq(0).ack(100).data("zz"));
            h.expect(out().seq(0).ack(0));
            assertThat(h.read()).isEmpty();
            assertThat(h.statistics.drops(TcpStatistics.DropReason.BAD_ACK)).isEqualTo(1);
        }

        @Test
        void aSegmentWithoutAckIsDropped() {
            h.send(in().seq(0).flags(PSH).data("no ack"));
            assertThat(h.read()).isEmpty();
            h.expectNothing();
        }

        @Test
        void aFinGoesToCloseWaitAndIsAcknowledgedAtOnce() {
            h.send(in().seq(0).ack(0).flags(ACK | FIN).data("bye"));
            assertThat(h.conn.state()).isEqualTo(TcpState.CLOSE_WAIT);
            h.expect(out().seq(0).ack(4).win(TcpHarness.WINDOW - 3));
            assertThat(h.read()).isEqualTo("bye");
            assertThat(h.read()).isNull();
            assertThat(h.conn.isInputShutdown()).isTrue();
        }

        @Test
        void shutdownOutputSendsAFinAfterTheQueuedData() {
            h.write("last");
            h.conn.shutdownOutput();
            assertThat(h.conn.state()).isEqualTo(TcpState.FIN_WAIT_1);
            h.expect(out().seq(0).ack(0).flags(ACK | FIN | PSH).data("last"));
            assertThatThrownBy(() -> h.write("more")).isInstanceOf(IllegalStateException.class);
        }

        @Test
        void abortSendsARst() {
            h.write("unsent");
            h.conn.abort();
            h.expect(out().seq(0).ack(0).flags(RST | ACK).win(0));
            assertThat(h.conn.state()).isEqualTo(TcpState.CLOSED);
            assertThat(h.conn.error().reason()).isEqualTo(TcpConnectionException.Reason.ABORTED);
            h.expectNothing();
        }

        @Test
        void closingWithUnreadDataResets() {
            h.send(in().seq(0).ack(0).data("unread"));
            h.conn.close();
            h.expect(out().seq(0).ack(6).flags(RST | ACK).win(0));
            assertThat(h.conn.state()).isEqualTo(TcpState.CLOSED);
        }
    }

    @Nested
    class FinWait1 {

        @BeforeEach
        void open() {
            h = TcpHarness.with(plain()).established();
            h.conn.shutdownOutput();
            h.expect(out().seq(0).ack(0).flags(ACK | FIN));
        }

        @Test
        void theAckOfTheFinGoesToFinWait2() {
            h.send(in().seq(0).ack(1));
            assertThat(h.conn.state()).isEqualTo(TcpState.FIN_WAIT_2);
            h.expectNothing();
        }

        @Test
        void aFinBeforeTheAckIsASimultaneousClose() {
            h.send(in().seq(0).ack(0).flags(ACK | FIN));
            assertThat(h.conn.state()).isEqualTo(TcpState.CLOSING);
            h.expect(out().seq(1).ack(1));
            h.send(in().seq(1).ack(1));
            assertThat(h.conn.state()).isEqualTo(TcpState.TIME_WAIT);
        }

        @Test
        void aFinWithTheAckGoesStraightToTimeWait() {
            h.send(in().seq(0).ack(1).flags(ACK | FIN));
            assertThat(h.conn.state()).isEqualTo(TcpState.TIME_WAIT);
            h.expect(out().seq(1).ack(1));
        }

        @Test
        void dataIsStillReceived() {
            h.send(in().seq(0).ack(1).data("still"));
            assertThat(h.read()).isEqualTo("still");
        }

        @Test
        void theFinIsRetransmittedOnTimeout() {
            assertThat(h.advanceToNextTimeout()).isEqualTo(200 * MS);
            h.expect(out().seq(0).ack(0).flags(ACK | FIN));
        }
    }

    @Nested
    class FinWait2 {

        @BeforeEach
        void open() {
            h = TcpHarness.with(plain().finWait2Timeout(Duration.ofSeconds(5))).established();
            h.conn.shutdownOutput();
            h.expect(out().seq(0).ack(0).flags(ACK | FIN));
            h.send(in().seq(0).ack(1));
        }

        @Test
        void thePeersFinGoesToTimeWait() {
            h.send(in().seq(0).ack(1).flags(ACK | FIN));
            assertThat(h.conn.state()).isEqualTo(TcpState.TIME_WAIT);
            h.expect(out().seq(1).ack(1));
        }

        @Test
        void dataIsStillReceivedAfterAHalfClose() {
            h.send(in().seq(0).ack(1).data("half"));
            assertThat(h.read()).isEqualTo("half");
            assertThat(h.conn.nextTimeout() - h.now).isEqualTo(40 * MS);
        }

        @Test
        void afterAFullCloseTheWaitIsBounded() {
            h.conn.close();
            assertThat(h.advanceToNextTimeout()).isEqualTo(5 * S);
            assertThat(h.conn.state()).isEqualTo(TcpState.CLOSED);
            h.expectNothing();
        }

        @Test
        void dataAfterAFullCloseResets() {
            h.conn.close();
            h.send(in().seq(0).ack(1).data("late"));
            h.expect(out().seq(1).ack(0).flags(RST | ACK).win(0));
            assertThat(h.conn.state()).isEqualTo(TcpState.CLOSED);
        }
    }

    @Nested
    class CloseWait {

        @BeforeEach
        void open() {
            h = TcpHarness.with(plain()).established();
            h.send(in().seq(0).ack(0).flags(ACK | FIN));
            h.expect(out().seq(0).ack(1));
        }

        @Test
        void canStillSend() {
            h.write("reply");
            h.expect(out().seq(0).ack(1).flags(ACK | PSH).data("reply"));
        }

        @Test
        void closeGoesToLastAckWithAFin() {
            h.conn.close();
            assertThat(h.conn.state()).isEqualTo(TcpState.LAST_ACK);
            h.expect(out().seq(0).ack(1).flags(ACK | FIN));
        }

        @Test
        void aRstResets() {
            h.send(in().seq(1).flags(RST).win(0));
            assertThat(h.conn.error().reason()).isEqualTo(TcpConnectionException.Reason.RESET_BY_PEER);
        }
    }

    @Nested
    class Closing {

        @Test
        void theAckOfOurFinGoesToTimeWait() {
            h = TcpHarness.with(plain()).established();
            h.conn.shutdownOutput();
            h.expect(out().seq(0).ack(0).flags(ACK | FIN));
            h.send(in().seq(0).ack(0).flags(ACK | FIN));
            assertThat(h.conn.state()).isEqualTo(TcpState.CLOSING);
            h.expect(out().seq(1).ack(1));
            // Our FIN is retransmitted while unacknowledged.
            assertThat(h.advanceToNextTimeout()).isEqualTo(200 * MS);
            h.expect(out().seq(0).ack(1).flags(ACK | FIN));
            h.send(in().seq(1).ack(1));
            assertThat(h.conn.state()).isEqualTo(TcpState.TIME_WAIT);
        }
    }

    @Nested
    class LastAck {

        @BeforeEach
        void open() {
            h = TcpHarness.with(plain()).established();
            h.send(in().seq(0).ack(0).flags(ACK | FIN));
            h.expect(out().seq(0).ack(1));
            h.conn.close();
            h.expect(out().seq(0).ack(1).flags(ACK | FIN));
        }

        @Test
        void theAckOfTheFinCloses() {
            h.send(in().seq(1).ack(1));
            assertThat(h.conn.state()).isEqualTo(TcpState.CLOSED);
            assertThat(h.conn.error()).isNull();
            assertThat(h.conn.nextTimeout()).isEqualTo(Long.MAX_VALUE);
        }

        @Test
        void theFinIsRetransmitted() {
            assertThat(h.advanceToNextTimeout()).isEqualTo(200 * MS);
            h.expect(out().seq(0).ack(1).flags(ACK | FIN));
            assertThat(h.advanceToNextTimeout()).isEqualTo(400 * MS);
            h.expect(out().seq(0).ack(1).flags(ACK | FIN));
        }
    }

    @Nested
    class TimeWait {

        @BeforeEach
        void open() {
            h = TcpHarness.with(plain().timeWait(Duration.ofSeconds(2))).established();
            h.conn.shutdownOutput();
            h.expect(out().seq(0).ack(0).flags(ACK | FIN));
            h.send(in().seq(0).ack(1).flags(ACK | FIN));
            h.expect(out().seq(1).ack(1));
            assertThat(h.conn.state()).isEqualTo(TcpState.TIME_WAIT);
        }

        @Test
        void expiresAfterTheConfiguredDuration() {
            assertThat(h.advanceToNextTimeout()).isEqualTo(2 * S);
            assertThat(h.conn.state()).isEqualTo(TcpState.CLOSED);
            assertThat(h.conn.error()).isNull();
            h.expectNothing();
        }

        @Test
        void aRetransmittedFinIsAcknowledgedAndRestartsTheTimer() {
            h.now += 1 * S;
            h.send(in().seq(0).ack(1).flags(ACK | FIN));
            h.expect(out().seq(1).ack(1));
            assertThat(h.conn.nextTimeout() - h.now).isEqualTo(2 * S);
        }

        @Test
        void aRstCloses() {
            h.send(in().seq(1).flags(RST).win(0));
            assertThat(h.conn.state()).isEqualTo(TcpState.CLOSED);
        }

        @Test
        void aSynGetsAChallengeAck() {
            h.send(in().seq(50).flags(SYN).opt(MSS));
            h.expect(out().seq(1).ack(1));
            assertThat(h.conn.state()).isEqualTo(TcpState.TIME_WAIT);
        }
    }
}
