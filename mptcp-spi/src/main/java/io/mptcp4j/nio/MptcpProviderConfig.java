package io.mptcp4j.nio;

import io.mptcp4j.core.cc.CongestionControlAlgorithm;
import io.mptcp4j.core.cc.CongestionControlRegistry;
import io.mptcp4j.core.mptcp.MptcpConfig;
import io.mptcp4j.core.pm.PathManager;
import io.mptcp4j.core.pm.PathManagers;
import io.mptcp4j.core.sched.PacketScheduler;
import io.mptcp4j.core.sched.PacketSchedulers;
import io.mptcp4j.core.tcp.TcpConfig;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.function.Supplier;

/**
 * How an {@link MptcpSelectorProvider} sets up its stack and its connections. Immutable; made by {@link #builder()}
 * or read from system properties by {@link #fromProperties} (every key starts with {@code mptcp4j.}):
 *
 * <table>
 * <caption>System properties</caption>
 * <tr><th>key</th><th>meaning</th><th>default</th></tr>
 * <tr><td>{@code mptcp4j.addresses}</td><td>local addresses or interface names the stack uses, comma-separated</td>
 *     <td>every non-loopback address of the host</td></tr>
 * <tr><td>{@code mptcp4j.scheduler}</td><td>packet scheduler name</td><td>{@code minrtt}</td></tr>
 * <tr><td>{@code mptcp4j.congestion-control}</td><td>congestion control name</td><td>{@code cubic}</td></tr>
 * <tr><td>{@code mptcp4j.path-manager}</td><td>{@code fullmesh}, {@code ndiffports}, {@code announce},
 *     {@code none}</td><td>{@code fullmesh}</td></tr>
 * <tr><td>{@code mptcp4j.max-subflows}</td><td>subflows per connection, 1..64</td><td>8</td></tr>
 * <tr><td>{@code mptcp4j.announce}</td><td>addresses a server announces (ADD_ADDR)</td><td>none</td></tr>
 * <tr><td>{@code mptcp4j.checksum}</td><td>DSS checksums</td><td>false</td></tr>
 * <tr><td>{@code mptcp4j.exclude.loopback}</td><td>loopback through the platform</td><td>true</td></tr>
 * <tr><td>{@code mptcp4j.exclude.cidrs}</td><td>blocks through the platform</td><td>none</td></tr>
 * <tr><td>{@code mptcp4j.exclude.ports}</td><td>ports through the platform</td><td>none</td></tr>
 * <tr><td>{@code mptcp4j.namespace}</td><td>a named network namespace ({@code ip netns}) for the stack</td>
 *     <td>the JVM's</td></tr>
 * </table>
 */
public final class MptcpProviderConfig {

    /** The prefix of every system property this class reads. */
    public static final String PREFIX = "mptcp4j.";

    private final List<String> localAddresses;
    private final String scheduler;
    private final Supplier<? extends PacketScheduler> schedulerFactory;
    private final String congestionControl;
    private final List<CongestionControlAlgorithm> algorithms;
    private final String pathManager;
    private final Supplier<? extends PathManager> pathManagerFactory;
    private final int maxSubflows;
    private final List<InetAddress> announce;
    private final boolean checksum;
    private final ExclusionPolicy exclusion;
    private final String namespace;

    private MptcpProviderConfig(Builder b) {
        this.namespace = b.namespace;
        this.localAddresses = List.copyOf(b.localAddresses);
        this.scheduler = b.scheduler;
        this.schedulerFactory = b.schedulerFactory;
        this.congestionControl = b.congestionControl;
        this.algorithms = List.copyOf(b.algorithms);
        this.pathManager = b.pathManager;
        this.pathManagerFactory = b.pathManagerFactory;
        this.maxSubflows = b.maxSubflows;
        this.announce = List.copyOf(b.announce);
        this.checksum = b.checksum;
        this.exclusion = b.exclusion;
    }

    /** The defaults: every non-loopback address, min-RTT, CUBIC, full mesh, 8 subflows, loopback excluded. */
    public static MptcpProviderConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The JVM's system properties read by {@link #fromProperties}. */
    public static MptcpProviderConfig fromSystemProperties() {
        return fromProperties(System.getProperties());
    }

    /**
     * The settings found in {@code properties} (keys in the table above), defaults for the others.
     *
     * @throws MptcpConfigurationException naming the first property that cannot be used
     */
    public static MptcpProviderConfig fromProperties(Properties properties) {
        Builder b = builder();
        String v;
        if ((v = get(properties, "addresses")) != null) {
            b.localAddresses(split(v));
        }
        if ((v = get(properties, "scheduler")) != null) {
            b.scheduler(v);
        }
        if ((v = get(properties, "congestion-control")) != null) {
            b.congestionControl(v);
        }
        if ((v = get(properties, "path-manager")) != null) {
            b.pathManager(v);
        }
        if ((v = get(properties, "max-subflows")) != null) {
            b.maxSubflows(parseInt("max-subflows", v));
        }
        if ((v = get(properties, "announce")) != null) {
            List<InetAddress> addresses = new ArrayList<>();
            for (String a : split(v)) {
                addresses.add(literal("announce", a));
            }
            b.announce(addresses);
        }
        if ((v = get(properties, "namespace")) != null) {
            b.namespace(v);
        }
        if ((v = get(properties, "checksum")) != null) {
            b.checksum(parseBoolean("checksum", v));
        }
        boolean loopback = true;
        List<String> cidrs = List.of();
        Set<Integer> ports = Set.of();
        if ((v = get(properties, "exclude.loopback")) != null) {
            loopback = parseBoolean("exclude.loopback", v);
        }
        if ((v = get(properties, "exclude.cidrs")) != null) {
            cidrs = split(v);
        }
        if ((v = get(properties, "exclude.ports")) != null) {
            Set<Integer> parsed = new LinkedHashSet<>();
            for (String p : split(v)) {
                parsed.add(parseInt("exclude.ports", p));
            }
            ports = parsed;
        }
        try {
            b.exclusion(ExclusionPolicy.of(loopback, cidrs, ports));
        } catch (IllegalArgumentException e) {
            throw new MptcpConfigurationException("exclude", cidrs + " " + ports, e.getMessage(), List.of());
        }
        return b.build();
    }

    /** Local addresses (literals) or interface names; empty: every non-loopback address of the host. */
    public List<String> localAddresses() {
        return localAddresses;
    }

    /** The scheduler's name (the factory's if one was given: "custom"). */
    public String scheduler() {
        return scheduler;
    }

    /** The congestion control algorithm's name. */
    public String congestionControl() {
        return congestionControl;
    }

    /** Algorithms added to the registry (beside the built-ins and those found by ServiceLoader). */
    public List<CongestionControlAlgorithm> congestionControlAlgorithms() {
        return algorithms;
    }

    /** The path manager's name ("custom" if a factory was given). */
    public String pathManager() {
        return pathManager;
    }

    public int maxSubflows() {
        return maxSubflows;
    }

    public List<InetAddress> announce() {
        return announce;
    }

    public boolean checksum() {
        return checksum;
    }

    public ExclusionPolicy exclusion() {
        return exclusion;
    }

    /** The named network namespace the stack works in, or null for the JVM's own. */
    public String namespace() {
        return namespace;
    }

    /** A registry with the built-ins, those found by ServiceLoader, and {@link #congestionControlAlgorithms()}. */
    public CongestionControlRegistry congestionControlRegistry() {
        CongestionControlRegistry registry = CongestionControlRegistry.discover();
        for (CongestionControlAlgorithm a : algorithms) {
            registry.register(a);
        }
        return registry;
    }

    /** The per-connection configuration these settings give, before any channel's own options. */
    public MptcpConfig connectionConfig() {
        return connectionConfig(scheduler, congestionControl, pathManager, maxSubflows, checksum);
    }

    /**
     * The per-connection configuration with a channel's own choices ({@link MptcpSocketOptions}); a name equal to
     * this configuration's keeps its factory (so a custom scheduler or path manager bean stays in use).
     *
     * @throws MptcpConfigurationException for an unknown name or a count out of range
     */
    MptcpConfig connectionConfig(String schedulerName, String ccName, String pmName, int subflows,
                                 boolean checksums) {
        Supplier<? extends PacketScheduler> sched = schedulerName.equals(scheduler) && schedulerFactory != null
                ? schedulerFactory : schedulerByName(schedulerName);
        Supplier<? extends PathManager> pm = pmName.equals(pathManager) && pathManagerFactory != null
                && subflows == maxSubflows ? pathManagerFactory : pathManagerByName(pmName, subflows, announce);
        checkCongestionControl(ccName, algorithms);
        checkSubflows(subflows);
        return MptcpConfig.builder()
                .scheduler(sched)
                .pathManager(pm)
                .maxSubflows(subflows)
                .checksums(checksums)
                .subflowConfig(TcpConfig.builder().congestionControl(ccName).build())
                .build();
    }

    @Override
    public String toString() {
        return "MptcpProviderConfig[addresses=" + (localAddresses.isEmpty() ? "all" : localAddresses)
                + ", scheduler=" + scheduler + ", cc=" + congestionControl + ", pm=" + pathManager
                + ", maxSubflows=" + maxSubflows + ", announce=" + announce + ", checksum=" + checksum
                + ", " + exclusion + (namespace != null ? ", namespace=" + namespace : "") + "]";
    }

    static Supplier<? extends PacketScheduler> schedulerByName(String name) {
        try {
            return PacketSchedulers.byName(name, MptcpProviderConfig.class.getClassLoader());
        } catch (IllegalArgumentException e) {
            throw new MptcpConfigurationException("scheduler", name, "unknown packet scheduler",
                    PacketSchedulers.names(MptcpProviderConfig.class.getClassLoader()));
        }
    }

    static Supplier<? extends PathManager> pathManagerByName(String name, int subflows, List<InetAddress> announce) {
        try {
            return PathManagers.byName(name, subflows, announce);
        } catch (IllegalArgumentException e) {
            throw new MptcpConfigurationException("path-manager", name,
                    PathManagers.NAMES.contains(name) ? e.getMessage() : "unknown path manager", PathManagers.NAMES);
        }
    }

    static void checkCongestionControl(String name, List<CongestionControlAlgorithm> extra) {
        for (CongestionControlAlgorithm a : extra) {
            if (a.name().equalsIgnoreCase(name)) {
                return;
            }
        }
        CongestionControlRegistry registry = CongestionControlRegistry.discover();
        if (registry.find(name).isEmpty()) {
            List<String> names = new ArrayList<>(registry.names());
            extra.forEach(a -> names.add(a.name()));
            throw new MptcpConfigurationException("congestion-control", name, "unknown congestion control", names);
        }
    }

    static void checkSubflows(int count) {
        if (count < 1 || count > MptcpConfig.MAX_SUBFLOWS) {
            throw new MptcpConfigurationException("max-subflows", Integer.toString(count),
                    "must be between 1 and " + MptcpConfig.MAX_SUBFLOWS, List.of());
        }
    }

    private static String get(Properties p, String key) {
        String v = p.getProperty(PREFIX + key);
        return v == null || v.isBlank() ? null : v.trim();
    }

    private static List<String> split(String v) {
        List<String> out = new ArrayList<>();
        for (String s : v.split(",")) {
            if (!s.isBlank()) {
                out.add(s.trim());
            }
        }
        return out;
    }

    private static int parseInt(String key, String v) {
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new MptcpConfigurationException(key, v, "not a whole number", List.of());
        }
    }

    private static boolean parseBoolean(String key, String v) {
        String s = v.trim().toLowerCase(Locale.ROOT);
        if (s.equals("true") || s.equals("false")) {
            return s.equals("true");
        }
        throw new MptcpConfigurationException(key, v, "not a boolean", List.of("true", "false"));
    }

    static InetAddress literal(String key, String text) {
        String s = text.trim();
        boolean looksLiteral = s.indexOf(':') >= 0 || (!s.isEmpty() && s.chars().allMatch(c -> c == '.'
                || Character.isDigit(c)));
        if (!looksLiteral) {
            throw new MptcpConfigurationException(key, text, "not an IP address", List.of());
        }
        try {
            return InetAddress.getByName(s); // a literal: no name lookup
        } catch (UnknownHostException e) {
            throw new MptcpConfigurationException(key, text, "not an IP address", List.of());
        }
    }

    /** Builds an {@link MptcpProviderConfig}; every setter checks its value at once. */
    public static final class Builder {
        private List<String> localAddresses = List.of();
        private String scheduler = PacketSchedulers.DEFAULT;
        private Supplier<? extends PacketScheduler> schedulerFactory;
        private String congestionControl = CongestionControlRegistry.DEFAULT_ALGORITHM;
        private final List<CongestionControlAlgorithm> algorithms = new ArrayList<>();
        private String pathManager = "fullmesh";
        private Supplier<? extends PathManager> pathManagerFactory;
        private int maxSubflows = 8;
        private List<InetAddress> announce = List.of();
        private boolean checksum;
        private ExclusionPolicy exclusion = ExclusionPolicy.defaults();
        private String namespace;

        private Builder() {
        }

        /**
         * Runs the stack (raw sockets, link monitor, address discovery) in the named network namespace
         * ({@code ip netns add NAME}) rather than the JVM's; for labs. Channels left to the platform stay in the
         * namespace of the thread that opens them.
         */
        public Builder namespace(String name) {
            if (name != null && (name.isBlank() || name.contains("/"))) {
                throw new MptcpConfigurationException("namespace", name, "not a namespace name", List.of());
            }
            this.namespace = name;
            return this;
        }

        /** Local addresses (IP literals) or interface names the stack uses; empty (default): all but loopback. */
        public Builder localAddresses(List<String> addressesOrInterfaces) {
            List<String> copy = new ArrayList<>();
            for (String s : addressesOrInterfaces) {
                if (s == null || s.isBlank()) {
                    throw new MptcpConfigurationException("addresses", String.valueOf(s), "empty entry", List.of());
                }
                copy.add(s.trim());
            }
            this.localAddresses = copy;
            return this;
        }

        /** The packet scheduler by name (built-in or from a ServiceLoader provider); default {@code minrtt}. */
        public Builder scheduler(String name) {
            schedulerByName(Objects.requireNonNull(name, "scheduler"));
            this.scheduler = name;
            this.schedulerFactory = null;
            return this;
        }

        /** A scheduler of one's own; {@code name} is how channels and listings refer to it. */
        public Builder scheduler(String name, Supplier<? extends PacketScheduler> factory) {
            this.scheduler = Objects.requireNonNull(name, "name");
            this.schedulerFactory = Objects.requireNonNull(factory, "factory");
            return this;
        }

        /** The congestion control algorithm by name; default {@code cubic}. */
        public Builder congestionControl(String name) {
            checkCongestionControl(Objects.requireNonNull(name, "congestion-control"), algorithms);
            this.congestionControl = name;
            return this;
        }

        /** Adds an algorithm of one's own to the registry and makes it the default. */
        public Builder congestionControl(CongestionControlAlgorithm algorithm) {
            algorithms.add(Objects.requireNonNull(algorithm, "algorithm"));
            this.congestionControl = algorithm.name();
            return this;
        }

        /** The path manager by name ({@code fullmesh}, {@code ndiffports}, {@code announce}, {@code none}). */
        public Builder pathManager(String name) {
            pathManagerByName(Objects.requireNonNull(name, "path-manager"), maxSubflows, announce);
            this.pathManager = name;
            this.pathManagerFactory = null;
            return this;
        }

        /** A path manager of one's own. */
        public Builder pathManager(String name, Supplier<? extends PathManager> factory) {
            this.pathManager = Objects.requireNonNull(name, "name");
            this.pathManagerFactory = Objects.requireNonNull(factory, "factory");
            return this;
        }

        /** Subflows per connection at most (for {@code ndiffports}: the subflows opened), 1..64; default 8. */
        public Builder maxSubflows(int count) {
            checkSubflows(count);
            this.maxSubflows = count;
            return this;
        }

        /** The addresses a server announces with ADD_ADDR (path manager {@code announce}). */
        public Builder announce(List<InetAddress> addresses) {
            this.announce = List.copyOf(addresses);
            return this;
        }

        /** DSS checksums (RFC 8684 section 3.3.1); default off. */
        public Builder checksum(boolean on) {
            this.checksum = on;
            return this;
        }

        /** Which destinations go through the platform; default {@link ExclusionPolicy#defaults()}. */
        public Builder exclusion(ExclusionPolicy policy) {
            this.exclusion = Objects.requireNonNull(policy, "exclusion");
            return this;
        }

        public MptcpProviderConfig build() {
            return new MptcpProviderConfig(this);
        }
    }
}
