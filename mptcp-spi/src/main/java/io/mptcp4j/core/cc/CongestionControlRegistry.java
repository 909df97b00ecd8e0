package io.mptcp4j.core.cc;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Congestion control algorithms by name: the built-ins {@code "reno"}, {@code "cubic"} and the coupled
 * multipath algorithms {@code "lia"}, {@code "olia"} and {@code "balia"}, algorithms that {@link ServiceLoader}
 * finds on the class path, and algorithms registered in code.
 *
 * <p>Names are matched ignoring case. Each name is taken once: a second algorithm with a name already present
 * is refused, whether it comes from code or from a service provider, so that no jar on the class path can
 * silently replace an algorithm. The registry is safe to share between threads.
 */
public final class CongestionControlRegistry {

    /** The algorithm used when none is configured: CUBIC, as in Linux. */
    public static final String DEFAULT_ALGORITHM = "cubic";

    private final Map<String, CongestionControlAlgorithm> byKey = new ConcurrentSkipListMap<>();

    private CongestionControlRegistry() {
    }

    /** A registry with only the built-in algorithms. */
    public static CongestionControlRegistry builtIns() {
        CongestionControlRegistry registry = new CongestionControlRegistry();
        registry.register(Reno.ALGORITHM);
        registry.register(Cubic.ALGORITHM);
        registry.register(Lia.ALGORITHM);
        registry.register(Olia.ALGORITHM);
        registry.register(Balia.ALGORITHM);
        return registry;
    }

    /**
     * A registry with the built-ins and every {@link CongestionControlAlgorithm} provider visible to the
     * thread's context class loader.
     *
     * @throws IllegalArgumentException if a provider's name is blank or already taken
     * @throws java.util.ServiceConfigurationError if a provider cannot be loaded
     */
    public static CongestionControlRegistry discover() {
        return discover(Thread.currentThread().getContextClassLoader());
    }

    /**
     * A registry with the built-ins and every {@link CongestionControlAlgorithm} provider visible to
     * {@code loader}.
     *
     * @throws IllegalArgumentException if a provider's name is blank or already taken
     * @throws java.util.ServiceConfigurationError if a provider cannot be loaded
     */
    public static CongestionControlRegistry discover(ClassLoader loader) {
        CongestionControlRegistry registry = builtIns();
        for (CongestionControlAlgorithm algorithm : ServiceLoader.load(CongestionControlAlgorithm.class, loader)) {
            registry.register(algorithm);
        }
        return registry;
    }

    /**
     * Adds an algorithm.
     *
     * @return this registry
     * @throws IllegalArgumentException if the algorithm's name is blank or already taken (ignoring case)
     */
    public CongestionControlRegistry register(CongestionControlAlgorithm algorithm) {
        Objects.requireNonNull(algorithm, "algorithm");
        String name = Objects.requireNonNull(algorithm.name(), "algorithm name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("blank congestion control algorithm name: " + algorithm);
        }
        CongestionControlAlgorithm previous = byKey.putIfAbsent(key(name), algorithm);
        if (previous != null) {
            throw new IllegalArgumentException("congestion control algorithm '" + name + "' is already registered ("
                    + previous.getClass().getName() + ')');
        }
        return this;
    }

    /**
     * The algorithm called {@code name}, ignoring case.
     *
     * @throws IllegalArgumentException if there is none; the message lists the known names
     */
    public CongestionControlAlgorithm get(String name) {
        return find(name).orElseThrow(() -> new IllegalArgumentException(
                "unknown congestion control algorithm '" + name + "'; known: " + String.join(", ", names())));
    }

    /** The algorithm called {@code name}, ignoring case, if there is one. */
    public Optional<CongestionControlAlgorithm> find(String name) {
        Objects.requireNonNull(name, "name");
        return Optional.ofNullable(byKey.get(key(name)));
    }

    /** The algorithm named {@link #DEFAULT_ALGORITHM}. */
    public CongestionControlAlgorithm defaultAlgorithm() {
        return get(DEFAULT_ALGORITHM);
    }

    /** The registered names as the algorithms spell them, in alphabetical order ignoring case. */
    public List<String> names() {
        return byKey.values().stream().map(CongestionControlAlgorithm::name).toList();
    }

    private static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
