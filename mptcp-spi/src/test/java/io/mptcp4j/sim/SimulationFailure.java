package io.mptcp4j.sim;

/**
 * A failure the simulator detected: a deadline passed, a stack livelocked or threw. The message carries the seed
 * and the virtual time, so the run can be replayed.
 */
public final class SimulationFailure extends AssertionError {

    private static final long serialVersionUID = 1L;

    SimulationFailure(String message) {
        super(message);
    }

    SimulationFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
