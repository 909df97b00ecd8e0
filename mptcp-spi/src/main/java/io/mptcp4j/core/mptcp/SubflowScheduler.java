package io.mptcp4j.core.mptcp;

import java.util.List;

/**
 * Picks the subflow that carries the next chunk of connection-level data: the seam packet schedulers plug into
 * (the role of Linux's {@code mptcp_sched_ops}). One instance per connection, so it may keep state; called on the
 * thread that drives the stack.
 */
public interface SubflowScheduler {

    /**
     * Chooses among the subflows that can take new data now.
     *
     * @param candidates never empty; established subflows with room in their send buffer
     * @return one of {@code candidates}, or null to send nothing now
     */
    SubflowView selectForData(List<SubflowView> candidates);

    /**
     * Chooses where data is sent again at the connection level (a reinjection): by default the first candidate
     * that is not {@code original}, else {@code original} itself.
     *
     * @param original the subflow that carried the data first, or null if it is gone
     */
    default SubflowView selectForReinjection(List<SubflowView> candidates, SubflowView original) {
        for (SubflowView candidate : candidates) {
            if (candidate != original) {
                return candidate;
            }
        }
        return candidates.isEmpty() ? null : candidates.get(0);
    }
}
