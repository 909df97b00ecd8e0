package io.mptcp4j.core.mptcp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SendLimitClockTest {

    @Test
    void eachLimitCountsTheTimeFromEnteringItToLeavingIt() {
        SendLimitClock clock = new SendLimitClock();
        assertThat(clock.nanos(SendLimit.APPLICATION, 5)).as("nothing before the first state").isZero();
        clock.enter(SendLimit.APPLICATION, 10);
        clock.enter(SendLimit.APPLICATION, 15); // the same state again changes nothing
        clock.enter(SendLimit.SUBFLOWS, 30);
        clock.enter(SendLimit.WINDOW, 100);
        clock.enter(SendLimit.SUBFLOWS, 130);
        assertThat(clock.nanos(SendLimit.APPLICATION, 200)).isEqualTo(20);
        assertThat(clock.nanos(SendLimit.WINDOW, 200)).isEqualTo(30);
        // 70 before the window, and the current stretch up to the time asked.
        assertThat(clock.nanos(SendLimit.SUBFLOWS, 200)).isEqualTo(140);
    }
}
