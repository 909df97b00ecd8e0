package io.mptcp4j.core.cc;

import io.mptcp4j.core.tcp.RttStats;

/**
 * The congestion control state of one MPTCP connection: it creates the controller of each subflow and forgets
 * it when the subflow goes away.
 *
 * <p>Uncoupled algorithms (Reno, CUBIC) hold nothing here and give every subflow an independent controller.
 * Coupled ones (LIA of RFC 6356, OLIA, BALIA) keep the set of live subflow controllers here; because every
 * controller is made by this object and is handed its subflow's {@link RttStats}, the shared state can read all
 * windows and smoothed RTTs when one subflow's increase depends on the others.
 */
@FunctionalInterface
public interface ConnectionCongestion {

    /**
     * Creates the controller of a new subflow.
     *
     * @param mss the subflow's sender maximum segment size in bytes, as negotiated in the handshake
     * @param rtt the subflow's live RTT statistics, owned and updated by the engine
     * @throws IllegalArgumentException if {@code mss} is not positive
     */
    CongestionController newSubflow(int mss, RttStats rtt);

    /**
     * Forgets the controller of a subflow that will send no more (the engine calls this when the connection
     * reaches TIME_WAIT, and again when it closes), so coupled algorithms stop counting it. A controller this
     * object does not know, or already forgot, is ignored. Uncoupled algorithms need not override this.
     */
    default void removeSubflow(CongestionController subflow) {
    }
}
