package io.mptcp4j.driver;

import io.mptcp4j.core.mptcp.MptcpConnection;
import io.mptcp4j.core.mptcp.MptcpListener;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A listener of the userspace stack as a non-blocking accept queue for the java.nio server channel: the loop moves
 * each established connection into the queue as a {@link ChannelStream}; {@link #accept} takes them from any
 * thread without waiting for the loop.
 */
public final class ChannelAcceptor {

    private final BlockingLoop loop;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final AtomicBoolean closeQueued = new AtomicBoolean();
    private final InetAddress address;
    private final int port;
    private volatile Runnable readinessListener = () -> { };

    // Guarded by lock.
    private final ArrayDeque<ChannelStream> ready = new ArrayDeque<>();
    private boolean closed;
    private IOException failure;

    // Loop thread only.
    private final MptcpListener listener;
    private final PortLease lease;
    private boolean listenerClosed;

    /** On the loop thread. */
    ChannelAcceptor(BlockingLoop loop, MptcpListener listener, PortLease lease) {
        this.loop = loop;
        this.listener = listener;
        this.lease = lease;
        this.address = listener.address();
        this.port = listener.port();
        loop.register(this);
    }

    /** Called (on the loop thread, quickly) when a connection becomes acceptable. */
    public void readinessListener(Runnable listener) {
        this.readinessListener = listener == null ? () -> { } : listener;
    }

    public int port() {
        return port;
    }

    /** Whether {@link #accept} would return a stream now (or a failure). */
    public boolean isAcceptable() {
        lock.lock();
        try {
            return !ready.isEmpty() || failure != null;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The next established connection; waits for one when {@code block}.
     *
     * @return the stream, or null when not blocking (or interrupted, or closed) with none waiting
     * @throws IOException if the stack closed
     */
    public ChannelStream accept(boolean block) throws IOException {
        lock.lock();
        try {
            while (ready.isEmpty()) {
                if (failure != null) {
                    throw failure;
                }
                if (!block || closed) {
                    return null;
                }
                try {
                    changed.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return null;
                }
            }
            return ready.poll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits until a connection waits to be accepted, the acceptor closes, or the thread is interrupted. */
    public void awaitAcceptable() {
        lock.lock();
        try {
            while (ready.isEmpty() && failure == null && !closed) {
                try {
                    changed.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Stops listening: handshakes in progress and connections not accepted yet are reset. Idempotent. */
    public void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (closeQueued.compareAndSet(false, true)) {
            loop.executeIfRunning(this::serviceClose);
        }
    }

    /** On the loop thread: moves new connections into the queue; false once closed and given up. */
    boolean service() {
        boolean wasEmpty;
        boolean added = false;
        boolean isClosed;
        lock.lock();
        try {
            isClosed = closed;
            wasEmpty = ready.isEmpty();
        } finally {
            lock.unlock();
        }
        if (isClosed) {
            serviceClose();
            return false;
        }
        for (MptcpConnection c; (c = listener.accept()) != null; ) {
            lease.acquire();
            ChannelStream stream = new ChannelStream(loop, null);
            StreamConnection view = StreamConnection.of(c);
            stream.attach(c, lease, view.localAddress(), view.remoteAddress());
            lock.lock();
            try {
                ready.add(stream);
                changed.signalAll();
            } finally {
                lock.unlock();
            }
            added = true;
        }
        if (added && wasEmpty) {
            readinessListener.run();
        }
        return true;
    }

    /** The stack closed under the acceptor. */
    void stackGone() {
        lock.lock();
        try {
            failure = loop.stackClosed();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        readinessListener.run();
    }

    private void serviceClose() {
        if (listenerClosed) {
            return;
        }
        listenerClosed = true;
        listener.close();
        lock.lock();
        try {
            for (ChannelStream s : ready) {
                s.close(true);
            }
            ready.clear();
        } finally {
            lock.unlock();
        }
        lease.release();
    }

    @Override
    public String toString() {
        return "ChannelAcceptor[" + (address == null ? "*" : address.getHostAddress()) + ":" + port + "]";
    }
}
