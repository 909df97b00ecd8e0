package io.mptcp4j.core.cc;

import java.util.Objects;

/** See {@link CongestionControlAlgorithm#uncoupled(String, ConnectionCongestion)}. */
record UncoupledAlgorithm(String name, ConnectionCongestion subflows) implements CongestionControlAlgorithm {

    UncoupledAlgorithm {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(subflows, "subflows");
        if (name.isBlank()) {
            throw new IllegalArgumentException("blank algorithm name");
        }
    }

    @Override
    public ConnectionCongestion newConnection() {
        return subflows;
    }
}
