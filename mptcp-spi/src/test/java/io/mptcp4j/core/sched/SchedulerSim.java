package io.mptcp4j.core.sched;

import io.mptcp4j.core.mptcp.MptcpConfig;
import io.mptcp4j.core.mptcp.MptcpConnection;
import io.mptcp4j.core.mptcp.MptcpListener;
import io.mptcp4j.core.mptcp.MptcpStack;
import io.mptcp4j.core.tcp.TcpStack;
import io.mptcp4j.sim.ByteStreamChecker;
import io.mptcp4j.sim.LinkConfig;
import io.mptcp4j.sim.SimHost;
import io.mptcp4j.sim.SimNetwork;
import io.mptcp4j.sim.TwoHostNetwork;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Supplier;

import static io.mptcp4j.sim.TwoHostNetwork.clientIpv4;
import static io.mptcp4j.sim.TwoHostNetwork.serverIpv4;

/**
 * Two MPTCP stacks on the simulator, one path per {@link LinkConfig}, each host with an address on every path so
 * that the default full-mesh path manager joins them all; the client sends to the server under the scheduler
 * given. The application runs as a simulator step after every event, so delivery times are exact.
 */
final class SchedulerSim {

    static final int PORT = 8080;

    final TwoHostNetwork net;
    final MptcpStack client;
    final MptcpStack server;
    private final MptcpListener listener;
    private final MptcpConfig config;
    MptcpConnection clientConnection;
    MptcpConnection serverConnection;

    SchedulerSim(long seed, MptcpConfig config, LinkConfig... paths) {
        this.net = SimNetwork.twoHosts(seed, paths);
        this.config = config;
        this.client = stack(seed, 1, net.client());
        this.server = stack(seed, 2, net.server());
        for (int i = 0; i < paths.length; i++) {
            client.addAddress(clientIpv4(i));
            server.addAddress(serverIpv4(i));
        }
        net.client().install(client);
        net.server().install(server);
        this.listener = server.listen(null, PORT, 16, config);
    }

    SchedulerSim(long seed, Supplier<? extends PacketScheduler> scheduler, LinkConfig... paths) {
        this(seed, MptcpConfig.builder().scheduler(scheduler).build(), paths);
    }

    /**
     * A path of {@code megabits} per second each way, {@code delayMillis} one-way delay, random loss, and a queue
     * of one bandwidth-delay product (at least 64 KB), the usual rule for a router's buffer.
     */
    static LinkConfig path(long megabits, int delayMillis, double loss) {
        long bdpBytes = megabits * 1_000_000L / 8 * (2L * delayMillis) / 1000;
        return LinkConfig.builder().rateBitsPerSecond(megabits * 1_000_000L).delay(Duration.ofMillis(delayMillis))
                .queueLimitBytes(Math.max(64 * 1024, bdpBytes)).lossProbability(loss).build();
    }

    private static MptcpStack stack(long seed, int host, SimHost simHost) {
        byte[] secret = new byte[16];
        secret[0] = (byte) host;
        secret[1] = (byte) seed;
        return MptcpStack.builder().tcpStack(TcpStack.builder().secret(secret).build())
                .random(new SplittableRandom(seed * 31 + host)).subflowPorts(simHost.subflowPorts()).build();
    }

    SimNetwork network() {
        return net.network();
    }

    /** Connects from the first path's address and accepts on the server, in an application step. */
    private void connect(Runnable sender, Runnable receiver) {
        clientConnection = client.connect(network().now(), clientIpv4(0), 0, serverIpv4(0), PORT, config);
        network().addApplication(() -> {
            if (serverConnection == null) {
                serverConnection = listener.accept();
            }
            sender.run();
            if (serverConnection != null) {
                receiver.run();
            }
        });
    }

    /** Whether the client's connection has {@code n} subflows that can carry data. */
    boolean hasActiveSubflows(int n) {
        return clientConnection.subflows().stream().filter(SubflowView::isActive).count() >= n;
    }

    String context() {
        return network().context() + "\nclient " + clientConnection + " " + client.statistics() + "\nserver "
                + serverConnection + "\n" + network().summary();
    }

    /** Bytes each of the client's subflows sent, in opening order. */
    long[] bytesSentPerSubflow() {
        return clientConnection.subflows().stream().mapToLong(SubflowView::bytesSent).toArray();
    }

    /**
     * Sends {@code length} bytes of a checked pattern from the client as fast as the connection takes them and
     * returns the goodput in bits per second, from the connection's start to the last byte read by the server;
     * every byte is checked.
     */
    double bulk(long length, Duration max) {
        ByteStreamChecker stream = new ByteStreamChecker(network().seed(), length);
        ByteBuffer out = ByteBuffer.allocate(64 * 1024).flip();
        ByteBuffer in = ByteBuffer.allocate(64 * 1024);
        long start = network().now();
        connect(() -> {
            if (!clientConnection.isConnected()) {
                return;
            }
            while (true) {
                if (!out.hasRemaining()) {
                    out.clear();
                    if (stream.source().read(out) <= 0) {
                        out.limit(0);
                        return;
                    }
                    out.flip();
                }
                if (clientConnection.write(out) == 0) {
                    return;
                }
            }
        }, () -> drain(serverConnection, in, stream, null));
        long end = network().runUntil(() -> stream.verifier().complete(), max);
        stream.assertTransferred();
        return length * 8e9 / (end - start);
    }

    /** Reads everything readable into the verifier; reports the stream offset reached. */
    private static void drain(MptcpConnection c, ByteBuffer in, ByteStreamChecker stream, Runnable progress) {
        while (true) {
            in.clear();
            int n = c.read(in);
            if (n <= 0) {
                return;
            }
            in.flip();
            stream.verifier().accept(in);
            if (progress != null) {
                progress.run();
            }
        }
    }

    /** Messages of random sizes at random (exponentially distributed) intervals, drawn from a seed. */
    record Messages(int count, int minBytes, int maxBytes, Duration meanInterval, long seed) {

        /** The offsets (from the first message) at which they are written, in nanoseconds. */
        long[] times() {
            SplittableRandom random = new SplittableRandom(seed);
            long[] times = new long[count];
            double t = 0;
            for (int i = 0; i < count; i++) {
                times[i] = (long) t;
                t += -Math.log(1 - random.nextDouble()) * meanInterval.toNanos();
            }
            return times;
        }

        int[] sizes() {
            SplittableRandom random = new SplittableRandom(seed ^ 0x5DEECE66DL);
            int[] sizes = new int[count];
            for (int i = 0; i < count; i++) {
                sizes[i] = random.nextInt(minBytes, maxBytes + 1);
            }
            return sizes;
        }

        /** The mean offered load in bits per second. */
        double bitsPerSecond() {
            return (minBytes + maxBytes) / 2.0 * 8e9 / meanInterval.toNanos();
        }
    }

    /**
     * Sends one byte; once the client has {@code subflows} active subflows and {@code warmUp} passed, writes the
     * messages at their
     * times (each whole, as soon as the connection takes it) and returns, per message, the time from its write to
     * the server application having read its last byte, in nanoseconds. The stream is checked byte by byte.
     */
    long[] messages(Messages messages, int subflows, Duration warmUp, Duration max) {
        long[] times = messages.times();
        int[] sizes = messages.sizes();
        long[] ends = new long[sizes.length];
        // One byte goes first: the connection is confirmed (RFC 8684 section 3.1) and joins its other paths only
        // once data flows, and the measurement starts when they are all up.
        long total = 1;
        for (int i = 0; i < sizes.length; i++) {
            total += sizes[i];
            ends[i] = total;
        }
        ByteStreamChecker stream = new ByteStreamChecker(network().seed() + 1, total);
        long[] writtenAt = new long[sizes.length];
        long[] delays = new long[sizes.length];
        Arrays.fill(delays, -1);
        long[] queued = {1}; // the end offset of what the application has asked to send so far
        int[] delivered = {0};
        boolean[] started = {false};
        ByteBuffer out = ByteBuffer.allocate(64 * 1024).flip();
        ByteBuffer in = ByteBuffer.allocate(64 * 1024);
        connect(() -> {
            if (!started[0] && clientConnection.isConnected() && hasActiveSubflows(subflows)) {
                started[0] = true;
                long first = network().now() + warmUp.toNanos();
                for (int i = 0; i < times.length; i++) {
                    int index = i;
                    network().at(first + times[i], () -> {
                        writtenAt[index] = network().now();
                        queued[0] = ends[index];
                    });
                }
            }
            while (clientConnection.isConnected()) {
                if (!out.hasRemaining()) {
                    long position = stream.source().position();
                    if (position >= queued[0]) {
                        return;
                    }
                    out.clear().limit((int) Math.min(out.capacity(), queued[0] - position));
                    stream.source().read(out);
                    out.flip();
                }
                if (clientConnection.write(out) == 0) {
                    return;
                }
            }
        }, () -> drain(serverConnection, in, stream, () -> {
            long received = stream.verifier().received();
            while (delivered[0] < ends.length && ends[delivered[0]] <= received) {
                delays[delivered[0]] = network().now() - writtenAt[delivered[0]];
                delivered[0]++;
            }
        }));
        network().runUntil(() -> delivered[0] == ends.length, max);
        stream.assertTransferred();
        return delays;
    }

    /** The {@code q}-quantile (0 to 1) of {@code values}, by the nearest-rank method. */
    static long quantile(long[] values, double q) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
