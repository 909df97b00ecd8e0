package io.mptcp4j.core.mptcp;

import static io.mptcp4j.sim.TwoHostNetwork.clientIpv4;
import static io.mptcp4j.sim.TwoHostNetwork.serverIpv4;
import static org.assertj.core.api.Assertions.assertThat;

import io.mptcp4j.core.cc.Lia;
import io.mptcp4j.core.sched.SubflowView;
import io.mptcp4j.core.tcp.TcpConfig;
import io.mptcp4j.core.tcp.TcpConnection;
import io.mptcp4j.core.tcp.TcpListener;
import io.mptcp4j.core.tcp.TcpStack;
import io.mptcp4j.sim.ByteStreamChecker;
import io.mptcp4j.sim.LinkConfig;
import io.mptcp4j.sim.SharedBottleneckNetwork;
import io.mptcp4j.sim.SimNetwork;
import io.mptcp4j.sim.TwoHostNetwork;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Coupled congestion control (RFC 6356 LIA, OLIA, BALIA) against uncoupled CUBIC, measured in the simulator.
 *
 * <ul>
 *   <li>Shared bottleneck ({@link SharedBottleneckNetwork}): an MPTCP connection with two subflows, one per
 *       access link, and a plain single-path TCP connection (CUBIC) upload through one 20 Mbit/s link with
 *       15 ms of one-way delay in all (30 ms RTT) and a drop-tail queue of one bandwidth-delay product. A coupled
 *       connection takes about half; two uncoupled CUBIC subflows take about two thirds.</li>
 *   <li>Disjoint paths ({@link TwoHostNetwork}): the same connection alone on two such links, one subflow each:
 *       coupling must not cost the aggregation.</li>
 * </ul>
 * Goodput is what the receiving applications read during {@link #MEASURE} (20 s), which follows {@link #WARMUP}
 * and {@link #STARTUP} (15 s in all, so that the subflows have recovered from their first slow starts); every run
 * has a fixed seed. With {@code -Dm4j.docs=true}, {@link #writeTheResultsPage()} writes docs/congestion-results.md,
 * docs/img/congestion-share.svg and the summary table of docs/congestion-control.md from the same runs.
 */
class CoupledCongestionSimTest {

    static final long SEED = 61;
    static final long RATE_BPS = 20_000_000L;
    /** Bottleneck one-way delay; the access links add 5 ms (the simulator's default link), so the RTT is 30 ms. */
    static final Duration BOTTLENECK_DELAY = Duration.ofMillis(10);
    static final Duration PATH_DELAY = Duration.ofMillis(15);
    /** One bandwidth-delay product: 20 Mbit/s * 30 ms. */
    static final long QUEUE_BYTES = RATE_BPS / 8 * 30 / 1000;
    /** Before anything is measured: the handshakes, the join and the first slow starts. */
    static final Duration WARMUP = Duration.ofSeconds(5);
    /** The start-up interval, measured for the record only: a subflow may still be recovering its first losses. */
    static final Duration STARTUP = Duration.ofSeconds(10);
    /** The steady-state interval that the assertions and tables are about. */
    static final Duration MEASURE = Duration.ofSeconds(20);
    static final List<String> ALGORITHMS = List.of("cubic", "lia", "olia", "balia");
    /**
     * When the competing TCP connection starts, after the MPTCP one, in the docs' sweep. The simulator draws no
     * random numbers on this dumbbell, so each start is one trajectory: the flows settle into a periodic cycle of
     * overflows, and the cycle decides the share.
     */
    static final List<Duration> RIVAL_STARTS = IntStream.range(0, 8)
            .mapToObj(i -> Duration.ofMillis(100L * i)).toList();
    static final int MPTCP_PORT = 8080;
    static final int TCP_PORT = 8081;

    /** One run at the shared bottleneck, against a single-path TCP running {@code competitor}. */
    record SharedResult(String algorithm, String competitor, double mptcpBps, double tcpBps,
                        long subflowsWithData) {
        /** The MPTCP connection's part of what both flows got. */
        double share() {
            return mptcpBps / (mptcpBps + tcpBps);
        }

        /** Both flows' goodput over the bottleneck's rate. */
        double utilization() {
            return (mptcpBps + tcpBps) / RATE_BPS;
        }
    }

    /** One run on the two disjoint paths; {@code startupBps} is the goodput of the start-up interval. */
    record DisjointResult(String algorithm, double mptcpBps, List<Double> subflowBps, double startupBps) {
        /** Goodput over the two paths' rates. */
        double fraction() {
            return mptcpBps / (2.0 * RATE_BPS);
        }
    }

    private static final Map<String, SharedResult> SHARED = new ConcurrentHashMap<>();
    private static final Map<String, DisjointResult> DISJOINT = new ConcurrentHashMap<>();

    static SharedResult shared(String algorithm) {
        return shared(algorithm, "cubic");
    }

    static SharedResult shared(String algorithm, String competitor) {
        return SHARED.computeIfAbsent(algorithm + "/" + competitor, k -> measureShared(algorithm, competitor));
    }

    static DisjointResult disjoint(String algorithm) {
        return DISJOINT.computeIfAbsent(algorithm, CoupledCongestionSimTest::measureDisjoint);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"lia", "olia", "balia"})
    void aCoupledConnectionTakesAboutItsFairShareOfASharedBottleneck(String algorithm) {
        SharedResult r = shared(algorithm);

        assertThat(r.subflowsWithData()).as("subflows that carried data").isEqualTo(2);
        assertThat(r.share()).as("MPTCP share with %s: %s", algorithm, r).isLessThanOrEqualTo(0.60);
        assertThat(r.share()).as("MPTCP share with %s: %s", algorithm, r).isGreaterThanOrEqualTo(0.30);
        assertThat(r.utilization()).as("bottleneck utilization: %s", r).isGreaterThanOrEqualTo(0.90);
    }

    @Test
    void uncoupledCubicSubflowsTakeMoreThanTheirFairShare() {
        SharedResult r = shared("cubic");

        assertThat(r.subflowsWithData()).isEqualTo(2);
        assertThat(r.share()).as("MPTCP share with two CUBIC subflows: %s", r).isGreaterThanOrEqualTo(0.60);
        assertThat(r.utilization()).as("bottleneck utilization: %s", r).isGreaterThanOrEqualTo(0.90);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"lia", "olia", "balia"})
    void aCoupledConnectionAggregatesDisjointPaths(String algorithm) {
        DisjointResult r = disjoint(algorithm);

        assertThat(r.fraction()).as("aggregate goodput over both paths' rates with %s: %s", algorithm, r)
                .isGreaterThanOrEqualTo(0.90);
        for (double subflow : r.subflowBps()) {
            assertThat(subflow).as("each path carries its part: %s", r).isGreaterThan(0.4 * RATE_BPS);
        }
    }

    @Test
    void allSubflowsShareOneCongestionStateOnBothSidesAndClosedOnesLeaveIt() {
        MptcpConfig config = config("lia");
        MptcpPair pair = new MptcpPair(SEED, config, config, MptcpMultipathTest.path(20, 10),
                MptcpMultipathTest.path(20, 10)).withAllPathAddresses();
        ByteStreamChecker up = new ByteStreamChecker(1, 64L * 1024 * 1024);
        pair.clientEnd = new StreamEnd(up, null);
        pair.serverEnd = new StreamEnd(null, up);
        MptcpConnection c = pair.connect();
        pair.runUntil(() -> c.subflows().size() == 2 && c.subflows().get(1).isActive()
                && pair.serverConnection != null && pair.serverConnection.subflows().size() == 2
                && pair.serverConnection.subflows().get(1).isActive(), Duration.ofSeconds(2));
        pair.network().runFor(Duration.ofMillis(500));

        for (MptcpConnection side : List.of(c, pair.serverConnection)) {
            assertThat(side.congestion()).isNotNull();
            for (SubflowView view : side.subflows()) {
                TcpConnection tcp = ((Subflow) view).tcp();
                assertThat(tcp.connectionCongestion()).as("%s", view).isSameAs(side.congestion());
                assertThat(tcp.congestionController()).isInstanceOf(Lia.class);
            }
        }
        assertThat(c.congestion()).isNotSameAs(pair.serverConnection.congestion());
        Lia first = (Lia) ((Subflow) c.subflows().get(0)).tcp().congestionController();
        assertThat(first.alpha()).as("two coupled subflows").isLessThan(1.0);

        MptcpMultipathTest.setPath(pair, 1, false);
        pair.runUntil(() -> c.subflows().size() == 1, Duration.ofSeconds(2));

        assertThat(first.alpha()).as("alone again: the closed subflow left the coupling").isEqualTo(1.0);
    }

    // --- the measurements

    static MptcpConfig config(String algorithm) {
        return MptcpConfig.builder().subflowConfig(TcpConfig.builder().congestionControl(algorithm).build()).build();
    }

    static LinkConfig bottleneck() {
        return LinkConfig.builder().rateBitsPerSecond(RATE_BPS).delay(BOTTLENECK_DELAY).queueLimitBytes(QUEUE_BYTES)
                .build();
    }

    private static SharedResult measureShared(String algorithm, String competitor) {
        return measureShared(algorithm, competitor, Duration.ZERO);
    }

    /** As above, the competing TCP connection opened {@code rivalStart} after the MPTCP one. */
    private static SharedResult measureShared(String algorithm, String competitor, Duration rivalStart) {
        SharedBottleneckNetwork net = SharedBottleneckNetwork.create(SEED, bottleneck(), LinkConfig.defaults(), 2, 1);
        SimNetwork sim = net.network();
        MptcpStack client = MptcpPair.stack(SEED, 1, net.sender(0));
        net.senderAddresses(0).forEach(client::addAddress);
        net.sender(0).install(client);
        byte[] secret = new byte[16];
        secret[0] = 3;
        TcpStack rival = TcpStack.builder().secret(secret).build();
        rival.addAddress(net.senderAddress(1, 0));
        net.sender(1).install(rival);
        MptcpStack server = MptcpPair.stack(SEED, 2, net.server());
        server.addAddress(SharedBottleneckNetwork.serverAddress());
        net.server().install(server);
        MptcpListener mptcpListener = server.listen(null, MPTCP_PORT, 4, MptcpConfig.defaults());
        TcpListener tcpListener = server.tcp().listen(null, TCP_PORT, 4, TcpConfig.defaults());

        MptcpConnection mptcp = client.connect(sim.now(), net.senderAddress(0, 0), 0,
                SharedBottleneckNetwork.serverAddress(), MPTCP_PORT, config(algorithm));
        sim.runFor(rivalStart);
        TcpConnection tcp = rival.connect(sim.now(), net.senderAddress(1, 0), 0,
                SharedBottleneckNetwork.serverAddress(), TCP_PORT,
                TcpConfig.builder().congestionControl(competitor).build());
        Bulk mptcpFlow = new Bulk(StreamEnd.of(mptcp));
        Bulk tcpFlow = new Bulk(StreamEnd.of(tcp));
        Ticker.every(sim, () -> {
            if (mptcpFlow.receiver == null) {
                MptcpConnection accepted = mptcpListener.accept();
                if (accepted != null) {
                    mptcpFlow.receiver = StreamEnd.of(accepted);
                }
            }
            if (tcpFlow.receiver == null) {
                TcpConnection accepted = tcpListener.accept();
                if (accepted != null) {
                    tcpFlow.receiver = StreamEnd.of(accepted);
                }
            }
            mptcpFlow.pump();
            tcpFlow.pump();
        });

        sim.runFor(WARMUP.plus(STARTUP));
        long mptcpStart = mptcpFlow.received;
        long tcpStart = tcpFlow.received;
        long[] subflowStart = mptcp.subflows().stream().mapToLong(SubflowView::bytesSent).toArray();
        sim.runFor(MEASURE);
        double seconds = MEASURE.toNanos() / 1e9;
        List<SubflowView> subflows = mptcp.subflows();
        assertThat(subflows).as("subflows with %s", algorithm).hasSize(subflowStart.length);
        long withData = 0;
        for (int i = 0; i < subflows.size(); i++) {
            if (subflows.get(i).bytesSent() - subflowStart[i] > 1024 * 1024) {
                withData++;
            }
        }
        assertThat(tcp.congestionController().name()).isEqualTo(competitor);
        return new SharedResult(algorithm, competitor, (mptcpFlow.received - mptcpStart) * 8 / seconds,
                (tcpFlow.received - tcpStart) * 8 / seconds, withData);
    }

    private static DisjointResult measureDisjoint(String algorithm) {
        LinkConfig path = bottleneck().toBuilder().delay(PATH_DELAY).build();
        MptcpPair pair = new MptcpPair(SEED, config(algorithm), MptcpConfig.defaults(), path, path)
                .withAllPathAddresses();
        SimNetwork sim = pair.network();
        MptcpConnection mptcp = pair.client.connect(sim.now(), clientIpv4(0), 0, serverIpv4(0), MptcpPair.PORT,
                pair.clientConfig);
        Bulk flow = new Bulk(StreamEnd.of(mptcp));
        Ticker.every(sim, () -> {
            if (flow.receiver == null) {
                MptcpConnection accepted = pair.listener.accept();
                if (accepted != null) {
                    flow.receiver = StreamEnd.of(accepted);
                }
            }
            flow.pump();
        });

        sim.runFor(WARMUP);
        long startupStart = flow.received;
        sim.runFor(STARTUP);
        double startupBps = (flow.received - startupStart) * 8 / (STARTUP.toNanos() / 1e9);
        long start = flow.received;
        long[] subflowStart = mptcp.subflows().stream().mapToLong(SubflowView::bytesSent).toArray();
        sim.runFor(MEASURE);
        double seconds = MEASURE.toNanos() / 1e9;
        List<SubflowView> subflows = mptcp.subflows();
        assertThat(subflows).as("subflows of %s", algorithm).hasSize(subflowStart.length);
        List<Double> perSubflow = new java.util.ArrayList<>();
        for (int i = 0; i < subflows.size(); i++) {
            perSubflow.add((subflows.get(i).bytesSent() - subflowStart[i]) * 8 / seconds);
        }
        return new DisjointResult(algorithm, (flow.received - start) * 8 / seconds, List.copyOf(perSubflow),
                startupBps);
    }

    /** A sender that always has data (zeros) and a receiver that counts what it reads. */
    private static final class Bulk {
        private static final ByteBuffer DATA = ByteBuffer.allocate(64 * 1024).asReadOnlyBuffer();

        private final StreamEnd.Socket sender;
        private final ByteBuffer readBuffer = ByteBuffer.allocate(64 * 1024);
        StreamEnd.Socket receiver;
        long received;

        Bulk(StreamEnd.Socket sender) {
            this.sender = sender;
        }

        void pump() {
            if (sender.failed() || receiver != null && receiver.failed()) {
                throw new AssertionError("a bulk connection failed");
            }
            if (sender.canWrite()) {
                while (sender.write(DATA.duplicate()) > 0) {
                    // the send buffer takes what it can
                }
            }
            if (receiver != null) {
                int n;
                while ((n = receiver.read(readBuffer.clear())) > 0) {
                    received += n;
                }
            }
        }
    }

    // --- the results page

    /** The command that regenerates the page, as the page quotes it. */
    static final String COMMAND = "./mvnw -q -o -pl mptcp-spi test "
            + "-Dtest='io/mptcp4j/core/mptcp/CoupledCongestionSimTest' -Dm4j.docs=true";

    /**
     * Writes the results page: into a scratch directory on every run (so CI always exercises the generator),
     * into docs/ with {@code -Dm4j.docs=true}.
     */
    @Test
    void writeTheResultsPage(@TempDir Path scratch) throws IOException {
        boolean intoDocs = Boolean.getBoolean("m4j.docs");
        Path docs = intoDocs ? Path.of(System.getProperty("m4j.docs.dir", "../docs")).toAbsolutePath().normalize()
                : scratch;
        if (intoDocs) {
            assertThat(docs.resolve("tcp.md")).as("the docs directory").isRegularFile();
        }
        List<SharedResult> shared = ALGORITHMS.stream().map(CoupledCongestionSimTest::shared).toList();
        List<SharedResult> sharedWithReno = ALGORITHMS.stream().map(a -> shared(a, "reno")).toList();
        List<DisjointResult> disjoint = ALGORITHMS.stream().map(CoupledCongestionSimTest::disjoint).toList();
        // The docs sweep the competitor's start; the suite renders the same page from the runs it already has.
        List<Duration> starts = intoDocs ? RIVAL_STARTS : List.of(Duration.ZERO);
        Map<String, List<Double>> sweep = new LinkedHashMap<>();
        for (String competitor : List.of("cubic", "reno")) {
            for (String algorithm : ALGORITHMS) {
                sweep.put(algorithm + "/" + competitor, starts.stream()
                        .map(d -> d.isZero() ? shared(algorithm, competitor).share()
                                : measureShared(algorithm, competitor, d).share())
                        .toList());
            }
        }
        Files.createDirectories(docs.resolve("img"));
        Files.writeString(docs.resolve("congestion-results.md"),
                CongestionResultsPage.markdown(shared, sharedWithReno, disjoint, starts, sweep));
        Files.writeString(docs.resolve("img/congestion-share.svg"), CongestionResultsPage.svg(shared, disjoint));
        Path guide = docs.resolve("congestion-control.md");
        if (Files.exists(guide)) {
            Files.writeString(guide, CongestionResultsPage.withSummary(Files.readString(guide),
                    CongestionResultsPage.summary(shared, sharedWithReno, disjoint, sweep)));
        }
    }

    static String mbps(double bps) {
        return String.format(Locale.ROOT, "%.2f", bps / 1e6);
    }

    static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.1f %%", 100 * fraction);
    }
}
