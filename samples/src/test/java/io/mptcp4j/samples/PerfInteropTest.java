package io.mptcp4j.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.mptcp4j.lab.Host;
import io.mptcp4j.lab.NamespaceLab;
import io.mptcp4j.lab.Shaping;
import io.mptcp4j.testing.RootOnly;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mptcp perf client} and {@code mptcp perf server} in the two hosts of a namespace lab with two shaped paths:
 * both mptcp4j, a two-second test must use both paths, verify every byte on both sides and say so in the JSON
 * results; and the kernel's MPTCP client ({@code --kernel}) receiving a byte count from mptcp4j's server
 * ({@code --reverse}), joining the address the server announces. Needs root ({@link RootOnly}); traffic stays
 * inside the lab.
 */
@RootOnly
@Timeout(60)
class PerfInteropTest {

    /** Per path and direction: slow enough that the scheduler spreads the data over both. */
    private static final Shaping RATE = Shaping.megabits(50);
    private static NamespaceLab lab;
    private static String s0;
    private static String s1;
    private static String c0;
    private static String c1;

    @BeforeAll
    static void createLab() throws Exception {
        // the kernel's client (second test) may join one address the server announces
        lab = LabFixtures.settled(NamespaceLab.builder().paths(2).ipv6(false).shapeAll(RATE).mptcpLimits(1, 1));
        s0 = lab.path(0).serverV4().getHostAddress();
        s1 = lab.path(1).serverV4().getHostAddress();
        c0 = lab.path(0).clientV4().getHostAddress();
        c1 = lab.path(1).clientV4().getHostAddress();
    }

    @AfterAll
    static void closeLab() {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void ourClientSendsToOurServerOverTwoPaths(@TempDir Path dir) throws Exception {
        String port = "5201";
        Path serverJson = dir.resolve("server.json");
        Path clientJson = dir.resolve("client.json");
        Output serverOut = new Output();
        CompletableFuture<Integer> server = server(serverOut, "--port", port, "--bind", s0 + "," + s1, "--one-off",
                "--json", serverJson.toString());

        Output clientOut = new Output();
        int status = PerfClient.run(PerfSettings.client(List.of(s0, "--port", port, "--bind", c0 + "," + c1,
                        "--time", "2", "--interval", "0.5", "--json", clientJson.toString())),
                lab.namespace(Host.CLIENT), clientOut.stream, clientOut.stream, false);
        System.out.println("client:\n" + clientOut.text() + "server:\n" + serverOut.text());
        assertThat(status).as("the client's exit status").isZero();
        assertThat(server.get(30, TimeUnit.SECONDS)).as("the server's exit status").isZero();

        Result client = Result.read(clientJson);
        Result received = Result.read(serverJson);
        for (Result r : List.of(client, received)) {
            assertThat(r.json).contains("\"hash_ok\": true", "\"mptcp\": true", "\"sender\": \"client\"",
                    "\"stack\": \"mptcp4j\"", "\"error\": null", "\"limit\": {\"seconds\": 2.000}");
            assertThat(r.subflows).as("subflows in %s", r.json).hasSize(2);
            assertThat(r.subflows.stream().mapToDouble(Subflow::share).sum()).isCloseTo(1.0, within(0.001));
        }
        assertThat(client.json).contains("\"role\": \"client\"", "\"scheduler\": \"minrtt\"",
                "\"path_manager\": \"fullmesh\"", "\"remote\": \"" + s0 + ":" + port);
        assertThat(client.bytes).as("2 s at up to 2 x 50 Mbit/s").isBetween(1L, 30_000_000L);
        assertThat(received.bytes).isEqualTo(client.bytes);
        assertThat(client.goodput).isPositive();
        for (String local : List.of(c0, c1)) {
            assertThat(client.from(local).bytes).as("bytes sent from %s", local).isPositive();
            // the live display showed the subflow in its intervals: ticks at 0.5, 1 and 1.5 s at least
            assertThat(clientOut.text().lines().filter(l -> l.contains(" " + local + ":")
                    && l.contains(" -> " + s0 + ":" + port) && l.contains(" tx "))).as("%s's lines", local)
                    .hasSizeGreaterThanOrEqualTo(3);
        }
        for (Subflow s : received.subflows) {
            assertThat(s.bytes).as("bytes received from %s", s.remote).isPositive();
        }
        assertThat(clientOut.text()).contains("total, 2 subflows", "data check: ok");
        assertThat(serverOut.text()).contains(" rx ", "data check: ok");
    }

    @Test
    void theKernelsClientReceivesAByteCountFromOurServerOverTheAnnouncedPathToo(@TempDir Path dir)
            throws Exception {
        String port = "5202";
        Path serverJson = dir.resolve("server.json");
        Path clientJson = dir.resolve("client.json");
        Output serverOut = new Output();
        CompletableFuture<Integer> server = server(serverOut, "--port", port, "--bind", s0 + "," + s1,
                "--announce", s1, "--one-off", "--json", serverJson.toString());

        Output clientOut = new Output();
        int status = PerfClient.run(PerfSettings.client(List.of(s0, "--port", port, "--kernel", "--reverse",
                        "--bytes", "8M", "--interval", "0.2", "--json", clientJson.toString())),
                lab.namespace(Host.CLIENT), clientOut.stream, clientOut.stream, false);
        System.out.println("client:\n" + clientOut.text() + "server:\n" + serverOut.text());
        assertThat(status).as("the client's exit status").isZero();
        assertThat(server.get(30, TimeUnit.SECONDS)).as("the server's exit status").isZero();

        Result client = Result.read(clientJson);
        Result sent = Result.read(serverJson);
        for (Result r : List.of(client, sent)) {
            assertThat(r.json).contains("\"hash_ok\": true", "\"mptcp\": true", "\"sender\": \"server\"",
                    "\"limit\": {\"bytes\": 8388608}", "\"bytes\": 8388608,");
        }
        assertThat(client.json).contains("\"stack\": \"kernel\"", "\"scheduler\": null", "\"subflows\": [],");
        assertThat(client.json).as("the kernel counted its join").contains("\"subflows\": 2}");
        assertThat(sent.json).contains("\"stack\": \"mptcp4j\"", "\"path_manager\": \"announce\"");
        assertThat(sent.subflows).as("subflows in %s", sent.json).hasSize(2);
        assertThat(sent.subflows.get(1).local).as("the kernel joined the announced address")
                .isEqualTo(s1 + ":" + port);
        for (Subflow s : sent.subflows) {
            assertThat(s.bytes).as("bytes sent from %s", s.local).isPositive();
        }
        assertThat(clientOut.text()).contains("total, 2 subflows (no per-subflow counters)");
    }

    /** Starts {@code mptcp perf server ARGS} in the server's namespace and waits until it listens. */
    private static CompletableFuture<Integer> server(Output out, String... args) throws Exception {
        PerfSettings.Server settings = PerfSettings.server(List.of(args));
        CompletableFuture<Integer> server = LabFixtures.async("perf-server", () -> PerfServer.run(settings,
                lab.namespace(Host.SERVER), out.stream, out.stream, false));
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!out.text().contains("mptcp perf server: listening")) {
            assertThat(server).as("the server ended early: %s", out.text()).isNotDone();
            assertThat(System.nanoTime()).as("the server never listened").isLessThan(end);
            Thread.sleep(10);
        }
        return server;
    }

    /** A stream a command prints to, read as text. */
    private static final class Output {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final PrintStream stream = new PrintStream(bytes, true, StandardCharsets.UTF_8);

        String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }

    private record Subflow(String local, String remote, long bytes, double share) {
    }

    /** The parts of a --json result the test checks. */
    private record Result(String json, long bytes, double goodput, List<Subflow> subflows) {

        private static final Pattern BYTES = Pattern.compile("(?m)^  \"bytes\": (\\d+),$");
        private static final Pattern GOODPUT = Pattern.compile("(?m)^  \"goodput_mbps\": ([0-9.]+),$");
        private static final Pattern SUBFLOW = Pattern.compile("\\{\"local\": \"([^\"]+)\", \"remote\": \"([^\"]+)\", "
                + "\"initial\": (?:true|false), \"backup\": (?:true|false), \"bytes\": (\\d+), \"share\": ([0-9.]+)\\}");

        static Result read(Path file) throws Exception {
            String json = Files.readString(file);
            List<Subflow> subflows = new ArrayList<>();
            Matcher m = SUBFLOW.matcher(json);
            while (m.find()) {
                subflows.add(new Subflow(m.group(1), m.group(2), Long.parseLong(m.group(3)),
                        Double.parseDouble(m.group(4))));
            }
            return new Result(json, Long.parseLong(find(BYTES, json)), Double.parseDouble(find(GOODPUT, json)),
                    subflows);
        }

        private static String find(Pattern p, String json) {
            Matcher m = p.matcher(json);
            assertThat(m.find()).as("%s in %s", p, json).isTrue();
            return m.group(1);
        }

        /** The only subflow from {@code local}. */
        Subflow from(String local) {
            List<Subflow> all = subflows.stream().filter(s -> s.local.startsWith(local + ":")).toList();
            assertThat(all).as("subflows from %s in %s", local, json).hasSize(1);
            return all.get(0);
        }
    }
}
