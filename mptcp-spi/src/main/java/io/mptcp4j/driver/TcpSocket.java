package io.mptcp4j.driver;

import io.mptcp4j.core.tcp.TcpConnection;
import io.mptcp4j.core.tcp.TcpConnectionException;
import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * A connected TCP socket of a {@link UserspaceTcp}: blocking reads and writes with optional timeouts, half-close,
 * close and abort. Made by {@link UserspaceTcp#connect} and {@link TcpServerSocket#accept}.
 *
 * <p>The calling thread never touches the connection: every call is handed to the event loop as one request for
 * the whole buffer, which the loop carries out — copying straight between the caller's buffer and the
 * connection's — as far as it can at once and again each time the connection becomes ready, and the caller
 * sleeps until it is done. One thread may read while another writes; concurrent reads (or writes) take turns.
 *
 * <p>Every blocking call ends: with its timeout ({@link SocketTimeoutException}, the socket stays usable), when
 * the thread is interrupted ({@link InterruptedIOException}, interrupt status kept), when another thread closes
 * the socket ({@link java.nio.channels.AsynchronousCloseException}) or the stack, or with the connection's
 * failure: a {@link SocketException} saying "connection reset by peer" or "connection timed out", whose cause is
 * the engine's {@link TcpConnectionException} with its {@link TcpConnectionException#reason() reason}.
 */
public final class TcpSocket implements Closeable {

    private final BlockingStream stream;
    /** Touched on the loop thread only. */
    private final TcpConnection connection;

    /** On the loop thread: wraps an established (or at least synchronized) connection holding {@code lease}. */
    TcpSocket(UserspaceTcp tcp, TcpConnection connection, PortLease lease) {
        this.connection = connection;
        this.stream = new BlockingStream(tcp.blockingLoop(), StreamConnection.of(connection), lease);
    }

    /**
     * Reads at least one byte into {@code dst}, waiting as long as it takes.
     *
     * @return the bytes read, 0 only if {@code dst} has no room, -1 at the end of the stream
     */
    public int read(ByteBuffer dst) throws IOException {
        return stream.read(dst, null);
    }

    /**
     * Reads at least one byte into {@code dst}, waiting at most {@code timeout} (null: no limit). Data that
     * arrived before a reset is read first; then the reset is reported.
     *
     * @return the bytes read, 0 only if {@code dst} has no room, -1 at the end of the stream
     * @throws SocketTimeoutException if nothing arrived in time; nothing was read and the socket stays usable
     */
    public int read(ByteBuffer dst, Duration timeout) throws IOException {
        return stream.read(dst, timeout);
    }

    /** Writes every remaining byte of {@code src}, waiting for send-buffer room as long as it takes. */
    public void write(ByteBuffer src) throws IOException {
        stream.write(src, null);
    }

    /**
     * Writes every remaining byte of {@code src} into the send buffer, waiting at most {@code timeout} (null: no
     * limit) for room. On a timeout or an interrupt, {@code src}'s position tells how much was taken.
     */
    public void write(ByteBuffer src, Duration timeout) throws IOException {
        stream.write(src, timeout);
    }

    /** Sends a FIN after everything written (half-close); reading goes on. Harmless if already shut down. */
    public void shutdownOutput() throws IOException {
        stream.shutdownOutput();
    }

    /**
     * Closes the socket and returns at once; the stack finishes the close on its own (FIN exchange, TIME_WAIT).
     * If received data was left unread the connection is reset instead (RFC 1122 section 4.2.2.13). Calls
     * waiting in other threads end with {@link java.nio.channels.AsynchronousCloseException}. Idempotent.
     */
    @Override
    public void close() {
        stream.close();
    }

    /** Resets the connection (a RST goes out) and closes the socket; waiting calls end as with {@link #close()}. */
    public void abort() {
        stream.abort();
    }

    /** A snapshot of the connection's state and counters, taken on the event loop. */
    public TcpSocketInfo info() throws IOException {
        return stream.onLoop(() -> TcpSocketInfo.of(connection));
    }

    /** The local address and port. */
    public InetSocketAddress localAddress() {
        return stream.localAddress();
    }

    /** The peer's address and port. */
    public InetSocketAddress remoteAddress() {
        return stream.remoteAddress();
    }

    /** False once {@link #close()} or {@link #abort()} was called. */
    public boolean isOpen() {
        return stream.isOpen();
    }

    @Override
    public String toString() {
        return "TcpSocket" + stream;
    }

    /** On the loop thread: the connection, for the driver's bookkeeping. */
    TcpConnection connection() {
        return connection;
    }

    /** On the loop thread: the ports this socket holds. */
    PortLease lease() {
        return stream.lease();
    }
}
