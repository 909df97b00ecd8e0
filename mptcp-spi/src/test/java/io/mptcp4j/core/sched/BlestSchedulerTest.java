package io.mptcp4j.core.sched;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * BLEST (Ferlin et al., IFIP Networking 2016). The fixture: a fast subflow of 20 ms with a 100 kB window and no
 * room, a slow one of 200 ms with room and 100 kB in flight. In the slow one's RTT (r = 10 fast RTTs) the fast one
 * sends X = (100 000 + 1448 * 4.5) * 10 = 1 065 160 bytes, 1 278 192 with the initial lambda of 1.2; the slow one
 * would hold 100 000 + 65 536 (the chunk) bytes of the window meanwhile.
 */
class BlestSchedulerTest {

    private static final long MS = 1_000_000L;

    private final BlestScheduler scheduler = new BlestScheduler();
    private final FakeSubflow fast = new FakeSubflow("fast", 20).cwnd(100_000).full();
    private final FakeSubflow slow = new FakeSubflow("slow", 200).cwnd(200_000).outstanding(100_000, 0);

    @Test
    void usesTheFastestSubflowWheneverItHasRoom() {
        fast.room(10_000);
        assertThat(scheduler.selectForData(new FakeContext(slow, fast).window(200_000, 100_000))).isSameAs(fast);
        assertThat(scheduler).hasToString("blest");
    }

    @Test
    void usesTheSlowSubflowWhenTheWindowLeavesTheFastOneEnough() {
        assertThat(scheduler.selectForData(new FakeContext(fast, slow).window(4 << 20, 2 << 20))).isSameAs(slow);
    }

    @Test
    void waitsForTheFastSubflowWhenTheSlowOneWouldBlockTheWindow() {
        // 1 MB window: 1 048 576 - 165 536 = 883 040 bytes left for the fast subflow, less than it would send.
        assertThat(scheduler.selectForData(new FakeContext(fast, slow).window(1 << 20, 500_000))).isNull();
    }

    @Test
    void whatTheSlowSubflowHasQueuedLengthensTheWait() {
        FakeContext context = new FakeContext(fast, slow).window(3 << 20, 1 << 20);
        assertThat(scheduler.selectForData(context)).isSameAs(slow);
        // 300 kB queued on the slow subflow: its chunk is acknowledged after 200 ms * 2.5 = 500 ms, in which the
        // fast one sends (100 000 + 1448 * 12) * 25 = 2 934 400 bytes, 3.5 MB with lambda: more than is left.
        slow.outstanding(100_000, 300_000);
        assertThat(scheduler.selectForData(context)).isNull();
    }

    @Test
    void theFastSubflowsRateIsJudgedByItsPathDelayNotItsQueue() {
        // Just after a loss the fast subflow's smoothed RTT still carries the queue it built (40 ms), while its
        // halved window is sent at the path's rate: r counts its base RTT (20 ms), not the inflated one.
        FakeContext context = new FakeContext(fast, slow).window(1 << 20, 500_000);
        fast.srtt = 40 * MS;
        assertThat(scheduler.selectForData(context)).as("judged by the smoothed RTT").isSameAs(slow);
        fast.minRttMillis(20);
        assertThat(scheduler.selectForData(context)).as("judged by the minimum RTT").isNull();
    }

    @Test
    void lambdaShrinksWithoutRetransmissionsAndGrowsWithThem() {
        // 1 400 000 - 165 536 = 1 234 464 bytes of room: enough for X with lambda 1.0, not with 1.2.
        FakeContext context = new FakeContext(fast, slow).window(1_400_000, 700_000);
        assertThat(scheduler.selectForData(context)).isNull();
        assertThat(scheduler.lambda()).isCloseTo(1.2, within(1e-9));
        scheduler.selectForData(context.at(10 * MS)); // less than one fast RTT later: no update
        assertThat(scheduler.lambda()).isCloseTo(1.2, within(1e-9));
        for (int i = 1; i <= 25; i++) {
            scheduler.selectForData(context.at(i * 20 * MS));
        }
        assertThat(scheduler.lambda()).isCloseTo(1.0, within(1e-9));
        assertThat(scheduler.selectForData(context.at(26 * 20 * MS))).isSameAs(slow);
        for (int i = 27; i <= 40; i++) {
            slow.retransmitted++;
            scheduler.selectForData(context.at(i * 20 * MS));
        }
        assertThat(scheduler.lambda()).isCloseTo(1.3, within(1e-9));
        assertThat(scheduler.selectForData(context.at(41 * 20 * MS))).isNull();
    }

    @Test
    void withoutRttSamplesOrAConnectionLevelWindowItBehavesAsMinRtt() {
        FakeSubflow fresh = new FakeSubflow("fresh", 0).cwnd(100_000).full();
        FakeSubflow other = new FakeSubflow("other", 0).outstanding(0, 0);
        assertThat(scheduler.selectForData(new FakeContext(fresh, other).window(100_000, 50_000))).isSameAs(other);
        assertThat(scheduler.selectForData(new FakeContext(fast, slow).window(Long.MAX_VALUE, Long.MAX_VALUE)))
                .isSameAs(slow);
    }

    @Test
    void backupsStayIdleAsForMinRtt() {
        FakeSubflow backup = new FakeSubflow("backup", 5).backup();
        assertThat(scheduler.selectForData(new FakeContext(fast, backup))).isNull();
        assertThat(scheduler.selectForData(new FakeContext(fast.stale(), backup))).isSameAs(backup);
    }
}
