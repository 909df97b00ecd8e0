package io.mptcp4j.core.sched;

/**
 * The default scheduler, like Linux's: the subflow with the lowest smoothed RTT among those with room. Backup
 * subflows (RFC 8684 section 3.3.8) carry data only while no regular subflow is active and fresh; stale subflows
 * (their retransmission timer expired) only while nothing else is left.
 */
public final class MinRttScheduler implements PacketScheduler {

    /** The name {@code mptcp cat --scheduler} and the configuration know it by. */
    public static final String NAME = "minrtt";

    @Override
    public SubflowView selectForData(SchedulingContext context) {
        return fastest(context, usableTier(context), true);
    }

    /**
     * The subflow of {@code tier} with the lowest smoothed RTT (the first one opened among equals), only among
     * those with room if {@code withRoom}; null if there is none.
     */
    static SubflowView fastest(SchedulingContext context, int tier, boolean withRoom) {
        SubflowView best = null;
        for (SubflowView s : context.subflows()) {
            if (tier(s) != tier || withRoom && s.sendableBytes() <= 0) {
                continue;
            }
            if (best == null || s.smoothedRttNanos() < best.smoothedRttNanos()) {
                best = s;
            }
        }
        return best;
    }

    /**
     * The best tier that has a subflow at all, room or not: data waits for a busy regular subflow rather than
     * spilling onto a backup.
     */
    static int usableTier(SchedulingContext context) {
        int best = Integer.MAX_VALUE;
        for (SubflowView s : context.subflows()) {
            best = Math.min(best, tier(s));
        }
        return best;
    }

    /** 0: regular and fresh; 1: backup and fresh; 2: stale regular; 3: stale backup. */
    static int tier(SubflowView s) {
        return (s.isStale() ? 2 : 0) + (s.isBackup() ? 1 : 0);
    }

    @Override
    public String toString() {
        return NAME;
    }
}
