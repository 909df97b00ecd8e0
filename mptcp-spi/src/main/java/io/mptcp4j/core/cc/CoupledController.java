package io.mptcp4j.core.cc;

import io.mptcp4j.core.tcp.RttStats;
import java.util.Objects;

/**
 * A subflow controller of a coupled algorithm: the slow start, recovery and timeout rules of
 * {@link LossBasedController}, with a congestion-avoidance increase (and for BALIA a decrease) that reads the
 * other subflows of its {@link CoupledConnection}.
 *
 * <p>Increases are fractions of a byte per ACK; what is below one byte is carried to the next ACK, so the
 * window follows the formula exactly over many ACKs.
 */
abstract class CoupledController extends LossBasedController {

    private final CoupledConnection connection;
    private final RttStats rtt;
    /** Growth below one byte (possibly negative, for OLIA), carried to the next ACK. */
    private double fractionalGrowth;

    CoupledController(CoupledConnection connection, int mss, RttStats rtt) {
        super(mss);
        this.connection = Objects.requireNonNull(connection, "connection");
        this.rtt = Objects.requireNonNull(rtt, "rtt");
    }

    /** The connection-level state this subflow shares with the connection's other subflows. */
    final CoupledConnection connection() {
        return connection;
    }

    /** The subflow's live RTT statistics. */
    final RttStats rtt() {
        return rtt;
    }

    /** Whether this subflow takes part in the coupled formulas (it is live and has an RTT sample). */
    final boolean counted() {
        return CoupledConnection.counts(this) && connection.subflows().contains(this);
    }

    /** Grows (or for a negative value shrinks) the window by {@code bytes}, carrying the fraction. */
    final void grow(double bytes) {
        fractionalGrowth += bytes;
        long whole = (long) fractionalGrowth;
        if (whole != 0) {
            fractionalGrowth -= whole;
            setCwnd(cwnd() + whole);
        }
    }

    /** The uncoupled increase, RFC 5681's {@code SMSS*SMSS/cwnd} per SMSS acknowledged, in bytes. */
    final double renoIncrease(long ackedBytes) {
        return (double) ackedBytes * mss() / cwnd();
    }
}
