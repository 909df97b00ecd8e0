package io.mptcp4j.nio;

import io.mptcp4j.testing.ProviderLab;
import io.mptcp4j.testing.DaemonTasks;
import static org.assertj.core.api.Assertions.assertThat;

import io.mptcp4j.driver.MptcpSocketInfo;
import io.mptcp4j.io.linux.KernelMptcpSocket;
import io.mptcp4j.lab.Host;
import io.mptcp4j.testing.RootOnly;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@RootOnly
@Timeout(60)
class NioSmokeInteropTest {

    @Test
    void blockingEchoOverTwoPathsWithTheKernel() throws Exception {
        try (ProviderLab lab = new ProviderLab(2);
             MptcpSelectorProvider provider = lab.provider(Host.CLIENT);
             KernelMptcpSocket listener = lab.kernelListener(Host.SERVER, 7000)) {
            CompletableFuture<Void> echo = DaemonTasks.async("echo", () -> {
                try (KernelMptcpSocket s = listener.accept(ProviderLab.WAIT)) {
                    byte[] buf = new byte[65536];
                    for (int n; (n = s.read(buf, 0, buf.length, ProviderLab.WAIT)) > 0; ) {
                        s.write(buf, 0, n);
                    }
                    s.shutdownOutput();
                }
                return null;
            });
            byte[] data = new byte[4 << 20];
            new Random(1).nextBytes(data);
            try (SocketChannel ch = provider.openSocketChannel()) {
                ch.connect(new InetSocketAddress(lab.address(Host.SERVER, 0), 7000));
                CompletableFuture<Void> writer = DaemonTasks.async("writer", () -> {
                    ch.write(ByteBuffer.wrap(data));
                    ch.shutdownOutput();
                    return null;
                });
                ByteBuffer back = ByteBuffer.allocate(data.length + 1);
                MptcpSocketInfo midway = null;
                while (ch.read(back) >= 0) {
                    // until the echo's end; the subflows are looked at halfway, as the closing ones leave the list
                    if (midway == null && back.position() >= data.length / 2) {
                        midway = MptcpChannel.of(ch).orElseThrow().info();
                    }
                }
                writer.get(30, TimeUnit.SECONDS);
                echo.get(30, TimeUnit.SECONDS);
                assertThat(back.position()).isEqualTo(data.length);
                assertThat(java.util.Arrays.equals(back.array(), 0, data.length, data, 0, data.length)).isTrue();
                System.out.println(midway);
                assertThat(midway).isNotNull();
                assertThat(midway.fallback()).isFalse();
                assertThat(midway.subflows()).hasSize(2);
            }
        }
    }
}
