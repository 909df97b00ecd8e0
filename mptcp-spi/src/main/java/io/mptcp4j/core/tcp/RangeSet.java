package io.mptcp4j.core.tcp;

import java.util.Arrays;

/**
 * A set of disjoint, non-adjacent half-open ranges {@code [start, end)} of 64-bit stream offsets, kept sorted in
 * two primitive arrays. Used for the out-of-order data a receiver holds; the number of ranges is the number of
 * holes, which stays small, so insertion shifts arrays rather than keeping a tree.
 */
final class RangeSet {

    private long[] starts = new long[4];
    private long[] ends = new long[4];
    private int count;

    boolean isEmpty() {
        return count == 0;
    }

    int size() {
        return count;
    }

    long start(int index) {
        return starts[index];
    }

    long end(int index) {
        return ends[index];
    }

    /** The total length of the ranges. */
    long totalLength() {
        long total = 0;
        for (int i = 0; i < count; i++) {
            total += ends[i] - starts[i];
        }
        return total;
    }

    /**
     * Adds {@code [start, end)}, merging it with the ranges it overlaps or touches.
     *
     * @return the index of the range that now contains it
     */
    int add(long start, long end) {
        if (end <= start) {
            throw new IllegalArgumentException("empty range [" + start + ", " + end + ")");
        }
        // First range whose end reaches start: everything before it stays apart.
        int first = firstEndingAtOrAfter(start);
        int last = first;
        long mergedStart = start;
        long mergedEnd = end;
        while (last < count && starts[last] <= end) {
            mergedStart = Math.min(mergedStart, starts[last]);
            mergedEnd = Math.max(mergedEnd, ends[last]);
            last++;
        }
        int absorbed = last - first;
        if (absorbed == 0) {
            if (count == starts.length) {
                starts = Arrays.copyOf(starts, count * 2);
                ends = Arrays.copyOf(ends, count * 2);
            }
            System.arraycopy(starts, first, starts, first + 1, count - first);
            System.arraycopy(ends, first, ends, first + 1, count - first);
            count++;
        } else if (absorbed > 1) {
            System.arraycopy(starts, last, starts, first + 1, count - last);
            System.arraycopy(ends, last, ends, first + 1, count - last);
            count -= absorbed - 1;
        }
        starts[first] = mergedStart;
        ends[first] = mergedEnd;
        return first;
    }

    /** Removes every offset below {@code offset}. */
    void removeBelow(long offset) {
        int drop = 0;
        while (drop < count && ends[drop] <= offset) {
            drop++;
        }
        if (drop > 0) {
            System.arraycopy(starts, drop, starts, 0, count - drop);
            System.arraycopy(ends, drop, ends, 0, count - drop);
            count -= drop;
        }
        if (count > 0 && starts[0] < offset) {
            starts[0] = offset;
        }
    }

    /** The index of the range holding {@code offset}, or -1. */
    int indexOf(long offset) {
        int i = firstEndingAtOrAfter(offset + 1);
        return i < count && starts[i] <= offset ? i : -1;
    }

    /** The first index whose range ends at or after {@code offset}, by binary search. */
    private int firstEndingAtOrAfter(long offset) {
        int lo = 0;
        int hi = count;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (ends[mid] < offset) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < count; i++) {
            s.append(i == 0 ? "" : ", ").append('[').append(starts[i]).append(", ").append(ends[i]).append(')');
        }
        return s.append(']').toString();
    }
}
