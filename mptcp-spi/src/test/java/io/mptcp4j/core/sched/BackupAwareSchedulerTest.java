package io.mptcp4j.core.sched;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The strict backup policy of RFC 8684 section 3.3.8: no byte on a backup while a regular subflow works. */
class BackupAwareSchedulerTest {

    private final BackupAwareScheduler scheduler = new BackupAwareScheduler();

    @Test
    void newDataGoesToTheFastestRegularSubflowAndWaitsForABusyOne() {
        FakeSubflow slow = new FakeSubflow("slow", 80);
        FakeSubflow fast = new FakeSubflow("fast", 20);
        FakeSubflow backup = new FakeSubflow("backup", 1).backup();
        assertThat(scheduler.selectForData(new FakeContext(slow, fast, backup))).isSameAs(fast);
        fast.full();
        assertThat(scheduler.selectForData(new FakeContext(slow, fast, backup))).isSameAs(slow);
        slow.full();
        assertThat(scheduler.selectForData(new FakeContext(slow, fast, backup))).isNull();
        assertThat(scheduler).hasToString("backup");
    }

    @Test
    void backupsTakeOverOnlyWhenNoRegularSubflowWorks() {
        FakeSubflow regular = new FakeSubflow("regular", 10).stale();
        FakeSubflow slowBackup = new FakeSubflow("slowBackup", 90).backup();
        FakeSubflow fastBackup = new FakeSubflow("fastBackup", 40).backup();
        assertThat(scheduler.selectForData(new FakeContext(regular, slowBackup, fastBackup))).isSameAs(fastBackup);
        assertThat(scheduler.selectForData(new FakeContext(slowBackup, fastBackup))).isSameAs(fastBackup);
        // Nothing works: the stale subflows are tried, regular ones first.
        FakeSubflow staleBackup = new FakeSubflow("staleBackup", 1).backup().stale();
        assertThat(scheduler.selectForData(new FakeContext(staleBackup, regular))).isSameAs(regular);
    }

    @Test
    void reinjectionsStayOnRegularSubflowsWhileOneWorks() {
        FakeSubflow original = new FakeSubflow("original", 10);
        FakeSubflow other = new FakeSubflow("other", 50);
        FakeSubflow backup = new FakeSubflow("backup", 5).backup();
        assertThat(scheduler.selectForReinjection(new FakeContext(original, other, backup), original)).isSameAs(other);
        // The only regular subflow that works is the original: it, not the backup (the default picks the backup).
        FakeContext alone = new FakeContext(original, backup);
        assertThat(scheduler.selectForReinjection(alone, original)).isSameAs(original);
        assertThat(new MinRttScheduler().selectForReinjection(alone, original)).isSameAs(backup);
        // Another regular subflow is busy: wait for it rather than resend on the path that lost the data.
        other.full();
        assertThat(scheduler.selectForReinjection(new FakeContext(original, other, backup), original)).isNull();
    }

    @Test
    void reinjectionsGoToABackupWhenTheRegularSubflowFailed() {
        FakeSubflow failed = new FakeSubflow("failed", 10).stale();
        FakeSubflow backup = new FakeSubflow("backup", 50).backup();
        assertThat(scheduler.selectForReinjection(new FakeContext(failed, backup), failed)).isSameAs(backup);
        assertThat(scheduler.selectForReinjection(new FakeContext(backup), null)).isSameAs(backup);
    }
}
