package io.mptcp4j.driver;

import io.mptcp4j.core.stack.NetworkStack;
import io.mptcp4j.io.Device;
import java.io.IOException;
import java.net.BindException;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * The machinery behind the blocking sockets, whatever the stack ({@link UserspaceTcp}, {@link UserspaceMptcp}): a
 * {@link StackEventLoop} over the stack, the queue of {@link LoopRequest}s between application threads and the
 * loop, the requests parked until their connection becomes ready, and the ports of closed sockets waiting for
 * their connection to reach CLOSED.
 *
 * <p>After every iteration the loop looks at the parked requests only (never at idle connections) and queues
 * again those whose connection became ready; now and then it gives back the ports of connections that closed.
 */
final class BlockingLoop implements LoopRequest.Requests {

    /** How often ports of closed sockets are checked for release. */
    private static final long SWEEP_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final StackEventLoop loop;
    /** Requests whose callers wait; failed by {@link #close()}. */
    private final Set<LoopRequest<?>> tracked = ConcurrentHashMap.newKeySet();
    /** Loop thread only: requests waiting for their connection to become ready. */
    private final List<LoopRequest<?>> parked = new ArrayList<>();
    /** Loop thread only: closed sockets whose connection has not reached CLOSED yet. */
    private final List<BlockingStream> closing = new ArrayList<>();
    private final String stackName;
    private long lastSweep;
    private volatile boolean closed;

    /** Starts a loop over {@code stack} and {@code device}; {@code stackName} is for messages. */
    BlockingLoop(NetworkStack stack, Device device, String stackName) {
        this.stackName = stackName;
        this.loop = StackEventLoop.builder(stack, device).build();
        loop.addIterationListener(this::afterIteration);
        loop.start();
    }

    StackEventLoop loop() {
        return loop;
    }

    boolean isClosed() {
        return closed;
    }

    void ensureOpen() throws SocketException {
        if (closed) {
            throw stackClosed();
        }
    }

    SocketException stackClosed() {
        return new SocketException("the userspace " + stackName + " stack was closed");
    }

    /** Runs {@code task} on the loop unless the stack is closed (then there is nothing left to do). */
    void executeIfRunning(Runnable task) {
        try {
            loop.execute(task);
        } catch (RejectedExecutionException e) {
            // closed: every connection and port went with the device
        }
    }

    /** On the loop thread: {@code socket} was closed; its ports go back once its connection is CLOSED. */
    void closed(BlockingStream socket) {
        if (socket.connection().isClosed()) {
            socket.lease().release();
        } else {
            closing.add(socket);
        }
    }

    /**
     * Opens a listener on the loop for the port {@code lease} holds: {@code open} runs there once with that port.
     * A refusal by the stack (it listens there already) becomes a {@link BindException} and gives the lease back.
     */
    <T> T openListener(PortLease lease, IntFunction<T> open) throws IOException {
        int port = lease.port();
        LoopRequest<T> request = new LoopRequest<>(this) {
            @Override
            boolean attempt() {
                try {
                    complete(open.apply(port));
                } catch (IllegalArgumentException | IllegalStateException e) {
                    lease.release();
                    fail(new BindException(e.getMessage()));
                }
                return true;
            }

            @Override
            boolean isReady() {
                return true;
            }

            @Override
            String describe() {
                return "listen on port " + port;
            }
        };
        try {
            submit(request);
        } catch (IOException e) {
            lease.release();
            throw e;
        }
        return request.await(Long.MAX_VALUE);
    }

    /** Stops the loop (closing the device) and fails every call still waiting. Idempotent. */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        loop.close();
        for (LoopRequest<?> r : tracked) {
            r.failIfPending(stackClosed());
        }
        tracked.clear();
    }

    @Override
    public void submit(LoopRequest<?> request) throws IOException {
        tracked.add(request);
        try {
            loop.execute(request);
        } catch (RejectedExecutionException e) {
            tracked.remove(request);
            throw stackClosed();
        }
    }

    @Override
    public void awaitReadiness(LoopRequest<?> request) {
        parked.add(request);
    }

    @Override
    public void forget(LoopRequest<?> request) {
        tracked.remove(request);
    }

    /** After every iteration: queue again the parked requests that can progress; now and then, free ports. */
    private void afterIteration() {
        if (!parked.isEmpty()) {
            int kept = 0;
            for (int i = 0, n = parked.size(); i < n; i++) {
                LoopRequest<?> r = parked.get(i);
                if (!r.isPending()) {
                    continue; // cancelled or failed meanwhile
                }
                if (r.isReady()) {
                    loop.execute(r);
                } else {
                    parked.set(kept++, r);
                }
            }
            parked.subList(kept, parked.size()).clear();
        }
        if (!closing.isEmpty()) {
            long now = loop.clock().nanos();
            if (now - lastSweep >= SWEEP_INTERVAL_NANOS) {
                lastSweep = now;
                closing.removeIf(s -> {
                    if (s.connection().isClosed()) {
                        s.lease().release();
                        return true;
                    }
                    return false;
                });
            }
        }
    }
}
