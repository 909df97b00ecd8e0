package io.mptcp4j.core.tcp;

import io.mptcp4j.core.time.Deadlines;

import java.util.Arrays;

/**
 * The stack's timer queue: an indexed binary min-heap of connections keyed by their next deadline. Each
 * connection remembers its slot ({@link TcpConnection#timerIndex}), so re-keying after every event costs
 * O(log n) and allocates nothing; a connection with no deadline is not in the heap. Deadlines are compared with
 * {@link Deadlines#isBefore}, so instants may wrap.
 */
final class TimerHeap {

    private TcpConnection[] connections = new TcpConnection[64];
    private long[] deadlines = new long[64];
    private int size;

    int size() {
        return size;
    }

    /** The earliest deadline, or {@link Deadlines#NEVER} when empty. */
    long earliest() {
        return size == 0 ? Deadlines.NEVER : deadlines[0];
    }

    /** Sets the connection's deadline: inserts, moves or (for {@link Deadlines#NEVER}) removes it. */
    void schedule(TcpConnection c, long deadline) {
        int i = c.timerIndex;
        if (deadline == Deadlines.NEVER) {
            if (i >= 0) {
                removeAt(i);
            }
            return;
        }
        if (i < 0) {
            if (size == connections.length) {
                connections = Arrays.copyOf(connections, size * 2);
                deadlines = Arrays.copyOf(deadlines, size * 2);
            }
            i = size++;
            connections[i] = c;
            c.timerIndex = i;
            deadlines[i] = deadline;
            siftUp(i);
            return;
        }
        long old = deadlines[i];
        deadlines[i] = deadline;
        if (Deadlines.isBefore(deadline, old)) {
            siftUp(i);
        } else {
            siftDown(i);
        }
    }

    void remove(TcpConnection c) {
        if (c.timerIndex >= 0) {
            removeAt(c.timerIndex);
        }
    }

    /**
     * Removes the connections whose deadline is due at {@code now} and returns how many were put in {@code out}
     * (grown as needed; {@code out[0]} holds the array to use).
     */
    int popDue(long now, TcpConnection[][] out) {
        int n = 0;
        while (size > 0 && Deadlines.isDue(deadlines[0], now)) {
            if (n == out[0].length) {
                out[0] = Arrays.copyOf(out[0], Math.max(16, n * 2));
            }
            out[0][n++] = connections[0];
            removeAt(0);
        }
        return n;
    }

    private void removeAt(int i) {
        TcpConnection gone = connections[i];
        gone.timerIndex = -1;
        size--;
        if (i != size) {
            connections[i] = connections[size];
            deadlines[i] = deadlines[size];
            connections[i].timerIndex = i;
            connections[size] = null;
            siftDown(i);
            siftUp(i);
        } else {
            connections[size] = null;
        }
    }

    private void siftUp(int i) {
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!Deadlines.isBefore(deadlines[i], deadlines[parent])) {
                return;
            }
            swap(i, parent);
            i = parent;
        }
    }

    private void siftDown(int i) {
        while (true) {
            int left = 2 * i + 1;
            if (left >= size) {
                return;
            }
            int smallest = left;
            int right = left + 1;
            if (right < size && Deadlines.isBefore(deadlines[right], deadlines[left])) {
                smallest = right;
            }
            if (!Deadlines.isBefore(deadlines[smallest], deadlines[i])) {
                return;
            }
            swap(i, smallest);
            i = smallest;
        }
    }

    private void swap(int a, int b) {
        TcpConnection ca = connections[a];
        long da = deadlines[a];
        connections[a] = connections[b];
        deadlines[a] = deadlines[b];
        connections[b] = ca;
        deadlines[b] = da;
        connections[a].timerIndex = a;
        connections[b].timerIndex = b;
    }
}
