package io.mptcp4j.samples;

import io.mptcp4j.driver.MptcpSocket;
import io.mptcp4j.driver.UserspaceMptcp;
import io.mptcp4j.io.linux.InsufficientPrivilegesException;
import io.mptcp4j.io.linux.KernelMptcpSocket;
import io.mptcp4j.io.linux.NetworkNamespace;
import io.mptcp4j.io.linux.StreamProtocol;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;

/**
 * {@code mptcp perf client HOST}: connects to a perf server, sends the header, and runs one test, as sender or
 * (with {@code --reverse}) receiver; over mptcp4j's userspace MPTCP or, with {@code --kernel}, the kernel's.
 */
final class PerfClient {

    static final Duration CONNECT_WAIT = Duration.ofSeconds(10);
    /** How long the closing handshake may take once the test is over. */
    static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

    private PerfClient() {
    }

    /**
     * Runs the test from {@code namespace} (null: the current one); the live display and the summary go to
     * {@code out}, or to {@code err} when the JSON goes to standard output ({@code --json -}).
     *
     * @param terminal whether {@code out} is a terminal (the display redraws in place)
     * @return the exit status: 0 when every byte arrived intact, 1 otherwise
     * @throws InsufficientPrivilegesException without root or CAP_NET_RAW for mptcp4j's raw sockets
     */
    static int run(PerfSettings.Client s, NetworkNamespace namespace, PrintStream out, PrintStream err,
                   boolean terminal) throws IOException {
        boolean jsonOut = "-".equals(s.json());
        PrintStream human = jsonOut ? err : out;
        boolean redraw = terminal && !jsonOut;
        // a new seed per test: data left over from an earlier test cannot pass the check
        PerfProtocol.Header header = new PerfProtocol.Header(s.reverse(), s.limit(), new SecureRandom().nextLong());
        PerfResult result;
        try {
            result = s.kernel() ? kernel(s, header, namespace, human, redraw)
                    : userspace(s, header, namespace, human, redraw);
        } catch (InsufficientPrivilegesException e) {
            throw e;
        } catch (IOException e) {
            result = PerfResult.failed("client", s.kernel() ? "kernel" : "mptcp4j", s.reverse(),
                    PerfSession.describe(e));
        }
        PerfDisplay.summary(human, result);
        if (s.json() != null) {
            result.write(s.json(), out);
        }
        return result.verified() ? 0 : 1;
    }

    private static PerfResult userspace(PerfSettings.Client s, PerfProtocol.Header header,
                                        NetworkNamespace namespace, PrintStream human, boolean redraw)
            throws IOException {
        InetSocketAddress remote = s.remote();
        SubflowLog log = new SubflowLog();
        List<InetAddress> locals = UserspaceStacks.localAddresses(s.stack().bind(), null, remote, namespace);
        try (UserspaceMptcp mptcp = UserspaceStacks.open(s.stack(), locals, namespace, log)) {
            // the initial subflow starts from the first --bind address of the server's family; the others join
            MptcpSocket socket = mptcp.connect(StackOptions.source(locals, remote.getAddress()), remote,
                    CONNECT_WAIT);
            try {
                ByteStream stream = ByteStream.of(socket);
                stream.write(header.encode());
                PerfResult result = PerfSession.run(new PerfSession.Setup("client", "mptcp4j", s.stack(),
                                socket.localAddress(), socket.remoteAddress()), stream, header,
                        PerfProbe.userspace(socket, mptcp, log, !s.reverse()), s.interval(), human, redraw);
                socket.close();
                UserspaceStacks.awaitClosed(socket, CLOSE_WAIT); // before the stack closes under it
                return result;
            } finally {
                socket.abort(); // a no-op after a clean close; otherwise the server learns at once
            }
        }
    }

    private static PerfResult kernel(PerfSettings.Client s, PerfProtocol.Header header, NetworkNamespace namespace,
                                     PrintStream human, boolean redraw) throws IOException {
        InetSocketAddress local = s.stack().bind().isEmpty() ? null
                : new InetSocketAddress(s.stack().bind().get(0), 0);
        KernelMptcpSocket socket = PerfSession.inNamespace(namespace,
                () -> KernelMptcpSocket.connect(local, s.remote(), StreamProtocol.MPTCP, CONNECT_WAIT));
        try (ByteStream stream = ByteStream.of(socket)) {
            stream.write(header.encode());
            return PerfSession.run(new PerfSession.Setup("client", "kernel", null, socket.localAddress(),
                            socket.remoteAddress()), stream, header, PerfProbe.kernel(socket, !s.reverse()),
                    s.interval(), human, redraw);
        }
    }
}
