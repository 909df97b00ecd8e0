package io.mptcp4j.io;

import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link Device} over two in-memory queues, for tests: {@link #inject} queues a packet to be received,
 * {@link #takeSent} takes what the driver sent. It can refuse sends beyond a capacity to test back-pressure.
 * Thread-safe; waits use a lock and condition (unlike the real device's lock-free wake-up).
 */
public final class MemoryDevice implements Device {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<byte[]> inbound = new ArrayDeque<>();
    private final ArrayDeque<byte[]> outbound = new ArrayDeque<>();
    private int sendCapacity = Integer.MAX_VALUE;
    private boolean wakeupPending;
    private boolean sendRefused;
    private boolean open = true;
    private long wakeups;

    /** Queues {@code packet} for a later {@link #receive}, waking a waiting driver. */
    public void inject(byte[] packet) {
        lock.lock();
        try {
            inbound.addLast(packet.clone());
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Makes {@link #send} refuse packets while {@code packets} are waiting in the outbound queue. */
    public void sendCapacity(int packets) {
        lock.lock();
        try {
            sendCapacity = packets;
        } finally {
            lock.unlock();
        }
    }

    /** The oldest sent packet, waiting up to {@code timeout}; null if none came. Frees room for more sends. */
    public byte[] takeSent(Duration timeout) throws InterruptedException {
        long left = timeout.toNanos();
        lock.lock();
        try {
            while (outbound.isEmpty()) {
                if (left <= 0) {
                    return null;
                }
                left = changed.awaitNanos(left);
            }
            byte[] packet = outbound.removeFirst();
            changed.signalAll();
            return packet;
        } finally {
            lock.unlock();
        }
    }

    /** Every sent packet not taken yet, oldest first. */
    public List<byte[]> drainSent() {
        lock.lock();
        try {
            List<byte[]> all = new ArrayList<>(outbound);
            outbound.clear();
            changed.signalAll();
            return all;
        } finally {
            lock.unlock();
        }
    }

    /** How often {@link #wakeup()} was called. */
    public long wakeups() {
        lock.lock();
        try {
            return wakeups;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int receive(ByteBuffer[] packets) throws ClosedChannelException {
        lock.lock();
        try {
            ensureOpen();
            int n = 0;
            while (n < Math.min(packets.length, MAX_BATCH) && !inbound.isEmpty()) {
                byte[] packet = inbound.removeFirst();
                ByteBuffer target = packets[n];
                if (packet.length > target.remaining()) {
                    continue; // does not fit: dropped, as the contract says
                }
                int start = target.position();
                target.put(packet).flip().position(start);
                n++;
            }
            return n;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean send(ByteBuffer packet) throws ClosedChannelException {
        lock.lock();
        try {
            ensureOpen();
            if (outbound.size() >= sendCapacity) {
                sendRefused = true;
                return false;
            }
            byte[] copy = new byte[packet.remaining()];
            packet.get(packet.position(), copy);
            outbound.addLast(copy);
            changed.signalAll();
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void flush() throws ClosedChannelException {
        lock.lock();
        try {
            ensureOpen();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns when a packet is waiting, a refused sender could now send, a wake-up is pending, or the time is
     * up.
     */
    @Override
    public void awaitReadable(long timeoutNanos) throws ClosedChannelException {
        long left = timeoutNanos == Long.MAX_VALUE ? TimeUnit.DAYS.toNanos(1) : timeoutNanos;
        lock.lock();
        try {
            ensureOpen();
            while (!wakeupPending && inbound.isEmpty() && !(sendRefused && outbound.size() < sendCapacity)
                    && left > 0) {
                left = changed.awaitNanos(left);
            }
            wakeupPending = false;
            sendRefused &= outbound.size() >= sendCapacity;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void wakeup() {
        lock.lock();
        try {
            wakeups++;
            wakeupPending = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean isOpen() {
        lock.lock();
        try {
            return open;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            open = false;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void ensureOpen() throws ClosedChannelException {
        if (!open) {
            throw new ClosedChannelException();
        }
    }
}
