package io.mptcp4j.samples;

import io.mptcp4j.driver.MptcpSocket;
import io.mptcp4j.driver.MptcpSocketInfo;
import io.mptcp4j.driver.UserspaceMptcp;
import io.mptcp4j.io.linux.KernelMptcpSocket;
import io.mptcp4j.io.linux.MptcpInfo;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Where {@code mptcp perf} reads a connection's counters: mptcp4j's socket (every subflow with its bytes, state,
 * backup flag and RTT) or the kernel's MPTCP socket ({@code MPTCP_INFO}: the connection's bytes and how many
 * subflows it has, nothing per subflow).
 */
interface PerfProbe {

    /**
     * The counters now; {@code applicationBytes} is what the test moved through the socket so far, used where the
     * stack counts nothing better.
     */
    PerfMeter.Sample sample(long applicationBytes) throws IOException;

    /** Every subflow the connection had, with what it carried in the test's direction; empty when unknown. */
    List<PerfResult.SubflowTotal> totals() throws IOException;

    /** Whether the connection runs MPTCP (rather than having fallen back to TCP). */
    boolean mptcp() throws IOException;

    /**
     * mptcp4j's {@code socket} on {@code stack}, whose path managers record into {@code log}. The subflows come from
     * the socket's snapshot, with the RTT read from each subflow on the stack's thread ({@link SubflowLog#live});
     * those the connection took off its list as it closed are read there too, so that the last interval and the
     * totals keep them with their final counters.
     */
    static PerfProbe userspace(MptcpSocket socket, UserspaceMptcp stack, SubflowLog log, boolean sending) {
        InetSocketAddress local = socket.localAddress();
        InetSocketAddress remote = socket.remoteAddress();
        return new PerfProbe() {
            @Override
            public PerfMeter.Sample sample(long applicationBytes) throws IOException {
                MptcpSocketInfo info = socket.info();
                Map<SubflowLog.Ends, SubflowLog.Live> live = new LinkedHashMap<>(
                        onLoop(() -> log.live(local, remote), Map.of()));
                long now = System.nanoTime();
                List<PerfMeter.SubflowSample> subflows = new ArrayList<>();
                for (MptcpSocketInfo.Subflow f : info.subflows()) {
                    SubflowLog.Live l = live.remove(new SubflowLog.Ends(f.local(), f.remote()));
                    subflows.add(new PerfMeter.SubflowSample(f.local(), f.remote(), f.state().name(), f.backup(),
                            sending ? f.bytesSent() : f.bytesReceived(), l == null ? 0 : l.smoothedRttNanos()));
                }
                live.forEach((ends, l) -> subflows.add(new PerfMeter.SubflowSample(ends.local(), ends.remote(),
                        l.state(), l.backup(), sending ? l.bytesSent() : l.bytesReceived(), l.smoothedRttNanos())));
                // sending, what the peer acknowledged at the data level is the goodput; the send buffer is not
                return new PerfMeter.Sample(now, sending ? info.bytesAcked() : applicationBytes, subflows.size(),
                        subflows);
            }

            @Override
            public List<PerfResult.SubflowTotal> totals() throws IOException {
                List<SubflowLog.Row> rows = onLoop(() -> log.finalRows(local, remote), List.of());
                if (rows.isEmpty()) { // a fallback, which the log does not follow: the socket's snapshot
                    rows = log.rows(local, remote, socket.info());
                }
                List<PerfResult.SubflowTotal> totals = new ArrayList<>();
                for (SubflowLog.Row r : rows) {
                    totals.add(new PerfResult.SubflowTotal(r.local(), r.remote(), r.initial(), r.backup(),
                            sending ? r.bytesSent() : r.bytesReceived()));
                }
                return totals;
            }

            @Override
            public boolean mptcp() throws IOException {
                return !socket.info().fallback();
            }

            /** {@code task}'s result on the stack's thread, or {@code otherwise} if the stack is busy or closed. */
            private <T> T onLoop(Callable<T> task, T otherwise) throws IOException {
                try {
                    return stack.eventLoop().submit(task).get(1, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted");
                } catch (ExecutionException | TimeoutException | RuntimeException e) {
                    return otherwise;
                }
            }
        };
    }

    /** The kernel's MPTCP {@code socket}. */
    static PerfProbe kernel(KernelMptcpSocket socket, boolean sending) {
        return new PerfProbe() {
            @Override
            public PerfMeter.Sample sample(long applicationBytes) throws IOException {
                Optional<MptcpInfo> info = socket.mptcpInfo(); // empty after a fallback to TCP
                long now = System.nanoTime();
                long bytes = applicationBytes;
                int subflows = 1;
                if (info.isPresent()) {
                    MptcpInfo i = info.get();
                    // bytes_acked (offset 72) and subflows_total (offset 80) came with Linux 6.x; older kernels
                    // fill a shorter structure
                    if (sending && i.kernelLength() >= 80) {
                        bytes = i.bytesAcked();
                    }
                    subflows = i.kernelLength() > 80 && i.subflowsTotal() > 0 ? i.subflowsTotal() : i.subflows() + 1;
                }
                return new PerfMeter.Sample(now, bytes, subflows, List.of());
            }

            @Override
            public List<PerfResult.SubflowTotal> totals() {
                return List.of();
            }

            @Override
            public boolean mptcp() throws IOException {
                return !socket.isFallback();
            }
        };
    }
}
