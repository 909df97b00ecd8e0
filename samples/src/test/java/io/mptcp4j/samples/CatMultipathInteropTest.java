package io.mptcp4j.samples;

import static org.assertj.core.api.Assertions.assertThat;

import io.mptcp4j.io.linux.KernelMptcpSocket;
import io.mptcp4j.io.linux.StreamProtocol;
import io.mptcp4j.lab.EndpointFlag;
import io.mptcp4j.lab.ExecResult;
import io.mptcp4j.lab.Host;
import io.mptcp4j.lab.NamespaceLab;
import io.mptcp4j.lab.NamespaceLabBuilder;
import io.mptcp4j.lab.Shaping;
import io.mptcp4j.testing.RootOnly;
import io.mptcp4j.testing.TestData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code mptcp cat} over several paths against the kernel's MPTCP, in namespace labs of two or three veth paths
 * (each its own /24, shaped with tbf): joins in both roles (RFC 8684 section 3.2), ADD_ADDR in both roles
 * (section 3.4.1), a path going down and coming back in the middle of a transfer, and a backup path (section
 * 3.3.8). Every byte is SHA-256 checked both ways, the kernel's {@code MPTcpExt*} counters must show the joins and
 * signals, and {@code --stats} must list every subflow with what it carried. Needs root ({@link RootOnly}); traffic
 * stays inside each test's lab.
 */
@RootOnly
@Timeout(120)
class CatMultipathInteropTest {

    private static final int PORT = 9800;
    private static final int MB = 1 << 20;
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** A direction that moves no byte for this long has failed (the slowest phase moves 6 MB/s). */
    private static final Duration STALL = Duration.ofSeconds(15);
    /** Per path and direction: slow enough that the schedulers spread data and a link can fail mid-way. */
    private static final Shaping RATE = Shaping.megabits(50);

    // ---------------------------------------------------------------------------------------------------------
    // 1. Our client joins every path to the kernel's server
    // ---------------------------------------------------------------------------------------------------------

    /** Issue 6: every scheduler and every congestion controller carries a byte-checked transfer with the kernel. */
    @ParameterizedTest(name = "--scheduler {0} --cc {1}")
    @CsvSource({"minrtt, cubic", "roundrobin, cubic", "redundant, cubic", "blest, cubic", "ecf, cubic",
            "backup, cubic", "minrtt, reno", "minrtt, lia", "minrtt, olia", "minrtt, balia"})
    void everySchedulerAndControllerCarriesATransferWithTheKernel(String scheduler, String cc) throws Exception {
        try (NamespaceLab lab = settled(lab(2).mptcpLimits(1, 0))) {
            Map<String, Long> before = lab.nstat(Host.SERVER);
            Exchange x = new Exchange(8 * MB, 8 * MB);
            try (KernelMptcpSocket listener = kernelListener(lab)) {
                CompletableFuture<Void> kernel = kernelAccepts(listener, x);
                CatRun cat = cat(lab, Host.CLIENT, x, "--connect", server(lab, 0) + ":" + PORT,
                        "--bind", clients(lab, 2), "--scheduler", scheduler, "--cc", cc, "--stats",
                        "--timeout", "30");
                x.finish(cat, kernel);
            }
            Map<String, Long> after = lab.nstat(Host.SERVER);
            report("--scheduler " + scheduler + " --cc " + cc, x, after, before);
            assertThat(TestData.delta(before, after, "MPTcpExtMPJoinAckRx")).isEqualTo(1);
            assertThat(x.stats.subflows).hasSize(2);
            for (int p = 0; p < 2; p++) {
                SubflowStat s = x.stats.from(lab.path(p).clientV4());
                assertThat(s.sent).as("bytes sent on path %d", p).isPositive();
            }
            assertNoDataLevelTrouble(before, after);
        }
    }

    @ParameterizedTest(name = "{0} paths")
    @ValueSource(ints = {2, 3})
    void ourClientJoinsEveryPathToTheKernelsServer(int paths) throws Exception {
        try (NamespaceLab lab = settled(lab(paths).mptcpLimits(paths - 1, 0))) {
            Map<String, Long> before = lab.nstat(Host.SERVER);
            long[] txBefore = txBytes(lab, Host.CLIENT);
            Exchange x = new Exchange(20 * MB, 20 * MB);
            try (KernelMptcpSocket listener = kernelListener(lab)) {
                CompletableFuture<Void> kernel = kernelAccepts(listener, x);
                CatRun cat = cat(lab, Host.CLIENT, x, "--connect", server(lab, 0) + ":" + PORT,
                        "--bind", clients(lab, paths), "--stats", "--timeout", "30");
                x.finish(cat, kernel);
            }
            Map<String, Long> after = lab.nstat(Host.SERVER);
            long[] txAfter = txBytes(lab, Host.CLIENT);
            Stats stats = x.stats;
            report("our client, " + paths + " paths", x, after, before);
            // every client address joined the server's initial address: N-1 joins, each counted at every step
            assertThat(TestData.delta(before, after, "MPTcpExtMPJoinSynRx")).isEqualTo(paths - 1);
            assertThat(TestData.delta(before, after, "MPTcpExtMPJoinAckRx")).isEqualTo(paths - 1);
            assertThat(TestData.delta(before, after, "MPTcpExtMPJoinRejected")).isZero();
            assertThat(stats.counter("MPJoinSynTx")).isEqualTo(paths - 1);
            assertThat(stats.counter("JoinSynAckRx")).isEqualTo(paths - 1);
            assertThat(stats.subflows).hasSize(paths);
            for (int p = 0; p < paths; p++) {
                SubflowStat s = stats.from(lab.path(p).clientV4());
                assertThat(s.remote).startsWith(server(lab, 0) + ":");
                assertThat(s.sent).as("bytes sent on path %d", p).isPositive();
                assertThat(s.received).as("bytes received on path %d", p).isPositive();
                assertThat(s.downReason).as("path %d stayed up", p).isNull();
                // the subflow from path p's address left on path p, though the server's address is on path 0
                assertThat(txAfter[p] - txBefore[p]).as("bytes our client sent on veth%d", p)
                        .isGreaterThanOrEqualTo(s.sent);
            }
            assertNoDataLevelTrouble(before, after);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // 2. The kernel's client joins every path to our server
    // ---------------------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0} paths")
    @ValueSource(ints = {2, 3})
    void theKernelsClientJoinsEveryPathToOurServer(int paths) throws Exception {
        NamespaceLabBuilder b = lab(paths).mptcpLimits(paths - 1, 0);
        for (int p = 1; p < paths; p++) {
            b.endpoint(Host.CLIENT, p, EndpointFlag.SUBFLOW); // with dev: the kernel's subflow leaves on path p
        }
        try (NamespaceLab lab = settled(b)) {
            Map<String, Long> before = lab.nstat(Host.CLIENT);
            Exchange x = new Exchange(20 * MB, 20 * MB);
            // no --bind: the wildcard listener takes every address of the server namespace
            CatRun cat = cat(lab, Host.SERVER, x, "--listen", ":" + PORT, "--stats", "--timeout", "30");
            CompletableFuture<Void> kernel = kernelConnects(lab, cat, x);
            x.finish(cat, kernel);
            Map<String, Long> after = lab.nstat(Host.CLIENT);
            Stats stats = x.stats;
            report("kernel client, " + paths + " paths", x, after, before);
            assertThat(TestData.delta(before, after, "MPTcpExtMPJoinSynTx")).isEqualTo(paths - 1);
            assertThat(TestData.delta(before, after, "MPTcpExtMPJoinSynAckRx")).isEqualTo(paths - 1);
            assertThat(stats.counter("JoinSynRx")).isEqualTo(paths - 1);
            assertThat(stats.counter("JoinAckRx")).isEqualTo(paths - 1);
            assertThat(stats.counter("MPJoinRejected")).isZero();
            assertThat(stats.subflows).hasSize(paths);
            for (int p = 0; p < paths; p++) {
                SubflowStat s = stats.to(lab.path(p).clientV4());
                assertThat(s.local).startsWith(server(lab, 0) + ":" + PORT);
                assertThat(s.sent).as("bytes sent on path %d", p).isPositive();
                assertThat(s.received).as("bytes received on path %d", p).isPositive();
            }
            assertNoDataLevelTrouble(before, after);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // 3. ADD_ADDR both ways
    // ---------------------------------------------------------------------------------------------------------

    @Test
    void theKernelsServerAnnouncesAnAddressAndOurClientJoinsIt() throws Exception {
        try (NamespaceLab lab = settled(lab(2).mptcpLimits(1, 1)
                .endpoint(Host.SERVER, 1, EndpointFlag.SIGNAL))) {
            Map<String, Long> before = lab.nstat(Host.SERVER);
            Exchange x = new Exchange(10 * MB, 10 * MB);
            try (KernelMptcpSocket listener = kernelListener(lab)) {
                CompletableFuture<Void> kernel = kernelAccepts(listener, x);
                // one address: the second subflow exists only because the server announced its other address
                CatRun cat = cat(lab, Host.CLIENT, x, "--connect", server(lab, 0) + ":" + PORT,
                        "--bind", lab.path(0).clientV4().getHostAddress(), "--stats", "--timeout", "30");
                x.finish(cat, kernel);
            }
            Map<String, Long> after = lab.nstat(Host.SERVER);
            Stats stats = x.stats;
            report("kernel server announces", x, after, before);
            assertThat(TestData.delta(before, after, "MPTcpExtAddAddrTx")).isPositive();
            assertThat(TestData.delta(before, after, "MPTcpExtEchoAdd")).isEqualTo(1);
            assertThat(TestData.delta(before, after, "MPTcpExtMPJoinSynRx")).isEqualTo(1);
            assertThat(TestData.delta(before, after, "MPTcpExtMPJoinAckRx")).isEqualTo(1);
            assertThat(stats.counter("AddAddr")).isEqualTo(1);
            assertThat(stats.counter("EchoAddTx")).isEqualTo(1);
            assertThat(stats.counter("MPJoinSynTx")).isEqualTo(1);
            assertThat(stats.json).contains("\"peer_addresses\":[{\"id\":2,\"address\":\"" + server(lab, 1) + ":");
            SubflowStat joined = stats.to(lab.path(1).serverV4());
            assertThat(joined.remoteId).isEqualTo(2); // the endpoint id the lab gives path 1
            assertThat(joined.sent).isPositive();
            assertThat(joined.received).isPositive();
            assertNoDataLevelTrouble(before, after);
        }
    }

    @Test
    void ourServerAnnouncesAnAddressAndTheKernelsClientJoinsIt() throws Exception {
        try (NamespaceLab lab = settled(lab(2).mptcpLimits(1, 1))) {
            Map<String, Long> before = lab.nstat(Host.CLIENT);
            Exchange x = new Exchange(10 * MB, 10 * MB);
            CatRun cat = cat(lab, Host.SERVER, x, "--listen", ":" + PORT,
                    "--bind", server(lab, 0) + "," + server(lab, 1), "--announce", server(lab, 1),
                    "--stats", "--timeout", "30");
            CompletableFuture<Void> kernel = kernelConnects(lab, cat, x);
            x.finish(cat, kernel);
            Map<String, Long> after = lab.nstat(Host.CLIENT);
            Stats stats = x.stats;
            report("our server announces", x, after, before);
            assertThat(TestData.delta(before, after, "MPTcpExtAddAddr")).isEqualTo(1);
            assertThat(TestData.delta(before, after, "MPTcpExtEchoAddTx")).isEqualTo(1);
            assertThat(TestData.delta(before, after, "MPTcpExtMPJoinSynTx")).isEqualTo(1);
            assertThat(TestData.delta(before, after, "MPTcpExtMPJoinSynAckRx")).isEqualTo(1);
            assertThat(stats.counter("AddAddrTx")).isPositive();
            assertThat(stats.counter("EchoAdd")).isEqualTo(1);
            assertThat(stats.counter("JoinAckRx")).isEqualTo(1);
            SubflowStat joined = stats.from(lab.path(1).serverV4());
            assertThat(joined.sent).isPositive();
            assertThat(joined.received).isPositive();
            assertNoDataLevelTrouble(before, after);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // 4. A path fails in the middle of 100 MB and comes back
    // ---------------------------------------------------------------------------------------------------------

    @Test
    void aPathFailsAndReturnsWhileOurClientUploads() throws Exception {
        try (NamespaceLab lab = settled(lab(2).mptcpLimits(1, 0))) {
            Map<String, Long> before = lab.nstat(Host.SERVER);
            Exchange x = new Exchange(100 * MB, 0);
            try (KernelMptcpSocket listener = kernelListener(lab)) {
                CompletableFuture<Void> kernel = kernelAccepts(listener, x);
                CatRun cat = cat(lab, Host.CLIENT, x, "--connect", server(lab, 0) + ":" + PORT,
                        "--bind", clients(lab, 2), "--stats", "--timeout", "30");
                failAndRestore(lab, 1, () -> x.kernelGot.count() >= 25L * MB,
                        () -> x.kernelGot.count() >= 50L * MB, cat, x::progress);
                x.finish(cat, kernel);
            }
            Map<String, Long> after = lab.nstat(Host.SERVER);
            report("path 1 fails, our client uploads", x, after, before);
            assertFailover(lab, x.stats, TestData.delta(before, after, "MPTcpExtMPJoinAckRx"));
            assertNoDataLevelTrouble(before, after);
        }
    }

    @Test
    void aPathFailsAndReturnsWhileTheKernelsServerSends() throws Exception {
        try (NamespaceLab lab = settled(lab(2).mptcpLimits(1, 0))) {
            Map<String, Long> before = lab.nstat(Host.SERVER);
            Exchange x = new Exchange(0, 100 * MB);
            try (KernelMptcpSocket listener = kernelListener(lab)) {
                CompletableFuture<Void> kernel = kernelAccepts(listener, x);
                CatRun cat = cat(lab, Host.CLIENT, x, "--connect", server(lab, 0) + ":" + PORT,
                        "--bind", clients(lab, 2), "--stats", "--timeout", "30");
                failAndRestore(lab, 1, () -> x.catGot.count() >= 25L * MB, () -> x.catGot.count() >= 50L * MB,
                        cat, x::progress);
                x.finish(cat, kernel);
            }
            Map<String, Long> after = lab.nstat(Host.SERVER);
            report("path 1 fails, the kernel sends", x, after, before);
            assertFailover(lab, x.stats, TestData.delta(before, after, "MPTcpExtMPJoinAckRx"));
            assertNoDataLevelTrouble(before, after);
        }
    }

    /**
     * Takes {@code path} down once {@code down} holds and up again once {@code up} holds (both polled), unless cat
     * ended first.
     */
    private static void failAndRestore(NamespaceLab lab, int path, BooleanSupplier down, BooleanSupplier up,
                                       CatRun cat, java.util.function.Supplier<String> progress) throws Exception {
        awaitCondition(down, cat, "the transfer to reach the failure point", progress);
        lab.linkDown(path);
        try {
            awaitCondition(up, cat, "the transfer to go on over the other path", progress);
        } finally {
            lab.linkUp(path);
        }
    }

    /** Path 1's first subflow went down with its link, a new one joined when it returned, and both carried data. */
    private static void assertFailover(NamespaceLab lab, Stats stats, long kernelJoins) {
        List<SubflowStat> path1 = stats.allFrom(lab.path(1).clientV4());
        assertThat(path1).as("subflows from path 1: %s", stats.json).hasSize(2);
        SubflowStat first = path1.get(0);
        SubflowStat second = path1.get(1);
        assertThat(first.downReason).isEqualTo(SubflowLog.LINK_DOWN);
        assertThat(second.upMs).as("joined again after the link returned").isGreaterThan(first.downMs);
        assertThat(second.downReason).isNull();
        assertThat(first.sent + first.received).isPositive();
        assertThat(second.sent + second.received).isPositive();
        assertThat(kernelJoins).as("the kernel's completed joins").isEqualTo(2);
        assertThat(stats.counter("MPTCPSubflowLinkDown")).isEqualTo(1);
        assertThat(stats.counter("MPJoinSynTx")).isEqualTo(2);
        SubflowStat initial = stats.from(lab.path(0).clientV4());
        assertThat(initial.downReason).isNull();
    }

    // ---------------------------------------------------------------------------------------------------------
    // 5. A backup path
    // ---------------------------------------------------------------------------------------------------------

    @Test
    void aBackupPathCarriesDataOnlyOnceTheRegularPathIsDown() throws Exception {
        // The backup subflow goes from path 1's address to the server's initial address, which stays reachable
        // over path 1 when path 0 is down (Linux keeps the local route of an address whose interface is down).
        try (NamespaceLab lab = settled(lab(2).mptcpLimits(1, 0))) {
            Map<String, Long> before = lab.nstat(Host.SERVER);
            int phase1 = 8 * MB;
            int phase2 = 12 * MB;
            Exchange x = new Exchange(phase1 + phase2, phase1 + phase2);
            x.pauseBothAt(phase1);
            String backup = lab.path(1).clientV4().getHostAddress();
            Map<String, long[]> atFailure;
            try (KernelMptcpSocket listener = kernelListener(lab)) {
                CompletableFuture<Void> kernel = kernelAccepts(listener, x);
                CatRun cat = cat(lab, Host.CLIENT, x, "--connect", server(lab, 0) + ":" + PORT,
                        "--bind", clients(lab, 2), "--backup", backup, "--stats", "--timeout", "30");
                awaitCondition(() -> x.catGot.count() >= phase1 && x.kernelGot.count() >= phase1, cat,
                        "the first phase", x::progress);
                atFailure = kernelSubflowBytes(lab);
                lab.linkDown(0);
                x.resume();
                x.finish(cat, kernel);
            }
            Map<String, Long> after = lab.nstat(Host.SERVER);
            Stats stats = x.stats;
            report("backup", x, after, before);
            System.out.println("kernel subflows when path 0 went down (local, peer: sent, received): " + format(
                    atFailure));
            long backupSentByKernel = 0;
            long backupReceivedByKernel = 0;
            for (var e : atFailure.entrySet()) {
                if (e.getKey().endsWith(" " + backup)) {
                    backupSentByKernel += e.getValue()[0];
                    backupReceivedByKernel += e.getValue()[1];
                }
            }
            assertThat(backupSentByKernel).as("kernel -> us on the backup subflows while path 0 worked")
                    .isLessThan(phase1 / 100);
            assertThat(backupReceivedByKernel).as("us -> kernel on the backup subflows while path 0 worked")
                    .isLessThan(phase1 / 100);
            assertThat(TestData.delta(before, after, "MPTcpExtMPJoinSynBackupRx")).as("joins with the B flag")
                    .isEqualTo(1);
            long sentOnBackup = 0;
            long receivedOnBackup = 0;
            for (SubflowStat s : stats.allFrom(lab.path(1).clientV4())) {
                assertThat(s.backup).isTrue();
                sentOnBackup += s.sent;
                receivedOnBackup += s.received;
            }
            assertThat(sentOnBackup).as("us -> kernel on the backup subflows in all").isGreaterThanOrEqualTo(phase2);
            assertThat(receivedOnBackup).as("kernel -> us on the backup subflows in all")
                    .isGreaterThanOrEqualTo(phase2);
            SubflowStat regular = stats.from(lab.path(0).clientV4());
            assertThat(regular.backup).isFalse();
            assertThat(regular.downReason).isEqualTo(SubflowLog.LINK_DOWN);
        } finally {
            System.out.flush();
        }
    }

    /** The bytes each veth of {@code host} sent so far, by path. */
    private static long[] txBytes(NamespaceLab lab, Host host) throws IOException {
        long[] bytes = new long[lab.pathCount()];
        for (int p = 0; p < bytes.length; p++) {
            ExecResult r = lab.exec(host, "cat",
                    "/sys/class/net/" + lab.path(p).interfaceName() + "/statistics/tx_bytes");
            r.requireSuccess();
            bytes[p] = Long.parseLong(r.stdout().strip());
        }
        return bytes;
    }

    /** The kernel's TCP subflows in the server namespace: "local peer" (addresses only) to {sent, received}. */
    private static Map<String, long[]> kernelSubflowBytes(NamespaceLab lab) throws IOException {
        ExecResult r = lab.exec(Host.SERVER, "ss", "-tniHO", "state", "established");
        r.requireSuccess();
        Map<String, long[]> out = new LinkedHashMap<>();
        String address = "(\\d+\\.\\d+\\.\\d+\\.\\d+)";
        Pattern ends = Pattern.compile("\\s" + address + ":(\\d+)\\s+" + address + ":(\\d+)\\s");
        for (String line : r.stdout().split("\n")) {
            Matcher m = ends.matcher(line);
            if (!m.find() || Integer.parseInt(m.group(2)) != PORT) {
                continue;
            }
            long[] bytes = {field(line, "bytes_sent"), field(line, "bytes_received")};
            out.merge(m.group(1) + " " + m.group(3), bytes, (a, c) -> new long[] {a[0] + c[0], a[1] + c[1]});
        }
        return out;
    }

    private static long field(String line, String name) {
        Matcher m = Pattern.compile("\\b" + name + ":(\\d+)").matcher(line);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private static String format(Map<String, long[]> subflows) {
        StringBuilder b = new StringBuilder();
        subflows.forEach((k, v) -> b.append(b.isEmpty() ? "" : "; ").append(k).append(": ").append(v[0])
                .append(", ").append(v[1]));
        return b.toString();
    }

    // ---------------------------------------------------------------------------------------------------------
    // The lab, the kernel's end and cat
    // ---------------------------------------------------------------------------------------------------------

    private static NamespaceLabBuilder lab(int paths) {
        return NamespaceLab.builder().paths(paths).ipv6(false).shapeAll(RATE);
    }

    private static NamespaceLab settled(NamespaceLabBuilder builder) throws IOException {
        return LabFixtures.settled(builder);
    }

    private static String server(NamespaceLab lab, int path) {
        return lab.path(path).serverV4().getHostAddress();
    }

    private static String clients(NamespaceLab lab, int paths) {
        List<String> all = new ArrayList<>();
        for (int p = 0; p < paths; p++) {
            all.add(lab.path(p).clientV4().getHostAddress());
        }
        return String.join(",", all);
    }

    /** A kernel MPTCP listener on every address of the server namespace, so joins to any of them reach it. */
    private static KernelMptcpSocket kernelListener(NamespaceLab lab) throws IOException {
        return lab.inNamespace(Host.SERVER, () -> KernelMptcpSocket.listen(
                new InetSocketAddress(InetAddress.getByName("0.0.0.0"), PORT), StreamProtocol.MPTCP, 4));
    }

    /** The kernel's server side: accepts one connection and runs {@code x}'s kernel end on it. */
    private static CompletableFuture<Void> kernelAccepts(KernelMptcpSocket listener, Exchange x) {
        return async(() -> {
            try (KernelMptcpSocket s = listener.accept(WAIT)) {
                assertThat(s.isFallback()).isFalse();
                x.kernelEnd(s);
            }
            return null;
        });
    }

    /** The kernel's client side: connects (again while cat is not listening yet) and runs {@code x}'s kernel end. */
    private static CompletableFuture<Void> kernelConnects(NamespaceLab lab, CatRun cat, Exchange x) {
        InetSocketAddress server = new InetSocketAddress(lab.path(0).serverV4(), PORT);
        return async(() -> {
            long end = System.nanoTime() + WAIT.toNanos();
            while (true) {
                try (KernelMptcpSocket s = lab.inNamespace(Host.CLIENT,
                        () -> KernelMptcpSocket.connect(server, StreamProtocol.MPTCP, WAIT))) {
                    assertThat(s.isFallback()).isFalse();
                    x.kernelEnd(s);
                    return null;
                } catch (IOException e) {
                    if (!String.valueOf(e.getMessage()).contains("ECONNREFUSED") || System.nanoTime() > end
                            || cat.result.isDone()) {
                        throw e;
                    }
                    Thread.sleep(50); // cat is not listening yet
                }
            }
        });
    }

    /** Runs cat in {@code host}'s namespace on a thread of its own, standard input and output from {@code x}. */
    private static CatRun cat(NamespaceLab lab, Host host, Exchange x, String... args) throws Exception {
        Cat.Settings settings = Cat.Settings.parse(List.of(args));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CompletableFuture<Integer> status = async(() -> Cat.transfer(settings, lab.namespace(host), x.catSends,
                x.catGot, new PrintStream(err, true, StandardCharsets.UTF_8)));
        return new CatRun(status, err);
    }

    private record CatRun(CompletableFuture<Integer> result, ByteArrayOutputStream err) {
        String stderr() {
            return err.toString(StandardCharsets.UTF_8);
        }
    }

    private static void awaitCondition(BooleanSupplier condition, CatRun cat, String what,
                                       java.util.function.Supplier<String> progress) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (cat.result.isDone()) {
                throw new AssertionError("cat ended (" + cat.result.get() + ") before " + what + "; stderr: "
                        + cat.stderr());
            }
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what + "; stderr so far: " + cat.stderr()
                        + "; bytes so far: " + progress);
            }
            Thread.sleep(5);
        }
    }

    private static <T> CompletableFuture<T> async(Callable<T> task) {
        return LabFixtures.async("cat-multipath-test", task);
    }

    private static void report(String what, Exchange x, Map<String, Long> after, Map<String, Long> before) {
        Map<String, Long> deltas = new LinkedHashMap<>();
        after.forEach((k, v) -> {
            long d = v - before.getOrDefault(k, 0L);
            if (d != 0 && !k.equals("MPTcpExtMPCurrEstab")) {
                deltas.put(k.substring("MPTcpExt".length()), d);
            }
        });
        System.out.printf("%s: %.1f s; kernel counters %s%n  cat --stats %s%n", what, x.seconds(), deltas,
                x.stats.json);
    }

    /** The data level stayed clean on the kernel's side: no contradicting mapping, no fallback, no reset. */
    private static void assertNoDataLevelTrouble(Map<String, Long> before, Map<String, Long> after) {
        for (String c : List.of("MPTcpExtDSSNotMatching", "MPTcpExtDSSNoMatchTCP", "MPTcpExtDataCsumErr",
                "MPTcpExtMPFastcloseRx", "MPTcpExtMPJoinAckHMacFailure", "MPTcpExtMPJoinSynAckHMacFailure",
                "MPTcpExtDssFallback", "MPTcpExtInfiniteMapRx")) {
            assertThat(TestData.delta(before, after, c)).as(c).isZero();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Data: generated, checked byte by byte, optionally paused
    // ---------------------------------------------------------------------------------------------------------

    /**
     * Both directions of one connection: what cat sends (its standard input) and the kernel receives, and what the
     * kernel sends and cat receives (its standard output); all generated from seeds and checked on the fly. Neither
     * side half-closes before it received everything: a kernel connection that sent its DATA_FIN takes no more
     * joins, so an early end would hide the paths a test is about.
     */
    private static final class Exchange {
        final long upSize;
        final long downSize;
        final Source catSends;
        final Sink catGot = new Sink(2);
        final Source kernelSends;
        final Sink kernelGot = new Sink(1);
        private long start;
        private long end;
        Stats stats;

        Exchange(long upSize, long downSize) {
            this.upSize = upSize;
            this.downSize = downSize;
            this.catSends = new Source(1, upSize, () -> catGot.count() >= downSize);
            this.kernelSends = new Source(2, downSize, () -> kernelGot.count() >= upSize);
            this.start = System.nanoTime();
        }

        /** Both senders stop after {@code bytes} until {@link #resume}. */
        void pauseBothAt(long bytes) {
            catSends.pauseAt(bytes);
            kernelSends.pauseAt(bytes);
        }

        void resume() {
            catSends.resume();
            kernelSends.resume();
        }

        /** The kernel's end: sends its data, then its FIN, while reading everything cat sends. */
        void kernelEnd(KernelMptcpSocket s) throws Exception {
            CompletableFuture<Void> sending = async(() -> {
                byte[] chunk = new byte[64 * 1024];
                int n;
                while ((n = kernelSends.read(chunk, 0, chunk.length)) >= 0) {
                    s.write(chunk, 0, n);
                }
                s.shutdownOutput();
                return null;
            });
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = s.read(buffer, 0, buffer.length)) >= 0) {
                kernelGot.write(buffer, 0, n);
            }
            sending.get(90, TimeUnit.SECONDS);
        }

        /** Waits for both ends; checks the exit status and every byte both ways; reads --stats. */
        void finish(CatRun cat, CompletableFuture<Void> kernel) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            long[] last = {-1, -1};
            long[] lastProgress = {System.nanoTime(), System.nanoTime()};
            while (!cat.result.isDone()) {
                long[] now = {catGot.count(), kernelGot.count()};
                long[] size = {downSize, upSize};
                for (int i = 0; i < 2; i++) {
                    if (now[i] != last[i] || now[i] == size[i]) {
                        last[i] = now[i];
                        lastProgress[i] = System.nanoTime();
                    } else if (System.nanoTime() - lastProgress[i] > STALL.toNanos()) {
                        throw new AssertionError("no progress for " + STALL.toSeconds() + " s: " + progress()
                                + "; stderr: " + cat.stderr());
                    }
                }
                if (catGot.count() > downSize || kernelGot.count() > upSize) {
                    throw new AssertionError("more bytes delivered than sent: " + progress() + "; stderr: "
                            + cat.stderr());
                }
                if (kernel.isCompletedExceptionally()) {
                    kernel.get(); // throws the kernel side's failure
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("cat did not finish: " + progress() + "; stderr: " + cat.stderr());
                }
                Thread.sleep(10);
            }
            int status = cat.result.get();
            end = System.nanoTime();
            assertThat(status).as("cat's exit status; stderr: %s", cat.stderr()).isZero();
            kernel.get(30, TimeUnit.SECONDS);
            assertThat(kernelGot.count()).as("bytes the kernel got").isEqualTo(upSize);
            assertThat(catGot.count()).as("bytes cat got").isEqualTo(downSize);
            assertThat(kernelGot.wrongBytes()).as("what the kernel got").isEqualTo("none");
            assertThat(catGot.wrongBytes()).as("what cat got").isEqualTo("none");
            stats = Stats.parse(cat.stderr());
            assertThat(stats.json).contains("\"mptcp\":true", "\"bytes_sent\":" + upSize,
                    "\"bytes_received\":" + downSize);
        }

        String progress() {
            return "cat got " + catGot.count() + " of " + downSize + ", the kernel " + kernelGot.count() + " of "
                    + upSize;
        }

        double seconds() {
            return (end - start) / 1e9;
        }
    }

    /**
     * {@code size} pseudo-random bytes from {@code seed}, the same however they are read; the end comes once
     * {@code endWhen} holds.
     */
    private static final class Source extends InputStream {
        static final int BLOCK = 64 * 1024;
        private final Random random;
        private final byte[] block = new byte[BLOCK];
        private int blockPosition = BLOCK;
        private long remaining;
        private long produced;
        private volatile long pauseAt = Long.MAX_VALUE;
        private volatile CountDownLatch pause = new CountDownLatch(0);
        private final BooleanSupplier endWhen;

        Source(long seed, long size, BooleanSupplier endWhen) {
            this.random = new Random(seed);
            this.remaining = size;
            this.endWhen = endWhen;
        }

        void pauseAt(long bytes) {
            pause = new CountDownLatch(1);
            pauseAt = bytes;
        }

        void resume() {
            pause.countDown();
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (produced == pauseAt) {
                await(pause);
            }
            if (remaining == 0) {
                while (!endWhen.getAsBoolean()) {
                    try {
                        Thread.sleep(2);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new InterruptedIOException("interrupted");
                    }
                }
                return -1;
            }
            if (blockPosition == BLOCK) {
                random.nextBytes(block);
                blockPosition = 0;
            }
            long limit = produced < pauseAt ? pauseAt - produced : Long.MAX_VALUE;
            int n = (int) Math.min(Math.min(len, BLOCK - blockPosition), Math.min(remaining, limit));
            System.arraycopy(block, blockPosition, b, off, n);
            blockPosition += n;
            remaining -= n;
            produced += n;
            return n;
        }

        private static void await(CountDownLatch latch) throws IOException {
            try {
                latch.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted");
            }
        }
    }

    /**
     * Counts what is written to it and compares it byte by byte with what the {@link Source} of the same seed
     * produces (stricter than a hash of the whole, and a wrong stream then says where it went wrong).
     */
    private static final class Sink extends OutputStream {
        private static final int MAX_RANGES = 8;
        private final AtomicLong count = new AtomicLong();
        private final Random expected;
        private final byte[] block = new byte[Source.BLOCK];
        private int blockPosition = Source.BLOCK;
        private long wrongBytes;
        /** The first {@value #MAX_RANGES} runs of wrong bytes, as [start, end) stream offsets. */
        private final List<long[]> wrongRanges = new ArrayList<>();

        Sink(long seed) {
            this.expected = new Random(seed);
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            long at = count.get();
            for (int i = 0; i < len; i++) {
                if (blockPosition == Source.BLOCK) {
                    expected.nextBytes(block);
                    blockPosition = 0;
                }
                if (b[off + i] != block[blockPosition++]) {
                    noteWrong(at + i);
                }
            }
            count.addAndGet(len);
        }

        private void noteWrong(long offset) {
            wrongBytes++;
            long[] last = wrongRanges.isEmpty() ? null : wrongRanges.get(wrongRanges.size() - 1);
            if (last != null && last[1] == offset) {
                last[1] = offset + 1;
            } else if (wrongRanges.size() < MAX_RANGES) {
                wrongRanges.add(new long[] {offset, offset + 1});
            }
        }

        long count() {
            return count.get();
        }

        /** Where the bytes differ from the source's, or "none". */
        synchronized String wrongBytes() {
            if (wrongBytes == 0) {
                return "none";
            }
            StringBuilder b = new StringBuilder(wrongBytes + " wrong bytes, from offsets");
            for (long[] r : wrongRanges) {
                b.append(' ').append(r[0]).append('-').append(r[1]);
            }
            return b.toString();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // --stats
    // ---------------------------------------------------------------------------------------------------------

    /** One subflow of the --stats line. */
    private record SubflowStat(String local, String remote, int localId, int remoteId, boolean initial,
                               boolean backup, Long upMs, Long downMs, String downReason, long sent,
                               long received) {
    }

    /** The --stats line, read back. */
    private record Stats(String json, List<SubflowStat> subflows, Map<String, Long> counters) {

        static Stats parse(String stderr) {
            String json = stderr.lines().filter(l -> l.startsWith("{\"mptcp\"")).findFirst()
                    .orElseThrow(() -> new AssertionError("no --stats line in: " + stderr));
            int from = json.indexOf("\"subflows\":[") + "\"subflows\":[".length();
            int to = json.indexOf("],\"peer_addresses\"");
            List<SubflowStat> subflows = new ArrayList<>();
            Matcher object = Pattern.compile("\\{([^{}]*)\\}").matcher(json.substring(from, to));
            while (object.find()) {
                Map<String, String> f = fields(object.group(1));
                subflows.add(new SubflowStat(f.get("local"), f.get("remote"), Integer.parseInt(f.get("local_id")),
                        Integer.parseInt(f.get("remote_id")), Boolean.parseBoolean(f.get("initial")),
                        Boolean.parseBoolean(f.get("backup")), number(f.get("up_ms")), number(f.get("down_ms")),
                        f.get("down_reason"), Long.parseLong(f.get("bytes_sent")),
                        Long.parseLong(f.get("bytes_received"))));
            }
            Map<String, Long> counters = new LinkedHashMap<>();
            String c = json.substring(json.indexOf("\"counters\":{") + "\"counters\":{".length());
            fields(c.substring(0, c.indexOf('}'))).forEach((k, v) -> counters.put(k, Long.parseLong(v)));
            return new Stats(json, subflows, counters);
        }

        private static Map<String, String> fields(String object) {
            Map<String, String> f = new LinkedHashMap<>();
            Matcher m = Pattern.compile("\"(\\w+)\":(\"[^\"]*\"|[^,]+)").matcher(object);
            while (m.find()) {
                String v = m.group(2);
                f.put(m.group(1), v.equals("null") ? null : v.startsWith("\"") ? v.substring(1, v.length() - 1) : v);
            }
            return f;
        }

        private static Long number(String v) {
            return v == null ? null : Long.valueOf(v);
        }

        long counter(String name) {
            assertThat(counters).as("counters of %s", json).containsKey(name);
            return counters.get(name);
        }

        /** The only subflow from {@code local}. */
        SubflowStat from(InetAddress local) {
            List<SubflowStat> all = allFrom(local);
            assertThat(all).as("subflows from %s in %s", local.getHostAddress(), json).hasSize(1);
            return all.get(0);
        }

        /** Every subflow from {@code local}, in the order they came up. */
        List<SubflowStat> allFrom(InetAddress local) {
            return subflows.stream().filter(s -> s.local.startsWith(local.getHostAddress() + ":")).toList();
        }

        /** The only subflow to {@code remote}. */
        SubflowStat to(InetAddress remote) {
            List<SubflowStat> all = subflows.stream()
                    .filter(s -> s.remote.startsWith(remote.getHostAddress() + ":")).toList();
            assertThat(all).as("subflows to %s in %s", remote.getHostAddress(), json).hasSize(1);
            return all.get(0);
        }
    }
}
