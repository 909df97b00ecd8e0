package io.mptcp4j.lab;

import io.mptcp4j.io.linux.AddressFamily;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Fluent configuration of a {@link NamespaceLab}; {@link #build()} creates it. Nothing touches the system
 * before {@code build()}, and a failing {@code build()} removes whatever it had created.
 *
 * <pre>{@code
 * try (NamespaceLab lab = NamespaceLab.builder()
 *         .paths(2)
 *         .shapeAll(Shaping.megabits(50))
 *         .mptcpLimits(2, 2)
 *         .endpoint(Host.CLIENT, 1, EndpointFlag.SUBFLOW)
 *         .build()) {
 *     ...
 * }
 * }</pre>
 */
public final class NamespaceLabBuilder {

    record ShapingKey(int path, Direction direction) {
    }

    record Limits(int subflows, int addAddrAccepted) {
    }

    record Endpoint(Host host, int path, AddressFamily family, EnumSet<EndpointFlag> flags) {
    }

    record Sysctl(Host host, String key, String value) {
    }

    int paths = 1;
    boolean ipv6 = true;
    boolean offloadsOff = true;
    Duration commandTimeout = CommandRunner.DEFAULT_TIMEOUT;
    final Map<ShapingKey, Shaping> shaping = new LinkedHashMap<>();
    final Map<Host, Limits> limits = new EnumMap<>(Host.class);
    final List<Endpoint> endpoints = new ArrayList<>();
    final Map<Host, Boolean> checksum = new EnumMap<>(Host.class);
    final List<Sysctl> sysctls = new ArrayList<>();

    NamespaceLabBuilder() {
    }

    /** Number of paths (veth pairs), 1 by default. */
    public NamespaceLabBuilder paths(int count) {
        if (count < 1 || count > LabPath.MAX_PATHS) {
            throw new IllegalArgumentException("paths must be 1.." + LabPath.MAX_PATHS + ", got " + count);
        }
        this.paths = count;
        return this;
    }

    /** Whether to add the IPv6 addresses (on by default). */
    public NamespaceLabBuilder ipv6(boolean enabled) {
        this.ipv6 = enabled;
        return this;
    }

    /**
     * Whether to switch off checksum offload, TSO, GSO and GRO on every veth (on by default). A raw-socket
     * stack needs them off: otherwise it sees unfinished checksums and merged segments. Kernel-only
     * baselines may keep them.
     */
    public NamespaceLabBuilder offloadsOff(boolean off) {
        this.offloadsOff = off;
        return this;
    }

    /** Rate-limits one direction of one path. */
    public NamespaceLabBuilder shaping(int path, Direction direction, Shaping rate) {
        shaping.put(new ShapingKey(path, Objects.requireNonNull(direction)), Objects.requireNonNull(rate));
        return this;
    }

    /** Rate-limits both directions of one path. */
    public NamespaceLabBuilder shaping(int path, Shaping rate) {
        for (Direction d : Direction.values()) {
            shaping(path, d, rate);
        }
        return this;
    }

    /** Rate-limits both directions of every path (for the paths set so far and any set later). */
    public NamespaceLabBuilder shapeAll(Shaping rate) {
        shaping.put(new ShapingKey(-1, Direction.CLIENT_TO_SERVER), Objects.requireNonNull(rate));
        shaping.put(new ShapingKey(-1, Direction.SERVER_TO_CLIENT), rate);
        return this;
    }

    /** {@code ip mptcp limits set subflows S add_addr_accepted A} on {@code host}. */
    public NamespaceLabBuilder mptcpLimits(Host host, int subflows, int addAddrAccepted) {
        limits.put(Objects.requireNonNull(host), new Limits(subflows, addAddrAccepted));
        return this;
    }

    /** The same limits on both hosts. */
    public NamespaceLabBuilder mptcpLimits(int subflows, int addAddrAccepted) {
        for (Host h : Host.values()) {
            mptcpLimits(h, subflows, addAddrAccepted);
        }
        return this;
    }

    /** An IPv4 path-manager endpoint for {@code host}'s address on {@code path}. */
    public NamespaceLabBuilder endpoint(Host host, int path, EndpointFlag first, EndpointFlag... more) {
        return endpoint(host, path, AddressFamily.IPV4, first, more);
    }

    /**
     * A path-manager endpoint: {@code ip mptcp endpoint add ADDR dev veth<path> id ID FLAGS}, with id
     * {@code path + 1} for IPv4 and {@code path + 129} for IPv6 (id 0 is the kernel's for the initial
     * subflow).
     */
    public NamespaceLabBuilder endpoint(Host host, int path, AddressFamily family, EndpointFlag first,
                                        EndpointFlag... more) {
        endpoints.add(new Endpoint(Objects.requireNonNull(host), path, Objects.requireNonNull(family),
                EnumSet.of(first, more)));
        return this;
    }

    /** {@code net.mptcp.checksum_enabled} on {@code host}. */
    public NamespaceLabBuilder checksum(Host host, boolean enabled) {
        checksum.put(Objects.requireNonNull(host), enabled);
        return this;
    }

    /** {@code net.mptcp.checksum_enabled} on both hosts. */
    public NamespaceLabBuilder checksum(boolean enabled) {
        for (Host h : Host.values()) {
            checksum(h, enabled);
        }
        return this;
    }

    /** Any sysctl under {@code /proc/sys} in {@code host}'s namespace, e.g. {@code net.ipv4.tcp_congestion_control}. */
    public NamespaceLabBuilder sysctl(Host host, String key, String value) {
        sysctls.add(new Sysctl(Objects.requireNonNull(host), Objects.requireNonNull(key),
                Objects.requireNonNull(value)));
        return this;
    }

    /** Timeout for each setup command (30 s by default). */
    public NamespaceLabBuilder commandTimeout(Duration timeout) {
        this.commandTimeout = Objects.requireNonNull(timeout);
        return this;
    }

    /**
     * Creates the namespaces, veths, addresses and settings. On failure everything created is removed again
     * and the exception says which command failed. Stale labs of dead JVMs are removed first.
     */
    public NamespaceLab build() throws IOException {
        validate();
        return NamespaceLab.create(this);
    }

    /** The shaping for {@code path} and {@code direction}, if any. */
    Shaping shapingFor(int path, Direction direction) {
        Shaping specific = shaping.get(new ShapingKey(path, direction));
        return specific != null ? specific : shaping.get(new ShapingKey(-1, direction));
    }

    private void validate() {
        for (ShapingKey key : shaping.keySet()) {
            checkPath(key.path() == -1 ? 0 : key.path());
        }
        for (Endpoint e : endpoints) {
            checkPath(e.path());
            if (e.family() == AddressFamily.IPV6 && !ipv6) {
                throw new IllegalStateException("IPv6 endpoint on path " + e.path() + " but IPv6 is off");
            }
            if (NamespaceLab.endpointId(e.path(), e.family()) > 255) {
                throw new IllegalArgumentException("no endpoint id left for path " + e.path());
            }
        }
    }

    private void checkPath(int path) {
        if (path < 0 || path >= paths) {
            throw new IllegalArgumentException("path " + path + " not in 0.." + (paths - 1));
        }
    }
}
