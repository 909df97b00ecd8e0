package io.mptcp4j.driver;

import io.mptcp4j.core.tcp.TcpConnection;
import java.io.IOException;

/**
 * A connected TCP socket of a {@link UserspaceTcp}, with the blocking calls of {@link BlockingSocket}: the
 * half-close sends a FIN, an abort a RST, and a failure's cause is the engine's
 * {@link io.mptcp4j.core.tcp.TcpConnectionException}. Made by {@link UserspaceTcp#connect} and
 * {@link TcpServerSocket#accept}.
 */
public final class TcpSocket extends BlockingSocket {

    /** Touched on the loop thread only. */
    private final TcpConnection connection;

    /** On the loop thread: wraps an established (or at least synchronized) connection holding {@code lease}. */
    TcpSocket(UserspaceTcp tcp, TcpConnection connection, PortLease lease) {
        super(new BlockingStream(tcp.blockingLoop(), StreamConnection.of(connection), lease));
        this.connection = connection;
    }

    /** A snapshot of the connection's state and counters, taken on the event loop. */
    public TcpSocketInfo info() throws IOException {
        return stream().onLoop(() -> TcpSocketInfo.of(connection));
    }

    /** On the loop thread: the connection, for the driver's bookkeeping. */
    TcpConnection connection() {
        return connection;
    }
}
