package io.mptcp4j.sim;

import java.nio.ByteBuffer;

/** Sees every packet event of a {@link SimNetwork}, for traces and ad hoc assertions. */
@FunctionalInterface
public interface PacketObserver {

    /**
     * One event.
     *
     * @param time     the virtual instant
     * @param kind     what happened
     * @param location the link's name, or the host's name for a {@link DropReason#NO_ROUTE} drop
     * @param reason   why it was dropped; null unless {@code kind} is {@link TraceKind#DROPPED}
     * @param packet   the IP packet between position and limit; valid only during the call, must not be changed
     */
    void onPacket(long time, TraceKind kind, String location, DropReason reason, ByteBuffer packet);
}
