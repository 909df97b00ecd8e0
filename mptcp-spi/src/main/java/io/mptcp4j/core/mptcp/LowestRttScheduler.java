package io.mptcp4j.core.mptcp;

import java.util.List;

/**
 * The default scheduler, like Linux's: among the subflows that can send, the one with the lowest smoothed RTT,
 * backup subflows only when no other can send (RFC 8684 section 3.3.8).
 */
public final class LowestRttScheduler implements SubflowScheduler {

    @Override
    public SubflowView selectForData(List<SubflowView> candidates) {
        SubflowView best = null;
        for (SubflowView s : candidates) {
            if (best == null || isBetter(s, best)) {
                best = s;
            }
        }
        return best;
    }

    private static boolean isBetter(SubflowView s, SubflowView best) {
        if (s.isBackup() != best.isBackup()) {
            return !s.isBackup();
        }
        return s.smoothedRttNanos() < best.smoothedRttNanos();
    }
}
