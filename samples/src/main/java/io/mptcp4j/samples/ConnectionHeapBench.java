package io.mptcp4j.samples;

import io.mptcp4j.core.stack.PacketSink;
import io.mptcp4j.core.tcp.TcpConfig;
import io.mptcp4j.core.tcp.TcpConnection;
import io.mptcp4j.core.tcp.TcpListener;
import io.mptcp4j.core.tcp.TcpStack;
import io.mptcp4j.core.tcp.TcpState;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.ref.Reference;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code mptcp bench heap}: the heap an idle established connection costs, by heap deltas. Two {@link TcpStack}s
 * in this JVM, joined in memory (each packet one sends is handed to the other at once), open N connections
 * between them; the used heap after a full GC, before and after, divided by the 2N connection endpoints, is
 * the cost of one endpoint: the connection and all it owns, plus its entries in the stack's maps and timers.
 * Data buffers are allocated on first use, so idle connections have none. Needs no root.
 */
final class ConnectionHeapBench {

    private static final Set<String> OPTIONS = Set.of("connections", "json");

    private final PrintStream out = System.out;
    private long now;

    int run(List<String> args) throws Exception {
        Options options = Options.parse("bench heap", args, OPTIONS);
        int count = options.integer("connections", 10_000, 1, 28_000);
        String json = options.text("json", null);

        InetAddress clientAddress = InetAddress.getByName("10.0.0.1");
        InetAddress serverAddress = InetAddress.getByName("10.0.0.2");
        TcpStack client = TcpStack.builder().secret(new byte[16]).build();
        TcpStack server = TcpStack.builder().secret(new byte[16]).build();
        client.addAddress(clientAddress);
        server.addAddress(serverAddress);
        TcpListener listener = server.listen(serverAddress, 80, count, TcpConfig.defaults());
        List<TcpConnection> clients = new ArrayList<>(count);
        List<TcpConnection> accepted = new ArrayList<>(count); // both arrays exist before the first measurement

        long before = usedHeapAfterGc();
        for (int i = 0; i < count; i++) {
            clients.add(client.connect(now, clientAddress, 0, serverAddress, 80, TcpConfig.defaults()));
            if (i % 100 == 99 || i == count - 1) {
                exchange(client, server);
                for (TcpConnection c; (c = listener.accept()) != null; ) {
                    accepted.add(c);
                }
            }
        }
        long after = usedHeapAfterGc();
        long established = clients.stream().filter(c -> c.state() == TcpState.ESTABLISHED).count()
                + accepted.stream().filter(c -> c.state() == TcpState.ESTABLISHED).count();
        if (established != 2L * count) {
            throw new IllegalStateException("only " + established + " of " + 2 * count + " endpoints established");
        }
        double perEndpoint = (after - before) / (2.0 * count);
        out.printf(Locale.ROOT, "mptcp bench heap: %d idle established connections between two stacks in memory%n",
                count);
        out.printf(Locale.ROOT, "  used heap after GC: %.1f MiB before, %.1f MiB after%n", before / 1048576.0,
                after / 1048576.0);
        out.printf(Locale.ROOT, "  per connection endpoint: %.0f bytes (budget 8192)%n", perEndpoint);
        if (json != null) {
            Files.writeString(Path.of(json), String.format(Locale.ROOT, "{\n  \"connections\": %d,\n"
                    + "  \"usedHeapBefore\": %d,\n  \"usedHeapAfter\": %d,\n  \"bytesPerEndpoint\": %.0f\n}\n",
                    count, before, after, perEndpoint), StandardCharsets.UTF_8);
            out.println("wrote " + json);
        }
        Reference.reachabilityFence(listener);
        return 0;
    }

    /** Hands packets between the stacks until neither sends anything. */
    private void exchange(TcpStack a, TcpStack b) {
        while (true) {
            int moved = a.pollTransmit(now, deliverTo(b)) + b.pollTransmit(now, deliverTo(a));
            if (moved == 0) {
                return;
            }
            now += 1_000;
        }
    }

    /** A sink that gives each packet to {@code stack} at once; it copies what it keeps before returning. */
    private PacketSink deliverTo(TcpStack stack) {
        return packet -> {
            stack.handlePacket(now, packet);
            return true;
        };
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        var memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(50);
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
