package io.mptcp4j.core.mptcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.mptcp4j.core.sched.SubflowView;
import io.mptcp4j.sim.ByteStreamChecker;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How far ahead of its congestion window a subflow takes data ({@link Subflow#room()}). */
class SubflowRoomTest {

    private static long maxUnsent(int fastDelayMillis, int slowDelayMillis, int slowIndex) {
        MptcpPair pair = new MptcpPair(11, MptcpConfig.defaults(), MptcpConfig.defaults(),
                MptcpMultipathTest.path(20, fastDelayMillis), MptcpMultipathTest.path(20, slowDelayMillis))
                .withAllPathAddresses();
        ByteStreamChecker up = new ByteStreamChecker(5, 256L << 20);
        pair.clientEnd = new StreamEnd(up, null).keepOpen();
        pair.serverEnd = new StreamEnd(null, up).keepOpen();
        MptcpConnection c = pair.connect();
        pair.network().runFor(Duration.ofSeconds(2));
        long[] max = new long[2];
        for (int i = 0; i < 300; i++) {
            pair.network().runFor(Duration.ofMillis(7));
            List<SubflowView> subflows = c.subflows();
            assertThat(subflows).hasSize(2);
            for (int s = 0; s < 2; s++) {
                max[s] = Math.max(max[s], subflows.get(s).unsentBytes());
            }
        }
        return max[slowIndex];
    }

    @Test
    void aSubflowOnAMuchLongerPathTakesNothingAheadOfItsWindow() {
        // 10 ms against 100 ms one way: data queued on the slow subflow would wait for its acknowledgments.
        assertThat(maxUnsent(10, 100, 1)).as("the slow subflow").isLessThan(1460);
        assertThat(maxUnsent(10, 100, 0)).as("the fast one keeps its segments ready").isGreaterThan(1460);
    }

    @Test
    void pathsOfLikeDelayBothKeepSegmentsReady() {
        assertThat(maxUnsent(10, 15, 1)).isGreaterThan(1460);
    }
}
