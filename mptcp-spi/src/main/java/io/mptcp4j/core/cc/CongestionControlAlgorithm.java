package io.mptcp4j.core.cc;

/**
 * A congestion control algorithm that the stack can run, registered by name in the
 * {@link CongestionControlRegistry}.
 *
 * <p>Third-party algorithms are found with {@link java.util.ServiceLoader}: implement this interface in a public
 * class with a public no-argument constructor and list the class in
 * {@code META-INF/services/io.mptcp4j.core.cc.CongestionControlAlgorithm}.
 */
public interface CongestionControlAlgorithm {

    /** The name the algorithm is looked up by; case does not matter. Never blank. */
    String name();

    /** The congestion control state of a new connection. */
    ConnectionCongestion newConnection();

    /**
     * An algorithm whose subflows do not influence each other: every connection shares {@code subflows}, which
     * must therefore keep no state of its own, and each subflow gets an independent controller from it.
     *
     * @param name     the algorithm's name
     * @param subflows makes one subflow's controller
     */
    static CongestionControlAlgorithm uncoupled(String name, ConnectionCongestion subflows) {
        return new UncoupledAlgorithm(name, subflows);
    }
}
