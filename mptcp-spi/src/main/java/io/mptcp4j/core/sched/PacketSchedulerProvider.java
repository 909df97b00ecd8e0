package io.mptcp4j.core.sched;

/**
 * A packet scheduler that {@link PacketSchedulers} finds by name with {@link java.util.ServiceLoader}, so that
 * {@code PacketSchedulers.byName("mine")} (and every configuration or command line built on it) can select it.
 *
 * <p>Implement this interface in a public class with a public no-argument constructor and list the class, one
 * fully qualified name per line, in a resource file named
 * {@code META-INF/services/io.mptcp4j.core.sched.PacketSchedulerProvider} on the class path (or declare it with
 * {@code provides io.mptcp4j.core.sched.PacketSchedulerProvider with ...} in a module descriptor).
 */
public interface PacketSchedulerProvider {

    /**
     * The name the scheduler is selected by; case does not matter. Never blank, and not the name of a built-in
     * scheduler or of another provider.
     */
    String name();

    /** A new scheduler for one connection; called once per connection, so the scheduler may keep state. */
    PacketScheduler newScheduler();
}
