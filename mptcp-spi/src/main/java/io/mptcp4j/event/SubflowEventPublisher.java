package io.mptcp4j.event;

import io.mptcp4j.core.event.SubflowEvent;
import io.mptcp4j.core.mptcp.MptcpStack;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A thread-safe {@link Flow.Publisher} of the events an {@link MptcpStack} queues: the driver's thread
 * {@link #publish}es them (or {@link #publishFrom drains the stack}), subscribers receive them on the executor,
 * each at its own pace under Reactive Streams rules (signals serialized, {@code onNext} only on demand).
 *
 * <p>Every subscription buffers at most {@code bufferCapacity} events. A subscriber that falls further behind gets
 * {@code onError} with an {@link EventOverflowException} and is unsubscribed: events are never dropped silently.
 * Subscribers see the events published after they subscribed, in publication order.
 */
public final class SubflowEventPublisher implements Flow.Publisher<SubflowEvent>, AutoCloseable {

    private final Executor executor;
    private final int bufferCapacity;
    private final List<EventSubscription> subscriptions = new CopyOnWriteArrayList<>();
    private volatile Throwable terminated;
    private volatile boolean closed;

    /**
     * @param executor       runs the subscribers' callbacks; it must not run them on the publishing thread if they
     *                       may block (a direct executor is fine for quick subscribers and tests)
     * @param bufferCapacity events buffered per subscriber, at least 1
     */
    public SubflowEventPublisher(Executor executor, int bufferCapacity) {
        this.executor = Objects.requireNonNull(executor, "executor");
        if (bufferCapacity < 1) {
            throw new IllegalArgumentException("bufferCapacity must be at least 1, not " + bufferCapacity);
        }
        this.bufferCapacity = bufferCapacity;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super SubflowEvent> subscriber) {
        Objects.requireNonNull(subscriber, "subscriber");
        EventSubscription s = new EventSubscription(subscriber);
        if (closed) {
            s.terminate(terminated);
        } else {
            subscriptions.add(s);
            if (closed) {
                s.terminate(terminated);
            }
        }
        s.schedule();
    }

    /**
     * Subscribes with {@code first} already in the subscriber's buffer, ahead of every event published later:
     * call it on the publishing thread to hand a new subscriber the present state without a gap or a duplicate.
     * More events than the buffer holds fail the subscription with an overflow.
     */
    public void subscribe(Flow.Subscriber<? super SubflowEvent> subscriber, List<SubflowEvent> first) {
        Objects.requireNonNull(subscriber, "subscriber");
        EventSubscription s = new EventSubscription(subscriber);
        for (SubflowEvent e : first) {
            s.offer(e);
        }
        if (closed) {
            s.terminate(terminated);
        } else {
            subscriptions.add(s);
            if (closed) {
                s.terminate(terminated);
            }
        }
        s.schedule();
    }

    /** Hands {@code event} to every current subscriber. Thread-safe; ignored once closed. */
    public void publish(SubflowEvent event) {
        Objects.requireNonNull(event, "event");
        if (closed) {
            return;
        }
        for (EventSubscription s : subscriptions) {
            s.offer(event);
        }
    }

    /**
     * Drains the stack's event queue into {@link #publish}; call it on the stack's thread after every call into
     * the stack, as the driver drains packets.
     *
     * @return how many events were published
     */
    public int publishFrom(MptcpStack stack) {
        int n = 0;
        for (SubflowEvent e; (e = stack.pollEvent()) != null; n++) {
            publish(e);
        }
        return n;
    }

    /** Current subscribers. */
    public int subscriberCount() {
        return subscriptions.size();
    }

    /** Completes every subscription once it delivered what it buffered; later subscribers complete at once. */
    @Override
    public void close() {
        terminateAll(null);
    }

    /** Ends every subscription with {@code error}; later subscribers get it too. */
    public void closeExceptionally(Throwable error) {
        terminateAll(Objects.requireNonNull(error, "error"));
    }

    private void terminateAll(Throwable error) {
        if (closed) {
            return;
        }
        terminated = error;
        closed = true;
        for (EventSubscription s : subscriptions) {
            s.terminate(error);
            s.schedule();
        }
    }

    /** One subscriber's buffer, demand and state; its signals run one at a time on the executor. */
    private final class EventSubscription implements Flow.Subscription, Runnable {

        private final Flow.Subscriber<? super SubflowEvent> subscriber;
        private final AtomicInteger pendingRuns = new AtomicInteger();
        // Guarded by this.
        private final ArrayDeque<SubflowEvent> buffer = new ArrayDeque<>();
        private long requested;
        private boolean cancelled;
        private boolean completing;
        private Throwable error;
        // Touched only by the draining run.
        private boolean subscribed;
        private boolean done;

        EventSubscription(Flow.Subscriber<? super SubflowEvent> subscriber) {
            this.subscriber = subscriber;
        }

        void offer(SubflowEvent event) {
            synchronized (this) {
                if (cancelled || completing || error != null) {
                    return;
                }
                if (buffer.size() >= bufferCapacity) {
                    error = new EventOverflowException(bufferCapacity, buffer.size() + 1);
                    buffer.clear();
                } else {
                    buffer.add(event);
                }
            }
            schedule();
        }

        synchronized void terminate(Throwable failure) {
            if (failure != null) {
                if (error == null) {
                    error = failure;
                }
            } else {
                completing = true;
            }
        }

        @Override
        public void request(long n) {
            synchronized (this) {
                if (n <= 0) {
                    // Reactive Streams rule 3.9.
                    if (error == null) {
                        error = new IllegalArgumentException("request(" + n + "): demand must be positive");
                    }
                } else {
                    requested = requested + n < 0 ? Long.MAX_VALUE : requested + n;
                }
            }
            schedule();
        }

        @Override
        public void cancel() {
            synchronized (this) {
                cancelled = true;
                buffer.clear();
            }
            subscriptions.remove(this);
        }

        void schedule() {
            if (pendingRuns.getAndIncrement() == 0) {
                executor.execute(this);
            }
        }

        @Override
        public void run() {
            int missed = 1;
            do {
                if (!subscribed) {
                    subscribed = true;
                    subscriber.onSubscribe(this);
                }
                drain();
                missed = pendingRuns.addAndGet(-missed);
            } while (missed != 0);
        }

        private void drain() {
            while (!done) {
                SubflowEvent next = null;
                Throwable failure = null;
                boolean complete = false;
                synchronized (this) {
                    if (cancelled) {
                        return;
                    }
                    if (error != null) {
                        failure = error;
                    } else if (requested > 0 && !buffer.isEmpty()) {
                        next = buffer.poll();
                        if (requested != Long.MAX_VALUE) {
                            requested--;
                        }
                    } else if (completing && buffer.isEmpty()) {
                        complete = true;
                    } else {
                        return;
                    }
                }
                if (failure != null || complete) {
                    done = true;
                    subscriptions.remove(this);
                    if (failure != null) {
                        subscriber.onError(failure);
                    } else {
                        subscriber.onComplete();
                    }
                    return;
                }
                try {
                    subscriber.onNext(next);
                } catch (RuntimeException e) {
                    // Reactive Streams rule 2.13: a subscriber that throws is treated as cancelled.
                    cancel();
                    done = true;
                    return;
                }
            }
        }
    }
}
