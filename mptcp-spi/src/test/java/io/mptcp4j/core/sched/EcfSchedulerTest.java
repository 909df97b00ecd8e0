package io.mptcp4j.core.sched;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ECF (Lim et al., CoNEXT 2017). The fixture: a fast subflow of 20 ms and a slow one of 200 ms, both with
 * 100 kB windows; the fast one has no room.
 */
class EcfSchedulerTest {

    private final EcfScheduler scheduler = new EcfScheduler();
    private final FakeSubflow fast = new FakeSubflow("fast", 20).cwnd(100_000).full();
    private final FakeSubflow slow = new FakeSubflow("slow", 200).cwnd(100_000);

    @Test
    void usesTheFastestSubflowWheneverItHasRoom() {
        fast.room(5_000);
        assertThat(scheduler.selectForData(new FakeContext(slow, fast).unsent(10 << 20))).isSameAs(fast);
        assertThat(scheduler).hasToString("ecf");
    }

    @Test
    void waitsForTheFastSubflowWhenLittleIsQueued() {
        // Waiting: (1 + 100 000 / 100 000) * 20 ms = 40 ms < 200 ms; the slow one needs 200 ms >= 2 * 20 ms.
        assertThat(scheduler.selectForData(new FakeContext(fast, slow).unsent(50_000))).isNull();
        assertThat(scheduler.isWaiting()).isTrue();
    }

    @Test
    void usesTheSlowSubflowWhenEnoughIsQueuedForItToHelp() {
        // (1 + 2 097 152 / 100 000) * 20 ms = 439 ms: the slow subflow finishes its share earlier.
        assertThat(scheduler.selectForData(new FakeContext(fast, slow).unsent(2 << 20))).isSameAs(slow);
        assertThat(scheduler.isWaiting()).isFalse();
    }

    @Test
    void onceWaitingItNeedsAClearGainToSwitchBack() {
        // 1 MB queued: waiting takes (1 + 10.49) * 20 ms = 230 ms, more than 200 ms but less than 1.25 * 200 ms.
        FakeContext oneMegabyte = new FakeContext(fast, slow).unsent(1 << 20);
        assertThat(new EcfScheduler().selectForData(oneMegabyte)).isSameAs(slow);
        assertThat(scheduler.selectForData(new FakeContext(fast, slow).unsent(50_000))).isNull();
        assertThat(scheduler.selectForData(oneMegabyte)).isNull();
        assertThat(scheduler.selectForData(new FakeContext(fast, slow).unsent(2 << 20))).isSameAs(slow);
        assertThat(scheduler.selectForData(oneMegabyte)).isSameAs(slow);
    }

    @Test
    void aSlowSubflowNearlyAsFastIsUsedAtOnce() {
        // Waiting (40 ms) beats 30 ms + delta 15 ms, but the slow subflow's 30 ms is below 2 * 20 ms + 15 ms.
        FakeSubflow almost = new FakeSubflow("almost", 30).cwnd(100_000).rttVarMillis(15);
        assertThat(scheduler.selectForData(new FakeContext(fast, almost).unsent(50_000))).isSameAs(almost);
    }

    @Test
    void whatTheFastSubflowHasQueuedCountsAgainstWaiting() {
        // 850 kB: (1 + 8.5) * 20 ms = 190 ms < 200 ms, so wait; with 100 kB already queued on the fast subflow,
        // (1 + 9.5) * 20 ms = 210 ms: the slow one is worth it.
        assertThat(new EcfScheduler().selectForData(new FakeContext(fast, slow).unsent(850_000))).isNull();
        fast.outstanding(100_000, 100_000);
        assertThat(new EcfScheduler().selectForData(new FakeContext(fast, slow).unsent(850_000))).isSameAs(slow);
    }

    @Test
    void withoutRttSamplesItBehavesAsMinRtt() {
        FakeSubflow fresh = new FakeSubflow("fresh", 0).full();
        FakeSubflow other = new FakeSubflow("other", 0);
        assertThat(scheduler.selectForData(new FakeContext(fresh, other).unsent(1000))).isSameAs(other);
        assertThat(scheduler.selectForData(new FakeContext(slow))).isSameAs(slow);
    }
}
