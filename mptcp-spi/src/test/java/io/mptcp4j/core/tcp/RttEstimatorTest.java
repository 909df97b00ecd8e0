package io.mptcp4j.core.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RttEstimatorTest {

    private static final long MS = 1_000_000L;
    private static final long S = 1_000 * MS;

    private final RttEstimator rtt = new RttEstimator();

    @Test
    void beforeAnySampleTheRtoIsOneSecond() {
        // RFC 6298 (2.1)
        assertThat(rtt.hasSample()).isFalse();
        assertThat(rtt.rtoNanos()).isEqualTo(1 * S);
        assertThat(rtt.srttNanos()).isZero();
        assertThat(rtt.rttVarNanos()).isZero();
        assertThat(rtt.minRttNanos()).isZero();
        assertThat(rtt.latestRttNanos()).isZero();
    }

    @Test
    void firstSampleSetsSrttAndHalfOfItAsRttvar() {
        rtt.onSample(0, 100 * MS);

        // RFC 6298 (2.2): SRTT = 100, RTTVAR = 50, RTO = 100 + max(G, 4 * 50) = 300 ms
        assertThat(rtt.hasSample()).isTrue();
        assertThat(rtt.srttNanos()).isEqualTo(100 * MS);
        assertThat(rtt.rttVarNanos()).isEqualTo(50 * MS);
        assertThat(rtt.rtoNanos()).isEqualTo(300 * MS);
        assertThat(rtt.latestRttNanos()).isEqualTo(100 * MS);
        assertThat(rtt.minRttNanos()).isEqualTo(100 * MS);
    }

    @Test
    void laterSamplesSmoothWithAlphaOneEighthAndBetaOneQuarter() {
        rtt.onSample(0, 100 * MS);
        rtt.onSample(1 * S, 200 * MS);

        // RFC 6298 (2.3), RTTVAR first, from the old SRTT:
        // RTTVAR = 3/4 * 50 + 1/4 * |100 - 200| = 62.5; SRTT = 7/8 * 100 + 1/8 * 200 = 112.5; RTO = 112.5 + 250
        assertThat(rtt.rttVarNanos()).isEqualTo(62_500_000);
        assertThat(rtt.srttNanos()).isEqualTo(112_500_000);
        assertThat(rtt.rtoNanos()).isEqualTo(362_500_000);

        rtt.onSample(2 * S, 50 * MS);

        // RTTVAR = 3/4 * 62.5 + 1/4 * |112.5 - 50| = 62.5; SRTT = 7/8 * 112.5 + 1/8 * 50 = 104.6875
        assertThat(rtt.rttVarNanos()).isEqualTo(62_500_000);
        assertThat(rtt.srttNanos()).isEqualTo(104_687_500);
        assertThat(rtt.rtoNanos()).isEqualTo(354_687_500);
        assertThat(rtt.latestRttNanos()).isEqualTo(50 * MS);
        assertThat(rtt.minRttNanos()).isEqualTo(50 * MS);
    }

    @Test
    void theRtoIsRaisedToTheConfiguredMinimum() {
        rtt.onSample(0, 10 * MS);

        // 10 + 4 * 5 = 30 ms, below the 200 ms floor
        assertThat(rtt.rtoNanos()).isEqualTo(200 * MS);
        assertThat(rtt.srttNanos()).isEqualTo(10 * MS);
    }

    @Test
    void theRfc6298ConfigurationRaisesTheRtoToOneSecond() {
        RttEstimator strict = new RttEstimator(RttConfig.RFC6298);

        strict.onSample(0, 100 * MS);

        // RFC 6298 (2.4)
        assertThat(strict.rtoNanos()).isEqualTo(1 * S);
    }

    @Test
    void theClockGranularityBoundsTheVarianceTerm() {
        RttEstimator fine = new RttEstimator(new RttConfig(1 * MS, 60 * S, 1 * S, 10 * MS, 300 * S));

        for (int i = 0; i < 20; i++) {
            fine.onSample(i * S, 100 * MS);
        }

        // RTTVAR decays by 3/4 per identical sample: 50 ms * 0.75^19 < 2.5 ms, so 4 * RTTVAR < G = 10 ms.
        assertThat(4 * fine.rttVarNanos()).isLessThan(10 * MS);
        assertThat(fine.rtoNanos()).isEqualTo(110 * MS);
    }

    @Test
    void theRtoIsCappedAtTheConfiguredMaximum() {
        rtt.onSample(0, 30 * S);

        // 30 + 4 * 15 = 90 s, above the 60 s ceiling of RFC 6298 (2.5)
        assertThat(rtt.rtoNanos()).isEqualTo(60 * S);
    }

    @Test
    void backoffDoublesTheRtoUpToTheMaximum() {
        rtt.onSample(0, 100 * MS);

        long expected = 300 * MS;
        for (int i = 1; i <= 7; i++) {
            rtt.backOff();
            expected *= 2;
            assertThat(rtt.rtoNanos()).isEqualTo(expected);
        }
        assertThat(rtt.rtoNanos()).isEqualTo(38_400 * MS);

        rtt.backOff();
        assertThat(rtt.rtoNanos()).isEqualTo(60 * S);
        rtt.backOff();
        assertThat(rtt.rtoNanos()).isEqualTo(60 * S);
        assertThat(rtt.backoffCount()).isEqualTo(9);
    }

    @Test
    void backoffBeforeAnySampleStartsFromTheInitialRto() {
        rtt.backOff();
        rtt.backOff();

        assertThat(rtt.rtoNanos()).isEqualTo(4 * S);
        assertThat(rtt.hasSample()).isFalse();
    }

    @Test
    void aNewSampleEndsTheBackoff() {
        rtt.onSample(0, 100 * MS);
        rtt.backOff();
        rtt.backOff();
        assertThat(rtt.rtoNanos()).isEqualTo(1_200 * MS);

        rtt.onSample(5 * S, 100 * MS);

        // RTTVAR = 3/4 * 50 + 0 = 37.5; SRTT = 100; RTO = 100 + 150
        assertThat(rtt.rtoNanos()).isEqualTo(250 * MS);
        assertThat(rtt.backoffCount()).isZero();
    }

    @Test
    void karnsRuleDropsSamplesFromRetransmittedSegments() {
        rtt.onSample(0, 100 * MS);
        rtt.backOff();

        boolean used = rtt.onSample(1 * S, 900 * MS, true);

        // RFC 6298 section 3: the ambiguous sample changes nothing, not even the backoff.
        assertThat(used).isFalse();
        assertThat(rtt.srttNanos()).isEqualTo(100 * MS);
        assertThat(rtt.latestRttNanos()).isEqualTo(100 * MS);
        assertThat(rtt.rtoNanos()).isEqualTo(600 * MS);
        assertThat(rtt.backoffCount()).isEqualTo(1);

        assertThat(rtt.onSample(2 * S, 100 * MS, false)).isTrue();
        assertThat(rtt.backoffCount()).isZero();
    }

    @Test
    void theMinimumForgetsSamplesOlderThanTheWindow() {
        RttEstimator windowed = new RttEstimator(new RttConfig(200 * MS, 60 * S, 1 * S, 1 * MS, 10 * S));

        windowed.onSample(0, 50 * MS);
        windowed.onSample(1 * S, 80 * MS);
        assertThat(windowed.minRttNanos()).isEqualTo(50 * MS);

        windowed.onSample(12 * S, 90 * MS);
        assertThat(windowed.minRttNanos()).isEqualTo(90 * MS);
    }

    @Test
    void refusesImpossibleSamples() {
        assertThatThrownBy(() -> rtt.onSample(0, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> rtt.onSample(0, 100_000 * S)).isInstanceOf(IllegalArgumentException.class);
        assertThat(rtt.hasSample()).isFalse();
    }

    @Test
    void configurationsOutOfOrderAreRefused() {
        assertThatThrownBy(() -> new RttConfig(0, 60 * S, 1 * S, MS, S))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RttConfig(2 * S, 60 * S, 1 * S, MS, S))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RttConfig(MS, 500 * MS, 1 * S, MS, S))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RttConfig(MS, 100_000 * S, 1 * S, MS, S))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RttConfig(MS, 60 * S, 1 * S, -1, S))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RttConfig(MS, 60 * S, 1 * S, MS, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
