package io.mptcp4j.core.sched;

/** A provider that tries to take a built-in's name; only {@link PacketSchedulersTest} lists it, in a temporary jar. */
public final class ClashingProvider implements PacketSchedulerProvider {

    @Override
    public String name() {
        return "ECF";
    }

    @Override
    public PacketScheduler newScheduler() {
        return new MinRttScheduler();
    }
}
