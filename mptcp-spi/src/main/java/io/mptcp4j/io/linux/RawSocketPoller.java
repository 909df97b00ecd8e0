package io.mptcp4j.io.linux;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;

/**
 * Waits with one {@code poll(2)} until one of a fixed set of raw sockets is readable (or, for sockets marked
 * with {@link #setWriteInterest}, writable), a timeout passes, or another thread calls {@link #wakeup()}.
 *
 * <p>The wake-up is an {@code eventfd(2)} polled with the sockets: {@link #wakeup()} takes no lock and costs one
 * {@code write(2)} per wait at most, however often it is called. {@link #await} and {@link #close()} belong to
 * one thread (the event loop's); {@code wakeup()} may come from any thread, also after close. Closing the poller
 * does not close the sockets.
 */
public final class RawSocketPoller implements Closeable {

    private static final int POLLFD_SIZE = 8; // struct pollfd: int fd, short events, short revents

    private final List<RawTcpSocket> sockets;
    private final boolean[] writeInterest;
    private final EventFdWakeup wakeup;
    private final byte[] pollFds;
    private final int[] fds;
    private boolean closed;

    private RawSocketPoller(List<RawTcpSocket> sockets, EventFdWakeup wakeup) {
        this.sockets = sockets;
        this.writeInterest = new boolean[sockets.size()];
        this.wakeup = wakeup;
        this.pollFds = new byte[(sockets.size() + 1) * POLLFD_SIZE];
        this.fds = new int[sockets.size()];
    }

    /** A poller over {@code sockets} (at least one) with a fresh eventfd. */
    public static RawSocketPoller open(List<RawTcpSocket> sockets) throws IOException {
        if (sockets.isEmpty()) {
            throw new IllegalArgumentException("nothing to poll");
        }
        return new RawSocketPoller(List.copyOf(sockets), EventFdWakeup.open());
    }

    /** Whether later waits also end when {@code socket} can take more packets ({@code POLLOUT}). */
    public void setWriteInterest(RawTcpSocket socket, boolean interested) {
        int index = sockets.indexOf(socket);
        if (index < 0) {
            throw new IllegalArgumentException(socket + " is not polled here");
        }
        writeInterest[index] = interested;
    }

    /**
     * Waits up to {@code timeoutNanos} (rounded up to whole milliseconds; 0 only checks; {@link Long#MAX_VALUE}
     * without limit). Returns true if a socket is ready or a wake-up arrived (and consumes the wake-up), false
     * on timeout.
     *
     * @throws java.nio.channels.ClosedChannelException if a socket or the poller is closed
     */
    public boolean await(long timeoutNanos) throws IOException {
        if (closed) {
            throw new java.nio.channels.ClosedChannelException();
        }
        int acquired = 0;
        try {
            for (RawTcpSocket s : sockets) {
                fds[acquired] = s.nativeFd().acquire();
                acquired++;
            }
            for (int i = 0; i < fds.length; i++) {
                short events = (short) (LinuxConstants.POLLIN | (writeInterest[i] ? LinuxConstants.POLLOUT : 0));
                putPollFd(i, fds[i], events);
            }
            putPollFd(fds.length, wakeup.fd(), LinuxConstants.POLLIN);
            return poll(timeoutNanos);
        } finally {
            for (int i = 0; i < acquired; i++) {
                sockets.get(i).nativeFd().release();
            }
        }
    }

    /** Ends the current or next {@link #await} early. Any thread, no lock; does nothing once closed. */
    public void wakeup() {
        wakeup.signal();
    }

    /** Closes the eventfd (not the sockets). Idempotent; not concurrently with {@link #await}. */
    @Override
    public void close() {
        closed = true;
        wakeup.close();
    }

    private boolean poll(long timeoutNanos) throws IOException {
        long deadline = timeoutNanos == Long.MAX_VALUE ? Long.MAX_VALUE : System.nanoTime() + timeoutNanos;
        while (true) {
            int millis;
            if (deadline == Long.MAX_VALUE) {
                millis = -1;
            } else {
                long left = Math.max(0, deadline - System.nanoTime());
                millis = (int) Math.min(Integer.MAX_VALUE, (left + 999_999) / 1_000_000); // never wake early
            }
            int ready = LibC.INSTANCE.poll(pollFds, fds.length + 1, millis);
            if (ready < 0) {
                int errno = LibC.errno();
                if (errno == Errno.EINTR) {
                    continue;
                }
                throw Errno.failure("poll", errno, null);
            }
            if (ready == 0) {
                return false;
            }
            if (revents(fds.length) != 0) {
                wakeup.consume();
            }
            return true;
        }
    }

    private void putPollFd(int index, int fd, short events) {
        int at = index * POLLFD_SIZE;
        for (int b = 0; b < 4; b++) {
            pollFds[at + b] = (byte) (fd >>> (8 * b));
        }
        pollFds[at + 4] = (byte) events;
        pollFds[at + 5] = (byte) (events >>> 8);
        pollFds[at + 6] = 0;
        pollFds[at + 7] = 0;
    }

    private int revents(int index) {
        int at = index * POLLFD_SIZE;
        return (pollFds[at + 6] & 0xff) | (pollFds[at + 7] & 0xff) << 8;
    }
}
