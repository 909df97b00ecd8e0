package io.mptcp4j.samples;

import io.mptcp4j.core.pm.PathManagers;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * What {@code mptcp perf server} and {@code mptcp perf client} were asked for. The stack options are those of
 * {@code mptcp cat} ({@link StackOptions}) and checked the same way; with {@code --kernel} the kernel's MPTCP runs
 * the connection instead, and mptcp4j's options are refused rather than silently ignored.
 */
final class PerfSettings {

    /** iperf3's port. */
    static final int DEFAULT_PORT = 5201;
    static final double DEFAULT_SECONDS = 10;
    private static final String STACK_USAGE = "[--bind ADDR[,ADDR...]] [--path-manager "
            + String.join("|", PathManagers.NAMES) + "] [--max-subflows N] [--backup ADDR[,ADDR...]]"
            + " [--scheduler NAME] [--cc NAME] [--checksum]";
    static final String CLIENT_USAGE = "mptcp perf client HOST [--port N] [--time SECONDS | --bytes N[K|M|G]]"
            + " [--reverse] [--interval SECONDS] [--json FILE|-] [--kernel] " + STACK_USAGE;
    static final String SERVER_USAGE = "mptcp perf server [--port N] [--one-off] [--interval SECONDS]"
            + " [--json FILE|-] [--kernel] [--announce ADDR[,ADDR...]] " + STACK_USAGE;
    static final String USAGE = "usage:\n  " + SERVER_USAGE + "\n  " + CLIENT_USAGE;

    private static final Set<String> COMMON = Set.of("port", "interval", "json");
    private static final Set<String> CLIENT_OPTIONS = Options.union(COMMON, Set.of("time", "bytes"),
            StackOptions.OPTIONS);
    private static final Set<String> SERVER_OPTIONS = Options.union(COMMON, StackOptions.OPTIONS);
    private static final Set<String> CLIENT_FLAGS = Options.union(Set.of("reverse", "kernel"), StackOptions.FLAGS);
    private static final Set<String> SERVER_FLAGS = Options.union(Set.of("one-off", "kernel"), StackOptions.FLAGS);
    /** mptcp4j's own options, meaningless for the kernel's socket. */
    private static final List<String> USERSPACE_ONLY = List.of("path-manager", "max-subflows", "announce", "backup",
            "scheduler", "cc", "checksum");

    private static final InetAddress ANY_IPV4 = anyIpv4();

    private PerfSettings() {
    }

    /**
     * {@code mptcp perf client}.
     *
     * @param json     where the JSON result goes: a file, {@code -} for standard output, or null for nowhere
     * @param stack    mptcp4j's options; with {@code kernel} only its {@code bind} counts (the source address)
     */
    record Client(InetAddress host, int port, PerfProtocol.Limit limit, boolean reverse, boolean kernel,
                  StackOptions.Stack stack, Duration interval, String json) {

        InetSocketAddress remote() {
            return new InetSocketAddress(host, port);
        }
    }

    /**
     * {@code mptcp perf server}: listens on every address of the stack (joins may come to any of them).
     *
     * @param oneOff whether to exit after one test (else it serves one test after the other until killed)
     * @param json   where each test's JSON result goes (a file is rewritten), {@code -} or null
     * @param stack  mptcp4j's options; with {@code kernel} only its {@code bind} counts (one address to listen on)
     */
    record Server(int port, boolean kernel, boolean oneOff, StackOptions.Stack stack, Duration interval,
                  String json) {

        /** Where mptcp4j listens: every IPv4 address (0.0.0.0), or every --bind address. */
        InetSocketAddress listenAddress() {
            return new InetSocketAddress(ANY_IPV4, port);
        }

        /** Where the kernel's socket listens: the --bind address, else every IPv4 address. */
        InetSocketAddress kernelListenAddress() {
            return stack.bind().isEmpty() ? listenAddress() : new InetSocketAddress(stack.bind().get(0), port);
        }
    }

    static Client client(List<String> args) throws Mptcp.UsageException {
        if (args.isEmpty() || args.get(0).startsWith("--")) {
            throw new Mptcp.UsageException("perf client needs the server's HOST first; usage: " + CLIENT_USAGE);
        }
        InetAddress host = host(args.get(0));
        Options o = Options.parse("perf client", args.subList(1, args.size()), CLIENT_OPTIONS, CLIENT_FLAGS);
        if (o.flag("time") && o.flag("bytes")) {
            throw new Mptcp.UsageException("give --time or --bytes, not both");
        }
        PerfProtocol.Limit limit = o.flag("bytes")
                ? PerfProtocol.Limit.ofBytes(o.byteCount("bytes", 0, 1, 1L << 50))
                : PerfProtocol.Limit.ofMillis(Math.round(1000 * o.decimal("time", DEFAULT_SECONDS, 0.1, 86_400)));
        boolean kernel = kernel(o);
        StackOptions.Stack stack = StackOptions.parse(o, null, host);
        return new Client(host, port(o), limit, o.flag("reverse"), kernel, stack, interval(o), json(o));
    }

    static Server server(List<String> args) throws Mptcp.UsageException {
        Options o = Options.parse("perf server", args, SERVER_OPTIONS, SERVER_FLAGS);
        int port = port(o);
        boolean kernel = kernel(o);
        // every address: the server listens where joins and announced addresses can reach it
        StackOptions.Stack stack = StackOptions.parse(o, new InetSocketAddress(ANY_IPV4, port), null);
        return new Server(port, kernel, o.flag("one-off"), stack, interval(o), json(o));
    }

    /**
     * Whether --kernel was given; then mptcp4j's own options are refused, and --bind takes one address (the
     * kernel's other addresses are its {@code ip mptcp endpoint}s).
     */
    private static boolean kernel(Options o) throws Mptcp.UsageException {
        if (!o.flag("kernel")) {
            return false;
        }
        for (String option : USERSPACE_ONLY) {
            if (o.flag(option)) {
                throw new Mptcp.UsageException("--" + option + " is for mptcp4j's stack; with --kernel the kernel's "
                        + "MPTCP settings apply (ip mptcp endpoint, ip mptcp limits, sysctl net.mptcp.*)");
            }
        }
        if (o.text("bind", "").contains(",")) {
            throw new Mptcp.UsageException("with --kernel, --bind takes one address; the kernel's other addresses "
                    + "are its endpoints (ip mptcp endpoint add ADDR subflow|signal)");
        }
        return true;
    }

    private static int port(Options o) throws Mptcp.UsageException {
        return o.integer("port", DEFAULT_PORT, 1, 0xFFFF);
    }

    private static Duration interval(Options o) throws Mptcp.UsageException {
        return Duration.ofMillis(Math.round(1000 * o.decimal("interval", 1, 0.1, 60)));
    }

    private static String json(Options o) throws Mptcp.UsageException {
        String json = o.text("json", null);
        if (json != null && json.isBlank()) {
            throw new Mptcp.UsageException("--json needs a file name, or - for standard output");
        }
        return json;
    }

    private static InetAddress anyIpv4() {
        try {
            return InetAddress.getByAddress(new byte[4]);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four bytes are an IPv4 address", e);
        }
    }

    /** An address literal ({@code [IPV6]} too) or a host name. */
    private static InetAddress host(String text) throws Mptcp.UsageException {
        String host = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        if (host.isEmpty()) {
            throw new Mptcp.UsageException("perf client needs the server's HOST first; usage: " + CLIENT_USAGE);
        }
        try {
            return InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new Mptcp.UsageException("unknown host '" + host + "'");
        }
    }
}
