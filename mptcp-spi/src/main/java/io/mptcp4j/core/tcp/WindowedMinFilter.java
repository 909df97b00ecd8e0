package io.mptcp4j.core.tcp;

/**
 * The minimum of the samples taken within a sliding time window, in constant time and space.
 *
 * <p>This is Kathleen Nichols' windowed-extremum estimator, as used for Linux's {@code min_rtt} and for BBR. It
 * keeps three candidates, the best, second-best and third-best samples of successive parts of the window, each
 * with the time it was taken, ordered by both value and time. When the best ages out of the window the next
 * one takes over. The answer is always a sample taken within the window; since only three candidates are kept,
 * it can exceed the exact minimum of the window for a while after the best expires. Samples drive the ageing:
 * without new samples the minimum does not expire.
 */
final class WindowedMinFilter {

    private final long windowNanos;
    private final long[] values = new long[3];
    private final long[] times = new long[3];
    private boolean empty = true;

    WindowedMinFilter(long windowNanos) {
        if (windowNanos <= 0) {
            throw new IllegalArgumentException("window must be positive: " + windowNanos);
        }
        this.windowNanos = windowNanos;
    }

    /** Whether no sample has been taken yet. */
    boolean isEmpty() {
        return empty;
    }

    /** The windowed minimum; 0 while {@link #isEmpty()}. */
    long get() {
        return empty ? 0 : values[0];
    }

    /** Adds {@code sample}, taken at {@code now}, and returns the new windowed minimum. */
    long update(long now, long sample) {
        if (empty || sample <= values[0] || now - times[2] > windowNanos) {
            // A new best, or every kept sample is stale: start over from this one.
            fill(0, now, sample);
            empty = false;
            return sample;
        }
        if (sample <= values[1]) {
            fill(1, now, sample);
        } else if (sample <= values[2]) {
            fill(2, now, sample);
        }
        expire(now, sample);
        return values[0];
    }

    /** Ages the kept samples: promotes the runners-up once the best has left the window. */
    private void expire(long now, long sample) {
        long bestAge = now - times[0];
        if (bestAge > windowNanos) {
            shiftDown(now, sample);
            if (now - times[0] > windowNanos) {
                shiftDown(now, sample);
            }
        } else if (times[1] == times[0] && bestAge > windowNanos / 4) {
            // A quarter window has passed with no second-best of its own: take one from the present.
            fill(1, now, sample);
        } else if (times[2] == times[1] && bestAge > windowNanos / 2) {
            // Likewise for the third-best after half a window.
            fill(2, now, sample);
        }
    }

    private void shiftDown(long now, long sample) {
        values[0] = values[1];
        times[0] = times[1];
        values[1] = values[2];
        times[1] = times[2];
        values[2] = sample;
        times[2] = now;
    }

    /** Sets slot {@code from} and every slot after it to the sample. */
    private void fill(int from, long now, long sample) {
        for (int i = from; i < values.length; i++) {
            values[i] = sample;
            times[i] = now;
        }
    }
}
