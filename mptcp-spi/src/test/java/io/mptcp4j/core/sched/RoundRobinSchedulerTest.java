package io.mptcp4j.core.sched;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Round-robin: the turn passes in opening order among subflows with room, backups only when no regular works. */
class RoundRobinSchedulerTest {

    private final RoundRobinScheduler scheduler = new RoundRobinScheduler();

    @Test
    void rotatesAmongSubflowsWithRoomWhateverTheirRtt() {
        FakeSubflow a = new FakeSubflow("a", 100);
        FakeSubflow b = new FakeSubflow("b", 10);
        FakeSubflow c = new FakeSubflow("c", 50);
        FakeContext context = new FakeContext(a, b, c);
        assertThat(scheduler.selectForData(context)).isSameAs(a);
        assertThat(scheduler.selectForData(context)).isSameAs(b);
        assertThat(scheduler.selectForData(context)).isSameAs(c);
        assertThat(scheduler.selectForData(context)).isSameAs(a);
        assertThat(scheduler).hasToString("roundrobin");
    }

    @Test
    void skipsASubflowWithoutRoomAndWaitsWhenNoneHasAny() {
        FakeSubflow a = new FakeSubflow("a", 10);
        FakeSubflow b = new FakeSubflow("b", 10).full();
        FakeSubflow c = new FakeSubflow("c", 10);
        FakeContext context = new FakeContext(a, b, c);
        assertThat(scheduler.selectForData(context)).isSameAs(a);
        assertThat(scheduler.selectForData(context)).isSameAs(c);
        assertThat(scheduler.selectForData(context)).isSameAs(a);
        a.full();
        c.full();
        assertThat(scheduler.selectForData(context)).isNull();
    }

    @Test
    void skipsBackupsWhileAFreshRegularSubflowIsActiveEvenABusyOne() {
        FakeSubflow regular = new FakeSubflow("regular", 50);
        FakeSubflow backup = new FakeSubflow("backup", 5).backup();
        FakeContext context = new FakeContext(regular, backup);
        assertThat(scheduler.selectForData(context)).isSameAs(regular);
        assertThat(scheduler.selectForData(context)).isSameAs(regular);
        regular.full();
        assertThat(scheduler.selectForData(context)).isNull();
        regular.stale();
        assertThat(scheduler.selectForData(context)).isSameAs(backup);
    }

    @Test
    void rotatesAmongBackupsWhenOnlyBackupsAreLeft() {
        FakeSubflow b1 = new FakeSubflow("b1", 10).backup();
        FakeSubflow b2 = new FakeSubflow("b2", 20).backup();
        FakeContext context = new FakeContext(b1, b2);
        assertThat(scheduler.selectForData(context)).isSameAs(b1);
        assertThat(scheduler.selectForData(context)).isSameAs(b2);
        assertThat(scheduler.selectForData(context)).isSameAs(b1);
    }

    @Test
    void startsOverWhenThePreviousSubflowIsGone() {
        FakeSubflow a = new FakeSubflow("a", 10);
        FakeSubflow b = new FakeSubflow("b", 10);
        FakeSubflow c = new FakeSubflow("c", 10);
        assertThat(scheduler.selectForData(new FakeContext(a, b, c))).isSameAs(a);
        assertThat(scheduler.selectForData(new FakeContext(a, b, c))).isSameAs(b);
        assertThat(scheduler.selectForData(new FakeContext(a, c))).isSameAs(a);
        assertThat(scheduler.selectForData(new FakeContext(a, c))).isSameAs(c);
    }
}
