package io.mptcp4j.sim;

import io.mptcp4j.core.time.Deadlines;
import java.util.Arrays;

/**
 * The pending events of a simulation, a binary min-heap on (time, sequence). The sequence number is taken at
 * scheduling, so events at the same instant fire in the order they were scheduled and every run is repeatable.
 */
final class EventQueue {

    private SimEvent[] heap = new SimEvent[1024];
    private int size;
    private long nextSequence;

    void schedule(SimEvent event, long time) {
        event.time = time;
        event.sequence = nextSequence++;
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        siftUp(size++, event);
    }

    /** The instant of the earliest event, or {@link Deadlines#NEVER} when there is none. */
    long peekTime() {
        return size == 0 ? Deadlines.NEVER : heap[0].time;
    }

    /** Removes and returns the earliest event; the queue must not be empty. */
    SimEvent poll() {
        SimEvent first = heap[0];
        SimEvent last = heap[--size];
        heap[size] = null;
        if (size > 0) {
            siftDown(0, last);
        }
        return first;
    }

    private void siftUp(int index, SimEvent event) {
        while (index > 0) {
            int parent = (index - 1) >>> 1;
            if (!before(event, heap[parent])) {
                break;
            }
            heap[index] = heap[parent];
            index = parent;
        }
        heap[index] = event;
    }

    private void siftDown(int index, SimEvent event) {
        int half = size >>> 1;
        while (index < half) {
            int child = 2 * index + 1;
            int right = child + 1;
            if (right < size && before(heap[right], heap[child])) {
                child = right;
            }
            if (!before(heap[child], event)) {
                break;
            }
            heap[index] = heap[child];
            index = child;
        }
        heap[index] = event;
    }

    private static boolean before(SimEvent a, SimEvent b) {
        return a.time < b.time || (a.time == b.time && a.sequence < b.sequence);
    }
}
