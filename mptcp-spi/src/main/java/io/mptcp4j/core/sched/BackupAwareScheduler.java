package io.mptcp4j.core.sched;

/**
 * A strict reading of RFC 8684 section 3.3.8: a backup subflow carries no data at all — new data, reinjections or
 * copies — while a regular subflow works. "Works" means active and not stale; a regular subflow whose
 * retransmission timer expired without acknowledgment counts as failed. New data goes to the regular subflow with
 * the lowest smoothed RTT among those with room, or waits for one to have room; only when no regular subflow works
 * do the backups take over, again by lowest RTT. When nothing works at all, the stale subflows are tried, regular
 * ones first.
 *
 * <p>For new data this is the rule {@link MinRttScheduler} follows too. The difference is reinjection: the default
 * sends data again on a backup rather than on the regular subflow that carried it before, whereas this scheduler
 * keeps it on regular subflows (another one first, the original one if it is the only one working) and so never
 * puts traffic on a backup — a metered or power-hungry link — while a regular path is up.
 */
public final class BackupAwareScheduler implements PacketScheduler {

    /** The name {@link PacketSchedulers#byName} knows it by. */
    public static final String NAME = "backup";

    @Override
    public SubflowView selectForData(SchedulingContext context) {
        return MinRttScheduler.fastest(context, MinRttScheduler.usableTier(context), true);
    }

    @Override
    public SubflowView selectForReinjection(SchedulingContext context, SubflowView original) {
        boolean regularWorks = false;
        for (SubflowView s : context.subflows()) {
            regularWorks |= works(s);
        }
        if (!regularWorks) {
            return PacketScheduler.super.selectForReinjection(context, original);
        }
        // Among the working regular subflows: another one than the original if there is one (data sent again
        // on the path that lost it would likely be lost again), waiting for it rather than taking a worse one.
        boolean other = false;
        for (SubflowView s : context.subflows()) {
            other |= works(s) && s != original;
        }
        SubflowView best = null;
        for (SubflowView s : context.subflows()) {
            if (works(s) && (s != original || !other) && s.sendableBytes() > 0
                    && (best == null || s.smoothedRttNanos() < best.smoothedRttNanos())) {
                best = s;
            }
        }
        return best;
    }

    /** A regular subflow that is not stale (the context holds only active subflows). */
    private static boolean works(SubflowView s) {
        return !s.isBackup() && !s.isStale();
    }

    @Override
    public String toString() {
        return NAME;
    }
}
