package io.mptcp4j.core.sched;

import java.util.List;

/**
 * Round-robin: each chunk goes to the next subflow in opening order that has room, after the one that took the
 * previous chunk, like the Linux out-of-tree {@code roundrobin} scheduler (which, by default, also skips a subflow
 * whose congestion window is full). It ignores RTTs, so on paths of different delays it reorders data and makes
 * the receiver wait; it is meant for tests and for paths that are alike.
 *
 * <p>Backups (RFC 8684 section 3.3.8) and stale subflows take their turn only while no better kind is active, as
 * for {@link MinRttScheduler}: a backup is skipped while a fresh regular subflow is active, even a busy one.
 */
public final class RoundRobinScheduler implements PacketScheduler {

    /** The name {@link PacketSchedulers#byName} knows it by. */
    public static final String NAME = "roundrobin";

    /** The subflow that took the previous chunk; the turn passes to the one after it. */
    private SubflowView previous;

    @Override
    public SubflowView selectForData(SchedulingContext context) {
        List<SubflowView> subflows = context.subflows();
        int tier = MinRttScheduler.usableTier(context);
        int n = subflows.size();
        int start = previous == null ? 0 : subflows.indexOf(previous) + 1; // 0 when the previous one is gone
        for (int i = 0; i < n; i++) {
            SubflowView s = subflows.get((start + i) % n);
            if (MinRttScheduler.tier(s) == tier && s.sendableBytes() > 0) {
                previous = s;
                return s;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return NAME;
    }
}
