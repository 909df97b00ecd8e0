package io.mptcp4j.io.linux;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;

/**
 * A file descriptor shared by threads. Operations bracket their use with {@link #acquire()} and
 * {@link #release()}; {@link #close()} is idempotent and defers the real {@code close(2)} until the last user
 * has released, so a descriptor number is never reused under a thread still working with it.
 *
 * <p>Blocking waits go through {@link #await(short, long)}, which polls in short slices and gives up with
 * {@link AsynchronousCloseException} once the descriptor is being closed.
 */
final class NativeFd {

    /** Longest single poll(2); bounds how long a closed descriptor can stay open under a waiting thread. */
    private static final int POLL_SLICE_MILLIS = 100;

    private final int fd;
    private final boolean shutdownOnClose;
    private int users;
    private boolean closing;
    private boolean released;

    /**
     * Wraps {@code fd}. With {@code shutdownOnClose} (connected stream sockets) close also calls
     * {@code shutdown(SHUT_RDWR)}, which wakes threads waiting on the socket at once.
     */
    NativeFd(int fd, boolean shutdownOnClose) {
        this.fd = fd;
        this.shutdownOnClose = shutdownOnClose;
    }

    /** Marks a use of the descriptor and returns its number. */
    synchronized int acquire() throws ClosedChannelException {
        if (closing) {
            throw new ClosedChannelException();
        }
        users++;
        return fd;
    }

    /** Ends a use begun by {@link #acquire()}; closes the descriptor if a close was waiting for it. */
    void release() {
        boolean closeNow;
        synchronized (this) {
            users--;
            closeNow = closing && users == 0 && !released;
            if (closeNow) {
                released = true;
            }
        }
        if (closeNow) {
            LibC.INSTANCE.close(fd);
        }
    }

    /** True until {@link #close()} has been called. */
    synchronized boolean isOpen() {
        return !closing;
    }

    /** Closes the descriptor now, or when the last user releases it. Idempotent. */
    void close() {
        boolean closeNow;
        synchronized (this) {
            if (closing) {
                return;
            }
            closing = true;
            closeNow = users == 0;
            released = closeNow;
        }
        if (closeNow) {
            LibC.INSTANCE.close(fd);
        } else if (shutdownOnClose) {
            LibC.INSTANCE.shutdown(fd, LinuxConstants.SHUT_RDWR);
        }
    }

    /**
     * Waits, while holding a use, until one of {@code events} is ready or {@code timeoutNanos} passed
     * ({@code Long.MAX_VALUE} waits indefinitely, 0 only checks). Returns the ready events (POLLERR and POLLHUP
     * included), or 0 on timeout.
     */
    short await(short events, long timeoutNanos) throws IOException {
        long deadline = timeoutNanos == Long.MAX_VALUE ? Long.MAX_VALUE : System.nanoTime() + timeoutNanos;
        byte[] pollFd = new byte[8];
        pollFd[0] = (byte) fd;
        pollFd[1] = (byte) (fd >>> 8);
        pollFd[2] = (byte) (fd >>> 16);
        pollFd[3] = (byte) (fd >>> 24);
        pollFd[4] = (byte) events;
        pollFd[5] = (byte) (events >>> 8);
        while (true) {
            if (!isOpen()) {
                throw new AsynchronousCloseException();
            }
            if (Thread.interrupted()) {
                throw new InterruptedIOException("interrupted while waiting on a socket");
            }
            long remainingNanos = deadline == Long.MAX_VALUE ? Long.MAX_VALUE : deadline - System.nanoTime();
            int sliceMillis = remainingNanos <= 0 ? 0
                    : (int) Math.min(POLL_SLICE_MILLIS, remainingNanos / 1_000_000 + 1); // round up
            pollFd[6] = 0;
            pollFd[7] = 0;
            int ready = LibC.INSTANCE.poll(pollFd, 1, sliceMillis);
            if (ready < 0) {
                int errno = LibC.errno();
                if (errno == Errno.EINTR) {
                    continue;
                }
                throw Errno.failure("poll", errno, null);
            }
            if (ready > 0) {
                if (!isOpen()) {
                    throw new AsynchronousCloseException(); // woken by close's shutdown
                }
                short revents = (short) ((pollFd[6] & 0xff) | (pollFd[7] & 0xff) << 8);
                if ((revents & LinuxConstants.POLLNVAL) != 0) {
                    throw new AsynchronousCloseException();
                }
                return revents;
            }
            if (remainingNanos <= 0 || sliceMillis == 0) {
                return 0;
            }
        }
    }

    /** The {@code System.nanoTime()} deadline {@code timeout} from now; null or over a year means never. */
    static long deadline(java.time.Duration timeout) {
        if (timeout == null || timeout.compareTo(java.time.Duration.ofDays(365)) > 0) {
            return Long.MAX_VALUE;
        }
        long now = System.nanoTime();
        return timeout.isNegative() ? now : now + timeout.toNanos();
    }

    @Override
    public String toString() {
        return "fd " + fd + (isOpen() ? "" : " (closed)");
    }
}
