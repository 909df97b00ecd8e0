package io.mptcp4j.driver;

import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A listening socket of the userspace stack, whatever its protocol: the stack completes handshakes on its own, up
 * to the backlog, and {@link #accept} hands out the established connections, one caller at a time. Accepted
 * sockets share the listener's port, which goes back once the listener and all of them are closed.
 * {@link TcpServerSocket} and {@link MptcpServerSocket} supply the listener.
 *
 * @param <S> the socket type accepted connections come as
 */
public abstract sealed class BlockingServerSocket<S extends BlockingSocket> implements Closeable
        permits TcpServerSocket, MptcpServerSocket {

    private final BlockingLoop loop;
    /** Touched on the loop thread only. */
    private final PortLease lease;
    private final InetAddress address;
    private final int port;
    private final ReentrantLock acceptLock = new ReentrantLock();
    private volatile boolean closed;
    private volatile LoopRequest<?> currentAccept;

    /** On the loop thread. */
    BlockingServerSocket(BlockingLoop loop, PortLease lease, InetAddress address, int port) {
        this.loop = loop;
        this.lease = lease;
        this.address = address;
        this.port = port;
    }

    /** On the loop thread: the next established connection as a socket holding {@code lease}, or null if none. */
    abstract S acceptConnection(PortLease lease);

    /** On the loop thread: whether a connection waits in the accept queue. */
    abstract boolean isAcceptable();

    /** On the loop thread: stops the stack's listener (handshakes in progress and unaccepted connections reset). */
    abstract void closeListener();

    /** The next established connection, waiting as long as it takes. */
    public S accept() throws IOException {
        return accept(null);
    }

    /**
     * The next established connection, waiting at most {@code timeout} (null: no limit).
     *
     * @throws SocketTimeoutException if none came in time; the listener stays usable
     */
    public S accept(Duration timeout) throws IOException {
        long deadline = UserspaceTcp.deadline(timeout);
        try {
            if (deadline == Long.MAX_VALUE) {
                acceptLock.lockInterruptibly();
            } else if (!acceptLock.tryLock(UserspaceTcp.remaining(deadline), TimeUnit.NANOSECONDS)) {
                throw new SocketTimeoutException("accept timed out waiting for another thread's accept");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("accept interrupted");
        }
        try {
            if (closed) {
                throw TcpErrors.socketClosed();
            }
            LoopRequest<S> request = new LoopRequest<>(loop) {
                @Override
                boolean attempt() {
                    if (closed) {
                        fail(TcpErrors.closedWhileWaiting("accept"));
                        return true;
                    }
                    S socket = acceptConnection(lease);
                    if (socket == null) {
                        return false;
                    }
                    lease.acquire();
                    complete(socket);
                    return true;
                }

                @Override
                boolean isReady() {
                    return closed || isAcceptable();
                }

                @Override
                String describe() {
                    return "accept on port " + port;
                }
            };
            currentAccept = request;
            loop.submit(request);
            return request.await(UserspaceTcp.remaining(deadline));
        } finally {
            currentAccept = null;
            acceptLock.unlock();
        }
    }

    /** The address listened on, or null for every address of the stack. */
    public InetAddress address() {
        return address;
    }

    /** The port listened on. */
    public int port() {
        return port;
    }

    /** False once {@link #close()} was called. */
    public boolean isOpen() {
        return !closed;
    }

    /**
     * Stops listening and returns at once: handshakes in progress and connections not accepted yet are reset,
     * a waiting {@link #accept} ends with {@link java.nio.channels.AsynchronousCloseException}. Connections
     * accepted already stay open. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        loop.executeIfRunning(() -> {
            LoopRequest<?> waiting = currentAccept;
            if (waiting != null) {
                waiting.failIfPending(TcpErrors.closedWhileWaiting("accept"));
            }
            closeListener();
            lease.release();
        });
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + (address == null ? "*" : address.getHostAddress()) + ":" + port
                + (closed ? ", closed" : "") + "]";
    }
}
