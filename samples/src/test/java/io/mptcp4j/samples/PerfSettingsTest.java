package io.mptcp4j.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code mptcp perf}'s arguments: read as documented, and bad ones exit with 2 and a message (no root needed). */
class PerfSettingsTest {

    @Test
    void aClientWithDefaults() throws Exception {
        PerfSettings.Client c = PerfSettings.client(List.of("10.0.0.2"));
        assertThat(c.host()).isEqualTo(InetAddress.getByName("10.0.0.2"));
        assertThat(c.port()).isEqualTo(5201);
        assertThat(c.limit()).isEqualTo(PerfProtocol.Limit.ofMillis(10_000));
        assertThat(c.reverse()).isFalse();
        assertThat(c.kernel()).isFalse();
        assertThat(c.interval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.json()).isNull();
        assertThat(c.stack().bind()).isEmpty();
        assertThat(c.stack().pathManager()).isEqualTo("fullmesh");
        assertThat(c.stack().scheduler()).isEqualTo("minrtt");
        assertThat(c.stack().congestion()).isEqualTo("cubic");
    }

    @Test
    void aClientWithEverything() throws Exception {
        PerfSettings.Client c = PerfSettings.client(List.of("10.0.0.2", "--port", "6000", "--bytes", "100M",
                "--reverse", "--bind", "10.0.0.1,10.0.1.1", "--scheduler", "roundrobin", "--cc", "lia",
                "--path-manager", "ndiffports", "--max-subflows", "3", "--interval", "0.5", "--json", "-",
                "--backup", "10.0.1.1", "--checksum"));
        assertThat(c.remote().getPort()).isEqualTo(6000);
        assertThat(c.limit()).isEqualTo(PerfProtocol.Limit.ofBytes(100L << 20));
        assertThat(c.reverse()).isTrue();
        assertThat(c.interval()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.json()).isEqualTo("-");
        assertThat(c.stack().bind()).containsExactly(InetAddress.getByName("10.0.0.1"),
                InetAddress.getByName("10.0.1.1"));
        assertThat(c.stack().backup()).containsExactly(InetAddress.getByName("10.0.1.1"));
        assertThat(c.stack().scheduler()).isEqualTo("roundrobin");
        assertThat(c.stack().congestion()).isEqualTo("lia");
        assertThat(c.stack().pathManager()).isEqualTo("ndiffports");
        assertThat(c.stack().maxSubflows()).isEqualTo(3);
        assertThat(c.stack().checksum()).isTrue();
    }

    @Test
    void limitsAndHosts() throws Exception {
        assertThat(PerfSettings.client(List.of("10.0.0.2", "--time", "2.5")).limit().millis()).isEqualTo(2_500);
        assertThat(PerfSettings.client(List.of("10.0.0.2", "--bytes", "1000")).limit().bytes()).isEqualTo(1000);
        assertThat(PerfSettings.client(List.of("10.0.0.2", "--bytes", "512k")).limit().bytes()).isEqualTo(524_288);
        assertThat(PerfSettings.client(List.of("10.0.0.2", "--bytes", "2G")).limit().bytes()).isEqualTo(2L << 30);
        assertThat(PerfSettings.client(List.of("[fd00::2]")).host()).isEqualTo(InetAddress.getByName("fd00::2"));
        assertThat(PerfSettings.client(List.of("::1")).host()).isEqualTo(InetAddress.getByName("::1"));
    }

    @Test
    void theKernelsClientTakesOneSourceAddress() throws Exception {
        PerfSettings.Client c = PerfSettings.client(List.of("10.0.0.2", "--kernel", "--bind", "10.0.0.1"));
        assertThat(c.kernel()).isTrue();
        assertThat(c.stack().bind()).containsExactly(InetAddress.getByName("10.0.0.1"));
    }

    @Test
    void aServer() throws Exception {
        PerfSettings.Server s = PerfSettings.server(List.of());
        assertThat(s.port()).isEqualTo(5201);
        assertThat(s.oneOff()).isFalse();
        assertThat(s.kernel()).isFalse();
        assertThat(s.listenAddress().getAddress().isAnyLocalAddress()).isTrue();
        assertThat(s.stack().pathManager()).isEqualTo("fullmesh"); // does nothing on the listening side

        PerfSettings.Server announcing = PerfSettings.server(List.of("--port", "7000", "--bind",
                "10.0.0.2,10.0.1.2", "--announce", "10.0.1.2", "--one-off", "--json", "out.json"));
        assertThat(announcing.stack().pathManager()).as("--announce implies the announce path manager")
                .isEqualTo("announce");
        assertThat(announcing.stack().announce()).containsExactly(InetAddress.getByName("10.0.1.2"));
        assertThat(announcing.oneOff()).isTrue();
        assertThat(announcing.json()).isEqualTo("out.json");

        PerfSettings.Server kernel = PerfSettings.server(List.of("--kernel", "--bind", "10.0.0.2"));
        assertThat(kernel.kernelListenAddress().getAddress()).isEqualTo(InetAddress.getByName("10.0.0.2"));
        assertThat(PerfSettings.server(List.of("--kernel")).kernelListenAddress().getAddress().isAnyLocalAddress())
                .isTrue();
    }

    @Test
    void badClientArgumentsExitWithTwoAndSayWhy() {
        assertUsage("server or client?", "perf");
        assertUsage("unknown perf role 'peer'", "perf", "peer");
        assertUsage("needs the server's HOST first", "perf", "client");
        assertUsage("needs the server's HOST first", "perf", "client", "--time", "2", "10.0.0.2");
        assertUsage("unknown host 'no-such-host.invalid'", "perf", "client", "no-such-host.invalid");
        assertUsage("unexpected argument 'extra'", "perf", "client", "10.0.0.2", "extra");
        assertUsage("give --time or --bytes, not both", "perf", "client", "10.0.0.2", "--time", "1",
                "--bytes", "1M");
        assertUsage("--time must be between 0.1 and 86400, got 0", "perf", "client", "10.0.0.2", "--time", "0");
        assertUsage("--time must be a number", "perf", "client", "10.0.0.2", "--time", "soon");
        assertUsage("--bytes must be between 1 and", "perf", "client", "10.0.0.2", "--bytes", "0");
        assertUsage("--bytes must be a byte count like", "perf", "client", "10.0.0.2", "--bytes", "12X");
        assertUsage("--interval must be between 0.1 and 60", "perf", "client", "10.0.0.2", "--interval", "61");
        assertUsage("--port must be between 1 and 65535", "perf", "client", "10.0.0.2", "--port", "0");
        assertUsage("--json needs a file name", "perf", "client", "10.0.0.2", "--json", " ");
        assertUsage("takes no value", "perf", "client", "10.0.0.2", "--reverse=yes");
        assertUsage("--scheduler: unknown packet scheduler 'fastest'", "perf", "client", "10.0.0.2",
                "--scheduler", "fastest");
        assertUsage("--cc: unknown congestion control 'vegas'", "perf", "client", "10.0.0.2", "--cc", "vegas");
        assertUsage("--announce is for the listening side", "perf", "client", "10.0.0.2", "--announce",
                "10.0.1.1");
        assertUsage("--scheduler is for mptcp4j's stack; with --kernel", "perf", "client", "10.0.0.2",
                "--kernel", "--scheduler", "roundrobin");
        assertUsage("with --kernel, --bind takes one address", "perf", "client", "10.0.0.2", "--kernel",
                "--bind", "10.0.0.1,10.0.1.1");
    }

    @Test
    void badServerArgumentsExitWithTwoAndSayWhy() {
        assertUsage("unknown option --time", "perf", "server", "--time", "2");
        assertUsage("--path-manager fullmesh opens subflows from the connecting side only", "perf", "server",
                "--path-manager", "fullmesh");
        assertUsage("--announce 10.0.2.2 is not one of the --bind addresses", "perf", "server", "--bind",
                "10.0.0.2,10.0.1.2", "--announce", "10.0.2.2");
        assertUsage("--announce is for mptcp4j's stack; with --kernel", "perf", "server", "--kernel",
                "--announce", "10.0.1.2");
        assertUsage("unknown option --reverse", "perf", "server", "--reverse");
    }

    @Test
    void usageNamesEveryOption() {
        assertThat(PerfSettings.CLIENT_USAGE).contains("HOST", "--port N", "--time SECONDS", "--bytes N",
                "--reverse", "--interval SECONDS", "--json FILE|-", "--kernel", "--bind", "--scheduler NAME",
                "--cc NAME", "--path-manager", "--max-subflows N");
        assertThat(PerfSettings.SERVER_USAGE).contains("--port N", "--one-off", "--json FILE|-", "--kernel",
                "--announce", "--bind", "--path-manager");
    }

    private static void assertUsage(String message, String... args) {
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            status = Mptcp.run(args);
        } finally {
            System.setErr(saved);
        }
        assertThat(status).as("exit status of %s", List.of(args)).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("mptcp perf: ").contains(message);
    }
}
