package io.mptcp4j.driver;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.SocketTimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * One blocking call of an application thread, carried out on the event loop thread: the application thread
 * queues it ({@link Requests#submit}) and parks in {@link #await}; the loop runs {@link #attempt()}, and if that
 * cannot finish yet the request waits, parked in the driver, until {@link #isReady()} says another attempt may
 * progress. The loop unparks the waiting thread once the request is complete.
 *
 * <p>States: PENDING (queued or parked) → RUNNING (the loop is in {@link #attempt()}) → DONE, or back to PENDING
 * to wait again. The waiting thread may move PENDING → CANCELLED (timeout, interrupt); it never cancels a RUNNING
 * request, so the loop never touches the caller's buffer after the call returned. Anything completed, failed or
 * cancelled is never attempted again, so stray copies in the task queue are harmless.
 *
 * @param <T> what the call returns
 */
abstract class LoopRequest<T> implements Runnable {

    private static final int PENDING = 0;
    private static final int RUNNING = 1;
    private static final int DONE = 2;
    private static final int CANCELLED = 3;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(LoopRequest.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Requests requests;
    private final Thread waiter = Thread.currentThread();
    @SuppressWarnings("unused") // through STATE
    private volatile int state = PENDING;
    private T result;
    private IOException failure;

    LoopRequest(Requests requests) {
        this.requests = requests;
    }

    /**
     * On the loop thread: makes what progress it can. Returns true once the request is complete (after
     * {@link #complete} or {@link #fail}), false to wait for readiness.
     */
    abstract boolean attempt();

    /** On the loop thread, for a waiting request: whether {@link #attempt()} may progress now. */
    abstract boolean isReady();

    /** What the call is, for timeout and interrupt messages ("read", "connect to 10.0.0.2:80"). */
    abstract String describe();

    /** How many bytes moved so far, for {@link InterruptedIOException#bytesTransferred}. */
    int bytesTransferred() {
        return 0;
    }

    /** Called from {@link #attempt()}: the call returns {@code value}. */
    final void complete(T value) {
        result = value;
    }

    /** Called from {@link #attempt()}: the call throws {@code e}. */
    final void fail(IOException e) {
        failure = e;
    }

    @Override
    public final void run() {
        if (!STATE.compareAndSet(this, PENDING, RUNNING)) {
            return; // cancelled, failed from outside, or a stray copy of a finished request
        }
        boolean finished;
        try {
            finished = attempt();
        } catch (RuntimeException e) {
            failure = new IOException(describe() + " failed in the stack: " + e, e);
            finished = true;
        }
        if (finished) {
            finish();
        } else {
            requests.awaitReadiness(this);
            state = PENDING;
        }
    }

    /**
     * Fails the request with {@code e} unless it is complete or cancelled already; from the loop thread, or from any
     * thread once the loop has stopped.
     */
    final void failIfPending(IOException e) {
        if (STATE.compareAndSet(this, PENDING, RUNNING)) {
            failure = e;
            finish();
        }
    }

    /** Whether the request still waits for the loop (not complete, failed or cancelled). */
    final boolean isPending() {
        return state == PENDING;
    }

    /**
     * Blocks the submitting thread until the loop completed the request, {@code timeoutNanos} passed
     * ({@link Long#MAX_VALUE}: no limit) or the thread is interrupted.
     *
     * @throws SocketTimeoutException  if the time ran out first (the request is cancelled)
     * @throws InterruptedIOException  if interrupted first (cancelled; the interrupt status stays set)
     * @throws IOException             what the request failed with
     */
    final T await(long timeoutNanos) throws IOException {
        long deadline = System.nanoTime() + timeoutNanos;
        try {
            while (state != DONE) {
                if (Thread.interrupted()) {
                    Thread.currentThread().interrupt();
                    if (cancel()) {
                        InterruptedIOException e = new InterruptedIOException(describe() + " interrupted");
                        e.bytesTransferred = bytesTransferred();
                        throw e;
                    }
                    break;
                }
                if (timeoutNanos == Long.MAX_VALUE) {
                    LockSupport.park(this);
                    continue;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    if (cancel()) {
                        throw new SocketTimeoutException(describe() + " timed out after "
                                + UserspaceTcp.format(timeoutNanos));
                    }
                    break;
                }
                LockSupport.parkNanos(this, left);
            }
        } finally {
            requests.forget(this);
        }
        if (failure != null) {
            throw failure;
        }
        return result;
    }

    /** PENDING → CANCELLED; false if the request completed. A RUNNING request is waited out (microseconds). */
    private boolean cancel() {
        while (true) {
            if (STATE.compareAndSet(this, PENDING, CANCELLED)) {
                return true;
            }
            if (state == DONE) {
                return false;
            }
            Thread.onSpinWait();
        }
    }

    private void finish() {
        state = DONE;
        LockSupport.unpark(waiter);
    }

    /** The driver side of requests: parking them until ready, and tracking them so a shutdown can fail them. */
    interface Requests {

        /** Queues {@code request} on the loop. */
        void submit(LoopRequest<?> request) throws IOException;

        /** On the loop thread: keep {@code request} until it {@link #isReady()}, then run it again. */
        void awaitReadiness(LoopRequest<?> request);

        /** The request's caller returned; it is no longer tracked. */
        void forget(LoopRequest<?> request);
    }
}
