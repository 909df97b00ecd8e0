package io.mptcp4j.driver;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SystemClockTest {

    @Test
    void neverGoesBack() {
        long first = SystemClock.INSTANCE.nanos();
        long second = SystemClock.INSTANCE.nanos();

        assertThat(second - first).isNotNegative();
    }
}
