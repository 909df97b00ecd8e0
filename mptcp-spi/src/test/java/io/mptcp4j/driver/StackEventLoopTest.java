package io.mptcp4j.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mptcp4j.io.MemoryDevice;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The loop on a real thread and the system clock, against an in-memory device and a scripted stack. Timing
 * bounds are generous (100 ms or more) so a loaded machine does not fail them.
 */
@Timeout(30)
class StackEventLoopTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final long MS = 1_000_000L;

    private final MemoryDevice device = new MemoryDevice();
    private final ScriptedStack stack = new ScriptedStack();
    private StackEventLoop loop;

    @AfterEach
    void closeLoop() {
        if (loop != null) {
            loop.close();
        }
    }

    private StackEventLoop started(StackEventLoop.Builder builder) {
        loop = builder.build();
        loop.start();
        return loop;
    }

    private StackEventLoop started() {
        return started(StackEventLoop.builder(stack, device));
    }

    private static <T> T get(CompletableFuture<T> future) throws Exception {
        return future.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void tasksRunOnTheLoopThreadInOrder() throws Exception {
        started();
        List<Integer> order = new ArrayList<>(); // touched by the loop thread only
        for (int i = 0; i < 100; i++) {
            int n = i;
            loop.execute(() -> order.add(n));
        }
        assertThat(get(loop.submit(loop::inEventLoop))).isTrue();
        assertThat(get(loop.submit(() -> Thread.currentThread().getName()))).startsWith("mptcp4j-loop-");
        assertThat(get(loop.submit(() -> List.copyOf(order)))).hasSize(100).isSorted();
        assertThat(loop.inEventLoop()).isFalse();
    }

    @Test
    void aFailingCallableFailsItsFutureOnly() throws Exception {
        started();
        CompletableFuture<Object> failed = loop.submit(() -> {
            throw new java.io.IOException("nope");
        });
        assertThatThrownBy(() -> get(failed)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(java.io.IOException.class);
        assertThat(loop.taskFailures()).isZero();
        assertThat(get(loop.submit(() -> 42))).isEqualTo(42);
    }

    @Test
    void tasksQueuedBeforeStartRunOnceStarted() throws Exception {
        loop = StackEventLoop.builder(stack, device).build();
        CompletableFuture<Boolean> early = loop.submit(loop::inEventLoop);
        loop.start();
        assertThat(get(early)).isTrue();
        assertThatThrownBy(loop::start).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void receivedPacketsReachTheStackAndItsOutputReachesTheDevice() throws Exception {
        started();
        get(loop.submit(() -> {
            stack.echo(true);
            return null;
        }));
        for (int i = 0; i < 100; i++) {
            device.inject(new byte[] {(byte) i, 1, 2, 3});
        }
        for (int i = 0; i < 100; i++) {
            byte[] echoed = device.takeSent(WAIT);
            assertThat(echoed).as("echo %d", i).containsExactly((byte) i, 1, 2, 3);
        }
        assertThat(stack.callingThreads).allMatch(t -> t.getName().startsWith("mptcp4j-loop-"));
        assertThat(loop.packetsReceived()).isEqualTo(100);
        assertThat(loop.packetsSent()).isEqualTo(100);
    }

    @Test
    void aTimerFiresAtItsDeadlineNotBeforeAndNotMuchLater() throws Exception {
        started();
        long deadline = get(loop.submit(() -> {
            long at = System.nanoTime() + 300 * MS;
            stack.armTimer(at);
            return at;
        }));
        long iterationsBefore = loop.iterations();
        waitUntil(() -> !stack.timeoutsHandled.isEmpty(), WAIT);
        long firedAt = stack.timeoutsHandled.get(0);
        assertThat(firedAt - deadline).as("lateness in ns").isBetween(0L, 100 * MS);
        // The wait was spent sleeping (100 ms at most per sleep), not spinning.
        assertThat(loop.iterations() - iterationsBefore).isLessThan(50);
    }

    @Test
    void anIdleLoopSleepsInsteadOfSpinning() throws Exception {
        started();
        Thread.sleep(500);
        assertThat(loop.iterations()).as("about one iteration per 100 ms").isBetween(1L, 20L);
    }

    @Test
    void aTaskEndsALongSleepPromptly() throws Exception {
        started(StackEventLoop.builder(stack, device).maxSleep(Duration.ofSeconds(60)));
        get(loop.submit(() -> null));
        Thread.sleep(200); // the loop is now asleep for up to a minute
        long start = System.nanoTime();
        get(loop.submit(() -> null));
        assertThat(System.nanoTime() - start).as("wake-up latency in ns").isLessThan(1_000 * MS);
        assertThat(device.wakeups()).isPositive();
    }

    @Test
    void aStuckTimerDoesNotMakeTheLoopSpin() throws Exception {
        started();
        get(loop.submit(() -> {
            stack.stickTimer(System.nanoTime());
            return null;
        }));
        long before = loop.iterations();
        Thread.sleep(300);
        // At least a millisecond per iteration: a spinning loop would run hundreds of thousands.
        assertThat(loop.iterations() - before).isLessThan(600);
    }

    @Test
    void anExceptionFromTheStackIsCountedAndTheLoopGoesOn() throws Exception {
        started();
        device.inject(new byte[] {ScriptedStack.POISON});
        device.inject(new byte[] {1});
        device.inject(new byte[] {ScriptedStack.POISON, 2});
        device.inject(new byte[] {3});
        waitUntil(() -> stack.received.size() == 2, WAIT);
        assertThat(stack.received).extracting(b -> b[0]).containsExactly((byte) 1, (byte) 3);
        assertThat(loop.stackFailures()).isEqualTo(2);
        long deadline = get(loop.submit(() -> {
            long at = System.nanoTime() + 50 * MS;
            stack.armTimer(at);
            return at;
        }));
        waitUntil(() -> !stack.timeoutsHandled.isEmpty(), WAIT);
        assertThat(stack.timeoutsHandled.get(0)).isGreaterThanOrEqualTo(deadline);
    }

    @Test
    void anExceptionFromATaskOrListenerIsCountedAndTheLoopGoesOn() throws Exception {
        started();
        loop.execute(() -> {
            throw new IllegalStateException("task bug");
        });
        AtomicInteger listenerCalls = new AtomicInteger();
        Runnable listener = () -> {
            if (listenerCalls.incrementAndGet() == 1) {
                throw new IllegalStateException("listener bug");
            }
        };
        loop.addIterationListener(listener);
        waitUntil(() -> listenerCalls.get() >= 3, WAIT);
        assertThat(loop.taskFailures()).isEqualTo(2);
        assertThat(get(loop.submit(() -> "alive"))).isEqualTo("alive");
        assertThat(loop.removeIterationListener(listener)).isTrue();
    }

    @Test
    void iterationListenersRunOnTheLoopAfterOutputIsDrained() throws Exception {
        started();
        List<Boolean> onLoop = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Integer> sentSoFar = new java.util.concurrent.CopyOnWriteArrayList<>();
        loop.addIterationListener(() -> {
            onLoop.add(loop.inEventLoop());
            sentSoFar.add((int) loop.packetsSent());
        });
        loop.execute(() -> stack.queue(new byte[] {9}));
        assertThat(device.takeSent(WAIT)).containsExactly((byte) 9);
        waitUntil(() -> sentSoFar.contains(1), WAIT);
        assertThat(onLoop).doesNotContain(false);
    }

    @Test
    void aFullDeviceHoldsBackOutputUntilThereIsRoom() throws Exception {
        device.sendCapacity(1);
        started();
        loop.execute(() -> {
            for (int i = 0; i < 5; i++) {
                stack.queue(new byte[] {(byte) i});
            }
        });
        for (int i = 0; i < 5; i++) {
            assertThat(device.takeSent(WAIT)).as("packet %d", i).containsExactly((byte) i);
        }
    }

    @Test
    void closeFailsTheFuturesOfTasksThatDidNotRunAndClosesTheDevice() throws Exception {
        started();
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<String> blocking = loop.submit(() -> {
            running.countDown();
            release.await();
            return "done";
        });
        running.await();
        CompletableFuture<String> pending = loop.submit(() -> "never");
        CompletableFuture<Void> closing = CompletableFuture.runAsync(loop::close);
        waitUntil(loop::isClosed, WAIT);
        release.countDown();
        get(closing);

        assertThat(get(blocking)).isEqualTo("done");
        assertThatThrownBy(() -> get(pending)).hasCauseInstanceOf(RejectedExecutionException.class);
        assertThat(device.isOpen()).isFalse();
        assertThat(loop.awaitTermination(Duration.ZERO)).isTrue();
        assertThatThrownBy(() -> loop.execute(() -> { })).isInstanceOf(RejectedExecutionException.class);
        assertThatThrownBy(() -> get(loop.submit(() -> 1))).hasCauseInstanceOf(RejectedExecutionException.class);
        loop.close(); // idempotent
    }

    @Test
    void closeBeforeStartFailsQueuedTasksAndClosesTheDevice() throws Exception {
        loop = StackEventLoop.builder(stack, device).build();
        CompletableFuture<Integer> queued = loop.submit(() -> 1);
        loop.close();
        assertThatThrownBy(() -> get(queued)).hasCauseInstanceOf(RejectedExecutionException.class);
        assertThat(device.isOpen()).isFalse();
        assertThatThrownBy(loop::start).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void closeFromATaskEndsTheLoop() throws Exception {
        started();
        loop.execute(loop::close);
        assertThat(loop.awaitTermination(WAIT)).isTrue();
        assertThat(device.isOpen()).isFalse();
    }

    @Test
    void aDeviceClosedUnderTheLoopStopsIt() throws Exception {
        started();
        device.close();
        device.inject(new byte[] {1}); // wakes the loop, whose receive now fails
        assertThat(loop.awaitTermination(WAIT)).isTrue();
        assertThat(loop.deviceFailures()).isPositive();
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition, Duration timeout)
            throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("condition not met within " + timeout);
            }
            Thread.sleep(5);
        }
    }
}
