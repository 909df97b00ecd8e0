package io.mptcp4j.io.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mptcp4j.lab.Host;
import io.mptcp4j.lab.NamespaceLab;
import io.mptcp4j.testing.RootOnly;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Failing calls leave no file descriptor behind and say what failed. */
@RootOnly
class NativeFailurePathsTest {

    private static long openDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    @Test
    void failuresDoNotLeakDescriptors() throws Exception {
        try (NamespaceLab lab = NamespaceLab.builder().paths(1).ipv6(false).build()) {
            InetAddress foreign = InetAddress.getByName("10.99.0.1"); // not configured in the lab
            InetSocketAddress closedPort = new InetSocketAddress(lab.path(0).serverV4(), 9);
            // One round first, so lazily opened JVM files (jars of classes loaded on first use) are not counted.
            failEveryWay(lab, foreign, closedPort);
            long before = openDescriptors();
            for (int i = 0; i < 20; i++) {
                failEveryWay(lab, foreign, closedPort);
            }
            // A leak would show up as at least 20; allow a stray descriptor of the JVM's own.
            assertThat(openDescriptors()).isLessThanOrEqualTo(before + 1);
        }
    }

    private static void failEveryWay(NamespaceLab lab, InetAddress foreign, InetSocketAddress closedPort)
            throws Exception {
        assertThatThrownBy(() -> lab.inNamespace(Host.CLIENT, () -> PortReservation.reserve(foreign, 0)))
                .isInstanceOf(NativeCallException.class)
                .hasMessageContaining("bind(10.99.0.1:0)")
                .hasMessageContaining("Cannot assign requested address");
        assertThatThrownBy(() -> lab.inNamespace(Host.CLIENT, () -> KernelMptcpSocket.connect(closedPort,
                StreamProtocol.MPTCP, Duration.ofSeconds(2)))).isInstanceOf(NativeCallException.class);
        assertThatThrownBy(() -> lab.inNamespace(Host.CLIENT, () -> KernelMptcpSocket.listen(
                new InetSocketAddress(foreign, 80), StreamProtocol.TCP, 1)))
                .isInstanceOf(NativeCallException.class);
        RawTcpSocket raw = lab.inNamespace(Host.CLIENT, () -> RawTcpSocket.open(AddressFamily.IPV4));
        assertThatThrownBy(() -> raw.bind(foreign)).isInstanceOf(NativeCallException.class);
        raw.close();
    }
}
