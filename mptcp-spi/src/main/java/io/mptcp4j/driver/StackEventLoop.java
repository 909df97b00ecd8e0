package io.mptcp4j.driver;

import io.mptcp4j.core.stack.NetworkStack;
import io.mptcp4j.core.time.Clock;
import io.mptcp4j.core.time.Deadlines;
import io.mptcp4j.io.Device;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The single thread that drives one {@link NetworkStack} over one {@link Device}. (Named apart from Netty's
 * {@code EventLoop}, which the Reactor layer also imports.)
 *
 * <p>Each iteration: run the tasks other threads queued ({@link #execute}, {@link #submit}: the only safe way to
 * call into the stack, which is not thread-safe); receive a batch of packets and hand each to
 * {@link NetworkStack#handlePacket}; run {@link NetworkStack#handleTimeout} when its deadline is due; drain
 * {@link NetworkStack#pollTransmit} into the device and flush it; tell the iteration listeners; then sleep in
 * {@link Device#awaitReadable} until the earliest of the stack's timer, the device's own deadline and
 * {@code maxSleep} (100 ms by default), unless more work is already waiting. Tasks wake the sleep through
 * {@link Device#wakeup()}. It never spins: a deadline that was due and is still reported after its iteration
 * costs a millisecond's wait.
 *
 * <p>An exception thrown by the stack, a task or a listener is counted and logged (the first of each kind at
 * ERROR, later ones at DEBUG) and the loop goes on; so does a device failure, after a short pause. An
 * {@link Error} other than {@link AssertionError} ends the loop. {@link #close()} stops the thread, closes the
 * device and completes the futures of tasks that did not run with a {@link RejectedExecutionException}.
 */
public final class StackEventLoop implements Executor, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(StackEventLoop.class.getName());
    private static final AtomicInteger THREAD_IDS = new AtomicInteger();

    private static final int NEW = 0;
    private static final int RUNNING = 1;
    private static final int CLOSING = 2;
    private static final int TERMINATED = 3;

    /** Tasks run per iteration at most, so a flood of tasks cannot starve the network. */
    private static final int MAX_TASKS_PER_ITERATION = 1024;
    private static final long STALLED_DEADLINE_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long DEVICE_FAILURE_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final NetworkStack stack;
    private final Device device;
    private final Clock clock;
    private final long maxSleepNanos;
    private final ThreadFactory threadFactory;
    private final ByteBuffer[] receiveBuffers;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final List<Runnable> iterationListeners = new CopyOnWriteArrayList<>();
    private final List<Runnable> serviceListeners = new CopyOnWriteArrayList<>();
    private final AtomicInteger state = new AtomicInteger(NEW);
    private final CountDownLatch terminated = new CountDownLatch(1);
    private volatile Thread thread;

    // Written by the loop thread only; volatile so other threads read current values.
    private volatile long iterations;
    private volatile long packetsReceived;
    private volatile long packetsSent;
    private volatile long stackFailures;
    private volatile long taskFailures;
    private volatile long deviceFailures;
    private IOException sinkFailure;
    private boolean deviceFailedThisIteration;

    private StackEventLoop(Builder b) {
        this.stack = b.stack;
        this.device = b.device;
        this.clock = b.clock;
        this.maxSleepNanos = b.maxSleep.toNanos();
        this.threadFactory = b.threadFactory;
        ByteBuffer all = ByteBuffer.allocateDirect(b.receiveBufferLength * Device.MAX_BATCH);
        this.receiveBuffers = new ByteBuffer[Device.MAX_BATCH];
        for (int i = 0; i < receiveBuffers.length; i++) {
            receiveBuffers[i] = all.slice(i * b.receiveBufferLength, b.receiveBufferLength);
        }
    }

    /** A builder for a loop driving {@code stack} over {@code device}. */
    public static Builder builder(NetworkStack stack, Device device) {
        return new Builder(stack, device);
    }

    /**
     * Starts the loop thread. Tasks queued before run first.
     *
     * @throws IllegalStateException if already started or closed
     */
    public void start() {
        if (!state.compareAndSet(NEW, RUNNING)) {
            throw new IllegalStateException(state.get() == RUNNING ? "already started" : "closed");
        }
        try {
            Thread t = threadFactory.newThread(this::run);
            thread = t;
            t.start();
        } catch (RuntimeException | Error e) {
            state.set(TERMINATED);
            shutDown();
            throw e;
        }
    }

    /**
     * Runs {@code task} on the loop thread in a later iteration. From another thread it also wakes the loop.
     *
     * @throws RejectedExecutionException if the loop is closed
     */
    @Override
    public void execute(Runnable task) {
        Objects.requireNonNull(task, "task");
        if (state.get() >= CLOSING) {
            throw new RejectedExecutionException("event loop closed");
        }
        tasks.add(task);
        // Shutdown marks TERMINATED before draining: a task still found here after that was never seen by it.
        if (state.get() == TERMINATED && tasks.remove(task)) {
            throw new RejectedExecutionException("event loop closed");
        }
        if (!inEventLoop()) {
            device.wakeup();
        }
    }

    /**
     * Runs {@code task} on the loop thread and completes the future with its result or exception. If the loop is
     * closed before the task runs, the future fails with {@link RejectedExecutionException}. Blocking on the
     * future from the loop thread itself deadlocks.
     */
    public <T> CompletableFuture<T> submit(Callable<T> task) {
        SubmittedTask<T> submitted = new SubmittedTask<>(Objects.requireNonNull(task, "task"));
        try {
            execute(submitted);
        } catch (RejectedExecutionException e) {
            submitted.future.completeExceptionally(e);
        }
        return submitted.future;
    }

    /** The clock whose readings the loop passes to the stack as {@code now}; tasks use it too. */
    public Clock clock() {
        return clock;
    }

    /** Whether the calling thread is the loop thread. */
    public boolean inEventLoop() {
        return Thread.currentThread() == thread;
    }

    /**
     * Registers {@code listener} to run on the loop thread after every iteration, once the stack's output is
     * drained (for instance to signal selectors that readiness may have changed). Any thread, any time.
     */
    public void addIterationListener(Runnable listener) {
        iterationListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Removes a listener added before; returns whether it was registered. */
    public boolean removeIterationListener(Runnable listener) {
        return iterationListeners.remove(listener);
    }

    /**
     * Registers {@code listener} to run on the loop thread in every iteration after input and timers and before
     * output, so that what it hands the stack goes out in the same iteration (the java.nio streams move their
     * bytes here). Any thread, any time.
     */
    public void addServiceListener(Runnable listener) {
        serviceListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Whether {@link #close()} has been called (or the loop ended on its own). */
    public boolean isClosed() {
        return state.get() >= CLOSING;
    }

    /**
     * Stops the loop: the thread ends after its current iteration, the device is closed and the futures of queued
     * tasks fail. Waits for all that unless called from the loop thread itself. Idempotent.
     */
    @Override
    public void close() {
        while (true) {
            int s = state.get();
            if (s == NEW && state.compareAndSet(NEW, TERMINATED)) {
                shutDown();
                return;
            }
            if (s == RUNNING && !state.compareAndSet(RUNNING, CLOSING)) {
                continue;
            }
            break;
        }
        device.wakeup();
        if (!inEventLoop()) {
            boolean interrupted = false;
            while (true) {
                try {
                    terminated.await();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Waits up to {@code timeout} for the loop to have ended; true if it has. */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return terminated.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Iterations run so far. */
    public long iterations() {
        return iterations;
    }

    /** Packets received from the device and handed to the stack. */
    public long packetsReceived() {
        return packetsReceived;
    }

    /** Packets the stack produced that the device took. */
    public long packetsSent() {
        return packetsSent;
    }

    /** Exceptions the stack threw (each caught, logged and survived). */
    public long stackFailures() {
        return stackFailures;
    }

    /** Exceptions tasks run by {@link #execute} and iteration listeners threw. */
    public long taskFailures() {
        return taskFailures;
    }

    /** I/O failures of the device. */
    public long deviceFailures() {
        return deviceFailures;
    }

    @Override
    public String toString() {
        String[] names = {"new", "running", "closing", "terminated"};
        return "StackEventLoop[" + names[state.get()] + ", " + device + "]";
    }

    private void run() {
        try {
            while (state.get() == RUNNING) {
                runIteration();
            }
        } catch (Error e) {
            LOG.log(Level.ERROR, "event loop ended by an error", e);
            throw e;
        } finally {
            state.set(TERMINATED);
            shutDown();
        }
    }

    private void runIteration() {
        iterations++;
        deviceFailedThisIteration = false;
        boolean moreTasks = runTasks();
        long now = clock.nanos();
        boolean moreInput = receive(now);
        if (Deadlines.isDue(stackTimeout(), now)) {
            try {
                stack.handleTimeout(now);
            } catch (RuntimeException | AssertionError e) {
                stackFailure(e);
            }
        }
        runAll(serviceListeners);
        transmit(now);
        runAll(iterationListeners);
        if (state.get() != RUNNING || moreTasks || moreInput || !tasks.isEmpty()) {
            return;
        }
        if (deviceFailedThisIteration) {
            LockSupport.parkNanos(DEVICE_FAILURE_PAUSE_NANOS);
            return;
        }
        sleep(now);
    }

    /** Runs queued tasks; true if more are left for the next iteration. */
    private boolean runTasks() {
        for (int i = 0; i < MAX_TASKS_PER_ITERATION; i++) {
            if (state.get() != RUNNING) {
                return false;
            }
            Runnable task = tasks.poll();
            if (task == null) {
                return false;
            }
            try {
                task.run();
            } catch (RuntimeException | AssertionError e) {
                taskFailure(e);
            }
        }
        return true;
    }

    /** Hands a batch of received packets to the stack; true if the batch was full, so more may be waiting. */
    private boolean receive(long now) {
        for (ByteBuffer b : receiveBuffers) {
            b.clear();
        }
        int n;
        try {
            n = device.receive(receiveBuffers);
        } catch (IOException e) {
            deviceFailure(e);
            return false;
        }
        for (int i = 0; i < n; i++) {
            try {
                stack.handlePacket(now, receiveBuffers[i]);
            } catch (RuntimeException | AssertionError e) {
                stackFailure(e);
            }
        }
        packetsReceived += n;
        return n == receiveBuffers.length;
    }

    private void transmit(long now) {
        try {
            device.flush(); // what the device could not send last time goes first
            sinkFailure = null;
            try {
                stack.pollTransmit(now, this::offerToDevice);
            } catch (RuntimeException | AssertionError e) {
                stackFailure(e);
            }
            if (sinkFailure != null) {
                throw sinkFailure;
            }
            device.flush();
        } catch (IOException e) {
            deviceFailure(e);
        }
    }

    private boolean offerToDevice(ByteBuffer packet) {
        if (sinkFailure != null) {
            return false;
        }
        try {
            if (device.send(packet)) {
                packetsSent++;
                return true;
            }
            return false;
        } catch (IOException e) {
            sinkFailure = e;
            return false;
        }
    }

    private void runAll(List<Runnable> listeners) {
        for (Runnable listener : listeners) {
            try {
                listener.run();
            } catch (RuntimeException | AssertionError e) {
                taskFailure(e);
            }
        }
    }

    private void sleep(long iterationStart) {
        long now = clock.nanos();
        long deadline = Deadlines.earliest(stackTimeout(), device.nextDeadline(now));
        long timeout = Math.min(Deadlines.remaining(deadline, now), maxSleepNanos);
        if (Deadlines.isDue(deadline, iterationStart)) {
            // Due before this iteration began, served, and still reported: do not spin on it.
            timeout = Math.max(timeout, STALLED_DEADLINE_PAUSE_NANOS);
        }
        if (timeout == 0) {
            return;
        }
        try {
            device.awaitReadable(timeout);
        } catch (IOException e) {
            deviceFailure(e);
            LockSupport.parkNanos(DEVICE_FAILURE_PAUSE_NANOS);
        }
    }

    private long stackTimeout() {
        try {
            return stack.nextTimeout();
        } catch (RuntimeException | AssertionError e) {
            stackFailure(e);
            return Deadlines.NEVER;
        }
    }

    private void shutDown() {
        try {
            device.close();
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "closing the device failed", e);
        }
        RejectedExecutionException closed = new RejectedExecutionException("event loop closed before the task ran");
        int dropped = 0;
        for (Runnable task; (task = tasks.poll()) != null; ) {
            if (task instanceof SubmittedTask<?> submitted) {
                submitted.future.completeExceptionally(closed);
            } else {
                dropped++;
            }
        }
        if (dropped > 0) {
            LOG.log(Level.DEBUG, dropped + " queued task(s) dropped at close");
        }
        terminated.countDown();
    }

    private void stackFailure(Throwable e) {
        long count = ++stackFailures;
        LOG.log(count == 1 ? Level.ERROR : Level.DEBUG, "the stack threw (failure " + count + "); going on", e);
    }

    private void taskFailure(Throwable e) {
        long count = ++taskFailures;
        LOG.log(count == 1 ? Level.ERROR : Level.DEBUG, "a task threw (failure " + count + "); going on", e);
    }

    private void deviceFailure(IOException e) {
        long count = ++deviceFailures;
        deviceFailedThisIteration = true;
        if (!device.isOpen()) {
            LOG.log(Level.ERROR, "the device was closed under the loop; stopping", e);
            state.compareAndSet(RUNNING, CLOSING);
            return;
        }
        LOG.log(count == 1 ? Level.ERROR : Level.DEBUG, "the device failed (failure " + count + "); going on", e);
    }

    /** A {@link #submit}ted callable and its future; the future is failed if the loop closes first. */
    private static final class SubmittedTask<T> implements Runnable {
        final Callable<T> callable;
        final CompletableFuture<T> future = new CompletableFuture<>();

        SubmittedTask(Callable<T> callable) {
            this.callable = callable;
        }

        @Override
        public void run() {
            if (future.isDone()) {
                return; // cancelled meanwhile
            }
            try {
                future.complete(callable.call());
            } catch (Throwable t) {
                future.completeExceptionally(t);
            }
        }
    }

    /** Configures a {@link StackEventLoop}. */
    public static final class Builder {
        private final NetworkStack stack;
        private final Device device;
        private Clock clock = SystemClock.INSTANCE;
        private Duration maxSleep = Duration.ofMillis(100);
        private ThreadFactory threadFactory = task -> {
            Thread t = new Thread(task, "mptcp4j-loop-" + THREAD_IDS.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        private int receiveBufferLength = Device.MAX_PACKET_LENGTH;

        private Builder(NetworkStack stack, Device device) {
            this.stack = Objects.requireNonNull(stack, "stack");
            this.device = Objects.requireNonNull(device, "device");
        }

        /** The time passed to the stack as {@code now}; {@link SystemClock} by default. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock);
            return this;
        }

        /** The longest sleep, whatever the deadlines; 100 ms by default. */
        public Builder maxSleep(Duration maxSleep) {
            if (maxSleep.isNegative() || maxSleep.isZero()) {
                throw new IllegalArgumentException("max sleep must be positive: " + maxSleep);
            }
            this.maxSleep = maxSleep;
            return this;
        }

        /** Makes the loop thread; by default daemon threads named {@code mptcp4j-loop-N}. */
        public Builder threadFactory(ThreadFactory threadFactory) {
            this.threadFactory = Objects.requireNonNull(threadFactory);
            return this;
        }

        /**
         * Bytes of each of the {@link Device#MAX_BATCH} receive buffers; {@link Device#MAX_PACKET_LENGTH} by
         * default, so no packet is too long. Less saves memory where the MTU is known.
         */
        public Builder receiveBufferLength(int bytes) {
            if (bytes < 60 || bytes > Device.MAX_PACKET_LENGTH) {
                throw new IllegalArgumentException("receive buffers must hold 60 to " + Device.MAX_PACKET_LENGTH
                        + " bytes: " + bytes);
            }
            this.receiveBufferLength = bytes;
            return this;
        }

        /** The loop, not started yet. */
        public StackEventLoop build() {
            return new StackEventLoop(this);
        }
    }
}
