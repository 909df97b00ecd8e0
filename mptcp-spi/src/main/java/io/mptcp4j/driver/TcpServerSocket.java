package io.mptcp4j.driver;

import io.mptcp4j.core.tcp.TcpConnection;
import io.mptcp4j.core.tcp.TcpListener;
import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A listening socket of a {@link UserspaceTcp}, made by {@link UserspaceTcp#listen}: the stack completes
 * handshakes on its own, up to the backlog, and {@link #accept} hands out the established connections. Accepted
 * sockets keep the port after this listener is closed, until they are closed too.
 */
public final class TcpServerSocket implements Closeable {

    private final UserspaceTcp tcp;
    /** Touched on the loop thread only. */
    private final TcpListener listener;
    /** Touched on the loop thread only. */
    private final PortLease lease;
    private final InetAddress address;
    private final int port;
    private final ReentrantLock acceptLock = new ReentrantLock();
    private volatile boolean closed;
    private volatile LoopRequest<?> currentAccept;

    /** On the loop thread. */
    TcpServerSocket(UserspaceTcp tcp, TcpListener listener, PortLease lease) {
        this.tcp = tcp;
        this.listener = listener;
        this.lease = lease;
        this.address = listener.address();
        this.port = listener.port();
    }

    /** The next established connection, waiting as long as it takes. */
    public TcpSocket accept() throws IOException {
        return accept(null);
    }

    /**
     * The next established connection, waiting at most {@code timeout} (null: no limit).
     *
     * @throws SocketTimeoutException if none came in time; the listener stays usable
     */
    public TcpSocket accept(Duration timeout) throws IOException {
        long deadline = UserspaceTcp.deadline(timeout);
        try {
            if (deadline == Long.MAX_VALUE) {
                acceptLock.lockInterruptibly();
            } else if (!acceptLock.tryLock(UserspaceTcp.remaining(deadline),
                    TimeUnit.NANOSECONDS)) {
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
            AcceptRequest request = new AcceptRequest();
            currentAccept = request;
            tcp.requests().submit(request);
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
     * a waiting {@link #accept} ends with {@link java.nio.channels.AsynchronousCloseException}. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        tcp.executeIfRunning(() -> {
            LoopRequest<?> waiting = currentAccept;
            if (waiting != null) {
                waiting.failIfPending(TcpErrors.closedWhileWaiting("accept"));
            }
            listener.close();
            lease.release();
        });
    }

    @Override
    public String toString() {
        return "TcpServerSocket[" + (address == null ? "*" : address.getHostAddress()) + ":" + port
                + (closed ? ", closed" : "") + "]";
    }

    /** One accept: done when a connection is waiting in the accept queue. */
    private final class AcceptRequest extends LoopRequest<TcpSocket> {

        AcceptRequest() {
            super(tcp.requests());
        }

        @Override
        boolean attempt() {
            if (closed) {
                fail(TcpErrors.closedWhileWaiting("accept"));
                return true;
            }
            TcpConnection c = listener.accept();
            if (c == null) {
                return false;
            }
            lease.acquire();
            complete(new TcpSocket(tcp, c, lease));
            return true;
        }

        @Override
        boolean isReady() {
            return closed || listener.isAcceptable();
        }

        @Override
        String describe() {
            return "accept on port " + port;
        }
    }
}
