package io.mptcp4j.core.mptcp;

import io.mptcp4j.sim.SimNetwork;

/** Runs a simulated application step every millisecond of virtual time, starting now. */
final class Ticker {

    static final long PERIOD_NANOS = 1_000_000L;

    private Ticker() {
    }

    static void every(SimNetwork network, Runnable step) {
        network.after(0, new Runnable() {
            @Override
            public void run() {
                step.run();
                network.after(PERIOD_NANOS, this);
            }
        });
    }
}
