package io.mptcp4j.driver;

import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * The blocking calls a connected socket of the userspace stack offers, whatever its protocol: reads and writes with
 * optional timeouts, half-close, close and abort. {@link TcpSocket} and {@link MptcpSocket} add what is particular
 * to their connection.
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
 * the engine's exception with its reason.
 */
public abstract sealed class BlockingSocket implements Closeable permits TcpSocket, MptcpSocket {

    private final BlockingStream stream;

    BlockingSocket(BlockingStream stream) {
        this.stream = stream;
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

    /** Ends the output after everything written (a FIN, or a DATA_FIN for MPTCP); reading goes on. */
    public void shutdownOutput() throws IOException {
        stream.shutdownOutput();
    }

    /**
     * Closes the socket and returns at once; the stack finishes the close on its own. If received data was left
     * unread the connection is reset instead (RFC 1122 section 4.2.2.13; MP_FASTCLOSE for MPTCP). Calls waiting in
     * other threads end with {@link java.nio.channels.AsynchronousCloseException}. Idempotent.
     */
    @Override
    public void close() {
        stream.close();
    }

    /** Resets the connection (RST, or MP_FASTCLOSE for MPTCP) and closes the socket; waiting calls end as on close. */
    public void abort() {
        stream.abort();
    }

    /** The local address and port (of the initial subflow, for MPTCP). */
    public InetSocketAddress localAddress() {
        return stream.localAddress();
    }

    /** The peer's address and port (of the initial subflow, for MPTCP). */
    public InetSocketAddress remoteAddress() {
        return stream.remoteAddress();
    }

    /** False once {@link #close()} or {@link #abort()} was called. */
    public boolean isOpen() {
        return stream.isOpen();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + stream;
    }

    BlockingStream stream() {
        return stream;
    }

    /** On the loop thread: the ports this socket holds. */
    PortLease lease() {
        return stream.lease();
    }
}
