package io.mptcp4j.core.cc;

import static org.assertj.core.api.Assertions.assertThat;

import io.mptcp4j.core.tcp.RttEstimator;
import java.util.function.LongUnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** HyStart++ (RFC 9406) in the first slow start of the loss-based controllers, driven ACK by ACK. */
class HyStartTest {

    private static final int MSS = 1_000;
    private static final long MS = 1_000_000L;
    private static final long BASE_RTT = 100 * MS;
    /** 100 ms / MIN_RTT_DIVISOR = 12.5 ms above the base: enough to leave slow start. */
    private static final long HIGH_RTT = 120 * MS;
    private static final long CSS_INCREASE = MSS / HyStartPlusPlus.CSS_GROWTH_DIVISOR;

    /**
     * A sender that always has data and keeps its window full with whole segments. Every ACK acknowledges one
     * segment and lets it send again. A round is RFC 9406's: its ACKs run up to the one covering what had been
     * sent when the round began (so the very first round, begun before anything was sent, is one ACK).
     */
    private static final class Sender {

        private final LossBasedController cc;
        private final RttEstimator rtt;
        private long now;
        private long sent;
        private long acked;
        private long roundEnd;

        Sender(LossBasedController cc, RttEstimator rtt) {
            this.cc = cc;
            this.rtt = rtt;
            fill();
        }

        long now() {
            return now;
        }

        long flight() {
            return sent - acked;
        }

        /** One round with the same RTT sample on every ACK; returns the number of ACKs. */
        int round(long rttSample) {
            return round(i -> rttSample);
        }

        /**
         * One round, ACK {@code i} (from 1) carrying the sample {@code sampleOfAck(i)}, -1 for none; the ACKs are
         * spread over one base RTT. Returns the number of ACKs.
         */
        int round(LongUnaryOperator sampleOfAck) {
            long start = now;
            long acks = Math.max(1, (roundEnd - acked + MSS - 1) / MSS);
            int i = 0;
            boolean ended;
            do {
                i++;
                now = start + BASE_RTT * i / acks;
                long sample = sampleOfAck.applyAsLong(i);
                if (sample >= 0) {
                    rtt.onSample(now, sample);
                }
                cc.onAck(now, MSS, sample, flight());
                acked += MSS;
                ended = acked >= roundEnd;
                if (ended) {
                    roundEnd = sent;
                }
                fill();
            } while (!ended);
            return i;
        }

        /** Rounds at the base RTT until the window reaches {@code bytes}. */
        void slowStartTo(long bytes) {
            while (cc.cwnd() < bytes) {
                round(BASE_RTT);
            }
        }

        /** The retransmission timer fires; the flight is given up and new data goes out from now on. */
        void timeout() {
            cc.onRetransmitTimeout(now, flight());
            acked = sent;
            roundEnd = sent;
            fill();
        }

        private void fill() {
            while (cc.cwnd() - flight() >= MSS) {
                cc.onPacketSent(now, MSS, flight());
                sent += MSS;
            }
        }
    }

    private static LossBasedController controller(String algorithm, RttEstimator rtt) {
        ConnectionCongestion connection = CongestionControlRegistry.builtIns().get(algorithm).newConnection();
        return (LossBasedController) connection.newSubflow(MSS, rtt);
    }

    /** A Reno sender that has slow-started at the base RTT to about 100 segments and then met 120 ms. */
    private static Sender renoInCss() {
        RttEstimator rtt = new RttEstimator();
        Sender sender = new Sender(new Reno(MSS), rtt);
        sender.slowStartTo(100 * MSS);
        sender.round(HIGH_RTT);
        assertThat(sender.cc.inConservativeSlowStart()).isTrue();
        return sender;
    }

    @ParameterizedTest
    @ValueSource(strings = {"reno", "cubic", "lia", "olia", "balia"})
    void aConstantRttLetsSlowStartDoubleAsBefore(String algorithm) {
        RttEstimator rtt = new RttEstimator();
        LossBasedController cc = controller(algorithm, rtt);
        Sender sender = new Sender(cc, rtt);
        long ackedBytes = 0;

        while (cc.cwnd() < 5_000 * MSS) {
            ackedBytes += (long) sender.round(BASE_RTT) * MSS;
            assertThat(cc.inConservativeSlowStart()).isFalse();
            // Every ACK grew the window by the segment it acknowledged, as in plain slow start.
            assertThat(cc.cwnd()).isEqualTo(LossBasedController.initialWindow(MSS) + ackedBytes);
        }
        assertThat(cc.ssthresh()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void jitterBelowTheThresholdDoesNotEndSlowStart() {
        RttEstimator rtt = new RttEstimator();
        Reno reno = new Reno(MSS);
        Sender sender = new Sender(reno, rtt);

        // Round minima alternate between 100 ms and 112 ms, just under 100 + 12.5 ms.
        for (int round = 0; reno.cwnd() < 5_000 * MSS; round++) {
            long base = round % 2 == 0 ? BASE_RTT : 112 * MS;
            sender.round(i -> base + (i % 5) * MS);
            assertThat(reno.inConservativeSlowStart()).isFalse();
        }
        assertThat(reno.ssthresh()).isEqualTo(Long.MAX_VALUE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"reno", "cubic", "lia", "olia", "balia"})
    void aRisingRttSlowsGrowthToAQuarterAndFiveRoundsLaterEndsSlowStartWithoutReduction(String algorithm) {
        RttEstimator rtt = new RttEstimator();
        LossBasedController cc = controller(algorithm, rtt);
        Sender sender = new Sender(cc, rtt);
        sender.slowStartTo(100 * MSS);

        // The first round at 120 ms: its eighth sample shows the rise, after the eighth ACK grew the window.
        long before = cc.cwnd();
        int acks = sender.round(HIGH_RTT);
        assertThat(cc.inConservativeSlowStart()).isTrue();
        assertThat(cc.cwnd() - before)
                .isEqualTo(HyStartPlusPlus.N_RTT_SAMPLE * MSS + (acks - HyStartPlusPlus.N_RTT_SAMPLE) * CSS_INCREASE);

        // That round was the first of CSS_ROUNDS; in the others each ACK adds a quarter of a segment.
        for (int round = 2; round <= HyStartPlusPlus.CSS_ROUNDS; round++) {
            assertThat(cc.inSlowStart()).isTrue();
            before = cc.cwnd();
            acks = sender.round(HIGH_RTT);
            assertThat(cc.cwnd() - before).isEqualTo(acks * CSS_INCREASE);
        }

        // Congestion avoidance from the window reached: no reduction.
        assertThat(cc.ssthresh()).isEqualTo(cc.cwnd());
        assertThat(cc.inSlowStart()).isFalse();
        assertThat(cc.inConservativeSlowStart()).isFalse();
        assertThat(cc.inRecovery()).isFalse();
        long exitWindow = cc.cwnd();
        sender.round(HIGH_RTT);
        assertThat(cc.cwnd()).isBetween(exitWindow, exitWindow + 2L * MSS);
        assertThat(cc.ssthresh()).isEqualTo(exitWindow);
    }

    @ParameterizedTest(name = "base {0} ms: a rise of {1} ms is not enough, {2} ms is")
    @CsvSource({"20, 3, 4", "80, 9, 10", "200, 15, 16"})
    void theThresholdIsAnEighthOfTheLastRoundsMinimumBetweenFourAndSixteenMilliseconds(long baseMs, long belowMs,
            long atMs) {
        RttEstimator rtt = new RttEstimator();
        Reno reno = new Reno(MSS);
        Sender sender = new Sender(reno, rtt);
        while (reno.cwnd() < 50 * MSS) {
            sender.round(baseMs * MS);
        }

        sender.round((baseMs + belowMs) * MS);
        assertThat(reno.inConservativeSlowStart()).isFalse();
        sender.round(baseMs * MS);
        sender.round((baseMs + atMs) * MS);
        assertThat(reno.inConservativeSlowStart()).isTrue();
    }

    @Test
    void cubicStartsItsCurveAtTheExitWindowWithKZero() {
        RttEstimator rtt = new RttEstimator();
        Cubic cubic = new Cubic(MSS, rtt);
        Sender sender = new Sender(cubic, rtt);
        sender.slowStartTo(100 * MSS);
        for (int round = 1; round <= HyStartPlusPlus.CSS_ROUNDS; round++) {
            sender.round(HIGH_RTT);
        }
        long exitWindow = cubic.cwnd();
        assertThat(cubic.ssthresh()).isEqualTo(exitWindow);
        assertThat(cubic.wMaxBytes()).isZero();

        sender.round(HIGH_RTT);

        // RFC 9438 section 4.10: W_max = the window at the start of congestion avoidance, K = 0.
        assertThat(cubic.wMaxBytes()).isEqualTo(exitWindow);
        assertThat(cubic.kSeconds()).isZero();
        assertThat(cubic.cwnd()).isGreaterThanOrEqualTo(exitWindow);
        for (int round = 0; round < 50; round++) {
            sender.round(HIGH_RTT);
        }
        // The convex region beyond the plateau: growth speeds up again, well past the exit window.
        assertThat(cubic.cwnd()).isGreaterThan(exitWindow + 10 * MSS);
        assertThat(cubic.ssthresh()).isEqualTo(exitWindow);
    }

    @Test
    void anRttBackBelowTheBaselineDuringCssResumesSlowStart() {
        Sender sender = renoInCss();
        LossBasedController reno = sender.cc;
        sender.round(HIGH_RTT);
        assertThat(reno.inConservativeSlowStart()).isTrue();

        // The eighth sample of 110 ms is below the 120 ms baseline: back to slow start for the rest of the round.
        long before = reno.cwnd();
        int acks = sender.round(110 * MS);
        assertThat(reno.inConservativeSlowStart()).isFalse();
        assertThat(reno.cwnd() - before)
                .isEqualTo(HyStartPlusPlus.N_RTT_SAMPLE * CSS_INCREASE + (acks - HyStartPlusPlus.N_RTT_SAMPLE) * MSS);

        // Slow start again, for more rounds than CSS would have lasted.
        for (int round = 0; round < HyStartPlusPlus.CSS_ROUNDS; round++) {
            before = reno.cwnd();
            acks = sender.round(110 * MS);
            assertThat(reno.cwnd() - before).isEqualTo((long) acks * MSS);
        }
        assertThat(reno.ssthresh()).isEqualTo(Long.MAX_VALUE);

        // HyStart++ is still watching: a new rise enters CSS again.
        sender.round(130 * MS);
        assertThat(reno.inConservativeSlowStart()).isTrue();
    }

    @Test
    void aLossDuringCssIsAnOrdinaryLoss() {
        Sender sender = renoInCss();
        LossBasedController reno = sender.cc;
        long flight = sender.flight();

        reno.onCongestionEvent(sender.now(), sender.now() - BASE_RTT, flight);

        // RFC 9406 section 4.2: the loss response of the controller, here Reno's halving of the flight.
        assertThat(reno.ssthresh()).isEqualTo(flight / 2);
        assertThat(reno.cwnd()).isEqualTo(flight / 2);
        assertThat(reno.inRecovery()).isTrue();
        assertThat(reno.inConservativeSlowStart()).isFalse();
        sender.round(HIGH_RTT);
        reno.onRecoveryEnd(sender.now());

        // Congestion avoidance, one segment per round, with no HyStart++ exit setting ssthresh to cwnd later.
        for (int round = 0; round < 3 * HyStartPlusPlus.CSS_ROUNDS; round++) {
            long before = reno.cwnd();
            sender.round(HIGH_RTT);
            assertThat(reno.cwnd() - before).isBetween(0L, (long) MSS);
            assertThat(reno.ssthresh()).isEqualTo(flight / 2);
        }
    }

    @Test
    void anUndoneLossDuringCssReturnsToCss() {
        Sender sender = renoInCss();
        LossBasedController reno = sender.cc;
        long window = reno.cwnd();

        reno.onCongestionEvent(sender.now(), sender.now() - BASE_RTT, sender.flight());
        reno.onSpuriousCongestionEvent(sender.now());

        assertThat(reno.cwnd()).isEqualTo(window);
        assertThat(reno.ssthresh()).isEqualTo(Long.MAX_VALUE);
        assertThat(reno.inConservativeSlowStart()).isTrue();
    }

    @Test
    void fewerThanEightSamplesInARoundNeverEndSlowStart() {
        RttEstimator rtt = new RttEstimator();
        Reno reno = new Reno(MSS);
        Sender sender = new Sender(reno, rtt);
        sender.slowStartTo(100 * MSS);
        int samples = 7; // RFC 9406 section 4.3: N_RTT_SAMPLE = 8

        // Much higher RTTs, but only seven ACKs of each round carry a sample.
        long ackedBytes = 0;
        long start = reno.cwnd();
        for (int round = 0; round < 4; round++) {
            ackedBytes += (long) sender.round(i -> i <= samples ? 200 * MS : -1) * MSS;
            assertThat(reno.inConservativeSlowStart()).isFalse();
        }
        assertThat(reno.cwnd()).isEqualTo(start + ackedBytes);

        // The eighth sample of a round is enough (the last round's minimum was 200 ms, so 216 ms are).
        sender.round(i -> i <= samples + 1 ? 300 * MS : -1);
        assertThat(reno.inConservativeSlowStart()).isTrue();
    }

    @Test
    void theSlowStartAfterATimeoutIsPlain() {
        RttEstimator rtt = new RttEstimator();
        Reno reno = new Reno(MSS);
        Sender sender = new Sender(reno, rtt);
        sender.slowStartTo(400 * MSS);
        sender.timeout();
        long ssthresh = reno.ssthresh();
        assertThat(ssthresh).isGreaterThanOrEqualTo(200 * MSS);
        assertThat(reno.cwnd()).isEqualTo(MSS);

        // The RTT climbs 20 ms a round, but every ACK grows the window by its segment until ssthresh.
        long ackedBytes = 0;
        for (int round = 1; reno.cwnd() < ssthresh; round++) {
            ackedBytes += (long) sender.round(BASE_RTT + round * 20 * MS) * MSS;
            assertThat(reno.inConservativeSlowStart()).isFalse();
            assertThat(reno.cwnd()).isEqualTo(Math.min(MSS + ackedBytes, ssthresh));
        }
        assertThat(reno.ssthresh()).isEqualTo(ssthresh);
    }
}
