package io.mptcp4j.spring;

import io.mptcp4j.core.pm.PathManager;
import io.mptcp4j.core.pm.PathManagers;
import io.mptcp4j.nio.MptcpConfigurationException;
import java.net.InetAddress;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Makes the {@link PathManager} of each new MPTCP connection (one per connection), under a name that listings and
 * the actuator endpoint show.
 *
 * <p>The starter's default is {@link #named named} by {@code mptcp.path-manager}. Declare a bean of this type to
 * decide subflows and announcements yourself:
 *
 * <pre>{@code
 * @Bean
 * MptcpPathManagerFactory mptcpPathManager() {
 *     return MptcpPathManagerFactory.of("wifi-then-lte", WifiThenLtePathManager::new);
 * }
 * }</pre>
 */
public interface MptcpPathManagerFactory {

    /** The path manager's name. */
    String name();

    /** A new path manager, for one connection. */
    PathManager create();

    /**
     * A built-in path manager: {@code fullmesh}, {@code ndiffports}, {@code announce} or {@code none}.
     *
     * @param maxSubflows for {@code ndiffports}: the subflows on the initial address pair
     * @param announce    for {@code announce}: the addresses to announce (empty: every other local address)
     * @throws MptcpConfigurationException for an unknown name, listing the known ones (setting
     *                                     {@code mptcp.path-manager})
     */
    static MptcpPathManagerFactory named(String name, int maxSubflows, List<InetAddress> announce) {
        Objects.requireNonNull(name, "name");
        Supplier<PathManager> factory;
        try {
            factory = PathManagers.byName(name, maxSubflows, announce);
        } catch (IllegalArgumentException e) {
            throw new MptcpConfigurationException(MptcpSettings.PATH_MANAGER, name,
                    PathManagers.NAMES.contains(name) ? e.getMessage() : "unknown path manager", PathManagers.NAMES);
        }
        return new Named(name, factory);
    }

    /** A path manager of one's own: {@code factory} is called once per connection. */
    static MptcpPathManagerFactory of(String name, Supplier<? extends PathManager> factory) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(factory, "factory");
        return new MptcpPathManagerFactory() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public PathManager create() {
                return Objects.requireNonNull(factory.get(), () -> "path manager factory " + name + " returned null");
            }

            @Override
            public String toString() {
                return "MptcpPathManagerFactory[" + name + "]";
            }
        };
    }

    /** A path manager known by name to mptcp4j: the configuration refers to it by name. */
    final class Named implements MptcpPathManagerFactory {
        private final String name;
        private final Supplier<PathManager> factory;

        private Named(String name, Supplier<PathManager> factory) {
            this.name = name;
            this.factory = factory;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public PathManager create() {
            return factory.get();
        }

        @Override
        public String toString() {
            return "MptcpPathManagerFactory[" + name + "]";
        }
    }
}
