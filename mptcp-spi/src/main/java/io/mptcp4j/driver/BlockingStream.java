package io.mptcp4j.driver;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The blocking socket calls over any {@link StreamConnection}, behind {@link TcpSocket} and {@link MptcpSocket}
 * (see {@link TcpSocket} for the contract). The calling thread never touches the connection: every call is one
 * {@link LoopRequest} carried out by the loop.
 */
final class BlockingStream {

    private final BlockingLoop tcp;
    /** Touched on the loop thread only. */
    private final StreamConnection connection;
    /** Touched on the loop thread only. */
    private final PortLease lease;
    private final InetSocketAddress localAddress;
    private final InetSocketAddress remoteAddress;
    private final ReentrantLock readLock = new ReentrantLock();
    private final ReentrantLock writeLock = new ReentrantLock();
    private volatile boolean closed;
    private volatile LoopRequest<?> currentRead;
    private volatile LoopRequest<?> currentWrite;

    /** On the loop thread: wraps an established (or at least synchronized) connection holding {@code lease}. */
    BlockingStream(BlockingLoop tcp, StreamConnection connection, PortLease lease) {
        this.tcp = tcp;
        this.connection = connection;
        this.lease = lease;
        this.localAddress = connection.localAddress();
        this.remoteAddress = connection.remoteAddress();
    }

    /**
     * Reads at least one byte into {@code dst}, waiting as long as it takes.
     *
     * @return the bytes read, 0 only if {@code dst} has no room, -1 at the end of the stream
     */
    int read(ByteBuffer dst) throws IOException {
        return read(dst, null);
    }

    /**
     * Reads at least one byte into {@code dst}, waiting at most {@code timeout} (null: no limit). Data that
     * arrived before a reset is read first; then the reset is reported.
     *
     * @return the bytes read, 0 only if {@code dst} has no room, -1 at the end of the stream
     * @throws SocketTimeoutException if nothing arrived in time; nothing was read and the socket stays usable
     */
    int read(ByteBuffer dst, Duration timeout) throws IOException {
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException("read-only buffer");
        }
        long deadline = UserspaceTcp.deadline(timeout);
        lock(readLock, deadline, "read");
        try {
            ensureOpen();
            if (!dst.hasRemaining()) {
                return 0;
            }
            ReadRequest request = new ReadRequest(dst);
            currentRead = request;
            tcp.submit(request);
            return request.await(UserspaceTcp.remaining(deadline));
        } finally {
            currentRead = null;
            readLock.unlock();
        }
    }

    /** Writes every remaining byte of {@code src}, waiting for send-buffer room as long as it takes. */
    void write(ByteBuffer src) throws IOException {
        write(src, null);
    }

    /**
     * Writes every remaining byte of {@code src} into the send buffer, waiting at most {@code timeout} (null: no
     * limit) for room. On a timeout or an interrupt, {@code src}'s position tells how much was taken.
     */
    void write(ByteBuffer src, Duration timeout) throws IOException {
        long deadline = UserspaceTcp.deadline(timeout);
        lock(writeLock, deadline, "write");
        try {
            ensureOpen();
            if (!src.hasRemaining()) {
                return;
            }
            WriteRequest request = new WriteRequest(src);
            currentWrite = request;
            tcp.submit(request);
            request.await(UserspaceTcp.remaining(deadline));
        } finally {
            currentWrite = null;
            writeLock.unlock();
        }
    }

    /** Sends a FIN after everything written (half-close); reading goes on. Harmless if already shut down. */
    void shutdownOutput() throws IOException {
        lock(writeLock, Long.MAX_VALUE, "shutdownOutput");
        try {
            ensureOpen();
            LoopRequest<Void> request = new LoopRequest<>(tcp) {
                @Override
                boolean attempt() {
                    IOException problem = closed ? TcpErrors.socketClosed() : failure();
                    if (problem != null) {
                        fail(problem);
                    } else {
                        connection.shutdownOutput();
                    }
                    return true;
                }

                @Override
                boolean isReady() {
                    return true;
                }

                @Override
                String describe() {
                    return "shutdownOutput";
                }
            };
            tcp.submit(request);
            request.await(Long.MAX_VALUE);
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Closes the socket and returns at once; the stack finishes the close on its own (FIN exchange, TIME_WAIT).
     * If received data was left unread the connection is reset instead (RFC 1122 section 4.2.2.13). Calls
     * waiting in other threads end with {@link java.nio.channels.AsynchronousCloseException}. Idempotent.
     */
    void close() {
        shutDown(false);
    }

    /** Resets the connection (a RST goes out) and closes the socket; waiting calls end as with {@link #close()}. */
    void abort() {
        shutDown(true);
    }

    /** A snapshot of the connection's state and counters, taken on the event loop. */
    <T> T onLoop(Supplier<T> snapshot) throws IOException {
        LoopRequest<T> request = new LoopRequest<>(tcp) {
            @Override
            boolean attempt() {
                complete(snapshot.get());
                return true;
            }

            @Override
            boolean isReady() {
                return true;
            }

            @Override
            String describe() {
                return "info";
            }
        };
        tcp.submit(request);
        return request.await(Long.MAX_VALUE);
    }

    /** The local address and port. */
    InetSocketAddress localAddress() {
        return localAddress;
    }

    /** The peer's address and port. */
    InetSocketAddress remoteAddress() {
        return remoteAddress;
    }

    /** False once {@link #close()} or {@link #abort()} was called. */
    boolean isOpen() {
        return !closed;
    }

    @Override
    public String toString() {
        return "[" + localAddress + " -> " + remoteAddress + (closed ? ", closed" : "") + "]";
    }

    /** On the loop thread: the connection, for the driver's bookkeeping. */
    StreamConnection connection() {
        return connection;
    }

    /** On the loop thread: the ports this socket holds. */
    PortLease lease() {
        return lease;
    }

    private void shutDown(boolean reset) {
        if (closed) {
            return;
        }
        closed = true;
        tcp.executeIfRunning(() -> {
            failIfPending(currentRead, "read");
            failIfPending(currentWrite, "write");
            if (reset) {
                connection.abort();
            } else {
                connection.close();
            }
            tcp.closed(this);
        });
    }

    private static void failIfPending(LoopRequest<?> request, String what) {
        if (request != null) {
            request.failIfPending(TcpErrors.closedWhileWaiting(what));
        }
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw TcpErrors.socketClosed();
        }
    }

    /** On the loop thread: why the connection cannot be written to or shut down, or null. */
    private IOException failure() {
        IOException error = connection.failure();
        if (error != null) {
            return error;
        }
        if (connection.isClosed()) {
            return new SocketException("connection closed");
        }
        return null;
    }

    private static void lock(ReentrantLock lock, long deadline, String what) throws IOException {
        try {
            if (deadline == Long.MAX_VALUE) {
                lock.lockInterruptibly();
            } else if (!lock.tryLock(UserspaceTcp.remaining(deadline), TimeUnit.NANOSECONDS)) {
                throw new SocketTimeoutException(what + " timed out waiting for another thread's " + what);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException(what + " interrupted");
        }
    }

    /** One read: done as soon as any bytes, the end of the stream or an error can be reported. */
    private final class ReadRequest extends LoopRequest<Integer> {
        private final ByteBuffer dst;

        ReadRequest(ByteBuffer dst) {
            super(tcp);
            this.dst = dst;
        }

        @Override
        boolean attempt() {
            if (closed) {
                fail(TcpErrors.closedWhileWaiting("read"));
                return true;
            }
            int n = connection.read(dst);
            if (n == 0) {
                return false;
            }
            IOException error = connection.failure();
            if (n < 0 && error != null) {
                fail(error);
            } else {
                complete(n);
            }
            return true;
        }

        @Override
        boolean isReady() {
            return closed || connection.isReadable();
        }

        @Override
        String describe() {
            return "read from " + remoteAddress;
        }
    }

    /**
     * One write: each attempt copies what fits into the send buffer, and the request waits until a quarter of the
     * buffer is free again (or what is left fits), so a fast writer moves big chunks, not a segment per ACK.
     */
    private final class WriteRequest extends LoopRequest<Void> {
        private final ByteBuffer src;
        private int written;

        WriteRequest(ByteBuffer src) {
            super(tcp);
            this.src = src;
        }

        @Override
        boolean attempt() {
            if (closed) {
                fail(TcpErrors.closedWhileWaiting("write"));
                return true;
            }
            IOException problem = failure();
            if (problem == null && connection.isOutputShutdown()) {
                problem = new SocketException("output shut down");
            }
            if (problem != null) {
                fail(problem);
                return true;
            }
            written += connection.write(src);
            return !src.hasRemaining();
        }

        @Override
        boolean isReady() {
            if (closed || connection.isClosed()) {
                return true;
            }
            int limit = connection.sendBufferLimit();
            long free = limit - connection.bufferedSendBytes();
            return connection.isWritable() && free >= Math.min(src.remaining(), limit / 4);
        }

        @Override
        int bytesTransferred() {
            return written;
        }

        @Override
        String describe() {
            return "write to " + remoteAddress;
        }
    }
}
