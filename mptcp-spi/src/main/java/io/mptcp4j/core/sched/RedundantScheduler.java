package io.mptcp4j.core.sched;

import java.util.ArrayList;
import java.util.List;

/**
 * Redundant: every chunk goes to the fastest subflow and a copy to every other subflow of the same kind whose
 * congestion window is open, so the first copy to arrive delivers it. This is the idea of Frömmgen et al. ("ReMP
 * TCP: Low latency multipath TCP", ICC 2016) and of the Linux out-of-tree {@code redundant} scheduler: spend
 * capacity to cut latency, above all when a path loses packets or its delay jumps. Throughput is at best that of
 * the fastest path, so it suits thin, latency-sensitive streams, not bulk transfers.
 *
 * <p>The fastest subflow (lowest smoothed RTT) carries every chunk: when it has no room the chunk waits for it
 * rather than go to a slower subflow alone, as in the Linux scheduler, where every subflow sends every segment and
 * the fastest one never falls behind. A copy goes only to a subflow that can send it at once; one that cannot
 * misses that copy (the connection asks for copies only when it sends a chunk, it does not queue them for later).
 * Copies go only to subflows of the kind that carries data now: no copy goes to a backup while a fresh regular
 * subflow is active (RFC 8684 section 3.3.8), nor to a stale subflow while a fresh one is.
 */
public final class RedundantScheduler implements PacketScheduler {

    /** The name {@link PacketSchedulers#byName} knows it by. */
    public static final String NAME = "redundant";

    @Override
    public SubflowView selectForData(SchedulingContext context) {
        // The fastest subflow, busy or not: a chunk sent on a slower one alone would arrive late, uncopied.
        SubflowView fastest = MinRttScheduler.fastest(context, MinRttScheduler.usableTier(context), false);
        return fastest != null && fastest.sendableBytes() > 0 ? fastest : null;
    }

    @Override
    public List<SubflowView> redundantCopies(SchedulingContext context, SubflowView chosen) {
        int tier = MinRttScheduler.usableTier(context);
        List<SubflowView> copies = new ArrayList<>(context.subflows().size());
        for (SubflowView s : context.subflows()) {
            if (s != chosen && MinRttScheduler.tier(s) == tier && s.sendableBytes() > 0 && sendsAtOnce(s)) {
                copies.add(s);
            }
        }
        return copies;
    }

    /**
     * Whether a copy handed to {@code s} now would leave at once: its congestion window has space beyond what it
     * has in flight and queued. The Linux redundant scheduler likewise copies only onto subflows whose window is
     * open; a copy queued behind a backlog would arrive after the original and only take capacity.
     */
    static boolean sendsAtOnce(SubflowView s) {
        return s.bytesInFlight() + s.unsentBytes() < s.congestionWindow();
    }

    @Override
    public String toString() {
        return NAME;
    }
}
