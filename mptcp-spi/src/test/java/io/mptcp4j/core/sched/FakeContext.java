package io.mptcp4j.core.sched;

import java.util.List;

/** A connection as a scheduler sees it: 1 MB queued, a 4 MB window with 2 MB left, at time 0 unless told. */
final class FakeContext implements SchedulingContext {

    long now;
    long unsent = 1 << 20;
    long window = 4 << 20;
    long windowRemaining = 2 << 20;
    private final List<SubflowView> subflows;

    FakeContext(SubflowView... subflows) {
        this.subflows = List.of(subflows);
    }

    FakeContext unsent(long bytes) {
        this.unsent = bytes;
        return this;
    }

    FakeContext window(long whole, long remaining) {
        this.window = whole;
        this.windowRemaining = remaining;
        return this;
    }

    FakeContext at(long nanos) {
        this.now = nanos;
        return this;
    }

    @Override
    public long now() {
        return now;
    }

    @Override
    public List<SubflowView> subflows() {
        return subflows;
    }

    @Override
    public long unsentBytes() {
        return unsent;
    }

    @Override
    public long sendWindowRemaining() {
        return windowRemaining;
    }

    @Override
    public long sendWindow() {
        return window;
    }
}
