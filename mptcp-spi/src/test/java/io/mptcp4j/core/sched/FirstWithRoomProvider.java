package io.mptcp4j.core.sched;

/**
 * A third-party scheduler as an application would write one: every chunk on the first subflow opened that has
 * room. Registered for the tests in {@code META-INF/services/io.mptcp4j.core.sched.PacketSchedulerProvider}.
 */
public final class FirstWithRoomProvider implements PacketSchedulerProvider {

    static final String NAME = "first-with-room";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public PacketScheduler newScheduler() {
        return new FirstWithRoom();
    }

    /** The scheduler itself. */
    static final class FirstWithRoom implements PacketScheduler {
        @Override
        public SubflowView selectForData(SchedulingContext context) {
            for (SubflowView s : context.subflows()) {
                if (s.sendableBytes() > 0) {
                    return s;
                }
            }
            return null;
        }

        @Override
        public String toString() {
            return NAME;
        }
    }
}
