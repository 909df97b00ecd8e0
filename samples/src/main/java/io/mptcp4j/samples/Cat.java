package io.mptcp4j.samples;

import io.mptcp4j.core.mptcp.MptcpState;
import io.mptcp4j.core.mptcp.MptcpStatistics.Counter;
import io.mptcp4j.core.mptcp.MptcpStatistics;
import io.mptcp4j.core.mptcp.SendLimit;
import io.mptcp4j.core.pm.PathManagers;
import io.mptcp4j.core.pm.RemoteAddress;
import io.mptcp4j.driver.MptcpServerSocket;
import io.mptcp4j.driver.MptcpSocket;
import io.mptcp4j.driver.MptcpSocketInfo;
import io.mptcp4j.driver.UserspaceMptcp;
import io.mptcp4j.io.linux.InsufficientPrivilegesException;
import io.mptcp4j.io.linux.NetworkNamespace;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code mptcp cat}: netcat over mptcp4j's userspace MPTCP. One connection, accepted ({@code --listen}) or opened
 * ({@code --connect}); standard input goes to it (a DATA_FIN at its end), what arrives goes to standard output.
 *
 * <p>Several paths: every {@code --bind} address is a local address of the stack (on the connecting side the first
 * of the remote's family is the initial subflow's source); the path manager ({@code --path-manager}, RFC 8684
 * section 3.4) opens more subflows from the connecting side ({@code fullmesh}, {@code ndiffports}) or announces the
 * listening side's other addresses ({@code announce}, {@code --announce}); {@code --backup} addresses carry data
 * only when no other subflow works (section 3.3.8).
 *
 * <p>Exit status 0 only when both streams ended and the connection closed cleanly (our DATA_FIN acknowledged, the
 * peer's received, no reset); 1 with a message otherwise (refused, reset, timeout, no privileges); 2 for bad
 * arguments. {@code --stats} prints one JSON line on standard error at the end: every subflow the connection had
 * and the stack's join and address counters.
 */
final class Cat implements Mptcp.Command {

    static final String USAGE = "usage: mptcp cat (--listen ADDR:PORT | --connect HOST:PORT) [--bind ADDR[,ADDR...]]"
            + " [--path-manager " + String.join("|", PathManagers.NAMES) + "] [--max-subflows N]"
            + " [--announce ADDR[,ADDR...]] [--backup ADDR[,ADDR...]] [--scheduler NAME] [--cc NAME]"
            + " [--timeout SECONDS] [--checksum] [--stats]";
    /** Options with a value. */
    static final Set<String> OPTIONS = Options.union(Set.of("listen", "connect", "timeout"), StackOptions.OPTIONS);
    /** Options without a value. */
    static final Set<String> FLAGS = Options.union(Set.of("stats"), StackOptions.FLAGS);
    /** How long the closing handshake may take once both streams ended. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(30);

    @Override
    public String name() {
        return "cat";
    }

    @Override
    public String summary() {
        return "netcat over userspace MPTCP: --listen ADDR:PORT or --connect HOST:PORT (needs root)";
    }

    @Override
    public int run(List<String> args) throws Exception {
        Settings settings = Settings.parse(args);
        return transfer(settings, null, System.in, System.out, System.err);
    }

    /**
     * What the command line asked for. {@code timeout} null: none. {@code pathManager} is the name in effect (see
     * {@link PathManagers}); {@code maxSubflows} counts the initial subflow and is also ndiffports' N.
     */
    record Settings(InetSocketAddress listen, InetSocketAddress connect, List<InetAddress> bind, boolean checksum,
                    boolean stats, Duration timeout, String pathManager, int maxSubflows,
                    List<InetAddress> announce, List<InetAddress> backup, String scheduler, String congestion) {

        static Settings parse(List<String> args) throws Mptcp.UsageException {
            Options o = Options.parse("cat", args, OPTIONS, FLAGS);
            if (o.flag("listen") == o.flag("connect")) {
                throw new Mptcp.UsageException("give exactly one of --listen ADDR:PORT and --connect HOST:PORT; "
                        + USAGE);
            }
            InetSocketAddress listen = o.flag("listen") ? endpoint("listen", o.text("listen", null), true) : null;
            InetSocketAddress connect = o.flag("connect") ? endpoint("connect", o.text("connect", null), false)
                    : null;
            StackOptions.Stack stack = StackOptions.parse(o, listen, connect == null ? null : connect.getAddress());
            Duration timeout = o.flag("timeout")
                    ? Duration.ofSeconds(o.integer("timeout", 0, 1, 86_400)) : null;
            return new Settings(listen, connect, stack.bind(), stack.checksum(), o.flag("stats"), timeout,
                    stack.pathManager(), stack.maxSubflows(), stack.announce(), stack.backup(), stack.scheduler(),
                    stack.congestion());
        }

        /** The stack options among these settings. */
        StackOptions.Stack stack() {
            return new StackOptions.Stack(bind, checksum, pathManager, maxSubflows, announce, backup, scheduler,
                    congestion);
        }

        /** {@code ADDR:PORT} or {@code [IPV6]:PORT}; for --listen, {@code :PORT} means every address. */
        private static InetSocketAddress endpoint(String option, String value, boolean listening)
                throws Mptcp.UsageException {
            int colon = value.lastIndexOf(':');
            if (colon < 0) {
                throw new Mptcp.UsageException("--" + option + " must be ADDR:PORT, got '" + value + "'");
            }
            String host = value.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            } else if (host.contains(":")) {
                throw new Mptcp.UsageException("--" + option + ": write IPv6 addresses as [ADDR]:PORT, got '"
                        + value + "'");
            }
            int port;
            try {
                port = Integer.parseInt(value.substring(colon + 1));
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < (listening ? 0 : 1) || port > 0xFFFF) {
                throw new Mptcp.UsageException("--" + option + ": bad port in '" + value + "'");
            }
            if (host.isEmpty()) {
                if (!listening) {
                    throw new Mptcp.UsageException("--" + option + " needs a host, got '" + value + "'");
                }
                host = "0.0.0.0";
            }
            InetAddress address;
            if (listening) {
                address = StackOptions.literal(option, host);
            } else {
                try {
                    address = InetAddress.getByName(host);
                } catch (UnknownHostException e) {
                    throw new Mptcp.UsageException("--" + option + ": unknown host '" + host + "'");
                }
            }
            return new InetSocketAddress(address, port);
        }
    }

    /**
     * Runs one connection with the raw sockets in {@code namespace} (null: the current one), copying {@code in} to
     * it and it to {@code out}; messages and {@code --stats} go to {@code err}.
     *
     * @return the exit status: 0 when everything was delivered and the connection closed cleanly, 1 otherwise
     * @throws InsufficientPrivilegesException without root or CAP_NET_RAW
     */
    static int transfer(Settings s, NetworkNamespace namespace, InputStream in, OutputStream out, PrintStream err)
            throws IOException {
        try {
            return transferOrThrow(s, namespace, in, out, err);
        } catch (InsufficientPrivilegesException e) {
            throw e;
        } catch (SocketTimeoutException e) {
            err.println("mptcp cat: timed out: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("mptcp cat: " + e.getMessage());
            return 1;
        }
    }

    private static int transferOrThrow(Settings s, NetworkNamespace namespace, InputStream in, OutputStream out,
                                       PrintStream err) throws IOException {
        List<InetAddress> locals = UserspaceStacks.localAddresses(s.bind(), s.listen(), s.connect(), namespace);
        SubflowLog log = new SubflowLog();
        try (UserspaceMptcp mptcp = UserspaceStacks.open(s.stack(), locals, namespace, log)) {
            MptcpSocket socket;
            if (s.listen() != null) {
                InetAddress at = s.listen().getAddress().isAnyLocalAddress() ? null : s.listen().getAddress();
                try (MptcpServerSocket server = mptcp.listen(at, s.listen().getPort(), 1)) {
                    socket = server.accept(s.timeout());
                }
            } else {
                // the initial subflow starts from the first --bind address of the remote's family (or the routed
                // source); the others are joined from
                socket = mptcp.connect(StackOptions.source(locals, s.connect().getAddress()), s.connect(),
                        s.timeout());
            }
            try {
                return exchange(socket, in, out, err, s.stats() ? new Stats(s.pathManager(), log, mptcp) : null);
            } finally {
                socket.abort(); // a no-op after a clean close; otherwise the peer learns at once
            }
        }
    }

    /** What {@code --stats} reports from: the path manager in effect, the subflow record, the stack's counters. */
    private record Stats(String pathManager, SubflowLog log, UserspaceMptcp mptcp) {
    }

    private static int exchange(MptcpSocket socket, InputStream in, OutputStream out, PrintStream err,
                                Stats stats) throws IOException {
        AtomicReference<IOException> sendFailure = new AtomicReference<>();
        Thread sender = new Thread(() -> {
            byte[] chunk = new byte[64 * 1024];
            try {
                int n;
                while ((n = in.read(chunk)) >= 0) {
                    socket.write(ByteBuffer.wrap(chunk, 0, n));
                }
                socket.shutdownOutput();
            } catch (IOException e) {
                sendFailure.set(e);
            }
        }, "mptcp-cat-stdin");
        sender.setDaemon(true); // standard input may never end when the connection fails
        sender.start();

        long received = 0;
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        int n;
        while ((n = socket.read(buffer.clear())) >= 0) {
            out.write(buffer.array(), 0, n);
            received += n;
        }
        out.flush();
        try {
            sender.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted");
        }
        if (sendFailure.get() != null) {
            throw sendFailure.get();
        }
        MptcpSocketInfo before = socket.info();
        socket.close();
        MptcpSocketInfo after = UserspaceStacks.awaitClosed(socket, CLOSE_WAIT);
        if (stats != null) {
            err.println(json(before, received, stats.pathManager(),
                    stats.log().rows(socket.localAddress(), socket.remoteAddress(), before),
                    stats.log().announced(socket.localAddress(), socket.remoteAddress()),
                    stats.mptcp().statistics()));
        }
        if (after.error() != null) {
            err.println("mptcp cat: " + after.error().getMessage());
            return 1;
        }
        if (after.state() != MptcpState.CLOSED) {
            err.println("mptcp cat: the connection did not close within " + CLOSE_WAIT.toSeconds() + " s (state "
                    + after.state() + ", " + (after.bytesWritten() - after.bytesAcked()) + " bytes unacknowledged)");
            return 1;
        }
        return 0;
    }

    /** The join and address counters {@code --stats} reports (RFC 8684 sections 3.2, 3.3.8, 3.4). */
    static final List<Counter> COUNTERS = List.of(Counter.MP_JOIN_SYN_TX, Counter.MP_JOIN_SYN_RX,
            Counter.MP_JOIN_SYNACK_RX, Counter.MP_JOIN_ACK_RX, Counter.MP_JOIN_REJECTED, Counter.MP_JOIN_NO_TOKEN,
            Counter.MP_JOIN_SYNACK_HMAC_FAILURE, Counter.MP_JOIN_ACK_HMAC_FAILURE, Counter.ADD_ADDR_RX,
            Counter.ADD_ADDR_TX, Counter.ECHO_ADD_RX, Counter.ECHO_ADD_TX, Counter.ADD_ADDR_DROP, Counter.RM_ADDR_RX,
            Counter.RM_ADDR_TX, Counter.RM_SUBFLOW, Counter.MP_PRIO_TX, Counter.MP_PRIO_RX, Counter.SUBFLOW_STALE,
            Counter.SUBFLOW_RECOVER, Counter.SUBFLOW_LINK_DOWN, Counter.RETRANSMISSIONS);

    /**
     * The --stats line: the connection, every subflow it had ({@code rows}, see {@link SubflowLog.Row}), the
     * addresses the peer announced and the stack's {@link #COUNTERS} by their {@code nstat} names.
     */
    static String json(MptcpSocketInfo info, long received, String pathManager, List<SubflowLog.Row> rows,
                       List<RemoteAddress> announced, MptcpStatistics counters) {
        StringBuilder b = new StringBuilder("{\"mptcp\":").append(!info.fallback())
                .append(",\"fallback\":").append(info.fallback())
                .append(",\"checksum\":").append(info.checksums())
                .append(",\"path_manager\":\"").append(pathManager).append('"')
                .append(",\"subflows_established\":").append(info.subflowsEstablished())
                .append(",\"bytes_sent\":").append(info.bytesWritten())
                .append(",\"bytes_received\":").append(received)
                .append(",\"send_limited_ms\":{");
        String sep = "";
        for (SendLimit l : SendLimit.values()) {
            b.append(sep).append('"').append(l.name().toLowerCase(Locale.ROOT)).append("\":")
                    .append(info.sendLimitedNanos().getOrDefault(l, 0L) / 1_000_000);
            sep = ",";
        }
        b.append("},\"subflows\":[");
        sep = "";
        for (SubflowLog.Row r : rows) {
            b.append(sep).append("{\"local\":\"").append(address(r.local()))
                    .append("\",\"remote\":\"").append(address(r.remote()))
                    .append("\",\"local_id\":").append(r.localId())
                    .append(",\"remote_id\":").append(r.remoteId())
                    .append(",\"initial\":").append(r.initial())
                    .append(",\"backup\":").append(r.backup())
                    .append(",\"state\":").append(quoted(r.state()))
                    .append(",\"up_ms\":").append(r.upMillis())
                    .append(",\"down_ms\":").append(r.downMillis())
                    .append(",\"down_reason\":").append(quoted(r.downReason()))
                    .append(",\"bytes_sent\":").append(r.bytesSent())
                    .append(",\"bytes_received\":").append(r.bytesReceived()).append('}');
            sep = ",";
        }
        b.append("],\"peer_addresses\":[");
        sep = "";
        for (RemoteAddress a : announced) {
            b.append(sep).append("{\"id\":").append(a.id()).append(",\"address\":\"")
                    .append(address(a.address())).append("\"}");
            sep = ",";
        }
        b.append("],\"counters\":{");
        sep = "";
        for (Counter c : COUNTERS) {
            b.append(sep).append('"').append(c.mibName()).append("\":").append(counters.get(c));
            sep = ",";
        }
        return b.append("}}").toString();
    }

    private static String quoted(String text) {
        return text == null ? "null" : "\"" + text + "\"";
    }

    /** {@code ADDR:PORT}, IPv6 as {@code [ADDR]:PORT}. */
    static String address(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }
}
