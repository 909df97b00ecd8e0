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
}
