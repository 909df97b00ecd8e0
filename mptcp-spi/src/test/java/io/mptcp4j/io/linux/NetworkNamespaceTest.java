package io.mptcp4j.io.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mptcp4j.lab.Host;
import io.mptcp4j.lab.NamespaceLab;
import io.mptcp4j.testing.RootOnly;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@RootOnly
class NetworkNamespaceTest {

    private static NamespaceLab lab;

    @BeforeAll
    static void createLab() throws Exception {
        lab = NamespaceLab.builder().paths(1).build();
    }

    @AfterAll
    static void closeLab() {
        if (lab != null) {
            lab.close();
        }
    }

    private static String currentNetns() throws IOException {
        return Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString();
    }

    @Test
    void runsTheTaskInsideAndLeavesTheCallerOutside() throws Exception {
        String mine = currentNetns();
        String inside = lab.namespace(Host.CLIENT).call(NetworkNamespaceTest::currentNetns);
        String server = lab.namespace(Host.SERVER).call(NetworkNamespaceTest::currentNetns);
        assertThat(inside).isNotEqualTo(mine).isNotEqualTo(server);
        assertThat(currentNetns()).isEqualTo(mine);
        assertThat(lab.namespace(Host.CLIENT).call(NetworkNamespaceTest::currentNetns)).isEqualTo(inside);
    }

    @Test
    void theTasksCheckedAndUncheckedExceptionsPassThrough() {
        class TaskFailure extends Exception {
            private static final long serialVersionUID = 1L;
        }
        NetworkNamespace ns = lab.namespace(Host.CLIENT);
        assertThatThrownBy(() -> ns.call(() -> {
            throw new TaskFailure();
        })).isInstanceOf(TaskFailure.class);
        assertThatThrownBy(() -> ns.call(() -> {
            throw new IllegalStateException("boom");
        })).isInstanceOf(IllegalStateException.class).hasMessage("boom");
    }

    @Test
    void aMissingNamespaceIsAClearIoException() {
        NetworkNamespace missing = NetworkNamespace.named("m4j-no-such-namespace");
        assertThat(missing.exists()).isFalse();
        assertThatThrownBy(() -> missing.call(() -> "never"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("m4j-no-such-namespace does not exist");
    }

    @Test
    void socketsStayInTheirNamespaceWhicheverThreadUsesThem() throws Exception {
        var serverAddress = new InetSocketAddress(lab.path(0).serverV4(), 7500);
        // Made inside the server namespace, used from this thread (root namespace) afterwards.
        try (KernelMptcpSocket listener = lab.inNamespace(Host.SERVER,
                () -> KernelMptcpSocket.listen(serverAddress, StreamProtocol.TCP, 4))) {
            // The client host can reach it; that address does not exist outside the lab.
            try (KernelMptcpSocket client = lab.inNamespace(Host.CLIENT,
                    () -> KernelMptcpSocket.connect(serverAddress, StreamProtocol.TCP, Duration.ofSeconds(3)));
                 KernelMptcpSocket accepted = listener.accept(Duration.ofSeconds(3))) {
                client.write(new byte[] {42});
                byte[] one = new byte[1];
                accepted.readFully(one, Duration.ofSeconds(3));
                assertThat(one[0]).isEqualTo((byte) 42);
                assertThat(accepted.remoteAddress().getAddress()).isEqualTo(lab.path(0).clientV4());
            }
        }
    }

    @Test
    void longLivedThreadsRunInside() throws Exception {
        CompletableFuture<String> where = new CompletableFuture<>();
        Thread t = lab.namespace(Host.SERVER).startThread("test-server-loop", () -> {
            try {
                where.complete(currentNetns());
            } catch (IOException e) {
                where.completeExceptionally(e);
            }
        });
        t.join(5000);
        assertThat(where.get(1, TimeUnit.SECONDS))
                .isEqualTo(lab.namespace(Host.SERVER).call(NetworkNamespaceTest::currentNetns));
    }
}
