package io.mptcp4j.core.pm;

import io.mptcp4j.core.sched.SubflowView;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * What a {@link PathManager} sees of its connection and what it may do with it. Valid only during the call that
 * hands it over; every action takes effect on the next segments the stack sends.
 */
public interface PathContext {

    /** The {@code now} of the call into the stack, in nanoseconds. */
    long now();

    /** Whether this side accepted the connection (the MP_CAPABLE responder; RFC 8684 lets either side join). */
    boolean isServerSide();

    /** The local end of the initial subflow. */
    InetSocketAddress initialLocal();

    /** The remote end of the initial subflow. */
    InetSocketAddress initialRemote();

    /**
     * The stack's local addresses of the connection's family whose link is up, the initial subflow's first.
     */
    List<InetAddress> localAddresses();

    /** The peer's addresses: id 0 (the initial one) while it was not removed, then the announced ones. */
    List<RemoteAddress> remoteAddresses();

    /** Every subflow not closed yet, handshaking ones included, in the order they were opened. */
    List<SubflowView> subflows();

    /** The most subflows the connection may have at once, the initial one included. */
    int maxSubflows();

    /** Whether {@code local} is marked as a backup address in the configuration (its subflows start as backups). */
    boolean isBackupAddress(InetAddress local);

    /**
     * Opens a subflow with MP_JOIN (RFC 8684 section 3.2) from {@code local} to {@code remote}.
     *
     * @param backup the B flag: the peer should send on it only when no regular subflow works
     * @return the new subflow (handshaking), or null when it cannot be opened now: the subflow limit is reached,
     * the connection is closing or fell back, the address is not local or its link is down, or no local port
     * is free
     */
    SubflowView openSubflow(InetAddress local, RemoteAddress remote, boolean backup);

    /**
     * Announces a local address with ADD_ADDR (section 3.4.1), repeated until the peer echoes it; {@code port}
     * 0 announces the address without a port (the peer then joins the initial subflow's port).
     *
     * @return false if the address is not local or the connection cannot signal now
     */
    boolean announce(InetAddress local, int port);

    /** Withdraws a local address with REMOVE_ADDR (section 3.4.2), if the peer may know it. */
    void withdraw(InetAddress local);

    /** Marks a subflow as backup or regular and tells the peer with MP_PRIO (section 3.3.8). */
    void setBackup(SubflowView subflow, boolean backup);

    /** Asks for {@link PathManager#onTimer} at {@code deadline} (the latest request wins). */
    void wakeAt(long deadline);
}
