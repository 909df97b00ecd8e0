package io.mptcp4j.samples;

import io.mptcp4j.driver.MptcpServerSocket;
import io.mptcp4j.driver.MptcpSocket;
import io.mptcp4j.driver.UserspaceMptcp;
import io.mptcp4j.io.linux.KernelMptcpSocket;
import io.mptcp4j.io.linux.NetworkNamespace;
import io.mptcp4j.io.linux.StreamProtocol;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * {@code mptcp perf server}: accepts perf clients one after the other (one test at a time, so tests do not share
 * the paths), reads each one's header and runs its test; with {@code --one-off} it exits after the first.
 * Over mptcp4j's userspace MPTCP, listening on every address of the stack so that joins and announced addresses
 * reach it, or with {@code --kernel} over the kernel's.
 */
final class PerfServer {

    static final int BACKLOG = 4;
    /** A client that connected must send its header within this. */
    static final Duration HEADER_WAIT = Duration.ofSeconds(10);

    private PerfServer() {
    }

    /**
     * Serves from {@code namespace} (null: the current one); prints a line starting "mptcp perf server: listening"
     * once clients can connect. The display, the summaries and messages go to {@code out}, or to {@code err} with
     * {@code --json -}.
     *
     * @param terminal whether {@code out} is a terminal (the display redraws in place)
     * @return with --one-off, the exit status of the test (0 when every byte arrived intact, 1 otherwise); without,
     *         it does not return unless the stack fails
     * @throws io.mptcp4j.io.linux.InsufficientPrivilegesException without root or CAP_NET_RAW (mptcp4j)
     */
    static int run(PerfSettings.Server s, NetworkNamespace namespace, PrintStream out, PrintStream err,
                   boolean terminal) throws IOException {
        boolean jsonOut = "-".equals(s.json());
        PrintStream human = jsonOut ? err : out;
        boolean redraw = terminal && !jsonOut;
        return s.kernel() ? kernel(s, namespace, out, human, redraw) : userspace(s, namespace, out, human, redraw);
    }

    private static int userspace(PerfSettings.Server s, NetworkNamespace namespace, PrintStream out,
                                 PrintStream human, boolean redraw) throws IOException {
        SubflowLog log = new SubflowLog();
        List<InetAddress> locals = UserspaceStacks.localAddresses(s.stack().bind(), s.listenAddress(), null,
                namespace);
        try (UserspaceMptcp mptcp = UserspaceStacks.open(s.stack(), locals, namespace, log);
             MptcpServerSocket server = mptcp.listen(null, s.port(), BACKLOG)) {
            human.println("mptcp perf server: listening on port " + s.port() + " of " + names(locals)
                    + " (mptcp4j, path manager " + s.stack().pathManager() + ")");
            while (true) {
                MptcpSocket socket = server.accept();
                PerfResult result;
                try {
                    result = test("mptcp4j", s.stack(), ByteStream.of(socket), socket.localAddress(),
                            socket.remoteAddress(), sending -> PerfProbe.userspace(socket, mptcp, log, sending), s,
                            human, redraw);
                    socket.close();
                    UserspaceStacks.awaitClosed(socket, PerfClient.CLOSE_WAIT);
                } catch (IOException e) {
                    result = PerfResult.failed("server", "mptcp4j", false, PerfSession.describe(e));
                } finally {
                    socket.abort(); // a no-op after a clean close
                }
                int status = report(result, s, out, human);
                if (s.oneOff()) {
                    return status;
                }
            }
        }
    }

    private static int kernel(PerfSettings.Server s, NetworkNamespace namespace, PrintStream out,
                              PrintStream human, boolean redraw) throws IOException {
        InetSocketAddress at = s.kernelListenAddress();
        try (KernelMptcpSocket listener = PerfSession.inNamespace(namespace,
                () -> KernelMptcpSocket.listen(at, StreamProtocol.MPTCP, BACKLOG))) {
            human.println("mptcp perf server: listening on " + Cat.address(at) + " (the kernel's MPTCP)");
            while (true) {
                PerfResult result;
                try (KernelMptcpSocket socket = listener.accept(null)) {
                    result = test("kernel", null, ByteStream.of(socket), socket.localAddress(),
                            socket.remoteAddress(), sending -> PerfProbe.kernel(socket, sending), s, human, redraw);
                } catch (IOException e) {
                    result = PerfResult.failed("server", "kernel", false, PerfSession.describe(e));
                }
                int status = report(result, s, out, human);
                if (s.oneOff()) {
                    return status;
                }
            }
        }
    }

    /** Reads the client's header and runs its test; {@code probe} gives the counters once the direction is known. */
    private static PerfResult test(String stack, StackOptions.Stack config, ByteStream stream,
                                   InetSocketAddress local, InetSocketAddress remote,
                                   Function<Boolean, PerfProbe> probe, PerfSettings.Server s, PrintStream human,
                                   boolean redraw) throws IOException {
        PerfProtocol.Header header = PerfProtocol.Header.decode(
                PerfTransfer.readFully(stream, PerfProtocol.HEADER_LENGTH, HEADER_WAIT));
        human.println("mptcp perf server: test from " + Cat.address(remote) + ": the "
                + (header.reverse() ? "server" : "client") + " sends for " + header.limit());
        return PerfSession.run(new PerfSession.Setup("server", stack, config, local, remote), stream, header,
                probe.apply(header.reverse()), s.interval(), human, redraw);
    }

    private static int report(PerfResult result, PerfSettings.Server s, PrintStream out, PrintStream human)
            throws IOException {
        PerfDisplay.summary(human, result);
        if (s.json() != null) {
            result.write(s.json(), out);
        }
        return result.verified() ? 0 : 1;
    }

    private static String names(List<InetAddress> addresses) {
        return String.join(", ", addresses.stream().map(InetAddress::getHostAddress).toList());
    }
}
