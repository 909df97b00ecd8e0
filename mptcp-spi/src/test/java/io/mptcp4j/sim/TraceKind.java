package io.mptcp4j.sim;

/** What happened to a packet at a point of the simulated network. */
public enum TraceKind {

    /** A host sent the packet onto a link (or tried to: a {@link DropReason#NO_ROUTE} drop follows). */
    SENT,

    /** A link handed the packet to the host at its far end. */
    DELIVERED,

    /** The packet was dropped, for a {@link DropReason}. */
    DROPPED
}
