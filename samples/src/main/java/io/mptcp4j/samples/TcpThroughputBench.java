package io.mptcp4j.samples;

import io.mptcp4j.core.tcp.TcpStatistics;
import io.mptcp4j.driver.TcpSocket;
import io.mptcp4j.driver.TcpSocketInfo;
import io.mptcp4j.driver.UserspaceTcp;
import io.mptcp4j.io.linux.AddressFamily;
import io.mptcp4j.io.linux.KernelMptcpSocket;
import io.mptcp4j.io.linux.StreamProtocol;
import io.mptcp4j.lab.Direction;
import io.mptcp4j.lab.Host;
import io.mptcp4j.lab.NamespaceLab;
import io.mptcp4j.lab.Shaping;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code mptcp bench tcp}: goodput of mptcp4j's userspace TCP against the kernel's TCP on the same namespace lab
 * path, in the same run, same direction and duration. Each measurement opens one connection from the client
 * namespace to a kernel TCP server in the server namespace; the sender writes for the given time, then
 * half-closes; goodput is the bytes the receiver got divided by the time from the sender's first write to the
 * receiver's end of stream. The kernel's run uses a kernel client, mptcp4j's a {@link UserspaceTcp} client.
 * Several rates ({@code --rate 50mbit,none}) are measured one after the other on the same lab, its tbf
 * replaced in between, after an unmeasured warm-up of both stacks (so the JIT has compiled mptcp4j's paths).
 */
final class TcpThroughputBench {

    private static final Set<String> OPTIONS =
            Set.of("rate", "seconds", "direction", "family", "repeat", "warmup", "offloads", "json");
    private static final Duration WAIT = LabTransfer.WAIT;

    private final PrintStream out = System.out;
    private int nextPort = 5201;

    /** The kernel's and mptcp4j's goodput on one path setting and direction; {@code ours} null if not run. */
    record Comparison(long rate, Run kernel, Run ours) {
        double ratio() {
            return ours.megabits() / kernel.megabits();
        }
    }

    /** One measurement. */
    record Run(String stack, String direction, long bytes, double seconds, double cpuSeconds, String details) {
        double megabits() {
            return bytes * 8 / seconds / 1e6;
        }
    }

    int run(List<String> args) throws Exception {
        Options options = Options.parse("bench tcp", args, OPTIONS);
        List<Long> rates = new ArrayList<>();
        for (String rate : options.text("rate", "50mbit,none").split(",", -1)) {
            rates.add(Options.parseRate("rate", rate));
        }
        int seconds = options.integer("seconds", 10, 1, 3600);
        String direction = options.choice("direction", "both", List.of("upload", "download", "both"));
        AddressFamily family = options.choice("family", "ipv4", List.of("ipv4", "ipv6")).equals("ipv4")
                ? AddressFamily.IPV4 : AddressFamily.IPV6;
        int repeat = options.integer("repeat", 1, 1, 100);
        int warmup = options.integer("warmup", 3, 0, 600);
        // Raw sockets need offloads off (unfinished checksums, GRO super-segments); with them on only the
        // kernel runs, as a reference for what the veth can do.
        boolean kernelOnly = options.choice("offloads", "off", List.of("off", "on")).equals("on");
        String json = options.text("json", null);
        List<String> directions = direction.equals("both") ? List.of("upload", "download") : List.of(direction);

        out.printf("mptcp bench tcp: 1 path, MTU 1500, offloads %s, %s, %d s per run, %d CPUs, Java %s%n",
                kernelOnly ? "on (kernel only)" : "off", family, seconds, Runtime.getRuntime().availableProcessors(),
                Runtime.version());
        List<Comparison> comparisons = new ArrayList<>();
        try (NamespaceLab lab = NamespaceLab.builder().paths(1).offloadsOff(!kernelOnly).build();
             UserspaceTcp tcp = kernelOnly ? null : UserspaceTcp.builder().namespace(lab.namespace(Host.CLIENT))
                     .address(lab.path(0).address(Host.CLIENT, family)).open()) {
            if (warmup > 0) {
                out.printf("warm-up: %d s each way per stack on the unshaped path, not counted%n", warmup);
                for (String d : directions) {
                    measure(lab, family, d, warmup, null);
                    if (tcp != null) {
                        measure(lab, family, d, warmup, tcp);
                    }
                }
            }
            for (long rate : rates) {
                for (Direction d : Direction.values()) {
                    if (rate > 0) {
                        lab.setShaping(0, d, Shaping.rate(rate));
                    } else {
                        lab.clearShaping(0, d);
                    }
                }
                out.println(rate > 0 ? "path: " + LabTransfer.formatRate(rate) + " tbf both ways" : "path: unshaped veth");
                for (String d : directions) {
                    List<Run> kernelRuns = new ArrayList<>();
                    List<Run> ourRuns = new ArrayList<>();
                    for (int i = 0; i < repeat; i++) {
                        kernelRuns.add(measure(lab, family, d, seconds, null));
                        report(kernelRuns.get(i));
                        if (tcp != null) {
                            ourRuns.add(measure(lab, family, d, seconds, tcp));
                            report(ourRuns.get(i));
                        }
                    }
                    Comparison c = new Comparison(rate, median(kernelRuns), tcp == null ? null : median(ourRuns));
                    String medians = repeat > 1 ? "medians of " + repeat + " runs, " : "";
                    if (c.ours() != null) {
                        out.printf(Locale.ROOT, "  %-8s ratio mptcp4j / kernel: %.3f (%s%.1f / %.1f Mbit/s)%n", d,
                                c.ratio(), medians, c.ours().megabits(), c.kernel().megabits());
                    } else {
                        out.printf(Locale.ROOT, "  %-8s kernel: %s%.1f Mbit/s%n", d, medians, c.kernel().megabits());
                    }
                    comparisons.add(c);
                }
            }
        }
        if (json != null) {
            Files.writeString(Path.of(json), toJson(seconds, repeat, family, kernelOnly, comparisons),
                    StandardCharsets.UTF_8);
            out.println("wrote " + json);
        }
        return 0;
    }

    /** One transfer over a fresh connection; {@code tcp} null means the kernel's client. */
    private Run measure(NamespaceLab lab, AddressFamily family, String direction, int seconds, UserspaceTcp tcp)
            throws Exception {
        InetAddress serverAddress = lab.path(0).address(Host.SERVER, family);
        InetSocketAddress server = new InetSocketAddress(serverAddress, nextPort++);
        String stack = tcp == null ? "kernel" : "mptcp4j";
        try (KernelMptcpSocket listener = lab.inNamespace(Host.SERVER,
                () -> KernelMptcpSocket.listen(server, StreamProtocol.TCP, 4))) {
            CompletableFuture<KernelMptcpSocket> accepted = CompletableFuture.supplyAsync(() -> {
                try {
                    return listener.accept(WAIT);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            TcpSocket ourSocket = null;
            ByteStream client;
            if (tcp == null) {
                client = ByteStream.of(lab.inNamespace(Host.CLIENT,
                        () -> KernelMptcpSocket.connect(server, StreamProtocol.TCP, WAIT)));
            } else {
                ourSocket = tcp.connect(server, WAIT);
                client = ByteStream.of(ourSocket);
            }
            KernelMptcpSocket serverSide = accepted.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            try (ByteStream c = client; ByteStream s = ByteStream.of(serverSide)) {
                boolean upload = direction.equals("upload");
                long cpuBefore = LabTransfer.processCpuNanos();
                long packetsBefore = tcp == null ? 0 : packets(tcp);
                long iterationsBefore = tcp == null ? 0 : tcp.eventLoop().iterations();
                long timeoutsBefore = tcp == null ? 0 : tcp.statistics().get(TcpStatistics.Counter.TIMEOUTS);
                long recoveriesBefore = tcp == null ? 0 : tcp.statistics().get(TcpStatistics.Counter.SACK_RECOVERIES);
                LabTransfer.Result result = LabTransfer.run(upload ? c : s, upload ? s : c, seconds, 0, 0, null);
                double cpu = (LabTransfer.processCpuNanos() - cpuBefore) / 1e9;
                String details = "";
                if (ourSocket != null) {
                    TcpSocketInfo info = ourSocket.info();
                    long packets = packets(tcp) - packetsBefore;
                    long iterations = tcp.eventLoop().iterations() - iterationsBefore;
                    details = String.format(Locale.ROOT, "; retransmitted %d, recoveries %d, RTOs %d, srtt %.2f ms, "
                                    + "cwnd %d KiB, %.1f packets per loop iteration", info.retransmittedSegments(),
                            tcp.statistics().get(TcpStatistics.Counter.SACK_RECOVERIES) - recoveriesBefore,
                            tcp.statistics().get(TcpStatistics.Counter.TIMEOUTS) - timeoutsBefore,
                            info.smoothedRttNanos() / 1e6, info.congestionWindow() >> 10,
                            packets / (double) Math.max(1, iterations));
                }
                return new Run(stack, direction, result.bytes(), result.nanos() / 1e9, cpu, details);
            }
        }
    }

    /** The run with the median goodput (the lower middle one of an even count). */
    private static Run median(List<Run> runs) {
        List<Run> sorted = new ArrayList<>(runs);
        sorted.sort(java.util.Comparator.comparingDouble(Run::megabits));
        return sorted.get((sorted.size() - 1) / 2);
    }

    private void report(Run r) {
        out.printf(Locale.ROOT, "  %-8s %-8s %9.1f Mbit/s  (%d MB in %.2f s, JVM CPU %.1f s%s)%n", r.direction(),
                r.stack(), r.megabits(), r.bytes() / 1_000_000, r.seconds(), r.cpuSeconds(), r.details());
    }

    private static long packets(UserspaceTcp tcp) {
        return tcp.eventLoop().packetsReceived() + tcp.eventLoop().packetsSent();
    }

    private static String toJson(int seconds, int repeat, AddressFamily family, boolean offloads,
                                 List<Comparison> comparisons) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "{\n  \"seconds\": %d,\n  \"repeat\": %d,\n  \"family\": \"%s\",\n"
                        + "  \"offloads\": %b,\n  \"cpus\": %d,\n  \"java\": \"%s\",\n  \"results\": [\n", seconds,
                repeat, family, offloads, Runtime.getRuntime().availableProcessors(), Runtime.version()));
        for (int i = 0; i < comparisons.size(); i++) {
            Comparison c = comparisons.get(i);
            s.append(String.format(Locale.ROOT, "    {\"rateBitsPerSecond\": %d, \"direction\": \"%s\", "
                            + "\"kernelMbitPerSecond\": %.2f, \"kernelBytes\": %d", c.rate(), c.kernel().direction(),
                    c.kernel().megabits(), c.kernel().bytes()));
            if (c.ours() != null) {
                s.append(String.format(Locale.ROOT, ", \"mptcp4jMbitPerSecond\": %.2f, \"mptcp4jBytes\": %d, "
                        + "\"ratio\": %.4f", c.ours().megabits(), c.ours().bytes(), c.ratio()));
            }
            s.append(i + 1 < comparisons.size() ? "},\n" : "}\n");
        }
        return s.append("  ]\n}\n").toString();
    }
}
