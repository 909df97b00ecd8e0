package io.mptcp4j.driver;

import io.mptcp4j.core.stack.NetworkStack;
import io.mptcp4j.io.Device;
import java.io.IOException;
import java.net.BindException;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
    /** Loop thread only: the java.nio streams and acceptors, serviced every iteration before output. */
    private final List<ChannelStream> streams = new ArrayList<>();
    private final List<ChannelAcceptor> acceptors = new ArrayList<>();
    /** Loop thread only: connected streams by their connection's local token, for their events. */
    private final Map<Long, ChannelStream> streamsByToken = new HashMap<>();
    private final String stackName;
    private long lastSweep;
    private volatile boolean closed;

    /** Starts a loop over {@code stack} and {@code device}; {@code stackName} is for messages. */
    BlockingLoop(NetworkStack stack, Device device, String stackName) {
        this.stackName = stackName;
        this.loop = StackEventLoop.builder(stack, device).build();
        loop.addIterationListener(this::afterIteration);
        loop.addServiceListener(this::serviceChannels);
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

    /** On the loop thread: {@code stream} is serviced every iteration until it is finished with. */
    void register(ChannelStream stream) {
        streams.add(stream);
    }

    /** On the loop thread: {@code acceptor} is serviced every iteration until it is closed. */
    void register(ChannelAcceptor acceptor) {
        acceptors.add(acceptor);
    }

    /** On the loop thread: {@code stream}'s connection is established with local token {@code token}. */
    void connected(ChannelStream stream, long token) {
        if (token != 0) {
            streamsByToken.put(token, stream);
        }
    }

    /** On the loop thread: a stream whose connection reports no events is done with its token. */
    void forget(long token) {
        streamsByToken.remove(token);
    }

    /** On the loop thread: hands a stack event to the stream of its connection, if there is one. */
    void dispatch(io.mptcp4j.core.event.SubflowEvent event) {
        ChannelStream stream = event instanceof io.mptcp4j.core.event.SubflowEvent.ConnectionClosed
                ? streamsByToken.remove(event.token()) : streamsByToken.get(event.token());
        if (stream != null) {
            stream.publish(event);
        }
    }

    /** Stops the loop (closing the device) and fails every call still waiting. Idempotent. */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        loop.close();
        boolean ended = false;
        if (!loop.inEventLoop()) {
            try {
                ended = loop.awaitTermination(java.time.Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (ended) { // the loop is gone: its lists are safe to read here
            for (ChannelStream s : streams) {
                s.stackGone();
            }
            for (ChannelAcceptor a : acceptors) {
                a.stackGone();
            }
        }
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

    /** In every iteration before output: the java.nio streams and acceptors move their bytes and connections. */
    private void serviceChannels() {
        if (!acceptors.isEmpty()) {
            acceptors.removeIf(a -> !a.service());
        }
        if (!streams.isEmpty()) {
            int kept = 0;
            for (int i = 0, n = streams.size(); i < n; i++) {
                ChannelStream s = streams.get(i);
                if (s.service()) {
                    streams.set(kept++, s);
                }
            }
            streams.subList(kept, streams.size()).clear();
        }
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
