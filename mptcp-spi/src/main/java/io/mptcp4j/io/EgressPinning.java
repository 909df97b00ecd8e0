package io.mptcp4j.io;

/**
 * Which packets a {@link RawSocketDevice} sends through the interface that owns their source address, rather than
 * wherever the kernel routes their destination. See {@link RawSocketDevice} for how.
 */
public enum EgressPinning {
    /** Every packet whose source address an interface owns: the strong host model on the way out. */
    BY_SOURCE,
    /**
     * Only packets of the (source, destination) pairs pinned with {@link RawSocketDevice#pinRoute}, as the kernel
     * pins the subflows it opens from {@code ip mptcp endpoint ... dev X}; the rest is routed by destination.
     */
    PINNED_ROUTES,
    /** None: the kernel routes every packet by its destination. */
    OFF
}
