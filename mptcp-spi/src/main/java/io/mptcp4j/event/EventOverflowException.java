package io.mptcp4j.event;

/**
 * Signalled to a subscriber (as {@code onError}) that did not request events as fast as they happened: its buffer
 * filled up, so events would have been lost. Its subscription ends; the events still buffered are discarded, and
 * this exception says how many.
 */
public final class EventOverflowException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int capacity;
    private final int discarded;

    public EventOverflowException(int capacity, int discarded) {
        super("the subscriber fell behind: its buffer of " + capacity + " events was full, so the subscription ended"
                + " and " + discarded + " undelivered events were discarded (request more, or a larger buffer)");
        this.capacity = capacity;
        this.discarded = discarded;
    }

    /** The buffer size of the subscription. */
    public int capacity() {
        return capacity;
    }

    /** Events that were never delivered, the one that overflowed included. */
    public int discarded() {
        return discarded;
    }
}
