package io.mptcp4j.driver;

import io.mptcp4j.core.time.Clock;

/** The production {@link Clock}: {@link System#nanoTime()}, monotonic with an arbitrary origin. */
public enum SystemClock implements Clock {

    /** The one system clock. */
    INSTANCE;

    @Override
    public long nanos() {
        return System.nanoTime();
    }
}
