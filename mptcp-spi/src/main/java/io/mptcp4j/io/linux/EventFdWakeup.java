package io.mptcp4j.io.linux;

import java.util.concurrent.atomic.AtomicInteger;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * A wake-up signal any thread can raise without a lock: an {@code eventfd(2)} that one waiting thread polls
 * together with its sockets. Signals raised before the waiter consumes them cost a single {@code write(2)}.
 *
 * <p>States: IDLE, WRITING (a signaller is in its write), SIGNALLED (the counter is or is about to be non-zero),
 * CLOSED. Only a signaller leaves IDLE, only the waiter leaves SIGNALLED, and {@link #close()} waits out a
 * WRITING signaller so a write never reaches a closed, possibly reused, descriptor number.
 */
final class EventFdWakeup {

    private static final int IDLE = 0;
    private static final int WRITING = 1;
    private static final int SIGNALLED = 2;
    private static final int CLOSED = 3;

    private final int fd;
    private final AtomicInteger state = new AtomicInteger(IDLE);
    private final Pointer one;
    private final Pointer drained;

    private EventFdWakeup(int fd) {
        this.fd = fd;
        this.one = Memory.allocateDirect(LibC.runtime(), 8, true);
        one.putLong(0, 1);
        this.drained = Memory.allocateDirect(LibC.runtime(), 8, true);
    }

    /** A new, unsignalled wake-up with a non-blocking, close-on-exec eventfd. */
    static EventFdWakeup open() throws NativeCallException {
        int fd = LibC.INSTANCE.eventfd(0, LinuxConstants.EFD_NONBLOCK | LinuxConstants.EFD_CLOEXEC);
        if (fd < 0) {
            throw Errno.lastFailure("eventfd");
        }
        return new EventFdWakeup(fd);
    }

    /** The descriptor to poll for {@code POLLIN}. */
    int fd() {
        return fd;
    }

    /** Makes the eventfd readable unless a signal is already pending or the wake-up is closed. Any thread. */
    void signal() {
        if (!state.compareAndSet(IDLE, WRITING)) {
            return;
        }
        LibC.INSTANCE.write(fd, one, 8); // can only fail at a counter of 2^64 - 2, which a pending flag prevents
        state.set(SIGNALLED);
    }

    /** Consumes a signal after poll found the eventfd readable. Waiter thread only. */
    void consume() {
        // Read first, then clear the flag: a signal raised in between is either read now or left pending.
        LibC.INSTANCE.read(fd, drained, 8);
        while (true) {
            int s = state.get();
            if (s == WRITING) {
                Thread.onSpinWait(); // a signaller is between its flag and its write; it takes a syscall at most
                continue;
            }
            if (s == SIGNALLED) {
                state.compareAndSet(SIGNALLED, IDLE);
            }
            return;
        }
    }

    /** Closes the eventfd once no signaller is writing; later signals do nothing. Idempotent. */
    void close() {
        while (true) {
            int s = state.get();
            if (s == CLOSED) {
                return;
            }
            if (s == WRITING) {
                Thread.onSpinWait();
                continue;
            }
            if (state.compareAndSet(s, CLOSED)) {
                LibC.INSTANCE.close(fd);
                return;
            }
        }
    }
}
