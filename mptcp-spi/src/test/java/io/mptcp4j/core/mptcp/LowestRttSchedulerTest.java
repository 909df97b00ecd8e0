package io.mptcp4j.core.mptcp;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The default scheduler: lowest smoothed RTT, backups last (RFC 8684 section 3.3.8). */
class LowestRttSchedulerTest {

    /** A view that answers only what a scheduler asks. */
    private static SubflowView view(long srttNanos, boolean backup) {
        return (SubflowView) Proxy.newProxyInstance(SubflowView.class.getClassLoader(),
                new Class<?>[] {SubflowView.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "smoothedRttNanos" -> srttNanos;
                    case "isBackup" -> backup;
                    case "toString" -> "view(" + srttNanos + (backup ? ", backup)" : ")");
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void prefersTheFastestRegularSubflow() {
        SubflowView slow = view(40_000_000, false);
        SubflowView fast = view(10_000_000, false);
        SubflowView fastestBackup = view(1_000_000, true);
        LowestRttScheduler scheduler = new LowestRttScheduler();
        assertThat(scheduler.selectForData(List.of(slow, fastestBackup, fast))).isSameAs(fast);
        assertThat(scheduler.selectForData(List.of(fastestBackup))).isSameAs(fastestBackup);
    }

    @Test
    void reinjectsOnAnotherSubflowWhenThereIsOne() {
        SubflowView a = view(1, false);
        SubflowView b = view(2, false);
        LowestRttScheduler scheduler = new LowestRttScheduler();
        assertThat(scheduler.selectForReinjection(List.of(a, b), a)).isSameAs(b);
        assertThat(scheduler.selectForReinjection(List.of(a), a)).isSameAs(a);
    }
}
