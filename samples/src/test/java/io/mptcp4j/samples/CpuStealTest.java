package io.mptcp4j.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class CpuStealTest {

    @Test
    void theStolenShareIsStealOverAllCpuTimeWithoutGuestTime() {
        CpuSteal before = CpuSteal.parse("cpu  100 0 50 800 0 0 10 40 7 0\ncpu0 1 2 3 4 5 6 7 8\n");
        // 300 more ticks in all (guest time is inside user time and not counted twice), 60 of them stolen.
        CpuSteal after = CpuSteal.parse("cpu  180 0 90 900 0 0 30 100 99 0\n");
        assertThat(after.shareSince(before)).isCloseTo(0.2, within(1e-9));
    }

    @Test
    void anUnreadableOrOldFormatGivesNaN() {
        CpuSteal unknown = CpuSteal.parse("intr 1 2 3\n");
        CpuSteal known = CpuSteal.parse("cpu  1 2 3 4 5 6 7 8\n");
        assertThat(known.shareSince(unknown)).isNaN();
        assertThat(known.shareSince(known)).as("no time passed").isNaN();
        assertThat(CpuSteal.now().shareSince(CpuSteal.now())).satisfiesAnyOf(
                v -> assertThat(v).isNaN(), v -> assertThat(v).isBetween(0.0, 1.0));
    }
}
