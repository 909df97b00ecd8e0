package io.mptcp4j.driver;

import io.mptcp4j.core.mptcp.MptcpConnection;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * A connected MPTCP socket of a {@link UserspaceMptcp}: the same blocking calls, timeouts and failures as a
 * {@link TcpSocket} (same request machinery), over an {@link MptcpConnection}. The addresses are those of the
 * initial subflow. Made by {@link UserspaceMptcp#connect} and {@link MptcpServerSocket#accept}.
 */
public final class MptcpSocket implements Closeable {

    private final BlockingStream stream;
    /** Touched on the loop thread only. */
    private final MptcpConnection connection;

    /** On the loop thread. */
    MptcpSocket(BlockingLoop loop, MptcpConnection connection, PortLease lease) {
        this.connection = connection;
        this.stream = new BlockingStream(loop, StreamConnection.of(connection), lease);
    }

    /** Reads at least one byte, waiting as long as it takes; -1 at the end of the stream. */
    public int read(ByteBuffer dst) throws IOException {
        return stream.read(dst, null);
    }

    /** Reads at least one byte, waiting at most {@code timeout} (null: no limit); see {@link TcpSocket#read}. */
    public int read(ByteBuffer dst, Duration timeout) throws IOException {
        return stream.read(dst, timeout);
    }

    /** Writes every remaining byte of {@code src}, waiting for send-buffer room as long as it takes. */
    public void write(ByteBuffer src) throws IOException {
        stream.write(src, null);
    }

    /** Writes every remaining byte of {@code src}, waiting at most {@code timeout}; see {@link TcpSocket#write}. */
    public void write(ByteBuffer src, Duration timeout) throws IOException {
        stream.write(src, timeout);
    }

    /** Sends a DATA_FIN after everything written (half-close); reading goes on. */
    public void shutdownOutput() throws IOException {
        stream.shutdownOutput();
    }

    /** Closes gracefully and returns at once (MP_FASTCLOSE instead with unread data). Idempotent. */
    @Override
    public void close() {
        stream.close();
    }

    /** Closes at once with MP_FASTCLOSE (a RST after fallback). */
    public void abort() {
        stream.abort();
    }

    /** A snapshot of the connection and its subflows, taken on the event loop. */
    public MptcpSocketInfo info() throws IOException {
        return stream.onLoop(() -> MptcpSocketInfo.of(connection));
    }

    /** The initial subflow's local address and port. */
    public InetSocketAddress localAddress() {
        return stream.localAddress();
    }

    /** The initial subflow's remote address and port. */
    public InetSocketAddress remoteAddress() {
        return stream.remoteAddress();
    }

    /** False once {@link #close()} or {@link #abort()} was called. */
    public boolean isOpen() {
        return stream.isOpen();
    }

    @Override
    public String toString() {
        return "MptcpSocket" + stream;
    }
}
