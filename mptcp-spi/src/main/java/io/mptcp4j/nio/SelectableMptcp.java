package io.mptcp4j.nio;

import java.nio.channels.SelectableChannel;

/**
 * What an {@link MptcpSelectorImpl} asks of the channels of this provider: the platform channel behind it, if any
 * (registered with the selector's platform selector), and the readiness the userspace stack gives it. A channel
 * may have both (a server listening over MPTCP and, for loopback, through the platform).
 */
interface SelectableMptcp {

    /** The platform channel to watch now, or null. */
    SelectableChannel platformChannel();

    /** The operations ready on the userspace side now ({@link java.nio.channels.SelectionKey} bits), or 0. */
    default int userspaceReadyOps() {
        return 0;
    }

    /**
     * {@code selector} registered this channel: tell it when readiness or the platform channel changes. Channels
     * that only ever forward to one platform channel have nothing to tell.
     */
    default void addSelector(MptcpSelectorImpl selector) {
    }

    /** {@code selector} dropped this channel. */
    default void removeSelector(MptcpSelectorImpl selector) {
    }
}
