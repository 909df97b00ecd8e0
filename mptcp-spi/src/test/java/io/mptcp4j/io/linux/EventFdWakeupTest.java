package io.mptcp4j.io.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The lock-free wake-up over an eventfd; needs no privileges. */
@Timeout(60)
class EventFdWakeupTest {

    /** Polls {@code fd} for POLLIN up to {@code millis}; true if readable. */
    private static boolean readable(int fd, int millis) {
        byte[] pollFd = {(byte) fd, (byte) (fd >>> 8), (byte) (fd >>> 16), (byte) (fd >>> 24),
                LinuxConstants.POLLIN, 0, 0, 0};
        return LibC.INSTANCE.poll(pollFd, 1, millis) == 1;
    }

    @Test
    void aSignalMakesTheFdReadableOnceAndSignalsCoalesce() throws Exception {
        EventFdWakeup wakeup = EventFdWakeup.open();
        try {
            assertThat(readable(wakeup.fd(), 0)).isFalse();
            for (int i = 0; i < 1_000; i++) {
                wakeup.signal();
            }
            assertThat(readable(wakeup.fd(), 0)).isTrue();
            Pointer counter = Memory.allocateDirect(LibC.runtime(), 8);
            assertThat(LibC.INSTANCE.read(wakeup.fd(), counter, 8)).isEqualTo(8);
            assertThat(counter.getLong(0)).as("one write for a thousand signals").isEqualTo(1);
            wakeup.consume(); // the flag is still set: consuming clears it, the counter stays empty
            assertThat(readable(wakeup.fd(), 0)).isFalse();
            wakeup.signal();
            assertThat(readable(wakeup.fd(), 0)).isTrue();
            wakeup.consume();
            assertThat(readable(wakeup.fd(), 0)).isFalse();
        } finally {
            wakeup.close();
        }
    }

    /**
     * Ping-pong between a signaller and a waiter, 5,000 rounds: every request must end a wait, whatever the
     * interleaving of the signaller's flag and write with the waiter's read and flag reset.
     */
    @Test
    void noSignalIsEverLost() throws Exception {
        int rounds = 5_000;
        EventFdWakeup wakeup = EventFdWakeup.open();
        AtomicLong requested = new AtomicLong();
        AtomicLong served = new AtomicLong();
        Semaphore progress = new Semaphore(0);
        try {
            CompletableFuture<Void> waiter = CompletableFuture.runAsync(() -> {
                while (served.get() < rounds) {
                    if (!readable(wakeup.fd(), 5_000)) {
                        throw new AssertionError("lost wake-up after round " + served.get());
                    }
                    wakeup.consume();
                    served.set(requested.get());
                    progress.release();
                }
            });
            for (long i = 1; i <= rounds; i++) {
                requested.set(i);
                wakeup.signal();
                while (served.get() < i) {
                    if (!progress.tryAcquire(10, TimeUnit.SECONDS) || waiter.isDone()) {
                        waiter.get(1, TimeUnit.SECONDS); // rethrows the waiter's failure
                    }
                }
            }
            waiter.get(10, TimeUnit.SECONDS);
        } finally {
            wakeup.close();
        }
    }

    @Test
    void closeWaitsOutSignallersAndLaterSignalsDoNothing() throws Exception {
        EventFdWakeup wakeup = EventFdWakeup.open();
        CompletableFuture<?>[] signallers = new CompletableFuture<?>[4];
        for (int t = 0; t < signallers.length; t++) {
            signallers[t] = CompletableFuture.runAsync(() -> {
                for (int i = 0; i < 100_000; i++) {
                    wakeup.signal();
                }
            });
        }
        wakeup.close();
        wakeup.close();
        CompletableFuture.allOf(signallers).get(30, TimeUnit.SECONDS);
        wakeup.signal();
    }
}
