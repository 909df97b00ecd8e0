package io.mptcp4j.sim;

/** Why the simulator dropped a packet. */
public enum DropReason {

    /** The link's drop-tail queue was full when the packet was offered. */
    QUEUE_FULL,

    /** The link lost the packet at random ({@link LinkConfig#lossProbability()}). */
    RANDOM_LOSS,

    /** The link was down when the packet was offered, or went down while the packet was in flight. */
    LINK_DOWN,

    /** The sending host had no link toward the packet's destination. */
    NO_ROUTE,

    /** The link's {@link PacketMutator} (a simulated middlebox) dropped it. */
    FILTERED
}
