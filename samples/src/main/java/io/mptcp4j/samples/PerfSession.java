package io.mptcp4j.samples;

import io.mptcp4j.io.linux.NetworkNamespace;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One {@code mptcp perf} test on a connected stream whose header is known, on either side: the transfer runs on a
 * thread of its own while the calling thread samples the connection every interval for the live display.
 */
final class PerfSession {

    /** A last, partial interval shorter than this part of an interval is not shown: it would be mostly noise. */
    private static final int SHORTEST_LAST_INTERVAL = 20;

    private PerfSession() {
    }

    /**
     * The fixed facts of a test, for its result.
     *
     * @param role   {@code client} or {@code server}
     * @param stack  {@code mptcp4j} or {@code kernel}
     * @param config mptcp4j's scheduler, congestion control and path manager; null for the kernel's socket
     */
    record Setup(String role, String stack, StackOptions.Stack config, InetSocketAddress local,
                 InetSocketAddress remote) {
    }

    /**
     * Runs the test; this side sends when the header says its role sends. Each interval goes to {@code out},
     * redrawn in place when {@code redraw} (see {@link PerfDisplay}).
     *
     * @throws IOException if the connection failed or the peer broke the protocol
     */
    static PerfResult run(Setup setup, ByteStream stream, PerfProtocol.Header header, PerfProbe probe,
                          Duration interval, PrintStream out, boolean redraw) throws IOException {
        boolean sending = setup.role().equals(header.reverse() ? "server" : "client");
        PerfDisplay display = new PerfDisplay(out, redraw, sending);
        AtomicLong progress = new AtomicLong();
        CompletableFuture<PerfTransfer.Outcome> transfer = new CompletableFuture<>();
        Thread worker = new Thread(() -> {
            try {
                transfer.complete(sending ? PerfTransfer.send(stream, header, progress)
                        : PerfTransfer.receive(stream, header.seed(), progress));
            } catch (Throwable e) {
                transfer.completeExceptionally(e);
            }
        }, "mptcp-perf-" + (sending ? "send" : "receive"));
        worker.setDaemon(true); // a blocked transfer must not keep the JVM alive once the command gave up
        worker.start();

        long step = interval.toNanos();
        PerfMeter.Sample previous = probe.sample(0);
        long origin = previous.nanos();
        long next = origin + step;
        List<PerfMeter.Interval> intervals = new ArrayList<>();
        PerfTransfer.Outcome outcome;
        while (true) {
            try {
                outcome = transfer.get(Math.max(0, next - System.nanoTime()), TimeUnit.NANOSECONDS);
                break;
            } catch (TimeoutException e) {
                PerfMeter.Sample now = probe.sample(progress.get());
                PerfMeter.Interval i = PerfMeter.between(previous, now, origin);
                intervals.add(i);
                display.show(i);
                previous = now;
                next += step;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted");
            } catch (ExecutionException e) {
                throw failure(e.getCause());
            }
        }
        PerfMeter.Sample last = probe.sample(progress.get());
        if (last.nanos() - previous.nanos() > step / SHORTEST_LAST_INTERVAL) {
            PerfMeter.Interval i = PerfMeter.between(previous, last, origin);
            intervals.add(i);
            display.show(i);
        }
        StackOptions.Stack c = setup.config();
        return new PerfResult(setup.role(), setup.stack(), header.reverse(), setup.local(), setup.remote(),
                probe.mptcp(), c == null ? null : c.scheduler(), c == null ? null : c.congestion(),
                c == null ? null : c.pathManager(), header.limit(), outcome.bytes(), outcome.nanos(),
                outcome.verified(), outcome.sha256(), outcome.problem(), probe.totals(), List.copyOf(intervals));
    }

    /** Runs {@code task} in {@code namespace} (null: the current one): where a kernel socket it makes will live. */
    static <T> T inNamespace(NetworkNamespace namespace, NetworkNamespace.Task<T, IOException> task)
            throws IOException {
        return namespace == null ? task.run() : namespace.call(task);
    }

    /** A failure as the summary and the JSON's {@code error} give it. */
    static String describe(IOException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return e instanceof SocketTimeoutException ? "timed out: " + message : message;
    }

    private static IOException failure(Throwable cause) {
        if (cause instanceof IOException) {
            return (IOException) cause;
        }
        if (cause instanceof UncheckedIOException) {
            return ((UncheckedIOException) cause).getCause();
        }
        if (cause instanceof RuntimeException) {
            throw (RuntimeException) cause;
        }
        if (cause instanceof Error) {
            throw (Error) cause;
        }
        return new IOException(cause);
    }
}
