package io.mptcp4j.core.mptcp;

import java.net.InetAddress;

/**
 * Where the local ports of the subflows an {@link MptcpStack} opens on its own (MP_JOINs of its path managers)
 * come from, and how their packets are kept on their path. A driver over a raw device owns each port on the device
 * before the SYN leaves, so that the local kernel does not answer the peer's SYN-ACK with a RST, and makes the
 * packets of a pinned pair of addresses leave through the interface of the local address; the simulator pins in
 * its hosts. Called on the thread that drives the stack.
 */
public interface SubflowPorts {

    /** Lets the TCP stack pick an ephemeral port and owns nothing: for stacks that own their network. */
    SubflowPorts EPHEMERAL = new SubflowPorts() {
        @Override
        public int acquire(InetAddress local) {
            return 0;
        }

        @Override
        public void release(InetAddress local, int port) {
        }
    };

    /**
     * A port on {@code local} for a new subflow: 1 to 65535, 0 to let the TCP stack pick one, or -1 when none
     * can be had now (the subflow is not opened; the path manager retries later).
     */
    int acquire(InetAddress local);

    /** The subflow on {@code local} and {@code port} is gone for good (after TIME_WAIT, or it never opened). */
    void release(InetAddress local, int port);

    /**
     * A subflow this side opened from {@code local} to {@code remote}: its packets must leave through the
     * interface of {@code local} whatever the routing table says about {@code remote} — the path is the local
     * address's (what Linux's {@code ip mptcp endpoint ... dev} does). Pins count: every call is matched by one
     * {@link #unpinRoute} when that subflow is gone. By default nothing is pinned.
     */
    default void pinRoute(InetAddress local, InetAddress remote) {
    }

    /** One subflow of a pinned pair is gone (see {@link #pinRoute}). */
    default void unpinRoute(InetAddress local, InetAddress remote) {
    }
}
