package io.mptcp4j.core.sched;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Redundant: every chunk on the fastest subflow, and a copy on every other working subflow whose window is open. */
class RedundantSchedulerTest {

    private final RedundantScheduler scheduler = new RedundantScheduler();

    @Test
    void sendsOnTheFastestAndCopiesOnEveryOtherSubflowWhoseWindowIsOpen() {
        FakeSubflow slow = new FakeSubflow("slow", 100);
        FakeSubflow fast = new FakeSubflow("fast", 10);
        FakeSubflow medium = new FakeSubflow("medium", 40);
        FakeSubflow busy = new FakeSubflow("busy", 20).full();
        // Room for more, but a window's worth in flight: a copy would wait behind it and arrive late.
        FakeSubflow windowFull = new FakeSubflow("windowFull", 30).cwnd(20_000).outstanding(15_000, 5_000);
        FakeContext context = new FakeContext(slow, fast, medium, busy, windowFull);
        SubflowView chosen = scheduler.selectForData(context);
        assertThat(chosen).isSameAs(fast);
        assertThat(scheduler.redundantCopies(context, chosen)).containsExactly(slow, medium);
        assertThat(scheduler).hasToString("redundant");
    }

    @Test
    void whenTheFastestIsBusyTheChunkWaitsForIt() {
        FakeSubflow fast = new FakeSubflow("fast", 10).full();
        FakeSubflow slow = new FakeSubflow("slow", 100);
        assertThat(scheduler.selectForData(new FakeContext(fast, slow))).isNull();
        fast.room(1000);
        assertThat(scheduler.selectForData(new FakeContext(fast, slow))).isSameAs(fast);
    }

    @Test
    void noCopyGoesToABackupOrAStaleSubflowWhileAFreshRegularOneWorks() {
        FakeSubflow a = new FakeSubflow("a", 10);
        FakeSubflow b = new FakeSubflow("b", 30);
        FakeSubflow backup = new FakeSubflow("backup", 5).backup();
        FakeSubflow stale = new FakeSubflow("stale", 1).stale();
        FakeContext context = new FakeContext(a, b, backup, stale);
        SubflowView chosen = scheduler.selectForData(context);
        assertThat(chosen).isSameAs(a);
        assertThat(scheduler.redundantCopies(context, chosen)).containsExactly(b);
    }

    @Test
    void backupsCarryAndCopyWhenNoRegularSubflowWorks() {
        FakeSubflow failed = new FakeSubflow("failed", 10).stale();
        FakeSubflow b1 = new FakeSubflow("b1", 40).backup();
        FakeSubflow b2 = new FakeSubflow("b2", 20).backup();
        FakeContext context = new FakeContext(failed, b1, b2);
        SubflowView chosen = scheduler.selectForData(context);
        assertThat(chosen).isSameAs(b2);
        assertThat(scheduler.redundantCopies(context, chosen)).containsExactly(b1);
    }
}
