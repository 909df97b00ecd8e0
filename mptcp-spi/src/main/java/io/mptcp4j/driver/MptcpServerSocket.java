package io.mptcp4j.driver;

import io.mptcp4j.core.mptcp.MptcpConnection;
import io.mptcp4j.core.mptcp.MptcpListener;
import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A listening MPTCP socket of a {@link UserspaceMptcp}; {@link #accept} waits for an established connection.
 * Accepted sockets share the listener's port, which goes back once the listener and all of them are closed.
 */
public final class MptcpServerSocket implements Closeable {

    private final BlockingLoop loop;
    private final MptcpListener listener;
    private final PortLease lease;
    private final InetAddress address;
    private final int port;
    private final ReentrantLock acceptLock = new ReentrantLock();
    private volatile boolean closed;
    private volatile LoopRequest<?> currentAccept;

    /** On the loop thread. */
    MptcpServerSocket(BlockingLoop loop, MptcpListener listener, PortLease lease) {
        this.loop = loop;
        this.listener = listener;
        this.lease = lease;
        this.address = listener.address();
        this.port = listener.port();
    }

    /** Waits as long as it takes for a connection. */
    public MptcpSocket accept() throws IOException {
        return accept(null);
    }

    /**
     * Waits at most {@code timeout} (null: no limit) for a connection.
     *
     * @throws SocketTimeoutException if none came in time
     */
    public MptcpSocket accept(Duration timeout) throws IOException {
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
            LoopRequest<MptcpSocket> request = new LoopRequest<>(loop) {
                @Override
                boolean attempt() {
                    if (closed) {
                        fail(TcpErrors.closedWhileWaiting("accept"));
                        return true;
                    }
                    MptcpConnection c = listener.accept();
                    if (c == null) {
                        return false;
                    }
                    lease.acquire();
                    complete(new MptcpSocket(loop, c, lease));
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

    /** False once closed. */
    public boolean isOpen() {
        return !closed;
    }

    /** Stops listening; connections accepted already stay open. Idempotent. */
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
            listener.close();
            lease.release();
        });
    }

    @Override
    public String toString() {
        return "MptcpServerSocket[" + (address == null ? "*" : address.getHostAddress()) + ":" + port
                + (closed ? ", closed" : "") + "]";
    }
}
