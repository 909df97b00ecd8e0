package io.mptcp4j.core.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WindowedMinFilterTest {

    private static final long S = 1_000_000_000L;

    private final WindowedMinFilter filter = new WindowedMinFilter(10 * S);

    @Test
    void isEmptyUntilTheFirstSample() {
        assertThat(filter.isEmpty()).isTrue();
        assertThat(filter.get()).isZero();

        filter.update(0, 70);

        assertThat(filter.isEmpty()).isFalse();
        assertThat(filter.get()).isEqualTo(70);
    }

    @Test
    void aSmallerSampleIsTheNewMinimumAtOnce() {
        filter.update(0, 70);
        filter.update(1 * S, 90);
        filter.update(2 * S, 40);

        assertThat(filter.get()).isEqualTo(40);
    }

    @Test
    void runnersUpTakeOverWhenTheBestExpires() {
        filter.update(0, 50);
        // A quarter window later, with no second-best yet, a sample becomes second and third best.
        filter.update(3 * S, 80);
        // Half a window later, a sample becomes third best.
        filter.update(6 * S, 85);
        assertThat(filter.get()).isEqualTo(50);

        // The 50 (taken at 0) leaves the window: the 80 (taken at 3 s) is the minimum.
        assertThat(filter.update(11 * S, 95)).isEqualTo(80);
        // The 80 leaves: the 85 (taken at 6 s) is.
        assertThat(filter.update(14 * S, 96)).isEqualTo(85);
    }

    @Test
    void startsOverWhenEverySampleIsStale() {
        filter.update(0, 50);
        filter.update(1 * S, 60);

        assertThat(filter.update(30 * S, 200)).isEqualTo(200);
    }

    @Test
    void answersOnlySamplesFromWithinTheWindow() {
        long[] samples = {30, 80, 45, 90, 60, 100, 35, 70, 95, 50, 85, 65, 75, 40, 55};
        for (int i = 0; i < 60; i++) {
            long now = i * S;
            filter.update(now, samples[i % samples.length] + i);

            long exact = Long.MAX_VALUE;
            long worst = Long.MIN_VALUE;
            for (int j = Math.max(0, i - 10); j <= i; j++) {
                long value = samples[j % samples.length] + j;
                exact = Math.min(exact, value);
                worst = Math.max(worst, value);
            }
            assertThat(filter.get()).isBetween(exact, worst);
        }
    }
}
