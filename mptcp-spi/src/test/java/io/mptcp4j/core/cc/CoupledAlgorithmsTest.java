package io.mptcp4j.core.cc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.mptcp4j.core.tcp.RttEstimator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The arithmetic of the coupled algorithms LIA (RFC 6356), OLIA (Khalili et al.) and BALIA (Peng et al.), with
 * windows and RTTs set by hand, and the connection-level state they share.
 */
class CoupledAlgorithmsTest {

    private static final int MSS = 1_000;
    private static final long MS = 1_000_000L;

    private final CongestionControlRegistry registry = CongestionControlRegistry.builtIns();

    /** A subflow's controller and its RTT estimator, the window set before the RTT is known. */
    private record Path(CongestionController controller, RttEstimator rtt) {
    }

    /**
     * A subflow of {@code connection} whose window is {@code cwnd} (a congestion event of twice that much flight,
     * ended at once, with no other subflow counting yet, so every algorithm halves) and whose smoothed RTT is
     * then {@code rttMillis}. The subflow is in congestion avoidance.
     */
    private static Path path(ConnectionCongestion connection, long cwnd, long rttMillis) {
        RttEstimator rtt = new RttEstimator();
        CongestionController controller = connection.newSubflow(MSS, rtt);
        controller.onCongestionEvent(0, -1, 2 * cwnd);
        controller.onRecoveryEnd(0);
        assertThat(controller.cwnd()).isEqualTo(cwnd);
        rtt.onSample(0, rttMillis * MS);
        return new Path(controller, rtt);
    }

    /** One ACK of {@code bytes} in congestion avoidance with a full window in flight. */
    private static void ack(CongestionController c, long bytes) {
        c.onAck(1, bytes, -1, c.cwnd());
    }

    // --- LIA

    @Test
    void liaAlphaFollowsEquationTwoOfRfc6356() {
        ConnectionCongestion connection = Lia.ALGORITHM.newConnection();
        Lia first = (Lia) path(connection, 20_000, 10).controller();
        Lia second = (Lia) path(connection, 10_000, 40).controller();

        // cwnd_total = 30 000; max(cwnd/rtt^2) = 20 000/0.01^2 = 2e8; sum(cwnd/rtt) = 2e6 + 2.5e5 = 2.25e6:
        // alpha = 30 000 * 2e8 / 2.25e6^2 = 32/27.
        assertThat(first.alpha()).isCloseTo(32.0 / 27, within(1e-12));
        assertThat(second.alpha()).isEqualTo(first.alpha());
    }

    @Test
    void liaAlphaIsOneOverNForEqualPaths() {
        ConnectionCongestion connection = Lia.ALGORITHM.newConnection();
        Lia a = (Lia) path(connection, 30_000, 25).controller();
        assertThat(a.alpha()).isEqualTo(1.0);
        path(connection, 30_000, 25);
        assertThat(a.alpha()).isCloseTo(0.5, within(1e-12));
        path(connection, 30_000, 25);
        assertThat(a.alpha()).isCloseTo(1.0 / 3, within(1e-12));
    }

    @Test
    void liaGrowsTwoEqualSubflowsByHalfASegmentPerRoundTripInAll() {
        ConnectionCongestion connection = Lia.ALGORITHM.newConnection();
        CongestionController a = path(connection, 40_000, 20).controller();
        CongestionController b = path(connection, 40_000, 20).controller();

        // alpha = 1/2: each ACK of one segment adds alpha * MSS * MSS / cwnd_total = 0.5 * 1000 * 1000 / 80 000
        // = 6.25 bytes (TCP would add 25), so each window of 40 ACKs adds a quarter segment to each subflow.
        for (int i = 0; i < 40; i++) {
            ack(a, MSS);
            ack(b, MSS);
        }

        assertThat(a.cwnd() - 40_000).isBetween(245L, 250L);
        assertThat(b.cwnd() - 40_000).isBetween(245L, 250L);
    }

    @Test
    void liaNeverGrowsASubflowFasterThanTcpWouldOnItsPath() {
        ConnectionCongestion connection = Lia.ALGORITHM.newConnection();
        Lia fast = (Lia) path(connection, 10_000, 10).controller();
        Lia slow = (Lia) path(connection, 100_000, 100).controller();
        // alpha = 110 000 * 1e8 / (1e6 + 1e6)^2 = 2.75: alpha * MSS / cwnd_total = 0.025 per byte on the slow path,
        // more than TCP's MSS / cwnd_i = 0.01, so the minimum of section 3 takes TCP's.
        assertThat(slow.alpha()).isCloseTo(2.75, within(1e-12));

        // On the fast path the coupled term is the smaller: 2.75 * 1000 * 10 000 / 110 000 = 250 bytes.
        ack(fast, 10_000);
        assertThat(fast.cwnd()).isBetween(10_249L, 10_250L);

        ack(slow, 100_000);
        assertThat(slow.cwnd()).isEqualTo(101_000);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"lia", "olia", "balia"})
    void aSingleSubflowBehavesLikeReno(String algorithm) {
        RttEstimator rtt = new RttEstimator();
        CongestionController coupled = registry.get(algorithm).newConnection().newSubflow(MSS, rtt);
        Reno reno = new Reno(MSS);
        AckClock coupledClock = new AckClock(coupled, rtt, MSS, 50 * MS);
        AckClock renoClock = new AckClock(reno, new RttEstimator(), MSS, 50 * MS);

        for (int i = 0; i < 3; i++) {
            coupledClock.round();
            renoClock.round();
            assertThat(coupled.cwnd()).as("slow start").isEqualTo(reno.cwnd());
        }
        coupledClock.lossAndRecovery();
        renoClock.lossAndRecovery();
        assertThat(coupled.cwnd()).as("after a loss").isEqualTo(reno.cwnd()).isEqualTo(40_000);
        for (int i = 0; i < 20; i++) {
            coupledClock.round();
            renoClock.round();
        }
        // Reno counts whole windows; the coupled formula, at alpha = 1, adds MSS*MSS/cwnd on every ACK as the
        // window grows within the round: the same one segment per round trip, to within a few bytes per round.
        assertThat(reno.cwnd()).isEqualTo(60_000);
        assertThat(coupled.cwnd()).isCloseTo(reno.cwnd(), within(20L * 25));
        coupled.onRetransmitTimeout(0, coupled.cwnd());
        assertThat(coupled.cwnd()).isEqualTo(MSS);
        assertThat(coupled.name()).isEqualTo(algorithm);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"lia", "olia", "balia"})
    void eachConnectionHasItsOwnStateAndForgetsRemovedSubflows(String algorithm) {
        CongestionControlAlgorithm cc = registry.get(algorithm);
        ConnectionCongestion one = cc.newConnection();
        ConnectionCongestion other = cc.newConnection();
        assertThat(one).isNotSameAs(other);
        CongestionController a = path(one, 40_000, 20).controller();
        CongestionController b = path(one, 40_000, 20).controller();
        path(other, 40_000, 20);
        assertThat(((CoupledConnection) one).subflows()).containsExactly((CoupledController) a,
                (CoupledController) b);

        one.removeSubflow(b);
        one.removeSubflow(new Reno(MSS)); // unknown: ignored

        assertThat(((CoupledConnection) one).subflows()).containsExactly((CoupledController) a);
        // Alone again, the subflow grows as TCP: one segment per window of ACKs (to a byte of rounding).
        ack(a, 40_000);
        assertThat(a.cwnd()).isBetween(40_999L, 41_000L);
    }

    @Test
    void aSubflowWithoutAnRttSampleIsLeftOutOfTheCoupling() {
        ConnectionCongestion connection = Lia.ALGORITHM.newConnection();
        Lia a = (Lia) path(connection, 40_000, 20).controller();
        CongestionController newcomer = connection.newSubflow(MSS, new RttEstimator());

        assertThat(newcomer.cwnd()).isEqualTo(10_000);
        assertThat(a.alpha()).isCloseTo(1.0, within(1e-12));
        ack(a, 40_000);
        assertThat(a.cwnd()).isBetween(40_999L, 41_000L);
    }

    // --- OLIA

    @Test
    void oliaShiftsGrowthFromTheLargestWindowToTheBestPath() {
        ConnectionCongestion connection = Olia.ALGORITHM.newConnection();
        // Both paths had one loss at once (l_r counts from there); the first has the larger window.
        Olia large = (Olia) path(connection, 40_000, 20).controller();
        Olia best = (Olia) path(connection, 20_000, 20).controller();
        // Bytes since the last loss: the second path looks better, l/rtt^2 being larger.
        ack(best, 2_000);
        ack(large, 1_000);
        assertThat(best.bytesBetweenLosses()).isEqualTo(2_000);
        assertThat(large.bytesBetweenLosses()).isEqualTo(1_000);

        // n = 2, B = {best}, M = {large}, B \ M = {best}.
        assertThat(best.alpha()).isEqualTo(0.5);
        assertThat(large.alpha()).isEqualTo(-0.5);
    }

    @Test
    void oliaAlphasVanishWhenTheBestPathHasTheLargestWindow() {
        ConnectionCongestion connection = Olia.ALGORITHM.newConnection();
        Olia large = (Olia) path(connection, 40_000, 20).controller();
        Olia small = (Olia) path(connection, 20_000, 20).controller();
        ack(large, 5_000);
        ack(small, 1_000);

        assertThat(large.alpha()).isZero();
        assertThat(small.alpha()).isZero();
    }

    @Test
    void oliaIncreaseFollowsTheDraftsFormula() {
        ConnectionCongestion connection = Olia.ALGORITHM.newConnection();
        Olia large = (Olia) path(connection, 40_000, 20).controller();
        Olia best = (Olia) path(connection, 20_000, 20).controller();
        ack(best, 2_000);
        ack(large, 1_000);
        long before = best.cwnd();
        long largeBefore = large.cwnd();
        double rtt = 0.020;
        double rate = (largeBefore + before) / rtt;

        ack(best, 10_000);

        // (w_r/rtt^2) / (sum w/rtt)^2 + alpha_r / w_r, per byte acknowledged, times MSS, with alpha_r = 1/2.
        double perByte = before / (rtt * rtt) / (rate * rate) + 0.5 / before;
        assertThat(best.cwnd()).isCloseTo(before + (long) (perByte * 10_000 * MSS), within(1L));
    }

    @Test
    void oliaCountsBytesBetweenTheLastTwoLosses() {
        ConnectionCongestion connection = Olia.ALGORITHM.newConnection();
        Olia olia = (Olia) connection.newSubflow(MSS, new RttEstimator());
        olia.onAck(0, 30_000, -1, olia.cwnd());
        olia.onCongestionEvent(10, 5, olia.cwnd());
        olia.onRecoveryEnd(20);
        olia.onAck(30, 4_000, -1, olia.cwnd());
        assertThat(olia.bytesBetweenLosses()).as("30 000 before the loss, 4 000 since").isEqualTo(30_000);

        olia.onCongestionEvent(40, 35, olia.cwnd());
        olia.onAck(50, 1_000, -1, olia.cwnd());
        assertThat(olia.bytesBetweenLosses()).as("4 000 between the losses, 1 000 since").isEqualTo(4_000);
        olia.onSpuriousCongestionEvent(60);
        assertThat(olia.bytesBetweenLosses()).as("the second loss undone").isEqualTo(30_000);
    }

    // --- BALIA

    @Test
    void baliaAlphaIsTheBestRateOverTheSubflowsRate() {
        ConnectionCongestion connection = Balia.ALGORITHM.newConnection();
        Balia fast = (Balia) path(connection, 20_000, 10).controller();
        Balia slow = (Balia) path(connection, 10_000, 20).controller();

        // x_fast = 2e6 B/s, x_slow = 5e5 B/s.
        assertThat(fast.alpha()).isEqualTo(1.0);
        assertThat(slow.alpha()).isCloseTo(4.0, within(1e-12));
    }

    @Test
    void baliaIncreaseFollowsTheDraftsFormula() {
        ConnectionCongestion connection = Balia.ALGORITHM.newConnection();
        Balia fast = (Balia) path(connection, 20_000, 10).controller();
        Balia slow = (Balia) path(connection, 10_000, 20).controller();

        ack(slow, 10_000);
        ack(fast, 20_000);

        // slow: (x/rtt) / (sum x)^2 = 2.5e7 / 6.25e12 = 4e-6, times (1+4)/2 * (4+4)/5 = 4, times 1e7 byte-MSS:
        // 160 bytes.
        assertThat(slow.cwnd()).isBetween(10_159L, 10_160L);
        // fast, after the slow one grew: (x/rtt) / (sum x)^2 * 1 * 1, times 2e7 byte-MSS: about 636 bytes.
        double sum = 2e6 + slow.cwnd() / 0.020;
        assertThat(fast.cwnd()).isCloseTo(20_000 + (long) (2e6 / 0.010 / (sum * sum) * 20_000 * MSS), within(1L))
                .isBetween(20_630L, 20_640L);
    }

    @Test
    void baliaBacksOffMoreOnItsSlowerSubflows() {
        ConnectionCongestion connection = Balia.ALGORITHM.newConnection();
        Balia fast = (Balia) path(connection, 20_000, 10).controller();
        Balia slow = (Balia) path(connection, 16_000, 20).controller();
        // alpha_slow = 2e6 / 8e5 = 2.5, capped at 1.5 in the decrease: w - w/2 * 1.5 = w/4 remains.
        slow.onCongestionEvent(100, 50, 16_000);
        assertThat(slow.cwnd()).isEqualTo(4_000);
        // The fast one, alpha 1, halves as TCP.
        fast.onCongestionEvent(100, 50, 20_000);
        assertThat(fast.cwnd()).isEqualTo(10_000);
    }

    @Test
    void baliaKeepsTwoSegmentsAfterALoss() {
        ConnectionCongestion connection = Balia.ALGORITHM.newConnection();
        path(connection, 40_000, 10);
        Balia slow = (Balia) path(connection, 4_000, 40).controller();

        slow.onCongestionEvent(100, 50, 4_000);

        assertThat(slow.cwnd()).isEqualTo(2 * MSS);
    }
}
