package io.mptcp4j.core.cc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.mptcp4j.core.tcp.RttEstimator;
import org.junit.jupiter.api.Test;

class CubicTest {

    private static final int MSS = 1_000;
    private static final long MS = 1_000_000L;
    private static final long S = 1_000 * MS;

    /** W_cubic(t) of RFC 9438 Figure 1, in bytes, for a stage whose window started at cwndEpoch. */
    private static double expectedWindow(double tSeconds, double wMax, double cwndEpoch) {
        double k = Math.cbrt((wMax - cwndEpoch) / (Cubic.C * MSS));
        return Cubic.C * MSS * Math.pow(tSeconds - k, 3) + wMax;
    }

    private static AckClock clockFor(Cubic cubic, RttEstimator rtt, long rttNanos) {
        return new AckClock(cubic, rtt, MSS, rttNanos);
    }

    @Test
    void slowStartIsTheSharedOne() {
        Cubic cubic = new Cubic(MSS, new RttEstimator());
        AckClock clock = clockFor(cubic, new RttEstimator(), 100 * MS);

        assertThat(cubic.name()).isEqualTo("cubic");
        assertThat(cubic.cwnd()).isEqualTo(10_000);
        for (long expected : new long[] {20_000, 40_000, 80_000, 160_000}) {
            clock.round();
            assertThat(cubic.cwnd()).isEqualTo(expected);
        }
    }

    @Test
    void aLossReducesTheFlightByBetaAndRemembersTheWindow() {
        RttEstimator rtt = new RttEstimator();
        Cubic cubic = new Cubic(MSS, rtt);
        AckClock clock = clockFor(cubic, rtt, 100 * MS);
        for (int i = 0; i < 4; i++) {
            clock.round();
        }

        cubic.onCongestionEvent(clock.now(), clock.now() - 1, 150_000);

        // Section 4.6: ssthresh = cwnd = 0.7 * flight; W_max = the window before the reduction.
        assertThat(cubic.ssthresh()).isEqualTo(105_000);
        assertThat(cubic.cwnd()).isEqualTo(105_000);
        assertThat(cubic.wMaxBytes()).isEqualTo(160_000);
        assertThat(cubic.inRecovery()).isTrue();
    }

    @Test
    void aSpuriousCongestionEventRestoresThePlateau() {
        RttEstimator rtt = new RttEstimator();
        Cubic cubic = new Cubic(MSS, rtt);
        AckClock clock = clockFor(cubic, rtt, 100 * MS);
        for (int i = 0; i < 4; i++) {
            clock.round();
        }
        clock.lossAndRecovery(); // W_max 160 000, cwnd 112 000
        cubic.onCongestionEvent(clock.now(), clock.now(), 112_000);

        cubic.onSpuriousCongestionEvent(clock.now());

        // Section 4.9: as if the second event never happened, fast convergence included.
        assertThat(cubic.cwnd()).isEqualTo(112_000);
        assertThat(cubic.ssthresh()).isEqualTo(112_000);
        assertThat(cubic.wMaxBytes()).isEqualTo(160_000);
        assertThat(cubic.inRecovery()).isFalse();
    }

    @Test
    void fastConvergenceLowersThePlateauWhenLosingBelowIt() {
        RttEstimator rtt = new RttEstimator();
        Cubic cubic = new Cubic(MSS, rtt);
        AckClock clock = clockFor(cubic, rtt, 100 * MS);
        for (int i = 0; i < 4; i++) {
            clock.round();
        }
        clock.lossAndRecovery();
        assertThat(cubic.cwnd()).isEqualTo(112_000);

        cubic.onCongestionEvent(clock.now(), clock.now(), 112_000);

        // Section 4.7: 112 000 < W_max = 160 000, so W_max = 112 000 * (1 + 0.7) / 2.
        assertThat(cubic.wMaxBytes()).isCloseTo(95_200, within(1e-6));
        assertThat(cubic.ssthresh()).isEqualTo(78_400);
    }

    @Test
    void afterALossTheWindowFollowsTheCubicCurve() {
        RttEstimator rtt = new RttEstimator();
        Cubic cubic = new Cubic(MSS, rtt);
        long rttNanos = 100 * MS;
        AckClock clock = clockFor(cubic, rtt, rttNanos);
        for (int i = 0; i < 7; i++) {
            clock.round();
        }
        double wMax = cubic.cwnd();
        assertThat(wMax).isEqualTo(1_280_000);
        clock.lossAndRecovery();
        double cwndEpoch = cubic.cwnd();
        long stageStart = clock.now();

        double k = Math.cbrt((wMax - cwndEpoch) / (Cubic.C * MSS));
        double worstError = 0;
        for (int round = 1; round <= 200; round++) {
            clock.round();
            double t = (clock.now() - stageStart) / 1e9;
            double error = Math.abs(cubic.cwnd() - expectedWindow(t, wMax, cwndEpoch));
            worstError = Math.max(worstError, error);
            if (round == 1) {
                assertThat(cubic.kSeconds()).isCloseTo(k, within(1e-9));
            }
        }

        // 200 rounds = 20 s: concave up to K = 9.86 s, plateau at W_max, convex beyond.
        assertThat(k).isCloseTo(9.865, within(0.001));
        assertThat(worstError).isLessThan(0.001 * wMax);
        assertThat(cubic.cwnd()).isGreaterThan(1_600_000);
    }

    @Test
    void theWindowPlateausAroundWmax() {
        RttEstimator rtt = new RttEstimator();
        Cubic cubic = new Cubic(MSS, rtt);
        AckClock clock = clockFor(cubic, rtt, 100 * MS);
        for (int i = 0; i < 7; i++) {
            clock.round();
        }
        clock.lossAndRecovery();

        clock.round();
        long firstRoundGrowth = cubic.cwnd() - 896_000;
        for (int round = 2; round < 99; round++) {
            clock.round();
        }
        long before = cubic.cwnd();
        clock.round();
        long growthAtK = cubic.cwnd() - before;

        // Fast growth far from W_max, almost none near it (t = K = 9.86 s is round 99).
        assertThat(firstRoundGrowth).isGreaterThan(9_000);
        assertThat(growthAtK).isLessThan(100);
        assertThat(cubic.cwnd()).isCloseTo(1_280_000, within(1_000L));
    }

    @Test
    void theRenoFriendlyRegionDominatesAtSmallBandwidthDelayProducts() {
        RttEstimator rtt = new RttEstimator();
        Cubic cubic = new Cubic(MSS, rtt);
        long rttNanos = 1 * MS;
        AckClock clock = clockFor(cubic, rtt, rttNanos);
        clock.round();
        assertThat(cubic.cwnd()).isEqualTo(20_000);
        clock.lossAndRecovery();
        assertThat(cubic.cwnd()).isEqualTo(14_000);
        long stageStart = clock.now();

        // Section 4.3: W_est grows by alpha_cubic = 0.53 segments per RTT until it reaches cwnd_prior = 20 000...
        long previous = cubic.cwnd();
        for (int round = 1; round <= 10; round++) {
            clock.round();
            assertThat(cubic.cwnd() - previous).isBetween(450L, 560L);
            previous = cubic.cwnd();
        }
        for (int round = 11; round <= 13; round++) {
            clock.round();
        }
        // ...and by one segment per RTT after that, as Reno would.
        previous = cubic.cwnd();
        for (int round = 14; round <= 30; round++) {
            clock.round();
            assertThat(cubic.cwnd() - previous).isBetween(930L, 1_000L);
            previous = cubic.cwnd();
        }

        double t = (clock.now() - stageStart) / 1e9;
        assertThat((double) cubic.cwnd()).isGreaterThan(expectedWindow(t, 20_000, 14_000) + 10 * MSS);
        assertThat(cubic.cwnd()).isEqualTo((long) cubic.renoEstimateBytes());
    }

    @Test
    void aTimeoutCollapsesTheWindowAndTheNextStageStartsItsOwnCurve() {
        RttEstimator rtt = new RttEstimator();
        Cubic cubic = new Cubic(MSS, rtt);
        AckClock clock = clockFor(cubic, rtt, 100 * MS);
        for (int i = 0; i < 4; i++) {
            clock.round();
        }

        cubic.onRetransmitTimeout(clock.now(), 100_000);
        cubic.onRetransmitTimeout(clock.now() + S, 100_000);

        // Section 4.8: ssthresh by beta_cubic, held on the repeated timeout; cwnd = 1 SMSS.
        assertThat(cubic.ssthresh()).isEqualTo(70_000);
        assertThat(cubic.cwnd()).isEqualTo(MSS);

        clock.idle(2 * S);
        for (long expected : new long[] {2_000, 4_000, 8_000, 16_000, 32_000, 64_000}) {
            clock.round();
            assertThat(cubic.cwnd()).isEqualTo(expected);
        }
        // Six ACKs of this round reach ssthresh = 70 000; the rest start congestion avoidance.
        clock.round();

        // Section 4.8: K = 0 and W_max = the window at the start of the stage.
        assertThat(cubic.inSlowStart()).isFalse();
        assertThat(cubic.kSeconds()).isZero();
        assertThat(cubic.wMaxBytes()).isEqualTo(70_000);
        assertThat(cubic.cwnd()).isGreaterThan(70_000);
    }

    @Test
    void applicationLimitedTimeDoesNotCountOnTheCurve() {
        RttEstimator steadyRtt = new RttEstimator();
        Cubic steady = new Cubic(MSS, steadyRtt);
        AckClock steadyClock = clockFor(steady, steadyRtt, 100 * MS);
        RttEstimator pausedRtt = new RttEstimator();
        Cubic paused = new Cubic(MSS, pausedRtt);
        AckClock pausedClock = clockFor(paused, pausedRtt, 100 * MS);
        for (AckClock clock : new AckClock[] {steadyClock, pausedClock}) {
            for (int i = 0; i < 7; i++) {
                clock.round();
            }
            clock.lossAndRecovery();
            for (int i = 0; i < 20; i++) {
                clock.round();
            }
        }
        assertThat(paused.cwnd()).isEqualTo(steady.cwnd());
        long window = paused.cwnd();

        // Ten seconds of sending little: ACKs arrive with far less than half the window in flight.
        for (int i = 1; i <= 100; i++) {
            paused.onAck(pausedClock.now(), MSS, -1, 10 * MSS);
            pausedClock.idle(100 * MS);
        }
        assertThat(paused.cwnd()).isEqualTo(window);

        for (int i = 0; i < 10; i++) {
            steadyClock.round();
            pausedClock.round();
        }
        // Without the pause the curve would be 10 s further on, near W_max, and the window 1.5 times larger per
        // round; with it, the two flows stay together.
        assertThat((double) paused.cwnd()).isCloseTo(steady.cwnd(), within(0.002 * steady.cwnd()));
    }

    @Test
    void anAckThatEmptiesTheFlightStopsTheClockUntilTheWindowIsUsedAgain() {
        RttEstimator steadyRtt = new RttEstimator();
        Cubic steady = new Cubic(MSS, steadyRtt);
        AckClock steadyClock = clockFor(steady, steadyRtt, 100 * MS);
        RttEstimator idleRtt = new RttEstimator();
        Cubic idle = new Cubic(MSS, idleRtt);
        AckClock idleClock = clockFor(idle, idleRtt, 100 * MS);
        for (AckClock clock : new AckClock[] {steadyClock, idleClock}) {
            for (int i = 0; i < 7; i++) {
                clock.round();
            }
            clock.lossAndRecovery();
            for (int i = 0; i < 20; i++) {
                clock.round();
            }
        }

        idleClock.idle(100 * MS);
        long last = idle.cwnd();
        idle.onAck(idleClock.now(), last, -1, last);
        idleClock.idle(30 * S);
        steadyClock.round();

        for (int i = 0; i < 10; i++) {
            steadyClock.round();
            idleClock.round();
        }
        assertThat((double) idle.cwnd()).isCloseTo(steady.cwnd(), within(0.01 * steady.cwnd()));
    }

    @Test
    void anMssChangeRestartsTheStageTowardsTheSamePlateau() {
        RttEstimator rtt = new RttEstimator();
        Cubic cubic = new Cubic(MSS, rtt);
        AckClock clock = clockFor(cubic, rtt, 100 * MS);
        for (int i = 0; i < 7; i++) {
            clock.round();
        }
        clock.lossAndRecovery();
        clock.round();

        cubic.onMssChanged(2 * MSS);
        assertThat(cubic.kSeconds()).isZero();
        clock.round();

        // K is recomputed with the new segment size, from the current window to W_max in bytes.
        assertThat(cubic.wMaxBytes()).isEqualTo(1_280_000);
        assertThat(cubic.kSeconds()).isBetween(0.0, Math.cbrt((1_280_000 - 896_000) / (Cubic.C * 2 * MSS)));
    }
}
