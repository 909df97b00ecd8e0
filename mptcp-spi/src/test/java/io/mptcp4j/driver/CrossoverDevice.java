package io.mptcp4j.driver;

import io.mptcp4j.io.Device;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One end of an in-memory cable: what one end sends, the other receives, at once and without loss, until
 * {@link #unplug()} makes both ends drop everything (a link that went down). Thread-safe.
 */
final class CrossoverDevice implements Device {

    private final Cable cable;
    private final ArrayDeque<byte[]> inbound = new ArrayDeque<>();
    private CrossoverDevice peer;
    private boolean wakeupPending;
    private boolean open = true;

    private CrossoverDevice(Cable cable) {
        this.cable = cable;
    }

    /** Two connected ends. */
    static CrossoverDevice[] pair() {
        Cable cable = new Cable();
        CrossoverDevice a = new CrossoverDevice(cable);
        CrossoverDevice b = new CrossoverDevice(cable);
        a.peer = b;
        b.peer = a;
        return new CrossoverDevice[] {a, b};
    }

    /** From now on packets are lost both ways. */
    void unplug() {
        cable.lock.lock();
        try {
            cable.plugged = false;
        } finally {
            cable.lock.unlock();
        }
    }

    @Override
    public int receive(ByteBuffer[] packets) throws ClosedChannelException {
        cable.lock.lock();
        try {
            ensureOpen();
            int n = 0;
            while (n < Math.min(packets.length, MAX_BATCH) && !inbound.isEmpty()) {
                byte[] p = inbound.poll();
                ByteBuffer b = packets[n++];
                int start = b.position();
                b.put(p).limit(b.position()).position(start);
            }
            return n;
        } finally {
            cable.lock.unlock();
        }
    }

    @Override
    public boolean send(ByteBuffer packet) throws ClosedChannelException {
        byte[] copy = new byte[packet.remaining()];
        packet.get(packet.position(), copy);
        cable.lock.lock();
        try {
            ensureOpen();
            if (cable.plugged && peer.open) {
                peer.inbound.add(copy);
                cable.changed.signalAll();
            }
            return true;
        } finally {
            cable.lock.unlock();
        }
    }

    @Override
    public void flush() {
    }

    @Override
    public void awaitReadable(long timeoutNanos) throws ClosedChannelException {
        cable.lock.lock();
        try {
            long left = timeoutNanos;
            while (open && inbound.isEmpty() && !wakeupPending && left > 0) {
                try {
                    left = cable.changed.awaitNanos(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            wakeupPending = false;
            ensureOpen();
        } finally {
            cable.lock.unlock();
        }
    }

    @Override
    public void wakeup() {
        cable.lock.lock();
        try {
            wakeupPending = true;
            cable.changed.signalAll();
        } finally {
            cable.lock.unlock();
        }
    }

    @Override
    public boolean isOpen() {
        cable.lock.lock();
        try {
            return open;
        } finally {
            cable.lock.unlock();
        }
    }

    @Override
    public void close() {
        cable.lock.lock();
        try {
            open = false;
            cable.changed.signalAll();
        } finally {
            cable.lock.unlock();
        }
    }

    private void ensureOpen() throws ClosedChannelException {
        if (!open) {
            throw new ClosedChannelException();
        }
    }

    /** The lock and state both ends share. */
    private static final class Cable {
        final ReentrantLock lock = new ReentrantLock();
        final Condition changed = lock.newCondition();
        boolean plugged = true;
    }
}
