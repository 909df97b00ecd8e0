package io.mptcp4j.samples;

import io.mptcp4j.core.mptcp.MptcpConfig;
import io.mptcp4j.core.mptcp.MptcpStatistics;
import io.mptcp4j.core.mptcp.SendLimit;
import io.mptcp4j.core.tcp.TcpStatistics;
import io.mptcp4j.driver.MptcpSocket;
import io.mptcp4j.driver.MptcpSocketInfo;
import io.mptcp4j.driver.UserspaceMptcp;
import io.mptcp4j.io.linux.AddressFamily;
import io.mptcp4j.io.linux.KernelMptcpSocket;
import io.mptcp4j.io.linux.StreamProtocol;
import io.mptcp4j.lab.Direction;
import io.mptcp4j.lab.EndpointFlag;
import io.mptcp4j.lab.Host;
import io.mptcp4j.lab.NamespaceLab;
import io.mptcp4j.lab.NamespaceLabBuilder;
import io.mptcp4j.lab.QdiscCounters;
import io.mptcp4j.lab.Shaping;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code mptcp bench multipath}: bandwidth aggregation on N shaped paths, side by side with the kernel, in one run
 * on one lab. For each N: plain kernel TCP on one path (the reference: N times its goodput is the practical limit
 * once headers are paid), the kernel's MPTCP client with N-1 subflow endpoints, and mptcp4j's client with an
 * address on every path (fullmesh), both against a kernel MPTCP server; each ratio is goodput / (N x reference).
 * Then {@code bench failover}: the longest gap in the receiver's stream after the path of the first subflow goes
 * down during a bulk transfer, kernel client and mptcp4j client, each way.
 */
final class MultipathBench {

    private static final Set<String> AGGREGATION_OPTIONS =
            Set.of("paths", "rate", "seconds", "direction", "warmup", "repeat", "json");
    private static final Set<String> FAILOVER_OPTIONS =
            Set.of("rate", "seconds", "direction", "warmup", "fail-at", "repeat", "json");

    private final PrintStream out = System.out;
    private int nextPort = 6201;
    /** Every path's shaped rate, bits per second. */
    private long rate;

    /** One measured transfer. */
    record Run(String what, int paths, String direction, LabTransfer.Result result, String subflows, String links,
               double cpuSteal) {
    }

    /** {@code bench multipath}. */
    int aggregation(List<String> args) throws Exception {
        Options options = Options.parse("bench multipath", args, AGGREGATION_OPTIONS);
        List<Integer> pathCounts = new ArrayList<>();
        for (String p : options.text("paths", "2,3").split(",", -1)) {
            pathCounts.add(pathCount(p));
        }
        rate = Options.parseRate("rate", options.text("rate", "50mbit"));
        int seconds = options.integer("seconds", 10, 2, 600);
        int warmup = options.integer("warmup", 3, 0, 60);
        int repeat = options.integer("repeat", 3, 1, 50);
        List<String> directions = directions(options);
        String json = options.text("json", null);
        out.printf("mptcp bench multipath: %s paths of %s (tbf both ways), %d s per run, %d runs each, %d CPUs, "
                        + "Java %s%n", pathCounts, LabTransfer.formatRate(rate), seconds, repeat,
                Runtime.getRuntime().availableProcessors(), Runtime.version());
        List<Run> runs = new ArrayList<>();
        for (int n : pathCounts) {
            try (NamespaceLab lab = lab(n, rate); UserspaceMptcp mptcp = ourStack(lab, n)) {
                if (warmup > 0) {
                    measureOurs(lab, mptcp, n, "upload", warmup, 0, null);
                }
                for (String d : directions) {
                    List<Double> kernelRatios = new ArrayList<>();
                    List<Double> ourRatios = new ArrayList<>();
                    List<Double> ourOverKernel = new ArrayList<>();
                    for (int i = 0; i < repeat; i++) {
                        Run tcp = measureKernel(lab, n, d, seconds, StreamProtocol.TCP, 0, null);
                        Run kernel = measureKernel(lab, n, d, seconds, StreamProtocol.MPTCP, 0, null);
                        Run ours = measureOurs(lab, mptcp, n, d, seconds, 0, null);
                        runs.add(tcp);
                        runs.add(kernel);
                        runs.add(ours);
                        double limit = n * tcp.result().megabits();
                        kernelRatios.add(kernel.result().megabits() / limit);
                        ourRatios.add(ours.result().megabits() / limit);
                        ourOverKernel.add(ours.result().megabits() / kernel.result().megabits());
                        out.printf(Locale.ROOT, "  %d paths %-8s run %d: TCP 1 path %6.1f | kernel MPTCP %6.1f (%.3f) "
                                        + "| mptcp4j %6.1f (%.3f) Mbit/s; ratios to %d x TCP; mptcp4j / kernel %.3f%n",
                                n, d, i + 1, tcp.result().megabits(), kernel.result().megabits(), kernelRatios.get(i),
                                ours.result().megabits(), ourRatios.get(i), n, ourOverKernel.get(i));
                        out.println("      TCP " + tcp.links());
                        out.println("      kernel MPTCP " + kernel.links());
                        out.println("      mptcp4j " + ours.links());
                        out.println("      mptcp4j subflows: " + ours.subflows());
                    }
                    out.printf(Locale.ROOT, "  %d paths %-8s medians of %d: kernel MPTCP %.3f, mptcp4j %.3f of %d x "
                                    + "TCP; mptcp4j / kernel %.3f%n", n, d, repeat, BenchPlot.median(kernelRatios),
                            BenchPlot.median(ourRatios), n, BenchPlot.median(ourOverKernel));
                }
            }
        }
        writeJson(json, "multipath", rate, seconds, repeat, runs);
        return 0;
    }

    /** {@code bench failover}. */
    int failover(List<String> args) throws Exception {
        Options options = Options.parse("bench failover", args, FAILOVER_OPTIONS);
        rate = Options.parseRate("rate", options.text("rate", "50mbit"));
        int seconds = options.integer("seconds", 8, 3, 600);
        int failAt = options.integer("fail-at", 3, 1, seconds - 1);
        int repeat = options.integer("repeat", 3, 1, 50);
        int warmup = options.integer("warmup", 3, 0, 60);
        List<String> directions = directions(options);
        String json = options.text("json", null);
        out.printf("mptcp bench failover: 2 paths of %s, path 1 (the first subflow's) down %d s into a %d s "
                        + "transfer, %d runs each, %d CPUs, Java %s%n", LabTransfer.formatRate(rate), failAt, seconds,
                repeat, Runtime.getRuntime().availableProcessors(), Runtime.version());
        List<Run> runs = new ArrayList<>();
        long failNanos = TimeUnit.SECONDS.toNanos(failAt);
        try (NamespaceLab lab = lab(2, rate); UserspaceMptcp mptcp = ourStack(lab, 2)) {
            if (warmup > 0) {
                measureOurs(lab, mptcp, 2, "upload", warmup, 0, null);
            }
            for (String d : directions) {
                for (int i = 0; i < repeat; i++) {
                    Run kernel = measureKernel(lab, 2, d, seconds, StreamProtocol.MPTCP, failNanos,
                            () -> setLink(lab, false));
                    setLink(lab, true);
                    Run ours = measureOurs(lab, mptcp, 2, d, seconds, failNanos, () -> setLink(lab, false));
                    setLink(lab, true);
                    runs.add(kernel);
                    runs.add(ours);
                    out.printf(Locale.ROOT, "  %-8s run %d: longest gap after the failure: kernel %5.0f ms, mptcp4j "
                                    + "%5.0f ms (goodput %.1f / %.1f Mbit/s; CPU steal %s / %s)%n", d, i + 1,
                            kernel.result().longestGap() / 1e6, ours.result().longestGap() / 1e6,
                            kernel.result().megabits(), ours.result().megabits(), percent(kernel.cpuSteal()),
                            percent(ours.cpuSteal()));
                }
            }
        }
        writeJson(json, "failover", rate, seconds, repeat, runs);
        return 0;
    }

    private static int pathCount(String text) throws Mptcp.UsageException {
        try {
            int n = Integer.parseInt(text.trim());
            if (n >= 1 && n <= 8) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new Mptcp.UsageException("--paths takes path counts from 1 to 8 (the kernel's subflow limit), "
                + "like 2,3; got '" + text + "'");
    }

    private static List<String> directions(Options options) throws Mptcp.UsageException {
        String direction = options.choice("direction", "both", List.of("upload", "download", "both"));
        return direction.equals("both") ? List.of("upload", "download") : List.of(direction);
    }

    private static void setLink(NamespaceLab lab, boolean up) {
        try {
            if (up) {
                lab.linkUp(0);
                Thread.sleep(500); // let both ends settle (carrier, neighbours) before the next run
            } else {
                lab.linkDown(0);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** N paths shaped both ways; the kernel client has a subflow endpoint on every path but the first. */
    private static NamespaceLab lab(int paths, long rate) throws IOException {
        NamespaceLabBuilder b = NamespaceLab.builder().paths(paths).mptcpLimits(Math.max(1, paths - 1), 0);
        for (int p = 1; p < paths; p++) {
            b.endpoint(Host.CLIENT, p, EndpointFlag.SUBFLOW);
        }
        NamespaceLab lab = b.build();
        try {
            for (int p = 0; p < paths; p++) {
                for (Direction d : Direction.values()) {
                    lab.setShaping(p, d, Shaping.rate(rate));
                }
            }
            return lab;
        } catch (IOException | RuntimeException e) {
            lab.close();
            throw e;
        }
    }

    /** mptcp4j in the client namespace with an address on every path. */
    private static UserspaceMptcp ourStack(NamespaceLab lab, int paths) throws IOException {
        UserspaceMptcp.Builder b = UserspaceMptcp.builder().namespace(lab.namespace(Host.CLIENT))
                .config(MptcpConfig.builder().maxSubflows(paths).build());
        for (int p = 0; p < paths; p++) {
            b.address(lab.path(p).address(Host.CLIENT, AddressFamily.IPV4));
        }
        return b.open();
    }

    private Run measureKernel(NamespaceLab lab, int paths, String direction, int seconds, StreamProtocol protocol,
                              long atNanos, Runnable action) throws Exception {
        InetSocketAddress server = serverAddress(lab);
        try (KernelMptcpSocket listener = lab.inNamespace(Host.SERVER,
                () -> KernelMptcpSocket.listen(server, protocol, 4))) {
            CompletableFuture<KernelMptcpSocket> accepted = accept(listener);
            ByteStream client = ByteStream.of(lab.inNamespace(Host.CLIENT,
                    () -> KernelMptcpSocket.connect(server, protocol, LabTransfer.WAIT)));
            try (ByteStream c = client; ByteStream s = ByteStream.of(accepted.get(30, TimeUnit.SECONDS))) {
                Thread.sleep(200); // the kernel's joins complete before the clock starts
                boolean upload = direction.equals("upload");
                RunConditions conditions = new RunConditions(lab, protocol == StreamProtocol.TCP ? 1 : paths, upload,
                        rate);
                LabTransfer.Result r = LabTransfer.run(upload ? c : s, upload ? s : c, seconds, atNanos, atNanos,
                        action);
                conditions.end(r.nanos());
                String what = protocol == StreamProtocol.TCP ? "kernel TCP, 1 path" : "kernel MPTCP";
                return new Run(what, protocol == StreamProtocol.TCP ? 1 : paths, direction, r, "",
                        conditions.describe(), conditions.steal());
            }
        }
    }

    private Run measureOurs(NamespaceLab lab, UserspaceMptcp mptcp, int paths, String direction, int seconds,
                            long atNanos, Runnable action) throws Exception {
        InetSocketAddress server = serverAddress(lab);
        try (KernelMptcpSocket listener = lab.inNamespace(Host.SERVER,
                () -> KernelMptcpSocket.listen(server, StreamProtocol.MPTCP, 4))) {
            CompletableFuture<KernelMptcpSocket> accepted = accept(listener);
            MptcpSocket socket = mptcp.connect(server, LabTransfer.WAIT);
            try (ByteStream c = ByteStream.of(socket); ByteStream s = ByteStream.of(accepted.get(30,
                    TimeUnit.SECONDS))) {
                Thread.sleep(200);
                boolean upload = direction.equals("upload");
                CounterDelta counters = new CounterDelta(mptcp);
                MptcpSocketInfo before = socket.info();
                RunConditions conditions = new RunConditions(lab, paths, upload, rate);
                LabTransfer.Result r = LabTransfer.run(upload ? c : s, upload ? s : c, seconds, atNanos, atNanos,
                        action);
                conditions.end(r.nanos());
                MptcpSocketInfo after = socket.info();
                return new Run("mptcp4j", paths, direction, r, describe(after) + counters.since()
                        + sendLimits(before, after), conditions.describe(), conditions.steal());
            }
        }
    }

    /**
     * What one run had to work with: how busy each path's shaped link was in the data's direction, from its tbf's
     * counters (the share of the rate it carried, the mean frame size and the tail drops), and the CPU steal. A
     * link below 100% sat idle for part of the run; smaller frames mean more header per byte of data.
     */
    private static final class RunConditions {
        private final NamespaceLab lab;
        private final Direction direction;
        private final QdiscCounters[] before;
        private final long rate;
        private final CpuSteal cpuBefore = CpuSteal.now();
        private String links = "links: not measured";
        private double steal = Double.NaN;

        RunConditions(NamespaceLab lab, int paths, boolean upload, long rate) throws IOException {
            this.lab = lab;
            this.rate = rate;
            this.direction = upload ? Direction.CLIENT_TO_SERVER : Direction.SERVER_TO_CLIENT;
            this.before = new QdiscCounters[paths];
            for (int p = 0; p < paths; p++) {
                before[p] = lab.shapingCounters(p, direction);
            }
        }

        /** Reads the counters again at the end of a run that lasted {@code nanos}. */
        void end(long nanos) throws IOException {
            steal = CpuSteal.now().shareSince(cpuBefore);
            StringBuilder s = new StringBuilder("links:");
            for (int p = 0; p < before.length; p++) {
                QdiscCounters d = lab.shapingCounters(p, direction).since(before[p]);
                s.append(String.format(Locale.ROOT, "%s path %d %.1f%% busy, %d B frames, %d drops",
                        p == 0 ? "" : ";", p + 1, 100 * d.utilisation(rate, nanos),
                        d.packets() == 0 ? 0 : d.bytes() / d.packets(), d.dropped()));
            }
            links = s.toString();
        }

        /** e.g. "links: path 1 99.6% busy, 1512 B frames, 14 drops; path 2 ...; CPU steal 4%". */
        String describe() {
            return links + "; CPU steal " + percent(steal);
        }

        /** The share of the machine's CPU time the hypervisor took during the run; NaN if unknown. */
        double steal() {
            return steal;
        }
    }

    /** What the stack's TCP and MPTCP counters did during one run (the loop writes them; reads may lag a little). */
    private static final class CounterDelta {
        private final UserspaceMptcp mptcp;
        private final long[] tcp = new long[TcpStatistics.Counter.values().length];
        private final long[] multipath = new long[MptcpStatistics.Counter.values().length];

        CounterDelta(UserspaceMptcp mptcp) {
            this.mptcp = mptcp;
            for (TcpStatistics.Counter c : TcpStatistics.Counter.values()) {
                tcp[c.ordinal()] = mptcp.tcpStatistics().get(c);
            }
            for (MptcpStatistics.Counter c : MptcpStatistics.Counter.values()) {
                multipath[c.ordinal()] = mptcp.statistics().get(c);
            }
        }

        /** Non-zero changes of the counters that tell about losses and reordering, e.g. "; counters: ...". */
        String since() {
            StringBuilder s = new StringBuilder();
            for (TcpStatistics.Counter c : List.of(TcpStatistics.Counter.SEGMENTS_OUT,
                    TcpStatistics.Counter.RETRANSMITTED_SEGMENTS, TcpStatistics.Counter.FAST_RETRANSMITS,
                    TcpStatistics.Counter.SACK_RECOVERIES, TcpStatistics.Counter.LOST_RETRANSMISSIONS,
                    TcpStatistics.Counter.TIMEOUTS, TcpStatistics.Counter.SPURIOUS_RECOVERIES,
                    TcpStatistics.Counter.OUT_OF_ORDER_SEGMENTS)) {
                append(s, c.name().toLowerCase(Locale.ROOT), mptcp.tcpStatistics().get(c) - tcp[c.ordinal()]);
            }
            for (MptcpStatistics.Counter c : List.of(MptcpStatistics.Counter.RETRANSMISSIONS,
                    MptcpStatistics.Counter.OFO_QUEUE, MptcpStatistics.Counter.DUPLICATE_DATA)) {
                append(s, c.mibName(), mptcp.statistics().get(c) - multipath[c.ordinal()]);
            }
            return s.length() == 0 ? "" : "; counters:" + s;
        }

        private static void append(StringBuilder s, String name, long delta) {
            if (delta != 0) {
                s.append(' ').append(name).append('=').append(delta);
            }
        }
    }

    /** "12%", or "unknown" for a share that could not be read (NaN). */
    private static String percent(double share) {
        return Double.isNaN(share) ? "unknown" : String.format(Locale.ROOT, "%.0f%%", share * 100);
    }

    /** What held mptcp4j's sending back during the run, e.g. "; send limited (ms): application=12 window=3". */
    private static String sendLimits(MptcpSocketInfo before, MptcpSocketInfo after) {
        StringBuilder s = new StringBuilder("; send limited (ms):");
        for (SendLimit l : SendLimit.values()) {
            long ms = (after.sendLimitedNanos().getOrDefault(l, 0L) - before.sendLimitedNanos().getOrDefault(l, 0L))
                    / 1_000_000;
            s.append(' ').append(l.name().toLowerCase(Locale.ROOT)).append('=').append(ms);
        }
        return s.toString();
    }

    private static String describe(MptcpSocketInfo info) {
        StringBuilder s = new StringBuilder();
        for (MptcpSocketInfo.Subflow f : info.subflows()) {
            s.append(String.format(Locale.ROOT, "[%s -> %s %s, sent %d MB, received %d MB] ",
                    f.local().getAddress().getHostAddress(), f.remote().getAddress().getHostAddress(), f.state(),
                    f.bytesSent() / 1_000_000, f.bytesReceived() / 1_000_000));
        }
        return s.toString().trim();
    }

    private InetSocketAddress serverAddress(NamespaceLab lab) {
        InetAddress address = lab.path(0).address(Host.SERVER, AddressFamily.IPV4);
        return new InetSocketAddress(address, nextPort++);
    }

    private static CompletableFuture<KernelMptcpSocket> accept(KernelMptcpSocket listener) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return listener.accept(LabTransfer.WAIT);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private void writeJson(String file, String kind, long rate, int seconds, int repeat, List<Run> runs)
            throws IOException {
        if (file == null) {
            return;
        }
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "{\n  \"benchmark\": \"%s\",\n  "
                        + "\"rateBitsPerSecond\": %d,\n  \"seconds\": %d,\n  \"repeat\": %d,\n  \"cpus\": %d,\n  "
                        + "\"runs\": [\n", kind, rate, seconds, repeat, Runtime.getRuntime().availableProcessors()));
        for (int i = 0; i < runs.size(); i++) {
            Run r = runs.get(i);
            s.append(String.format(Locale.ROOT, "    {\"stack\": \"%s\", \"paths\": %d, \"direction\": \"%s\", "
                            + "\"mbitPerSecond\": %.2f, \"bytes\": %d, \"longestGapMillis\": %.1f, "
                            + "\"cpuStealPercent\": %s}%s%n", r.what(), r.paths(), r.direction(),
                    r.result().megabits(), r.result().bytes(), r.result().longestGap() / 1e6,
                    Double.isNaN(r.cpuSteal()) ? "null" : String.format(Locale.ROOT, "%.1f", r.cpuSteal() * 100),
                    i + 1 < runs.size() ? "," : ""));
        }
        Files.writeString(Path.of(file), s.append("  ]\n}\n").toString(), StandardCharsets.UTF_8);
        out.println("wrote " + file);
    }
}
