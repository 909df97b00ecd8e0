package io.mptcp4j.core.pm;

import io.mptcp4j.core.sched.SubflowView;

import java.net.InetAddress;

/**
 * Decides which subflows an MPTCP connection opens and which addresses it announces (RFC 8684 section 3.4; the
 * role of Linux's path managers). One instance per connection, so it may keep state; every call happens on the
 * thread that drives the stack, with a {@link PathContext} to act through. Every method has a do-nothing default.
 *
 * <p>Built in: {@link FullMeshPathManager}, {@link NDiffPortsPathManager}, {@link AnnouncePathManager}; see
 * {@link PathManagers} for names.
 */
public interface PathManager {

    /** The connection is fully established (section 3.1): subflows may be joined and addresses announced. */
    default void onEstablished(PathContext context) {
    }

    /** A subflow completed its handshake (for an MP_JOIN subflow, confirmed by the fourth ACK). */
    default void onSubflowEstablished(PathContext context, SubflowView subflow) {
    }

    /**
     * A subflow closed, or failed before it was established ({@code wasEstablished} false): the view still
     * answers its addresses and ids.
     */
    default void onSubflowClosed(PathContext context, SubflowView subflow, boolean wasEstablished) {
    }

    /** The peer announced an address (ADD_ADDR, its HMAC verified, within the accepted-address limit). */
    default void onAddressAnnounced(PathContext context, RemoteAddress address) {
    }

    /** The peer removed an address (REMOVE_ADDR); its subflows were closed already. */
    default void onAddressRemoved(PathContext context, RemoteAddress address) {
    }

    /** The link of a local address went down; its subflows were closed already if others remained. */
    default void onLocalAddressDown(PathContext context, InetAddress address) {
    }

    /** The link of a local address is up again. */
    default void onLocalAddressUp(PathContext context, InetAddress address) {
    }

    /** The deadline asked for with {@link PathContext#wakeAt} came. */
    default void onTimer(PathContext context) {
    }
}
