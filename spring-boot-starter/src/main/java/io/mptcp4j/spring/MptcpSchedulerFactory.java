package io.mptcp4j.spring;

import io.mptcp4j.core.sched.PacketScheduler;
import io.mptcp4j.core.sched.PacketSchedulers;
import io.mptcp4j.nio.MptcpConfigurationException;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Makes the {@link PacketScheduler} of each new MPTCP connection (one per connection: a scheduler may keep state),
 * under a name that listings and the actuator endpoint show.
 *
 * <p>The starter's default is {@link #named(String) named} by {@code mptcp.scheduler}. Declare a bean of this type
 * to use a scheduler of your own instead:
 *
 * <pre>{@code
 * @Bean
 * MptcpSchedulerFactory mptcpScheduler() {
 *     return MptcpSchedulerFactory.of("lowest-cwnd", LowestCwndScheduler::new);
 * }
 * }</pre>
 */
public interface MptcpSchedulerFactory {

    /** The scheduler's name. */
    String name();

    /** A new scheduler, for one connection. */
    PacketScheduler create();

    /**
     * The built-in scheduler, or one a {@link io.mptcp4j.core.sched.PacketSchedulerProvider} on the class path
     * offers, called {@code name} (ignoring case).
     *
     * @throws MptcpConfigurationException for an unknown name, listing the known ones (setting {@code mptcp.scheduler})
     */
    static MptcpSchedulerFactory named(String name) {
        Objects.requireNonNull(name, "name");
        ClassLoader loader = MptcpSchedulerFactory.class.getClassLoader();
        Supplier<PacketScheduler> factory;
        try {
            factory = PacketSchedulers.byName(name, loader);
        } catch (IllegalArgumentException e) {
            throw new MptcpConfigurationException(MptcpSettings.SCHEDULER, name, "unknown packet scheduler",
                    PacketSchedulers.names(loader));
        }
        return new Named(name, factory);
    }

    /** A scheduler of one's own: {@code factory} is called once per connection. */
    static MptcpSchedulerFactory of(String name, Supplier<? extends PacketScheduler> factory) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(factory, "factory");
        return new MptcpSchedulerFactory() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public PacketScheduler create() {
                return Objects.requireNonNull(factory.get(), () -> "scheduler factory " + name + " returned null");
            }

            @Override
            public String toString() {
                return "MptcpSchedulerFactory[" + name + "]";
            }
        };
    }

    /** A scheduler known by name to mptcp4j: the configuration refers to it by name. */
    final class Named implements MptcpSchedulerFactory {
        private final String name;
        private final Supplier<PacketScheduler> factory;

        private Named(String name, Supplier<PacketScheduler> factory) {
            this.name = name;
            this.factory = factory;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public PacketScheduler create() {
            return factory.get();
        }

        @Override
        public String toString() {
            return "MptcpSchedulerFactory[" + name + "]";
        }
    }
}
