package io.mptcp4j.core.cc;

import io.mptcp4j.core.tcp.RttStats;
import java.util.Objects;

/**
 * A coupled algorithm: every connection gets its own {@link CoupledConnection}, which makes and tracks the
 * controllers of the connection's subflows.
 */
record CoupledAlgorithm(String name, SubflowFactory subflows) implements CongestionControlAlgorithm {

    /** Makes the controller of one subflow of {@code connection}. */
    @FunctionalInterface
    interface SubflowFactory {
        CoupledController create(CoupledConnection connection, int mss, RttStats rtt);
    }

    CoupledAlgorithm {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(subflows, "subflows");
        if (name.isBlank()) {
            throw new IllegalArgumentException("blank algorithm name");
        }
    }

    @Override
    public ConnectionCongestion newConnection() {
        return new CoupledConnection(subflows);
    }
}
