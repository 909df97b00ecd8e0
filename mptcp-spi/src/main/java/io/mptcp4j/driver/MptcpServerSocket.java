package io.mptcp4j.driver;

import io.mptcp4j.core.mptcp.MptcpConnection;
import io.mptcp4j.core.mptcp.MptcpListener;

/**
 * A listening MPTCP socket of a {@link UserspaceMptcp}, made by {@link UserspaceMptcp#listen}; accepted
 * connections come as {@link MptcpSocket}s (see {@link BlockingServerSocket}).
 */
public final class MptcpServerSocket extends BlockingServerSocket<MptcpSocket> {

    private final BlockingLoop loop;
    /** Touched on the loop thread only. */
    private final MptcpListener listener;

    /** On the loop thread. */
    MptcpServerSocket(BlockingLoop loop, MptcpListener listener, PortLease lease) {
        super(loop, lease, listener.address(), listener.port());
        this.loop = loop;
        this.listener = listener;
    }

    @Override
    MptcpSocket acceptConnection(PortLease lease) {
        MptcpConnection c = listener.accept();
        return c == null ? null : new MptcpSocket(loop, c, lease);
    }

    @Override
    boolean isAcceptable() {
        return listener.isAcceptable();
    }

    @Override
    void closeListener() {
        listener.close();
    }
}
