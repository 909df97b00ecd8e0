package io.mptcp4j.driver;

import io.mptcp4j.core.event.SubflowEvent;
import io.mptcp4j.core.mptcp.MptcpConnection;
import io.mptcp4j.core.sched.SubflowView;
import io.mptcp4j.event.SubflowEventPublisher;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.SelectionKey;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An MPTCP connection as a non-blocking byte stream for the java.nio channels: two rings of bytes between the
 * application threads and the loop, so that reads and writes never wait for the loop, and readiness
 * ({@link #readyOps()}) can be asked at any time from any thread.
 *
 * <p>The loop {@linkplain #service() services} every stream once per iteration, after input and timers and before
 * output: it completes the connect, moves received bytes into the inbound ring and written bytes from the outbound
 * ring into the connection, and carries out shutdowns and closes once the outbound ring is empty. Whenever a
 * readiness bit appears it calls the {@linkplain #readinessListener listener} (a selector's wake-up) and wakes
 * threads blocked in this stream.
 */
public final class ChannelStream {

    /** Bytes buffered per direction between the application and the loop. */
    static final int RING_BYTES = 256 * 1024;

    private final BlockingLoop loop;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final AtomicBoolean serviceQueued = new AtomicBoolean();
    private final SubflowEventPublisher events =
            new SubflowEventPublisher(ForkJoinPool.commonPool(), UserspaceMptcp.EVENT_BUFFER);
    private volatile Runnable readinessListener = () -> { };

    // Guarded by lock.
    private final ByteRing in = new ByteRing(RING_BYTES);
    private final ByteRing out = new ByteRing(RING_BYTES);
    private boolean connected;
    private boolean endOfStream;
    private boolean inputShutdown;
    private boolean outputShutdownRequested;
    private boolean closeRequested;
    private boolean abortRequested;
    private boolean released;
    private IOException failure;
    private IOException connectFailure;
    private InetSocketAddress localAddress;
    private InetSocketAddress remoteAddress;
    private volatile long token;
    /** Set by the loop once the connection runs as plain TCP (RFC 8684 section 3.7). */
    private volatile boolean fallback;

    // Loop thread only.
    private MptcpConnection connection;
    private boolean closedEventPublished;
    private PortLease lease;
    private boolean outputShutdownDone;
    private boolean closeDone;

    ChannelStream(BlockingLoop loop, InetSocketAddress remote) {
        this.loop = loop;
        this.remoteAddress = remote;
    }

    // ------------------------------------------------------------------ application side (any thread)

    /** Called (on the loop thread, quickly) whenever a readiness bit may have appeared. */
    public void readinessListener(Runnable listener) {
        this.readinessListener = listener == null ? () -> { } : listener;
    }

    /**
     * The operations that would not block now, as {@link SelectionKey} bits: OP_CONNECT once the handshake ended
     * either way (until {@link #finishConnect}), OP_READ with bytes, the end of the stream or a failure to report,
     * OP_WRITE when connected with room in the ring (or a failure to report).
     */
    public int readyOps() {
        lock.lock();
        try {
            return readyOpsLocked();
        } finally {
            lock.unlock();
        }
    }

    private int readyOpsLocked() {
        int ops = 0;
        if (!connected) {
            if (connectFailure != null || closeRequested) {
                ops |= SelectionKey.OP_CONNECT;
            }
            return ops;
        }
        if (!in.isEmpty() || endOfStream || inputShutdown || failure != null || closeRequested) {
            ops |= SelectionKey.OP_READ;
        }
        if (out.free() > 0 || failure != null || outputShutdownRequested || closeRequested) {
            ops |= SelectionKey.OP_WRITE;
        }
        return ops | SelectionKey.OP_CONNECT; // a connected stream's connect is finished
    }

    /**
     * Whether the handshake succeeded; waits for its end when {@code block}.
     *
     * @return true once connected, false (only when not blocking) while the handshake goes on
     * @throws IOException why the connect failed (refused, timed out, the stack closed)
     */
    public boolean finishConnect(boolean block) throws IOException {
        lock.lock();
        try {
            while (!connected && connectFailure == null && !closeRequested) {
                if (!block) {
                    return false;
                }
                if (!await()) {
                    return false;
                }
            }
            if (connectFailure != null) {
                throw connectFailure;
            }
            return connected;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Reads into {@code dsts[offset..offset+length)}; waits for something to read when {@code block}.
     *
     * @return the bytes read; 0 only when not blocking (or interrupted) with nothing to read; -1 at the end
     * @throws IOException after the bytes received before it, the reset or failure that ended the connection
     */
    public long read(ByteBuffer[] dsts, int offset, int length, boolean block) throws IOException {
        long total = 0;
        boolean drained = false;
        lock.lock();
        try {
            while (in.isEmpty()) {
                if (inputShutdown || endOfStream) {
                    return -1;
                }
                if (failure != null) {
                    throw failure;
                }
                if (!block || closeRequested || !await()) {
                    return 0;
                }
            }
            boolean wasFull = in.free() == 0;
            for (int i = offset; i < offset + length && !in.isEmpty(); i++) {
                total += in.take(dsts[i]);
            }
            // Only a full ring can have stopped the loop's pulling: otherwise the connection had nothing more.
            drained = wasFull;
        } finally {
            lock.unlock();
        }
        if (drained) {
            requestService(); // the connection may hold more
        }
        return total;
    }

    /**
     * Reads into {@code dst}, waiting at most {@code timeoutNanos} for something to read (for a socket's
     * {@code SO_TIMEOUT}).
     *
     * @return the bytes read; 0 if the time passed (or the thread was interrupted, or the stream closed locally);
     *         -1 at the end of the stream
     */
    public int read(ByteBuffer dst, long timeoutNanos) throws IOException {
        long deadline = System.nanoTime() + timeoutNanos;
        lock.lock();
        try {
            while (in.isEmpty() && !inputShutdown && !endOfStream && failure == null && !closeRequested) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return 0;
                }
                try {
                    changed.awaitNanos(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return 0;
                }
            }
        } finally {
            lock.unlock();
        }
        return (int) read(new ByteBuffer[] {dst}, 0, 1, false);
    }

    /**
     * Writes from {@code srcs[offset..offset+length)} into the outbound ring: what fits when not blocking, all of
     * it when blocking (waiting for room, unless interrupted).
     *
     * @return the bytes taken
     * @throws IOException if the connection failed or the output was shut down
     */
    public long write(ByteBuffer[] srcs, int offset, int length, boolean block) throws IOException {
        long total = 0;
        try {
            while (true) {
                lock.lock();
                try {
                    if (failure != null) {
                        throw failure;
                    }
                    if (outputShutdownRequested || closeRequested) {
                        throw new SocketException("output shut down");
                    }
                    for (int i = offset; i < offset + length && out.free() > 0; i++) {
                        total += out.put(srcs[i]);
                    }
                    long left = remainingBytes(srcs, offset, length);
                    if (left == 0 || !block) {
                        return total;
                    }
                    // Wait for a quarter of the ring (or what is left) rather than for any room, so that a fast
                    // writer copies big chunks and is not woken for every segment the connection takes.
                    long want = Math.min(left, out.capacity() / 4);
                    while (out.free() < want && failure == null && !closeRequested) {
                        requestService();
                        if (!await()) {
                            return total;
                        }
                    }
                } finally {
                    lock.unlock();
                }
            }
        } finally {
            if (total > 0) {
                requestService();
            }
        }
    }

    /** Ends reading: buffered and future bytes are discarded, reads return -1. */
    public void shutdownInput() {
        lock.lock();
        try {
            inputShutdown = true;
            in.clear();
        } finally {
            lock.unlock();
        }
        requestService();
    }

    /** Sends the DATA_FIN once everything written went into the connection. Harmless if repeated. */
    public void shutdownOutput() throws IOException {
        lock.lock();
        try {
            if (failure != null) {
                throw failure;
            }
            outputShutdownRequested = true;
        } finally {
            lock.unlock();
        }
        requestService();
    }

    /**
     * Closes the stream: with {@code reset} (SO_LINGER 0), or if received bytes were left unread (RFC 1122 section
     * 4.2.2.13), the connection is aborted; otherwise what was written still goes out, then the DATA_FIN. Threads
     * blocked in this stream return. Idempotent.
     */
    public void close(boolean reset) {
        lock.lock();
        try {
            if (closeRequested) {
                return;
            }
            closeRequested = true;
            abortRequested = reset || !in.isEmpty();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        requestService();
    }

    public boolean isConnected() {
        lock.lock();
        try {
            return connected;
        } finally {
            lock.unlock();
        }
    }

    /** The local end: the initial subflow's (null until the connection exists). */
    public InetSocketAddress localAddress() {
        lock.lock();
        try {
            return localAddress;
        } finally {
            lock.unlock();
        }
    }

    /** The remote end: the initial subflow's. */
    public InetSocketAddress remoteAddress() {
        lock.lock();
        try {
            return remoteAddress;
        } finally {
            lock.unlock();
        }
    }

    /**
     * A snapshot of the connection and its subflows, taken on the loop.
     *
     * @throws NotYetConnectedException before the handshake completed
     */
    public MptcpSocketInfo info() throws IOException {
        if (!isConnected()) {
            throw new NotYetConnectedException();
        }
        try {
            return loop.loop().submit(() -> MptcpSocketInfo.of(connection)).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("info interrupted");
        } catch (ExecutionException | java.util.concurrent.RejectedExecutionException e) {
            throw loop.stackClosed();
        } catch (java.util.concurrent.TimeoutException e) {
            throw new SocketException("the stack's loop did not answer within 10 s");
        }
    }

    /** This connection's events, the present state replayed first; see {@code MptcpChannel.events()}. */
    public Flow.Publisher<SubflowEvent> events() {
        return subscriber -> {
            if (!isConnected()) {
                refuse(subscriber, new NotYetConnectedException());
                return;
            }
            try {
                loop.loop().execute(() -> events.subscribe(subscriber, replay()));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                refuse(subscriber, loop.stackClosed());
            }
        };
    }

    /** Whether the connection fell back to plain TCP (as far as the loop has seen; false before connecting). */
    public boolean isFallback() {
        return fallback;
    }

    @Override
    public String toString() {
        return "ChannelStream[" + localAddress + " -> " + remoteAddress + "]";
    }

    /** Waits for a change; false if interrupted (the flag is set again) — the caller returns what it has. */
    private boolean await() {
        try {
            changed.await();
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static long remainingBytes(ByteBuffer[] bufs, int offset, int length) {
        long n = 0;
        for (int i = offset; i < offset + length; i++) {
            n += bufs[i].remaining();
        }
        return n;
    }

    /** A publisher whose every subscriber gets {@code onError(error)} at once (no events). */
    public static Flow.Publisher<SubflowEvent> failed(Throwable error) {
        return subscriber -> refuse(subscriber, error);
    }

    private static void refuse(Flow.Subscriber<? super SubflowEvent> subscriber, Throwable error) {
        subscriber.onSubscribe(new Flow.Subscription() {
            @Override
            public void request(long n) {
            }

            @Override
            public void cancel() {
            }
        });
        subscriber.onError(error);
    }

    /** Asks the loop to service this stream soon (once, however often it is asked before it runs). */
    private void requestService() {
        if (serviceQueued.compareAndSet(false, true)) {
            try {
                loop.loop().execute(() -> {
                    serviceQueued.set(false);
                    if (connection != null) {
                        service();
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                serviceQueued.set(false);
                stackGone();
            }
        }
    }

    // ------------------------------------------------------------------ loop side

    /** On the loop thread: the connection is made (client) or accepted (server), holding {@code lease}. */
    void attach(MptcpConnection connection, PortLease lease, InetSocketAddress local, InetSocketAddress remote) {
        this.connection = connection;
        this.lease = lease;
        lock.lock();
        try {
            this.localAddress = local;
            this.remoteAddress = remote;
        } finally {
            lock.unlock();
        }
        loop.register(this);
        service();
    }

    /** On the loop thread: the connection could not even start. */
    void failConnect(IOException error) {
        lock.lock();
        try {
            connectFailure = error;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        readinessListener.run();
    }

    /** The stack closed under the stream: everything waiting fails. */
    void stackGone() {
        lock.lock();
        try {
            IOException gone = loop.stackClosed();
            if (!connected && connectFailure == null) {
                connectFailure = gone;
            }
            if (failure == null) {
                failure = gone;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        readinessListener.run();
    }

    /** On the loop thread: the connection's events go to this stream's subscribers. */
    void publish(SubflowEvent event) {
        events.publish(event);
        if (event instanceof SubflowEvent.ConnectionClosed) {
            closedEventPublished = true;
            events.close();
        }
    }

    /**
     * On the loop thread: moves bytes and state between the connection and the rings.
     *
     * @return false once the stream is finished with (connection closed and its ports given back)
     */
    boolean service() {
        MptcpConnection c = connection;
        boolean notify;
        boolean movedIn = false;
        boolean movedOut = false;
        boolean finished = false;
        lock.lock();
        try {
            int before = readyOpsLocked();
            if (!connected && c.isConnected()) {
                connected = true;
                token = c.token();
                loop.connected(this, token);
            }
            if (!connected && c.isClosed() && connectFailure == null) {
                IOException error = StreamConnection.of(c, null, remoteAddress).connectFailure();
                connectFailure = error != null ? error
                        : new SocketException("connection to " + remoteAddress + " closed during the handshake");
            }
            if (connected) {
                if (!fallback && c.isFallback()) {
                    fallback = true;
                }
                if (inputShutdown) {
                    discardInput(c);
                } else if (!endOfStream && in.free() > 0 && c.isReadable()) {
                    int n = in.fillFrom(c);
                    movedIn = n > 0;
                    if (n < 0 && c.error() == null) {
                        // The connection's read gives -1 when it closed by a reset too: that is a failure (below),
                        // which reads must report, not the end of the stream.
                        endOfStream = true;
                    }
                }
                if (!out.isEmpty() && !abortRequested) {
                    movedOut = out.drainTo(c) > 0;
                }
                if (failure == null && c.error() != null) {
                    failure = TcpErrors.of(c.error());
                    out.clear();
                } else if (failure == null && c.isClosed() && !closeRequested && !c.isInputShutdown()) {
                    failure = new SocketException("connection closed");
                }
            }
            if (closeRequested && !closeDone) {
                if (abortRequested || (!connected && !c.isClosed())) {
                    c.abort();
                    closeDone = true;
                } else if (out.isEmpty()) {
                    c.close();
                    closeDone = true;
                }
            } else if (outputShutdownRequested && !outputShutdownDone && out.isEmpty() && connected) {
                if (c.error() == null && !c.isClosed()) {
                    c.shutdownOutput();
                }
                outputShutdownDone = true;
            }
            if (c.isClosed() && !c.hasEvents() && !closedEventPublished) {
                // Fallen back at the handshake: the stack reports nothing for it, not even its end; this
                // connection's subscribers still get ConnectionClosed, then completion.
                closedEventPublished = true;
                events.publish(new SubflowEvent.ConnectionClosed(token, loop.loop().clock().nanos(),
                        c.error() == null ? null : c.error().getMessage()));
                events.close();
                loop.forget(token);
            }
            if (closeDone && c.isClosed() && !released) {
                released = true;
                finished = true;
            }
            int after = readyOpsLocked();
            notify = (after & ~before) != 0 || finished;
            // Blocked readers want any bytes; blocked writers a quarter of the ring (see write); the rest are
            // state changes, which notify covers.
            boolean wake = notify || movedIn || (movedOut && out.free() >= out.capacity() / 4)
                    || failure != null || endOfStream || closeDone;
            if (wake && lock.hasWaiters(changed)) {
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
        if (notify) {
            readinessListener.run();
        }
        if (finished) {
            lease.release();
            return false;
        }
        return true;
    }

    /** After shutdownInput: what arrives is read and dropped, so the peer is not stalled by a closed window. */
    private static void discardInput(MptcpConnection c) {
        ByteBuffer sink = ByteBuffer.allocate(16 * 1024);
        while (c.readableBytes() > 0) {
            sink.clear();
            if (c.read(sink) <= 0) {
                break;
            }
        }
    }

    /** On the loop thread: events describing the connection as it is now, for a new subscriber. */
    private List<SubflowEvent> replay() {
        List<SubflowEvent> list = new ArrayList<>();
        MptcpConnection c = connection;
        long now = loop.loop().clock().nanos();
        long t = c.token();
        SubflowView initial = null;
        for (SubflowView s : c.subflows()) {
            if (s.isInitial()) {
                initial = s;
            }
        }
        InetSocketAddress local = initial != null ? address(initial, true) : localAddress;
        InetSocketAddress remote = initial != null ? address(initial, false) : remoteAddress;
        if (c.isFallback()) {
            if (c.hasRemoteKey()) {
                list.add(new SubflowEvent.ConnectionCreated(t, now, local, remote, c.isServerSide()));
            }
            list.add(new SubflowEvent.Fallback(t, now, local, remote, c.fallbackReason()));
            return list;
        }
        list.add(new SubflowEvent.ConnectionCreated(t, now, local, remote, c.isServerSide()));
        if (c.isFullyEstablished()) {
            list.add(new SubflowEvent.ConnectionEstablished(t, now, local, remote, c.isServerSide()));
        }
        for (SubflowView s : c.subflows()) {
            if (!s.isInitial() && s.isActive()) {
                list.add(new SubflowEvent.SubflowEstablished(t, now, address(s, true), address(s, false),
                        s.localId(), s.remoteId(), s.isBackup()));
            }
        }
        return list;
    }

    private static InetSocketAddress address(SubflowView s, boolean local) {
        return local ? new InetSocketAddress(s.local().address(), s.local().port())
                : new InetSocketAddress(s.remote().address(), s.remote().port());
    }
}
