package io.mptcp4j.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Whole {@code mptcp perf} tests, client and server side, over a plain loopback TCP connection of the JDK (no root,
 * no MPTCP): the header, both trailers, the check of every byte, the display and the result, each way; and a
 * corrupted byte found where it is.
 */
@Timeout(30)
class PerfSessionTest {

    private static final Duration INTERVAL = Duration.ofMillis(100);

    @Test
    void theClientSendsAByteCount() throws Exception {
        Pair p = run(new PerfProtocol.Header(false, PerfProtocol.Limit.ofBytes(3_000_001), 11), -1);
        for (PerfResult r : List.of(p.client, p.server)) {
            assertThat(r.verified()).as("%s: %s", r.role(), r.error()).isTrue();
            assertThat(r.bytes()).isEqualTo(3_000_001);
            assertThat(r.sender()).isEqualTo("client");
            assertThat(r.error()).isNull();
        }
        assertThat(p.client.sha256()).isEqualTo(p.server.sha256());
        assertThat(p.client.nanos()).as("the receiver's time, on both sides").isEqualTo(p.server.nanos());
        assertThat(p.serverOutput).contains("total, 1 subflow (no per-subflow counters)");
    }

    @Test
    void theServerSendsForAWhile() throws Exception {
        Pair p = run(new PerfProtocol.Header(true, PerfProtocol.Limit.ofMillis(400), -3), -1);
        for (PerfResult r : List.of(p.client, p.server)) {
            assertThat(r.verified()).as("%s: %s", r.role(), r.error()).isTrue();
            assertThat(r.sender()).isEqualTo("server");
            assertThat(r.bytes()).isPositive();
            assertThat(r.seconds()).isBetween(0.2, 10.0);
        }
        assertThat(p.client.bytes()).isEqualTo(p.server.bytes());
        assertThat(p.client.intervals()).as("intervals of 0.1 s in a 0.4 s test").hasSizeGreaterThanOrEqualTo(3);
        assertThat(p.clientOutput).contains("[  0.0-  0.1 s] total, 1 subflow");
    }

    @Test
    void aWrongByteIsFoundAtItsOffsetOnBothSides() throws Exception {
        Pair p = run(new PerfProtocol.Header(false, PerfProtocol.Limit.ofBytes(1_000_000), 5), 654_321);
        assertThat(p.server.verified()).isFalse();
        assertThat(p.server.error()).isEqualTo("wrong byte at offset 654321");
        assertThat(p.client.verified()).isFalse();
        assertThat(p.client.error()).isEqualTo("the receiver found a wrong byte at offset 654321");
        assertThat(p.client.json()).contains("\"hash_ok\": false");
    }

    private record Pair(PerfResult client, PerfResult server, String clientOutput, String serverOutput) {
    }

    /**
     * One test between a client and a server in this JVM; the server's stream flips the byte at data offset
     * {@code corruptAt} as it reads it (-1: none).
     */
    private static Pair run(PerfProtocol.Header header, long corruptAt) throws Exception {
        try (ServerSocketChannel listener = ServerSocketChannel.open()
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            ByteArrayOutputStream serverBytes = new ByteArrayOutputStream();
            CompletableFuture<PerfResult> server = LabFixtures.async("perf-test-server", () -> {
                try (SocketChannel c = listener.accept()) {
                    ByteStream stream = corrupting(of(c), corruptAt);
                    PerfProtocol.Header h = PerfProtocol.Header.decode(
                            PerfTransfer.readFully(stream, PerfProtocol.HEADER_LENGTH, PerfServer.HEADER_WAIT));
                    assertThat(h).isEqualTo(header);
                    return PerfSession.run(setup("server", c), stream, h, probe(), INTERVAL,
                            new PrintStream(serverBytes, true, StandardCharsets.UTF_8), false);
                }
            });
            ByteArrayOutputStream clientBytes = new ByteArrayOutputStream();
            PerfResult client;
            try (SocketChannel c = SocketChannel.open(listener.getLocalAddress())) {
                ByteStream stream = of(c);
                stream.write(header.encode());
                client = PerfSession.run(setup("client", c), stream, header, probe(), INTERVAL,
                        new PrintStream(clientBytes, true, StandardCharsets.UTF_8), false);
            }
            return new Pair(client, server.get(20, TimeUnit.SECONDS), clientBytes.toString(StandardCharsets.UTF_8),
                    serverBytes.toString(StandardCharsets.UTF_8));
        }
    }

    private static PerfSession.Setup setup(String role, SocketChannel c) throws IOException {
        return new PerfSession.Setup(role, "jdk", null, (InetSocketAddress) c.getLocalAddress(),
                (InetSocketAddress) c.getRemoteAddress());
    }

    /** Counters from the bytes the test moved, as for a socket that tells nothing more. */
    private static PerfProbe probe() {
        return new PerfProbe() {
            @Override
            public PerfMeter.Sample sample(long applicationBytes) {
                return new PerfMeter.Sample(System.nanoTime(), applicationBytes, 1, List.of());
            }

            @Override
            public List<PerfResult.SubflowTotal> totals() {
                return List.of();
            }

            @Override
            public boolean mptcp() {
                return false;
            }
        };
    }

    /** A blocking JDK socket as a {@link ByteStream} (the timeouts are not needed on loopback). */
    private static ByteStream of(SocketChannel c) {
        return new ByteStream() {
            @Override
            public void write(ByteBuffer src) throws IOException {
                while (src.hasRemaining()) {
                    c.write(src);
                }
            }

            @Override
            public int read(ByteBuffer dst, Duration timeout) throws IOException {
                return c.read(dst);
            }

            @Override
            public void shutdownOutput() throws IOException {
                c.shutdownOutput();
            }

            @Override
            public void close() throws IOException {
                c.close();
            }
        };
    }

    /** {@code s}, with the byte at offset {@code at} after the header flipped on reading. */
    private static ByteStream corrupting(ByteStream s, long at) {
        return new ByteStream() {
            private long offset = -PerfProtocol.HEADER_LENGTH;

            @Override
            public void write(ByteBuffer src) throws IOException {
                s.write(src);
            }

            @Override
            public int read(ByteBuffer dst, Duration timeout) throws IOException {
                int start = dst.position();
                int n = s.read(dst, timeout);
                if (n > 0 && at >= 0 && at >= offset && at < offset + n) {
                    int i = start + (int) (at - offset);
                    dst.put(i, (byte) ~dst.get(i));
                }
                offset += Math.max(n, 0);
                return n;
            }

            @Override
            public void shutdownOutput() throws IOException {
                s.shutdownOutput();
            }

            @Override
            public void close() throws IOException {
                s.close();
            }
        };
    }
}
