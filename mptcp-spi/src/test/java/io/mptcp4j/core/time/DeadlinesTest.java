package io.mptcp4j.core.time;

import static io.mptcp4j.core.time.Deadlines.NEVER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DeadlinesTest {

    @Test
    void aDeadlineIsDueFromItsOwnInstantOn() {
        long deadline = Deadlines.after(1_000, 200);

        assertThat(deadline).isEqualTo(1_200);
        assertThat(Deadlines.isDue(deadline, 1_199)).isFalse();
        assertThat(Deadlines.isDue(deadline, 1_200)).isTrue();
        assertThat(Deadlines.isDue(deadline, 5_000)).isTrue();
    }

    @Test
    void neverIsNeverDue() {
        assertThat(Deadlines.isDue(NEVER, Long.MAX_VALUE)).isFalse();
        assertThat(Deadlines.isDue(NEVER, Long.MIN_VALUE)).isFalse();
        assertThat(Deadlines.after(-10, NEVER)).isEqualTo(NEVER);
        assertThat(Deadlines.remaining(NEVER, 0)).isEqualTo(NEVER);
    }

    @Test
    void comparisonsSurviveTheWrapOfTheClock() {
        long beforeWrap = Long.MAX_VALUE - 10;
        long afterWrap = Deadlines.after(beforeWrap, 100);

        assertThat(afterWrap).isNegative();
        assertThat(Deadlines.isBefore(beforeWrap, afterWrap)).isTrue();
        assertThat(Deadlines.isBefore(afterWrap, beforeWrap)).isFalse();
        assertThat(Deadlines.earliest(afterWrap, beforeWrap)).isEqualTo(beforeWrap);
        assertThat(Deadlines.isDue(afterWrap, beforeWrap)).isFalse();
        assertThat(Deadlines.remaining(afterWrap, beforeWrap)).isEqualTo(100);
    }

    @Test
    void neverIsLaterThanEveryInstantEvenNegativeOnes() {
        assertThat(Deadlines.isBefore(-5, NEVER)).isTrue();
        assertThat(Deadlines.isBefore(NEVER, -5)).isFalse();
        assertThat(Deadlines.isBefore(NEVER, NEVER)).isFalse();
        assertThat(Deadlines.earliest(NEVER, -5)).isEqualTo(-5);
        assertThat(Deadlines.earliest(-5, NEVER)).isEqualTo(-5);
        assertThat(Deadlines.earliest(NEVER, NEVER)).isEqualTo(NEVER);
    }

    @Test
    void anArmedTimerIsNeverMistakenForADisarmedOne() {
        assertThat(Deadlines.after(Long.MAX_VALUE - 5, 5)).isEqualTo(NEVER - 1);
    }

    @Test
    void remainingIsZeroOnceDue() {
        assertThat(Deadlines.remaining(100, 40)).isEqualTo(60);
        assertThat(Deadlines.remaining(100, 100)).isZero();
        assertThat(Deadlines.remaining(100, 250)).isZero();
    }

    @Test
    void refusesNegativeDelays() {
        assertThatThrownBy(() -> Deadlines.after(0, -1)).isInstanceOf(IllegalArgumentException.class);
    }
}
