package io.mptcp4j.samples;

import io.mptcp4j.core.mptcp.MptcpConfig;
import io.mptcp4j.core.mptcp.MptcpState;
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
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code mptcp cat}: netcat over mptcp4j's userspace MPTCP. One connection, accepted ({@code --listen}) or opened
 * ({@code --connect}); standard input goes to it (a DATA_FIN at its end), what arrives goes to standard output.
 *
 * <p>Exit status 0 only when both streams ended and the connection closed cleanly (our DATA_FIN acknowledged, the
 * peer's received, no reset); 1 with a message otherwise (refused, reset, timeout, no privileges); 2 for bad
 * arguments. {@code --stats} prints one JSON line on standard error at the end.
 */
final class Cat implements Mptcp.Command {

    static final String USAGE = "usage: mptcp cat (--listen ADDR:PORT | --connect HOST:PORT) [--bind ADDR[,ADDR...]]"
            + " [--timeout SECONDS] [--checksum] [--stats]";
    /** Options with a value; later ones (--path-manager, --max-subflows, --scheduler, --cc) go here. */
    static final Set<String> OPTIONS = Set.of("listen", "connect", "bind", "timeout");
    /** Options without a value. */
    static final Set<String> FLAGS = Set.of("checksum", "stats");
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

    /** What the command line asked for. {@code timeout} null: none. */
    record Settings(InetSocketAddress listen, InetSocketAddress connect, List<InetAddress> bind, boolean checksum,
                    boolean stats, Duration timeout) {

        static Settings parse(List<String> args) throws Mptcp.UsageException {
            Options o = Options.parse("cat", args, OPTIONS, FLAGS);
            if (o.flag("listen") == o.flag("connect")) {
                throw new Mptcp.UsageException("give exactly one of --listen ADDR:PORT and --connect HOST:PORT; "
                        + USAGE);
            }
            InetSocketAddress listen = o.flag("listen") ? endpoint("listen", o.text("listen", null), true) : null;
            InetSocketAddress connect = o.flag("connect") ? endpoint("connect", o.text("connect", null), false)
                    : null;
            List<InetAddress> bind = new ArrayList<>();
            if (o.flag("bind")) {
                for (String a : o.text("bind", "").split(",", -1)) {
                    InetAddress address = literal("bind", a.strip());
                    if (address.isAnyLocalAddress()) {
                        throw new Mptcp.UsageException("--bind needs concrete addresses, got '" + a + "'");
                    }
                    if (!bind.contains(address)) {
                        bind.add(address);
                    }
                }
            }
            Duration timeout = o.flag("timeout")
                    ? Duration.ofSeconds(o.integer("timeout", 0, 1, 86_400)) : null;
            return new Settings(listen, connect, List.copyOf(bind), o.flag("checksum"), o.flag("stats"), timeout);
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
                address = literal(option, host);
            } else {
                try {
                    address = InetAddress.getByName(host);
                } catch (UnknownHostException e) {
                    throw new Mptcp.UsageException("--" + option + ": unknown host '" + host + "'");
                }
            }
            return new InetSocketAddress(address, port);
        }

        /** An IP address literal (no name lookup). */
        private static InetAddress literal(String option, String text) throws Mptcp.UsageException {
            if (text.isEmpty() || !(text.matches("[0-9.]+") || text.contains(":"))) {
                throw new Mptcp.UsageException("--" + option + " needs an IP address, got '" + text + "'");
            }
            try {
                return InetAddress.getByName(text);
            } catch (UnknownHostException e) {
                throw new Mptcp.UsageException("--" + option + " needs an IP address, got '" + text + "'");
            }
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
        UserspaceMptcp.Builder builder = UserspaceMptcp.builder()
                .config(MptcpConfig.builder().checksums(s.checksum()).build());
        if (namespace != null) {
            builder.namespace(namespace);
        }
        for (InetAddress a : localAddresses(s)) {
            builder.address(a);
        }
        try (UserspaceMptcp mptcp = builder.open()) {
            MptcpSocket socket;
            if (s.listen() != null) {
                InetAddress at = s.listen().getAddress().isAnyLocalAddress() ? null : s.listen().getAddress();
                try (MptcpServerSocket server = mptcp.listen(at, s.listen().getPort(), 1)) {
                    socket = server.accept(s.timeout());
                }
            } else {
                socket = mptcp.connect(s.connect(), s.timeout());
            }
            try {
                return exchange(socket, in, out, err, s.stats());
            } finally {
                socket.abort(); // a no-op after a clean close; otherwise the peer learns at once
            }
        }
    }

    private static int exchange(MptcpSocket socket, InputStream in, OutputStream out, PrintStream err,
                                boolean stats) throws IOException {
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
        MptcpSocketInfo after = awaitClosed(socket);
        if (stats) {
            err.println(json(before, received));
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

    private static MptcpSocketInfo awaitClosed(MptcpSocket socket) throws IOException {
        long end = System.nanoTime() + CLOSE_WAIT.toNanos();
        MptcpSocketInfo info = socket.info();
        while (info.state() != MptcpState.CLOSED && System.nanoTime() < end) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted");
            }
            info = socket.info();
        }
        return info;
    }

    /** The --stats line. */
    static String json(MptcpSocketInfo info, long received) {
        StringBuilder b = new StringBuilder("{\"mptcp\":").append(!info.fallback())
                .append(",\"fallback\":").append(info.fallback())
                .append(",\"checksum\":").append(info.checksums())
                .append(",\"subflows_established\":").append(info.subflowsEstablished())
                .append(",\"bytes_sent\":").append(info.bytesWritten())
                .append(",\"bytes_received\":").append(received)
                .append(",\"subflows\":[");
        String sep = "";
        for (MptcpSocketInfo.Subflow f : info.subflows()) {
            b.append(sep).append("{\"local\":\"").append(address(f.local()))
                    .append("\",\"remote\":\"").append(address(f.remote()))
                    .append("\",\"state\":\"").append(f.state())
                    .append("\",\"bytes_sent\":").append(f.bytesSent())
                    .append(",\"bytes_received\":").append(f.bytesReceived()).append('}');
            sep = ",";
        }
        return b.append("]}").toString();
    }

    private static String address(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    /** --bind's addresses; else the --listen address, or the source address the kernel would route from. */
    private static List<InetAddress> localAddresses(Settings s) throws IOException {
        if (!s.bind().isEmpty()) {
            return s.bind();
        }
        if (s.listen() != null) {
            if (!s.listen().getAddress().isAnyLocalAddress()) {
                return List.of(s.listen().getAddress());
            }
            List<InetAddress> all = new ArrayList<>();
            for (var nif : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
                if (nif.isUp()) {
                    for (InetAddress a : java.util.Collections.list(nif.getInetAddresses())) {
                        boolean sameFamily = a instanceof java.net.Inet4Address
                                == s.listen().getAddress() instanceof java.net.Inet4Address;
                        if (sameFamily && !a.isLinkLocalAddress()) {
                            all.add(a);
                        }
                    }
                }
            }
            if (all.isEmpty()) {
                throw new IOException("no local address to listen on; give --bind");
            }
            return all;
        }
        try (DatagramSocket probe = new DatagramSocket()) { // no packet is sent: connect only picks a route
            probe.connect(s.connect());
            InetAddress source = probe.getLocalAddress();
            if (source == null || source.isAnyLocalAddress()) {
                throw new IOException("no route to " + s.connect().getAddress().getHostAddress() + "; give --bind");
            }
            return List.of(source);
        }
    }
}
