package io.mptcp4j.sim;

/** Something that happens at a virtual instant; ties are broken by the order of scheduling. */
abstract class SimEvent {

    long time;
    long sequence;

    /** Runs the event; the network's clock already reads {@link #time}. */
    abstract void fire();
}
