package io.mptcp4j.core.sched;

import java.util.List;

/**
 * Decides which subflow carries each chunk of connection-level data (the role of Linux's {@code mptcp_sched_ops}):
 * the seam that min-RTT, round-robin, redundant, BLEST, ECF and backup-aware schedulers plug into. One instance
 * per connection, so it may keep state; every call happens on the thread that drives the stack.
 *
 * <p>The connection calls {@link #selectForData} for every chunk of new data (at most one 64 KB DSS mapping,
 * limited by the chosen subflow's {@link SubflowView#sendableBytes()}), as long as there is data, window and a
 * subflow with room. A scheduler may answer null to hold the data back and wait for a better subflow (what
 * BLEST and ECF do), and may ask for copies of a chunk on other subflows through {@link #redundantCopies}.
 */
public interface PacketScheduler {

    /**
     * Picks the subflow for the next chunk of new data.
     *
     * @return one of {@link SchedulingContext#subflows()} whose {@link SubflowView#sendableBytes()} is positive, or
     * null to send nothing now (the connection asks again when acknowledgments or new data arrive)
     */
    SubflowView selectForData(SchedulingContext context);

    /**
     * Subflows that get a copy of the chunk just sent on {@code chosen}: for redundant scheduling, each as far as
     * its room allows. By default none.
     */
    default List<SubflowView> redundantCopies(SchedulingContext context, SubflowView chosen) {
        return List.of();
    }

    /**
     * Chooses where data is sent again at the connection level (a reinjection, RFC 8684 section 3.3.6): data of
     * a subflow that failed, closed or stalled. By default the best-ranked subflow — a fresh regular one, then a
     * backup, then a stale one, {@code original} last — and among equals the lowest RTT; if the best-ranked
     * subflows have no room now, null (wait for them) rather than a worse one: data sent again on the path that
     * lost it would be lost again.
     *
     * @param original the subflow that carried the data before, or null if it is gone
     */
    default SubflowView selectForReinjection(SchedulingContext context, SubflowView original) {
        int bestRank = Integer.MAX_VALUE;
        for (SubflowView s : context.subflows()) {
            bestRank = Math.min(bestRank, rank(s, original));
        }
        SubflowView best = null;
        for (SubflowView s : context.subflows()) {
            if (rank(s, original) == bestRank && s.sendableBytes() > 0
                    && (best == null || s.smoothedRttNanos() < best.smoothedRttNanos())) {
                best = s;
            }
        }
        return best;
    }

    /** Lower is better for a reinjection: a fresh regular subflow, then a backup, then stale ones, the original last. */
    private static int rank(SubflowView s, SubflowView original) {
        return (s == original ? 4 : 0) + (s.isStale() ? 2 : 0) + (s.isBackup() ? 1 : 0);
    }
}
