package io.mptcp4j.sim;

import java.util.Objects;

/** The two directions of a point-to-point link between interfaces a and b, as {@link SimNetwork#connect} made it. */
public final class SimDuplexLink {

    private final SimLink aToB;
    private final SimLink bToA;

    SimDuplexLink(SimLink aToB, SimLink bToA) {
        this.aToB = aToB;
        this.bToA = bToA;
    }

    public SimLink aToB() {
        return aToB;
    }

    public SimLink bToA() {
        return bToA;
    }

    /** The direction that leaves {@code host}. */
    public SimLink from(SimHost host) {
        Objects.requireNonNull(host, "host");
        if (aToB.from().host() == host) {
            return aToB;
        }
        if (bToA.from().host() == host) {
            return bToA;
        }
        throw new IllegalArgumentException(host.name() + " is not an end of " + this);
    }

    /** Takes both directions down or brings them back (see {@link SimLink#setUp}). */
    public void setUp(boolean up) {
        aToB.setUp(up);
        bToA.setUp(up);
    }

    /** Whether both directions are up. */
    public boolean isUp() {
        return aToB.isUp() && bToA.isUp();
    }

    /** Applies {@code config} to both directions (see {@link SimLink#reconfigure}). */
    public void reconfigure(LinkConfig config) {
        aToB.reconfigure(config);
        bToA.reconfigure(config);
    }

    @Override
    public String toString() {
        return aToB.from() + "<>" + aToB.to();
    }
}
