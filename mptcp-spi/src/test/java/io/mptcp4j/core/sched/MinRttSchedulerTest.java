package io.mptcp4j.core.sched;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The default scheduler: lowest smoothed RTT, backups and stale subflows last (RFC 8684 section 3.3.8). */
class MinRttSchedulerTest {

    /** A view that answers only what a scheduler asks. */
    static SubflowView view(long srttNanos, boolean backup, boolean stale, int room) {
        return (SubflowView) Proxy.newProxyInstance(SubflowView.class.getClassLoader(),
                new Class<?>[] {SubflowView.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "smoothedRttNanos" -> srttNanos;
                    case "isBackup" -> backup;
                    case "isStale" -> stale;
                    case "isActive" -> true;
                    case "sendableBytes" -> room;
                    case "toString" -> "view(" + srttNanos + (backup ? ", backup" : "") + (stale ? ", stale" : "")
                            + ", room " + room + ")";
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    static SchedulingContext context(SubflowView... subflows) {
        return new SchedulingContext() {
            @Override
            public long now() {
                return 0;
            }

            @Override
            public List<SubflowView> subflows() {
                return List.of(subflows);
            }

            @Override
            public long unsentBytes() {
                return 1 << 20;
            }

            @Override
            public long sendWindowRemaining() {
                return 1 << 20;
            }
        };
    }

    private final MinRttScheduler scheduler = new MinRttScheduler();

    @Test
    void prefersTheFastestRegularSubflowWithRoom() {
        SubflowView slow = view(40_000_000, false, false, 1000);
        SubflowView fast = view(10_000_000, false, false, 1000);
        SubflowView fastestBackup = view(1_000_000, true, false, 1000);
        assertThat(scheduler.selectForData(context(slow, fastestBackup, fast))).isSameAs(fast);
        SubflowView fastButFull = view(10_000_000, false, false, 0);
        assertThat(scheduler.selectForData(context(slow, fastestBackup, fastButFull))).isSameAs(slow);
    }

    @Test
    void aBackupWaitsWhileARegularSubflowWorksEvenWhenItIsBusy() {
        SubflowView busyRegular = view(10_000_000, false, false, 0);
        SubflowView idleBackup = view(1_000_000, true, false, 1000);
        assertThat(scheduler.selectForData(context(busyRegular, idleBackup))).isNull();
        assertThat(scheduler.selectForData(context(idleBackup))).isSameAs(idleBackup);
    }

    @Test
    void aStaleRegularSubflowHandsOverToTheBackup() {
        SubflowView staleRegular = view(10_000_000, false, true, 1000);
        SubflowView backup = view(50_000_000, true, false, 1000);
        assertThat(scheduler.selectForData(context(staleRegular, backup))).isSameAs(backup);
        assertThat(scheduler.selectForData(context(staleRegular))).isSameAs(staleRegular);
    }

    @Test
    void reinjectsOnAnotherFreshSubflowWhenThereIsOne() {
        SubflowView a = view(1, false, false, 1000);
        SubflowView b = view(2, false, false, 1000);
        SubflowView staleC = view(0, false, true, 1000);
        assertThat(scheduler.selectForReinjection(context(a, b, staleC), a)).isSameAs(b);
        assertThat(scheduler.selectForReinjection(context(a), a)).isSameAs(a);
        // The fresh other subflow is busy: wait for it rather than send again on the path that lost the data.
        assertThat(scheduler.selectForReinjection(context(a, view(1, false, false, 0)), a)).isNull();
        assertThat(scheduler.selectForReinjection(context(staleC, view(5, false, false, 0)), staleC)).isNull();
    }
}
