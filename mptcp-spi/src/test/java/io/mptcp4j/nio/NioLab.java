package io.mptcp4j.nio;

import io.mptcp4j.testing.DaemonTasks;
import io.mptcp4j.io.linux.KernelMptcpSocket;
import io.mptcp4j.io.linux.StreamProtocol;
import io.mptcp4j.lab.Host;
import io.mptcp4j.lab.NamespaceLab;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

/** What the java.nio lab tests share: a two-path lab, providers living in one of its hosts, kernel peers. */
final class NioLab implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(20);

    final NamespaceLab lab;

    NioLab(int paths) throws IOException {
        NamespaceLab built = NamespaceLab.builder().paths(paths).ipv6(false).build();
        try {
            built.setMptcpLimits(Host.SERVER, paths, paths);
            built.setMptcpLimits(Host.CLIENT, paths, paths);
            this.lab = built.awaitLinksUp(Duration.ofSeconds(10));
        } catch (IOException | RuntimeException e) {
            built.close();
            throw e;
        }
    }

    /** A provider whose stack lives in {@code host} with every IPv4 address of the lab's paths there. */
    MptcpSelectorProvider provider(Host host, MptcpProviderConfig.Builder config) {
        List<String> addresses = new ArrayList<>();
        for (int p = 0; p < lab.pathCount(); p++) {
            addresses.add(address(host, p).getHostAddress());
        }
        return new MptcpSelectorProvider(config.namespace(lab.namespaceName(host)).localAddresses(addresses).build());
    }

    MptcpSelectorProvider provider(Host host) {
        return provider(host, MptcpProviderConfig.builder());
    }

    InetAddress address(Host host, int path) {
        return host == Host.CLIENT ? lab.path(path).clientV4() : lab.path(path).serverV4();
    }

    /** A kernel MPTCP listener in {@code host} on every address. */
    KernelMptcpSocket kernelListener(Host host, int port) throws IOException {
        return lab.inNamespace(host, () -> KernelMptcpSocket.listen(
                new InetSocketAddress(InetAddress.getByName("0.0.0.0"), port), StreamProtocol.MPTCP, 8));
    }

    /** Runs {@code task} on a daemon thread of its own ({@link DaemonTasks#async}). */
    static <T> CompletableFuture<T> async(String name, Callable<T> task) {
        return DaemonTasks.async(name, task);
    }

    @Override
    public void close() {
        lab.close();
    }
}
