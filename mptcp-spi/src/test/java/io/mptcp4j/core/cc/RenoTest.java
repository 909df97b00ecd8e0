package io.mptcp4j.core.cc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mptcp4j.core.tcp.RttEstimator;
import org.junit.jupiter.api.Test;

class RenoTest {

    private static final int MSS = 1_000;
    private static final long RTT = 50_000_000L;

    private final Reno reno = new Reno(MSS);
    private final AckClock clock = new AckClock(reno, new RttEstimator(), MSS, RTT);

    @Test
    void theInitialWindowFollowsRfc6928() {
        assertThat(LossBasedController.initialWindow(1_460)).isEqualTo(14_600);
        assertThat(LossBasedController.initialWindow(536)).isEqualTo(5_360);
        assertThat(LossBasedController.initialWindow(1_000)).isEqualTo(10_000);
        assertThat(LossBasedController.initialWindow(9_000)).isEqualTo(18_000);
        assertThat(reno.cwnd()).isEqualTo(10_000);
        assertThat(reno.ssthresh()).isEqualTo(Long.MAX_VALUE);
        assertThat(reno.inSlowStart()).isTrue();
        assertThat(reno.name()).isEqualTo("reno");
    }

    @Test
    void slowStartDoublesTheWindowEveryRoundTrip() {
        for (long expected : new long[] {20_000, 40_000, 80_000, 160_000}) {
            clock.round();
            assertThat(reno.cwnd()).isEqualTo(expected);
        }
    }

    @Test
    void slowStartStillDoublesWithDelayedAcks() {
        // RFC 3465 section 2.2: L = 2*SMSS lets an ACK of two segments count in full.
        clock.round(2);
        assertThat(reno.cwnd()).isEqualTo(20_000);
        clock.round(2);
        assertThat(reno.cwnd()).isEqualTo(40_000);
    }

    @Test
    void oneAckGrowsSlowStartByAtMostTwoSegments() {
        reno.onAck(0, 5 * MSS, -1, reno.cwnd());

        assertThat(reno.cwnd()).isEqualTo(12_000);
    }

    @Test
    void congestionAvoidanceAddsOneSegmentPerRoundTrip() {
        clock.round();
        clock.round(); // cwnd 40 000
        clock.lossAndRecovery();
        assertThat(reno.cwnd()).isEqualTo(20_000);
        assertThat(reno.inSlowStart()).isFalse();

        for (long expected = 21_000; expected <= 30_000; expected += MSS) {
            clock.round();
            assertThat(reno.cwnd()).isEqualTo(expected);
        }
    }

    @Test
    void congestionAvoidanceCountsBytesSoDelayedAcksDoNotSlowIt() {
        reno.onCongestionEvent(0, -1, 40_000);
        reno.onRecoveryEnd(1);

        clock.round(2);
        clock.round(2);

        assertThat(reno.cwnd()).isEqualTo(22_000);
    }

    @Test
    void aLossHalvesTheFlightAndEntersRecovery() {
        reno.onCongestionEvent(100, 50, 30_000);

        // RFC 5681 (4): ssthresh = max(FlightSize / 2, 2*SMSS)
        assertThat(reno.ssthresh()).isEqualTo(15_000);
        assertThat(reno.cwnd()).isEqualTo(15_000);
        assertThat(reno.inRecovery()).isTrue();
    }

    @Test
    void theThresholdNeverFallsBelowTwoSegments() {
        reno.onCongestionEvent(100, 50, 3_000);

        assertThat(reno.ssthresh()).isEqualTo(2_000);
        assertThat(reno.cwnd()).isEqualTo(2_000);
    }

    @Test
    void furtherLossesOfTheSameEpisodeAreIgnored() {
        reno.onCongestionEvent(1_000, 500, 40_000);

        reno.onCongestionEvent(1_100, 900, 20_000);
        reno.onCongestionEvent(1_200, 1_000, 20_000);
        assertThat(reno.cwnd()).isEqualTo(20_000);

        reno.onRecoveryEnd(2_000);
        reno.onCongestionEvent(2_100, 700, 20_000);
        assertThat(reno.cwnd()).isEqualTo(20_000);

        // A packet sent after the episode began is a new congestion signal.
        reno.onCongestionEvent(2_200, 1_001, 20_000);
        assertThat(reno.cwnd()).isEqualTo(10_000);
    }

    @Test
    void theWindowHoldsDuringRecoveryAndIsSsthreshAfterwards() {
        reno.onCongestionEvent(0, -1, 40_000);

        reno.onAck(10, 5_000, -1, 40_000);
        reno.onAck(20, 5_000, -1, 35_000);
        assertThat(reno.cwnd()).isEqualTo(20_000);

        reno.onRecoveryEnd(30);
        assertThat(reno.inRecovery()).isFalse();
        assertThat(reno.cwnd()).isEqualTo(20_000);

        reno.onRecoveryEnd(40);
        assertThat(reno.cwnd()).isEqualTo(20_000);
    }

    @Test
    void aSpuriousCongestionEventIsUndoneOnce() {
        clock.round();
        clock.round(); // cwnd 40 000
        reno.onCongestionEvent(clock.now(), clock.now() - 1, 40_000);

        reno.onSpuriousCongestionEvent(clock.now());

        // RFC 4015 section 3.2: the window and threshold from before the event, and no recovery.
        assertThat(reno.cwnd()).isEqualTo(40_000);
        assertThat(reno.ssthresh()).isEqualTo(Long.MAX_VALUE);
        assertThat(reno.inRecovery()).isFalse();
        reno.onRecoveryEnd(clock.now());
        assertThat(reno.cwnd()).isEqualTo(40_000);
        // The episode no longer counts: a loss of a packet sent before it reduces the window.
        reno.onCongestionEvent(clock.now(), clock.now() - 2, 40_000);
        assertThat(reno.cwnd()).isEqualTo(20_000);
    }

    @Test
    void aTimeoutIsNotUndone() {
        reno.onCongestionEvent(0, -1, 40_000);
        reno.onRetransmitTimeout(1, 40_000);

        reno.onSpuriousCongestionEvent(2);

        assertThat(reno.cwnd()).isEqualTo(MSS);
    }

    @Test
    void aTimeoutCollapsesToOneSegmentAndHalvesTheFlight() {
        clock.round();
        clock.round(); // cwnd 40 000

        reno.onRetransmitTimeout(clock.now(), 36_000);

        // RFC 5681 section 3.1: ssthresh = max(FlightSize / 2, 2*SMSS); cwnd = LW = 1 SMSS.
        assertThat(reno.ssthresh()).isEqualTo(18_000);
        assertThat(reno.cwnd()).isEqualTo(MSS);
        assertThat(reno.inSlowStart()).isTrue();
    }

    @Test
    void aRepeatedTimeoutKeepsTheThreshold() {
        reno.onRetransmitTimeout(0, 36_000);
        reno.onRetransmitTimeout(1_000, 1_000);

        // RFC 5681 section 3.1: the segment was already retransmitted by the timer, ssthresh is held.
        assertThat(reno.ssthresh()).isEqualTo(18_000);
        assertThat(reno.cwnd()).isEqualTo(MSS);

        reno.onAck(2_000, MSS, -1, MSS);
        reno.onRetransmitTimeout(3_000, 4_000);
        assertThat(reno.ssthresh()).isEqualTo(2_000);
    }

    @Test
    void slowStartAfterATimeoutCountsOneSegmentPerAck() {
        reno.onRetransmitTimeout(0, 36_000);

        // RFC 3465 section 2.3: L = 1*SMSS after a timeout, even for an ACK covering many segments.
        reno.onAck(10, 4 * MSS, -1, MSS);
        assertThat(reno.cwnd()).isEqualTo(2 * MSS);

        AckClock afterTimeout = new AckClock(reno, new RttEstimator(), MSS, RTT);
        for (long expected : new long[] {4_000, 8_000, 16_000, 18_000}) {
            afterTimeout.round();
            assertThat(reno.cwnd()).isEqualTo(expected);
        }
        assertThat(reno.inSlowStart()).isFalse();
    }

    @Test
    void aTimeoutAbandonsRecoveryAndMakesEarlierLossesPartOfIt() {
        reno.onCongestionEvent(0, -1, 40_000);

        reno.onRetransmitTimeout(1_000, 20_000);
        assertThat(reno.inRecovery()).isFalse();
        assertThat(reno.ssthresh()).isEqualTo(10_000);

        reno.onCongestionEvent(1_100, 900, 5_000);
        assertThat(reno.cwnd()).isEqualTo(MSS);
        assertThat(reno.inRecovery()).isFalse();
    }

    @Test
    void theWindowDoesNotGrowWhileMostOfItIsUnused() {
        // RFC 7661: less than half the window in flight is the non-validated phase.
        reno.onAck(0, MSS, -1, 4_000);
        assertThat(reno.cwnd()).isEqualTo(10_000);

        reno.onAck(1, MSS, -1, 5_000);
        assertThat(reno.cwnd()).isEqualTo(11_000);
    }

    @Test
    void aBatchOfAcksForAWholeFlightGrowsSlowStartInFull() {
        // A window sent in full, then its ten ACKs handled one after the other before anything new is sent: the
        // flight falls to nothing, but the window was used, so every ACK counts.
        for (int i = 0; i < 10; i++) {
            reno.onPacketSent(0, MSS, (long) i * MSS);
        }
        for (int i = 0; i < 10; i++) {
            reno.onAck(1, MSS, -1, (long) (10 - i) * MSS);
        }
        assertThat(reno.cwnd()).isEqualTo(20_000);

        // A sender that only ever has a little in flight still does not grow the window.
        Reno idle = new Reno(MSS);
        idle.onPacketSent(0, MSS, 0);
        idle.onAck(1, MSS, -1, MSS);
        assertThat(idle.cwnd()).isEqualTo(10_000);
    }

    @Test
    void acksOfNothingNewChangeNothing() {
        reno.onAck(0, 0, -1, 10_000);

        assertThat(reno.cwnd()).isEqualTo(10_000);
        assertThatThrownBy(() -> reno.onAck(0, -1, -1, 10_000)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anMssChangeKeepsTheBytesAboveTheNewFloors() {
        reno.onRetransmitTimeout(0, 4_000);
        assertThat(reno.cwnd()).isEqualTo(1_000);
        assertThat(reno.ssthresh()).isEqualTo(2_000);

        reno.onMssChanged(1_400);

        assertThat(reno.cwnd()).isEqualTo(1_400);
        assertThat(reno.ssthresh()).isEqualTo(2_800);
        assertThatThrownBy(() -> reno.onMssChanged(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesANonPositiveMss() {
        assertThatThrownBy(() -> new Reno(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LossBasedController.initialWindow(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
