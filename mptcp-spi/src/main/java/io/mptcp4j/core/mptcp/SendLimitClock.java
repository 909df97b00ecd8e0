package io.mptcp4j.core.mptcp;

/**
 * Time spent in each {@link SendLimit}, from the first state entered. Sans-IO: every call gets the time.
 */
final class SendLimitClock {

    private final long[] nanos = new long[SendLimit.values().length];
    private SendLimit current;
    private long since;

    /** The connection is limited by {@code limit} from {@code now} on. */
    void enter(SendLimit limit, long now) {
        if (limit == current) {
            return;
        }
        if (current != null) {
            nanos[current.ordinal()] += now - since;
        }
        current = limit;
        since = now;
    }

    /** The time spent limited by {@code limit} up to {@code now}, the current stretch included. */
    long nanos(SendLimit limit, long now) {
        long total = nanos[limit.ordinal()];
        return limit == current ? total + (now - since) : total;
    }
}
