package io.mptcp4j.lab;

import io.mptcp4j.io.linux.AddressFamily;
import io.mptcp4j.io.linux.NetworkNamespace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Two hosts in network namespaces joined by N veth paths, for interop tests, the demo and the perf tool.
 *
 * <p>Host {@link Host#CLIENT} lives in namespace {@code m4j-<pid>-<start>-<rnd>-cli}, {@link Host#SERVER} in
 * {@code ...-srv}; see {@link LabPath} for interface names and addresses. Veths are created directly inside
 * the namespaces, so labs never clash with each other or with the root namespace. Build one with
 * {@link #builder()}.
 *
 * <p>{@link #close()} deletes both namespaces (the veths go with them); it is idempotent and also runs from a
 * JVM shutdown hook for labs left open. Namespaces of labs whose JVM died are deleted when the next lab is
 * built. Commands print nothing; failures throw {@link CommandFailedException} with the command line and its
 * stderr.
 *
 * <p>External commands: {@code ip} (netns, link, addr, mptcp), {@code tc}, {@code ethtool}, {@code nstat}
 * (all from iproute2 except ethtool). Sysctls are written directly under {@code /proc/sys} from a thread
 * inside the namespace.
 */
public final class NamespaceLab implements AutoCloseable {

    private final String id;
    private final Map<Host, String> namespaceNames = new EnumMap<>(Host.class);
    private final List<LabPath> paths;
    private final Duration commandTimeout;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Path scratchDirectory;

    private NamespaceLab(NamespaceLabBuilder spec) throws IOException {
        this.id = LabNames.newLabId();
        for (Host h : Host.values()) {
            namespaceNames.put(h, LabNames.namespaceName(id, h));
        }
        List<LabPath> list = new ArrayList<>();
        for (int i = 0; i < spec.paths; i++) {
            list.add(LabPath.of(i));
        }
        this.paths = List.copyOf(list);
        this.commandTimeout = spec.commandTimeout;
        this.scratchDirectory = Files.createDirectories(LabNames.scratchDirectory(id));
    }

    /** A builder for a new lab. */
    public static NamespaceLabBuilder builder() {
        return new NamespaceLabBuilder();
    }

    /** Builds the lab described by {@code spec}, tearing everything down again if a step fails. */
    static NamespaceLab create(NamespaceLabBuilder spec) throws IOException {
        StaleLabCleaner.clean();
        NamespaceLab lab = new NamespaceLab(spec);
        LabRegistry.register(lab);
        try {
            lab.setUp(spec);
            return lab;
        } catch (IOException | RuntimeException | Error e) {
            try {
                lab.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /**
     * Deletes the namespaces of labs whose creating JVM no longer runs; returns how many. Labs of running
     * JVMs, this one included, are left alone.
     */
    public static int cleanStaleNamespaces() {
        return StaleLabCleaner.clean();
    }

    /** This lab's id, {@code <pid>-<start>-<random>}. */
    public String id() {
        return id;
    }

    /** The name of {@code host}'s namespace (for {@code ip netns exec}). */
    public String namespaceName(Host host) {
        return namespaceNames.get(host);
    }

    /** {@code host}'s namespace. */
    public NetworkNamespace namespace(Host host) {
        return NetworkNamespace.named(namespaceName(host));
    }

    /** Number of paths. */
    public int pathCount() {
        return paths.size();
    }

    /** Path {@code index}. */
    public LabPath path(int index) {
        return paths.get(index);
    }

    /** All paths, in order. */
    public List<LabPath> paths() {
        return paths;
    }

    /** Runs {@code task} on a fresh thread inside {@code host}'s namespace (see {@link NetworkNamespace#call}). */
    public <T, E extends Exception> T inNamespace(Host host, NetworkNamespace.Task<T, E> task)
            throws E, IOException {
        return namespace(host).call(task);
    }

    /** Runs {@code command} in {@code host}'s namespace with a 30 s timeout; returns however it ended. */
    public ExecResult exec(Host host, String... command) throws CommandFailedException {
        return exec(host, CommandRunner.DEFAULT_TIMEOUT, Arrays.asList(command));
    }

    /**
     * Runs {@code command} in {@code host}'s namespace ({@code ip netns exec NS command...}); returns its exit
     * status and output. Throws {@link CommandFailedException} only if it cannot start or outlives
     * {@code timeout} (it is then killed).
     */
    public ExecResult exec(Host host, Duration timeout, List<String> command) throws CommandFailedException {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespaceName(host)));
        full.addAll(command);
        return CommandRunner.run(full, Map.of(), timeout);
    }

    /**
     * Waits until every veth of the lab is operationally up on both hosts, as on a host whose network is up: the
     * kernel's link watch reports a new veth running some 0.6-0.8 s after it already carries traffic, and until
     * then a stack told by its link monitor treats the path as down.
     *
     * @throws IOException if they are not up within {@code timeout}
     */
    public NamespaceLab awaitLinksUp(Duration timeout) throws IOException {
        for (Host h : Host.values()) {
            try (io.mptcp4j.io.linux.LinkMonitor links = io.mptcp4j.io.linux.LinkMonitor.open(namespace(h), null)) {
                long end = System.nanoTime() + timeout.toNanos();
                while (!links.links().stream().filter(l -> l.name().startsWith("veth"))
                        .allMatch(io.mptcp4j.io.linux.LinkMonitor.Link::usable)) {
                    if (System.nanoTime() > end) {
                        throw new IOException("the lab's links never came up: " + links.links());
                    }
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new java.io.InterruptedIOException("interrupted waiting for the lab's links");
                    }
                }
            }
        }
        return this;
    }

    /** Sets both ends of {@code path} administratively up or down. */
    public void setLinkUp(int path, boolean up) throws IOException {
        for (Host h : Host.values()) {
            ip(h, "link", "set", path(path).interfaceName(), up ? "up" : "down");
        }
    }

    /** Takes both ends of {@code path} down. */
    public void linkDown(int path) throws IOException {
        setLinkUp(path, false);
    }

    /** Brings both ends of {@code path} up. */
    public void linkUp(int path) throws IOException {
        setLinkUp(path, true);
    }

    /** Installs or replaces the rate limit on one direction of {@code path}. */
    public void setShaping(int path, Direction direction, Shaping shaping) throws IOException {
        List<String> command = new ArrayList<>(List.of("tc", "-n", namespaceName(direction.sender()), "qdisc",
                "replace", "dev", path(path).interfaceName(), "root", "tbf"));
        command.addAll(shaping.tcArguments());
        check(command);
    }

    /** Removes the rate limit on one direction of {@code path} (no-op if none). */
    public void clearShaping(int path, Direction direction) throws IOException {
        ExecResult result = CommandRunner.run(List.of("tc", "-n", namespaceName(direction.sender()), "qdisc",
                "del", "dev", path(path).interfaceName(), "root"), Map.of(), commandTimeout);
        if (!result.succeeded() && !result.stderr().contains("Cannot delete qdisc with handle of zero")
                && !result.stderr().contains("No such file or directory")) {
            result.requireSuccess();
        }
    }

    /** The counters of the rate limit on one direction of {@code path} ({@link QdiscCounters#NONE} without one). */
    public QdiscCounters shapingCounters(int path, Direction direction) throws IOException {
        ExecResult result = CommandRunner.run(List.of("tc", "-n", namespaceName(direction.sender()), "-s", "qdisc",
                "show", "dev", path(path).interfaceName()), Map.of(), commandTimeout);
        result.requireSuccess();
        return QdiscCounters.parse(result.stdout());
    }

    /** {@code ip mptcp limits set subflows S add_addr_accepted A} on {@code host}. */
    public void setMptcpLimits(Host host, int subflows, int addAddrAccepted) throws IOException {
        ip(host, "mptcp", "limits", "set", "subflows", Integer.toString(subflows), "add_addr_accepted",
                Integer.toString(addAddrAccepted));
    }

    /** Adds a path-manager endpoint for {@code host}'s address of {@code family} on {@code path}. */
    public void addEndpoint(Host host, int path, AddressFamily family, EndpointFlag... flags) throws IOException {
        LabPath p = path(path);
        List<String> args = new ArrayList<>(List.of("mptcp", "endpoint", "add",
                p.address(host, family).getHostAddress(), "dev", p.interfaceName(),
                "id", Integer.toString(endpointId(path, family))));
        for (EndpointFlag f : flags) {
            args.add(f.word());
        }
        ip(host, args.toArray(String[]::new));
    }

    /** Removes every path-manager endpoint of {@code host}. */
    public void flushEndpoints(Host host) throws IOException {
        ip(host, "mptcp", "endpoint", "flush");
    }

    /** {@code net.mptcp.checksum_enabled} on {@code host}. */
    public void setChecksum(Host host, boolean enabled) throws IOException {
        sysctl(host, "net.mptcp.checksum_enabled", enabled ? "1" : "0");
    }

    /** Writes a sysctl in {@code host}'s namespace (through {@code /proc/sys} from inside it). */
    public void sysctl(Host host, String key, String value) throws IOException {
        Path file = sysctlPath(key);
        try {
            inNamespace(host, () -> Files.writeString(file, value, StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new IOException("sysctl -w " + key + "=" + value + " in netns " + namespaceName(host)
                    + " failed: " + e, e);
        }
    }

    /** Reads a sysctl in {@code host}'s namespace. */
    public String readSysctl(Host host, String key) throws IOException {
        Path file = sysctlPath(key);
        return inNamespace(host, () -> Files.readString(file, StandardCharsets.US_ASCII)).strip();
    }

    /** The MPTCP counters of {@code host} (names starting with {@code MPTcp}, e.g. {@code MPTcpExtMPCapableSYNRX}). */
    public Map<String, Long> nstat(Host host) throws IOException {
        Map<String, Long> all = counters(host);
        Map<String, Long> mptcp = new LinkedHashMap<>();
        all.forEach((k, v) -> {
            if (k.startsWith("MPTcp")) {
                mptcp.put(k, v);
            }
        });
        return Collections.unmodifiableMap(mptcp);
    }

    /**
     * Every counter {@code nstat -a -s -z} reports in {@code host}'s namespace (absolute values, zeros
     * included), e.g. {@code TcpOutRsts}. The history file is private to this lab and never updated.
     */
    public Map<String, Long> counters(Host host) throws IOException {
        Path history = scratchDirectory.resolve("nstat-" + host.name().toLowerCase(java.util.Locale.ROOT));
        List<String> command = List.of("ip", "netns", "exec", namespaceName(host), "nstat", "-a", "-s", "-z");
        ExecResult result = CommandRunner.run(command, Map.of("NSTAT_HISTORY", history.toString()),
                commandTimeout).requireSuccess();
        Map<String, Long> counters = new LinkedHashMap<>();
        for (String line : result.stdout().split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] fields = line.trim().split("\\s+");
            if (fields.length >= 2) {
                try {
                    counters.put(fields[0], Long.parseLong(fields[1]));
                } catch (NumberFormatException ignored) {
                    // not a counter line
                }
            }
        }
        return Collections.unmodifiableMap(counters);
    }

    /** True once {@link #close()} ran. */
    public boolean isClosed() {
        return closed.get();
    }

    /**
     * Deletes both namespaces and with them the veths and qdiscs. Idempotent. Sockets still open inside keep
     * the kernel namespace alive until they close, but its name is gone at once.
     *
     * @throws UncheckedIOException if a namespace could not be deleted (after trying both)
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        IOException failure = null;
        for (Host h : Host.values()) {
            String name = namespaceName(h);
            if (!Files.exists(NetworkNamespace.NETNS_DIRECTORY.resolve(name))) {
                continue;
            }
            try {
                CommandRunner.check(List.of("ip", "netns", "delete", name));
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        deleteScratch();
        LabRegistry.unregister(this);
        if (failure != null) {
            throw new UncheckedIOException("could not delete lab " + id, failure);
        }
    }

    @Override
    public String toString() {
        return "NamespaceLab[" + id + ", " + paths.size() + " path(s)" + (isClosed() ? ", closed" : "") + "]";
    }

    /** Kernel endpoint id for {@code path}: 1+path for IPv4, 129+path for IPv6. */
    static int endpointId(int path, AddressFamily family) {
        return (family == AddressFamily.IPV4 ? 1 : 129) + path;
    }

    private void setUp(NamespaceLabBuilder spec) throws IOException {
        for (Host h : Host.values()) {
            check(List.of("ip", "netns", "add", namespaceName(h)));
        }
        for (Host h : Host.values()) {
            ip(h, "link", "set", "lo", "up");
            if (spec.ipv6) {
                // Keep static IPv6 addresses across link down/up, like IPv4 does.
                sysctl(h, "net.ipv6.conf.all.keep_addr_on_down", "1");
                // No duplicate address detection on the veths made below: their link-local addresses (which
                // neighbour discovery uses) are usable at once instead of tentative for about a second.
                sysctl(h, "net.ipv6.conf.default.accept_dad", "0");
            }
        }
        for (LabPath p : paths) {
            String dev = p.interfaceName();
            check(List.of("ip", "-n", namespaceName(Host.CLIENT), "link", "add", dev, "type", "veth", "peer",
                    "name", dev, "netns", namespaceName(Host.SERVER)));
            for (Host h : Host.values()) {
                ip(h, "addr", "add", p.v4(h).getHostAddress() + "/" + LabPath.V4_PREFIX, "dev", dev);
                if (spec.ipv6) {
                    ip(h, "addr", "add", p.v6(h).getHostAddress() + "/" + LabPath.V6_PREFIX, "dev", dev,
                            "nodad");
                }
                if (spec.offloadsOff) {
                    check(List.of("ip", "netns", "exec", namespaceName(h), "ethtool", "-K", dev,
                            "tx", "off", "rx", "off", "tso", "off", "gso", "off", "gro", "off"));
                }
                ip(h, "link", "set", dev, "up");
            }
            for (Direction d : Direction.values()) {
                Shaping s = spec.shapingFor(p.index(), d);
                if (s != null) {
                    setShaping(p.index(), d, s);
                }
            }
        }
        steerFlowsToOneCpu();
        for (var e : spec.limits.entrySet()) {
            setMptcpLimits(e.getKey(), e.getValue().subflows(), e.getValue().addAddrAccepted());
        }
        for (NamespaceLabBuilder.Endpoint e : spec.endpoints) {
            addEndpoint(e.host(), e.path(), e.family(), e.flags().toArray(EndpointFlag[]::new));
        }
        for (var e : spec.checksum.entrySet()) {
            setChecksum(e.getKey(), e.getValue());
        }
        for (NamespaceLabBuilder.Sysctl s : spec.sysctls) {
            sysctl(s.host(), s.key(), s.value());
        }
    }

    /**
     * Receive packet steering on every veth: a veth hands each frame to the receive queue of the CPU that sent
     * it, and a shaped path's frames are sent by whichever CPU happens to run the qdisc (a sender's system call or
     * the tbf's timer), so two CPUs could work on one flow's frames at once and deliver them out of order (seen as
     * DSACKs and spurious recoveries against our sender, not against the kernel's). With RPS a flow's frames are
     * processed on one CPU, chosen by its hash, as a multi-queue NIC's RSS does; links do not reorder.
     */
    private void steerFlowsToOneCpu() throws IOException {
        String mask = rpsMask(Runtime.getRuntime().availableProcessors());
        if (mask == null) {
            return;
        }
        for (Host h : Host.values()) {
            StringBuilder script = new StringBuilder();
            for (LabPath p : paths) {
                script.append("echo ").append(mask).append(" > /sys/class/net/").append(p.interfaceName())
                        .append("/queues/rx-0/rps_cpus && ");
            }
            script.append("true");
            // ip netns exec mounts the namespace's own /sys, where its veths are.
            check(List.of("ip", "netns", "exec", namespaceName(h), "sh", "-c", script.toString()));
        }
    }

    /** The rps_cpus mask of {@code cpus} CPUs (hex, a comma every 32 bits), or null for a single CPU. */
    static String rpsMask(int cpus) {
        if (cpus <= 1) {
            return null;
        }
        StringBuilder mask = new StringBuilder();
        for (int low = 0; low < cpus; low += 32) {
            int bits = Math.min(32, cpus - low);
            long word = bits == 32 ? 0xffff_ffffL : (1L << bits) - 1;
            String hex = Long.toHexString(word);
            mask.insert(0, low + 32 < cpus ? "," + "0".repeat(8 - hex.length()) + hex : hex);
        }
        return mask.toString();
    }

    private void ip(Host host, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("ip", "-n", namespaceName(host)));
        command.addAll(Arrays.asList(args));
        check(command);
    }

    private void check(List<String> command) throws IOException {
        CommandRunner.run(command, Map.of(), commandTimeout).requireSuccess();
    }

    private static Path sysctlPath(String key) {
        if (key.isEmpty() || key.contains("..") || key.startsWith(".") || key.contains("/")) {
            throw new IllegalArgumentException("bad sysctl key: " + key);
        }
        return Path.of("/proc/sys", key.replace('.', '/'));
    }

    private void deleteScratch() {
        StaleLabCleaner.deleteDirectory(scratchDirectory);
    }
}
