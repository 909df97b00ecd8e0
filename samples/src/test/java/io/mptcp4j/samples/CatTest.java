package io.mptcp4j.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code mptcp cat}'s arguments: bad ones exit with 2 and a message naming the problem (no root needed). */
class CatTest {

    @Test
    void badArgumentsExitWithTwoAndSayWhy() {
        assertUsage("give exactly one of --listen", "cat");
        assertUsage("give exactly one of --listen", "cat", "--listen", "127.0.0.1:1", "--connect", "127.0.0.1:2");
        assertUsage("--connect must be ADDR:PORT", "cat", "--connect", "127.0.0.1");
        assertUsage("bad port", "cat", "--connect", "127.0.0.1:0");
        assertUsage("bad port", "cat", "--listen", "127.0.0.1:70000");
        assertUsage("write IPv6 addresses as [ADDR]:PORT", "cat", "--connect", "::1:80");
        assertUsage("needs an IP address", "cat", "--listen", "localhost:80");
        assertUsage("needs an IP address", "cat", "--connect", "127.0.0.1:80", "--bind", "10.0.0.1,");
        assertUsage("concrete addresses", "cat", "--connect", "127.0.0.1:80", "--bind", "0.0.0.0");
        assertUsage("takes no value", "cat", "--connect", "127.0.0.1:80", "--stats=yes");
        assertUsage("unknown option --sched", "cat", "--connect", "127.0.0.1:80", "--sched", "rr");
        assertUsage("--timeout must be between", "cat", "--connect", "127.0.0.1:80", "--timeout", "0");
        assertUsage("given twice", "cat", "--connect", "127.0.0.1:80", "--stats", "--stats");
    }

    @Test
    void anUnknownSchedulerOrControllerIsRefusedWithTheKnownNames() {
        assertUsage("--scheduler: unknown packet scheduler 'fastest'", "cat", "--connect", "10.0.0.2:80",
                "--scheduler", "fastest");
        assertUsage("minrtt, roundrobin, redundant, blest, ecf, backup", "cat", "--connect", "10.0.0.2:80",
                "--scheduler", "fastest");
        assertUsage("--cc: unknown congestion control 'vegas'; known:", "cat", "--connect", "10.0.0.2:80",
                "--cc", "vegas");
        assertUsage("lia", "cat", "--connect", "10.0.0.2:80", "--cc", "vegas");
    }

    @Test
    void badMultipathArgumentsExitWithTwoAndSayWhy() {
        assertUsage("--path-manager: unknown path manager 'roundrobin'; known: fullmesh, ndiffports, announce, none",
                "cat", "--connect", "10.0.0.2:80", "--path-manager", "roundrobin");
        assertUsage("--max-subflows must be between 1 and 64, got 0", "cat", "--connect", "10.0.0.2:80",
                "--max-subflows", "0");
        assertUsage("--max-subflows must be between 1 and 64, got 65", "cat", "--connect", "10.0.0.2:80",
                "--max-subflows", "65");
        assertUsage("--max-subflows must be an integer", "cat", "--connect", "10.0.0.2:80", "--max-subflows", "x");
        assertUsage("--announce is for the listening side", "cat", "--connect", "10.0.0.2:80",
                "--announce", "10.0.1.1");
        assertUsage("--announce goes with --path-manager announce", "cat", "--listen", ":80",
                "--announce", "10.0.1.2", "--path-manager", "none");
        assertUsage("needs --listen on every address", "cat", "--listen", "10.0.0.2:80", "--announce", "10.0.1.2");
        assertUsage("needs --listen on every address", "cat", "--listen", "10.0.0.2:80",
                "--path-manager", "announce");
        assertUsage("--announce 10.0.2.2 is not one of the --bind addresses", "cat", "--listen", ":80",
                "--bind", "10.0.0.2,10.0.1.2", "--announce", "10.0.1.2,10.0.2.2");
        assertUsage("--announce needs concrete addresses", "cat", "--listen", ":80", "--announce", "0.0.0.0");
        assertUsage("--announce needs an IP address", "cat", "--listen", ":80", "--announce", "server2");
        assertUsage("--path-manager announce is for the listening side", "cat", "--connect", "10.0.0.2:80",
                "--path-manager", "announce");
        assertUsage("--path-manager ndiffports opens subflows from the connecting side only", "cat",
                "--listen", ":80", "--path-manager", "ndiffports");
        assertUsage("--path-manager fullmesh opens subflows from the connecting side only", "cat",
                "--listen", ":80", "--path-manager", "fullmesh");
        assertUsage("--backup needs --bind", "cat", "--connect", "10.0.0.2:80", "--backup", "10.0.1.1");
        assertUsage("--backup 10.0.2.1 is not one of the --bind addresses", "cat", "--connect", "10.0.0.2:80",
                "--bind", "10.0.0.1,10.0.1.1", "--backup", "10.0.2.1");
        assertUsage("only joined subflows can be backups", "cat", "--connect", "10.0.0.2:80",
                "--bind", "10.0.0.1,10.0.1.1", "--backup", "10.0.0.1");
        assertUsage("only joined subflows can be backups", "cat", "--connect", "10.0.0.2:80",
                "--bind", "fd00::1,10.0.1.1,10.0.0.1", "--backup", "10.0.1.1");
        assertUsage("--bind has no address of the family of --connect's address 10.0.0.2", "cat",
                "--connect", "10.0.0.2:80", "--bind", "fd00::1");
    }

    @Test
    void readsMultipathSettings() throws Exception {
        Cat.Settings plain = Cat.Settings.parse(List.of("--connect", "10.0.0.2:80"));
        assertThat(plain.pathManager()).isEqualTo("fullmesh");
        assertThat(plain.maxSubflows()).isEqualTo(8);
        assertThat(plain.announce()).isEmpty();
        assertThat(plain.backup()).isEmpty();

        Cat.Settings client = Cat.Settings.parse(List.of("--connect", "10.0.0.2:80", "--bind",
                "10.0.0.1,10.0.1.1,10.0.2.1", "--backup", "10.0.2.1, 10.0.1.1", "--path-manager", "ndiffports",
                "--max-subflows", "4"));
        assertThat(client.pathManager()).isEqualTo("ndiffports");
        assertThat(client.maxSubflows()).isEqualTo(4);
        assertThat(client.backup()).containsExactly(InetAddress.getByName("10.0.2.1"),
                InetAddress.getByName("10.0.1.1"));

        Cat.Settings server = Cat.Settings.parse(List.of("--listen", ":80", "--announce", "10.0.1.2,10.0.2.2"));
        assertThat(server.pathManager()).as("--announce implies the announce path manager").isEqualTo("announce");
        assertThat(server.announce()).containsExactly(InetAddress.getByName("10.0.1.2"),
                InetAddress.getByName("10.0.2.2"));
        assertThat(Cat.Settings.parse(List.of("--listen", "[::]:80", "--path-manager", "announce")).announce())
                .as("announce without a list: every other local address").isEmpty();
        assertThat(Cat.Settings.parse(List.of("--listen", ":80")).pathManager()).isEqualTo("fullmesh");
        assertThat(Cat.Settings.parse(List.of("--listen", ":80", "--path-manager", "none")).pathManager())
                .isEqualTo("none");
    }

    @Test
    void usageNamesEveryOption() {
        assertThat(Cat.USAGE).contains("--path-manager fullmesh|ndiffports|announce|none", "--max-subflows N",
                "--announce ADDR[,ADDR...]", "--backup ADDR[,ADDR...]", "--stats");
    }

    @Test
    void readsEndpointsAndFlags() throws Exception {
        Cat.Settings s = Cat.Settings.parse(List.of("--connect", "[::1]:8080", "--bind", "10.0.0.1, ::1",
                "--checksum", "--stats", "--timeout=5"));
        assertThat(s.connect().getAddress()).isEqualTo(InetAddress.getByName("::1"));
        assertThat(s.connect().getPort()).isEqualTo(8080);
        assertThat(s.bind()).containsExactly(InetAddress.getByName("10.0.0.1"), InetAddress.getByName("::1"));
        assertThat(s.checksum()).isTrue();
        assertThat(s.stats()).isTrue();
        assertThat(s.timeout()).hasSeconds(5);
        Cat.Settings l = Cat.Settings.parse(List.of("--listen", ":9000"));
        assertThat(l.listen().getAddress().isAnyLocalAddress()).isTrue();
        assertThat(l.checksum()).isFalse();
        assertThatThrownBy(() -> Cat.Settings.parse(List.of("--listen")))
                .isInstanceOf(Mptcp.UsageException.class).hasMessageContaining("--listen needs a value");
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
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("mptcp cat: ").contains(message);
    }
}
