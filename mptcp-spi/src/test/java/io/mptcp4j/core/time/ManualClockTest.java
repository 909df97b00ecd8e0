package io.mptcp4j.core.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ManualClockTest {

    @Test
    void startsAtZeroOrAtTheGivenInstant() {
        assertThat(new ManualClock().nanos()).isZero();
        assertThat(new ManualClock(-5).nanos()).isEqualTo(-5);
    }

    @Test
    void movesOnlyWhenAdvanced() {
        ManualClock clock = new ManualClock(100);

        assertThat(clock.nanos()).isEqualTo(100);
        assertThat(clock.advance(50)).isEqualTo(150);
        assertThat(clock.advance(Duration.ofMillis(2))).isEqualTo(2_000_150);
        assertThat(clock.nanos()).isEqualTo(2_000_150);
    }

    @Test
    void advancesToALaterInstantAcrossTheWrap() {
        ManualClock clock = new ManualClock(Long.MAX_VALUE - 1);

        clock.advanceTo(Long.MIN_VALUE + 1);

        assertThat(clock.nanos()).isEqualTo(Long.MIN_VALUE + 1);
    }

    @Test
    void neverGoesBack() {
        ManualClock clock = new ManualClock(1_000);

        assertThatThrownBy(() -> clock.advance(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> clock.advance(Duration.ofNanos(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> clock.advanceTo(999)).isInstanceOf(IllegalArgumentException.class);
        assertThat(clock.nanos()).isEqualTo(1_000);
    }
}
