package io.mptcp4j.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mptcp perf}'s JSON result and its human output: the live display and the summary (no network). */
class PerfResultTest {

    private static final String SHA = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
    private static final InetSocketAddress CLIENT = new InetSocketAddress("10.0.0.1", 40000);
    private static final InetSocketAddress CLIENT2 = new InetSocketAddress("10.0.1.1", 40001);
    private static final InetSocketAddress SERVER = new InetSocketAddress("10.0.0.2", 5201);

    private static PerfMeter.Interval interval(double start, double end, double megabits, long total) {
        return new PerfMeter.Interval(start, end, megabits, total, 2, List.of(
                new PerfMeter.SubflowRate(new PerfMeter.SubflowSample(CLIENT, SERVER, "ESTABLISHED", false, 0,
                        12_345_678), megabits * 0.6),
                new PerfMeter.SubflowRate(new PerfMeter.SubflowSample(CLIENT2, SERVER, "ESTABLISHED", true, 0, 0),
                        megabits * 0.4)));
    }

    private static PerfResult result() {
        return new PerfResult("client", "mptcp4j", false, CLIENT, SERVER, true, "minrtt", "cubic", "fullmesh",
                PerfProtocol.Limit.ofMillis(2_000), 25_000_000, 2_000_000_000L, true, SHA, null,
                List.of(new PerfResult.SubflowTotal(CLIENT, SERVER, true, false, 15_000_000),
                        new PerfResult.SubflowTotal(CLIENT2, SERVER, false, true, 10_000_000)),
                List.of(interval(0, 1.0005, 95.5, 12_000_000), interval(1.0005, 2, 104.5, 25_000_000)));
    }

    @Test
    void theJsonHasEveryFieldTheDocsName() {
        assertThat(result().json()).isEqualTo("""
                {
                  "role": "client",
                  "stack": "mptcp4j",
                  "sender": "client",
                  "local": "10.0.0.1:40000",
                  "remote": "10.0.0.2:5201",
                  "mptcp": true,
                  "scheduler": "minrtt",
                  "cc": "cubic",
                  "path_manager": "fullmesh",
                  "limit": {"seconds": 2.000},
                  "bytes": 25000000,
                  "seconds": 2.000000,
                  "goodput_mbps": 100.000,
                  "hash_ok": true,
                  "sha256": "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",
                  "error": null,
                  "subflows": [
                    {"local": "10.0.0.1:40000", "remote": "10.0.0.2:5201", "initial": true, "backup": false, \
                "bytes": 15000000, "share": 0.6000},
                    {"local": "10.0.1.1:40001", "remote": "10.0.0.2:5201", "initial": false, "backup": true, \
                "bytes": 10000000, "share": 0.4000}
                  ],
                  "intervals": [
                    {"start": 0.000, "end": 1.001, "mbps": 95.500, "subflows": 2},
                    {"start": 1.001, "end": 2.000, "mbps": 104.500, "subflows": 2}
                  ]
                }
                """);
    }

    @Test
    void aFailedTestSaysWhyInTheJson() {
        String json = PerfResult.failed("client", "kernel", true, "connect: \"refused\"\n").json();
        assertThat(json).contains("\"sender\": \"server\"", "\"local\": null", "\"limit\": null",
                "\"bytes\": 0", "\"goodput_mbps\": 0.000", "\"hash_ok\": false",
                "\"error\": \"connect: \\\"refused\\\"\\u000a\"", "\"subflows\": [],", "\"intervals\": []\n");
        assertThat(new PerfResult("server", "mptcp4j", true, SERVER, CLIENT, true, null, null, null,
                PerfProtocol.Limit.ofBytes(1_000), 1_000, 1, true, SHA, null, List.of(), List.of()).json())
                .contains("\"limit\": {\"bytes\": 1000}", "\"scheduler\": null");
    }

    @Test
    void theJsonGoesToAFileOrStandardOutput(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("result.json");
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(stdout, true, StandardCharsets.UTF_8);
        result().write(file.toString(), out);
        assertThat(Files.readString(file)).isEqualTo(result().json());
        assertThat(stdout.size()).isZero();
        result().write("-", out);
        assertThat(stdout.toString(StandardCharsets.UTF_8)).isEqualTo(result().json());
    }

    @Test
    void sharesAreOfWhatAllSubflowsCarried() {
        PerfResult r = result();
        assertThat(r.share(r.subflows().get(0)) + r.share(r.subflows().get(1))).isEqualTo(1.0);
        PerfResult.SubflowTotal idle = new PerfResult.SubflowTotal(CLIENT, SERVER, true, false, 0);
        assertThat(PerfResult.failed("client", "kernel", false, "x").share(idle)).isZero();
    }

    @Test
    void plainLinesCarryTheirIntervalAndEverySubflow() {
        List<String> lines = PerfDisplay.lines(interval(1, 2, 100, 25_000_000), true, true);
        assertThat(lines).containsExactly(
                "[  1.0-  2.0 s]        10.0.0.1:40000 -> 10.0.0.2:5201         ESTABLISHED        tx    60.00 Mbit/s"
                        + "  rtt   12.3 ms",
                "[  1.0-  2.0 s]        10.0.1.1:40001 -> 10.0.0.2:5201         ESTABLISHED backup tx    40.00 Mbit/s"
                        + "  rtt      -",
                "[  1.0-  2.0 s] total, 2 subflows                                                    100.00 Mbit/s"
                        + "  25.00 MB so far");
        List<String> kernel = PerfDisplay.lines(new PerfMeter.Interval(0, 1, 8, 1_000_000, 1, List.of()), false,
                false);
        assertThat(kernel).containsExactly("total, 1 subflow (no per-subflow counters)" + " ".repeat(24)
                + "     8.00 Mbit/s  1.00 MB so far");
    }

    @Test
    void onATerminalEachIntervalReplacesTheLastInPlace() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PerfDisplay display = new PerfDisplay(new PrintStream(bytes, true, StandardCharsets.UTF_8), true, false);
        display.show(interval(0, 1, 100, 1));
        String first = bytes.toString(StandardCharsets.UTF_8);
        assertThat(first).startsWith("mptcp perf: 0.0-1.0 s" + System.lineSeparator()).doesNotContain("\u001b")
                .contains(" rx ").doesNotContain("[  0.0");
        bytes.reset();
        display.show(interval(1, 2, 100, 2));
        // up over the header and three lines, back to column 1, erase below, then the new block
        assertThat(bytes.toString(StandardCharsets.UTF_8)).startsWith("\u001b[4A\r\u001b[Jmptcp perf: 1.0-2.0 s");
    }

    @Test
    void theSummaryGivesGoodputCheckAndShares() {
        assertThat(PerfDisplay.summaryLines(result())).containsExactly(
                "mptcp perf client (mptcp4j): 25.00 MB from 10.0.0.1:40000 to 10.0.0.2:5201 in 2.00 s: "
                        + "100.00 Mbit/s goodput, MPTCP, 2 subflows",
                "  data check: ok (byte count, pattern and SHA-256 " + SHA + ")",
                "         10.0.0.1:40000 -> 10.0.0.2:5201         initial          15.00 MB  60.0 %",
                "         10.0.1.1:40001 -> 10.0.0.2:5201                 backup   10.00 MB  40.0 %");
        assertThat(PerfDisplay.summaryLines(PerfResult.failed("server", "kernel", false, "reset")))
                .containsExactly("mptcp perf server (kernel): failed: reset");
    }
}
