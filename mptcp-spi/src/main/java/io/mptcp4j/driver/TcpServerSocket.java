package io.mptcp4j.driver;

import io.mptcp4j.core.tcp.TcpConnection;
import io.mptcp4j.core.tcp.TcpListener;

/**
 * A listening TCP socket of a {@link UserspaceTcp}, made by {@link UserspaceTcp#listen}; accepted connections
 * come as {@link TcpSocket}s (see {@link BlockingServerSocket}).
 */
public final class TcpServerSocket extends BlockingServerSocket<TcpSocket> {

    private final UserspaceTcp tcp;
    /** Touched on the loop thread only. */
    private final TcpListener listener;

    /** On the loop thread. */
    TcpServerSocket(UserspaceTcp tcp, TcpListener listener, PortLease lease) {
        super(tcp.blockingLoop(), lease, listener.address(), listener.port());
        this.tcp = tcp;
        this.listener = listener;
    }

    @Override
    TcpSocket acceptConnection(PortLease lease) {
        TcpConnection c = listener.accept();
        return c == null ? null : new TcpSocket(tcp, c, lease);
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
