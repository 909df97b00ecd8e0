package io.mptcp4j.core.sched;

import java.util.List;

/** What a {@link PacketScheduler} sees of its connection when it decides. Valid only during the call. */
public interface SchedulingContext {

    /** The {@code now} of the call into the stack, in nanoseconds. */
    long now();

    /**
     * The active subflows ({@link SubflowView#isActive()}), in the order they were opened; never empty when a
     * scheduler is asked. Those with {@link SubflowView#sendableBytes()} of 0 cannot take data now.
     */
    List<SubflowView> subflows();

    /** New data bytes queued and not sent on any subflow yet. */
    long unsentBytes();

    /** Bytes the peer's connection-level receive window still admits beyond what was sent (section 3.3.4). */
    long sendWindowRemaining();

    /**
     * The peer's whole connection-level receive window (RFC 8684 section 3.3.4) in bytes: from the oldest byte not
     * yet acknowledged by a DATA_ACK to the window's right edge, so what was sent and not DATA_ACKed plus
     * {@link #sendWindowRemaining()}; {@link Long#MAX_VALUE} when there is no connection-level window (after
     * fallback). BLEST (Ferlin et al., IFIP Networking 2016) compares it with what the fastest subflow could send.
     *
     * <p>The default estimates it from the subflows: {@link #sendWindowRemaining()} plus the bytes each subflow has
     * not had acknowledged yet. That misses data acknowledged by a subflow but not yet by a DATA_ACK (data held
     * behind a gap at the receiver), so the connection overrides it with the exact value.
     */
    default long sendWindow() {
        long remaining = sendWindowRemaining();
        if (remaining == Long.MAX_VALUE) {
            return Long.MAX_VALUE;
        }
        long outstanding = 0;
        for (SubflowView s : subflows()) {
            outstanding += Math.max(0, s.bytesSent() - s.bytesAcked());
        }
        return remaining + outstanding;
    }
}
