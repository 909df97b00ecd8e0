package io.mptcp4j.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ShapingTest {

    @Test
    void burstIsFourMillisecondsOfDataButAtLeastTenFrames() {
        assertThat(Shaping.megabits(50).burstBytes()).isEqualTo(25_000);
        assertThat(Shaping.megabits(1).burstBytes()).isEqualTo(Shaping.MIN_BURST_BYTES);
        assertThat(Shaping.rate(1_000_000_000L).burstBytes()).isEqualTo(500_000);
        assertThat(Shaping.megabits(50).latency()).isEqualTo(Duration.ofMillis(50));
    }

    @Test
    void tcArguments() {
        assertThat(Shaping.megabits(50).tcArguments())
                .containsExactly("rate", "50000000bit", "burst", "25000", "latency", "50000us");
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> Shaping.rate(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Shaping.megabits(10).withBurst(100)).isInstanceOf(IllegalArgumentException.class);
    }
}
