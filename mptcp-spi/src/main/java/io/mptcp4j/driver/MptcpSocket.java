package io.mptcp4j.driver;

import io.mptcp4j.core.mptcp.MptcpConnection;
import java.io.IOException;

/**
 * A connected MPTCP socket of a {@link UserspaceMptcp}, with the blocking calls of {@link BlockingSocket} over an
 * {@link MptcpConnection}: the half-close sends a DATA_FIN, an abort MP_FASTCLOSE (a RST after fallback), and the
 * addresses are those of the initial subflow. Made by {@link UserspaceMptcp#connect} and
 * {@link MptcpServerSocket#accept}.
 */
public final class MptcpSocket extends BlockingSocket {

    /** Touched on the loop thread only. */
    private final MptcpConnection connection;

    /** On the loop thread. */
    MptcpSocket(BlockingLoop loop, MptcpConnection connection, PortLease lease) {
        super(new BlockingStream(loop, StreamConnection.of(connection), lease));
        this.connection = connection;
    }

    /** A snapshot of the connection and its subflows, taken on the event loop. */
    public MptcpSocketInfo info() throws IOException {
        return stream().onLoop(() -> MptcpSocketInfo.of(connection));
    }
}
