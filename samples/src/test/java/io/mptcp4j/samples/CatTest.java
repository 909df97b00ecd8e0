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
        assertUsage("unknown option --scheduler", "cat", "--connect", "127.0.0.1:80", "--scheduler", "rr");
        assertUsage("--timeout must be between", "cat", "--connect", "127.0.0.1:80", "--timeout", "0");
        assertUsage("given twice", "cat", "--connect", "127.0.0.1:80", "--stats", "--stats");
    }

    @Test
    void readsEndpointsAndFlags() throws Exception {
        Cat.Settings s = Cat.Settings.parse(List.of("--connect", "[::1]:8080", "--bind", "10.0.0.1, 10.0.1.1",
                "--checksum", "--stats", "--timeout=5"));
        assertThat(s.connect().getAddress()).isEqualTo(InetAddress.getByName("::1"));
        assertThat(s.connect().getPort()).isEqualTo(8080);
        assertThat(s.bind()).containsExactly(InetAddress.getByName("10.0.0.1"), InetAddress.getByName("10.0.1.1"));
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
