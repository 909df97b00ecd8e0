package io.mptcp4j.testing;

import io.mptcp4j.io.linux.KernelMptcpSocket;
import io.mptcp4j.io.linux.StreamProtocol;
import io.mptcp4j.lab.Host;
import io.mptcp4j.lab.NamespaceLab;
import io.mptcp4j.nio.MptcpProviderConfig;
import io.mptcp4j.nio.MptcpSelectorProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What the java.nio, Reactor and Spring lab tests share: an IPv4 lab whose links are up and whose kernels accept
 * a subflow per path, {@link MptcpSelectorProvider}s whose stack lives in one of its hosts (the test JVM stays in
 * its own namespace), and kernel MPTCP listeners.
 */
public final class ProviderLab implements AutoCloseable {

    public static final Duration WAIT = Duration.ofSeconds(20);

    public final NamespaceLab lab;

    public ProviderLab(int paths) throws IOException {
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
    public MptcpSelectorProvider provider(Host host, MptcpProviderConfig.Builder config) {
        List<String> addresses = new ArrayList<>();
        for (int p = 0; p < lab.pathCount(); p++) {
            addresses.add(address(host, p).getHostAddress());
        }
        return new MptcpSelectorProvider(config.namespace(lab.namespaceName(host)).localAddresses(addresses).build());
    }

    public MptcpSelectorProvider provider(Host host) {
        return provider(host, MptcpProviderConfig.builder());
    }

    public InetAddress address(Host host, int path) {
        return host == Host.CLIENT ? lab.path(path).clientV4() : lab.path(path).serverV4();
    }

    /** A kernel MPTCP listener in {@code host} on every address. */
    public KernelMptcpSocket kernelListener(Host host, int port) throws IOException {
        return lab.inNamespace(host, () -> KernelMptcpSocket.listen(
                new InetSocketAddress(InetAddress.getByName("0.0.0.0"), port), StreamProtocol.MPTCP, 8));
    }

    /** Takes {@code path} down on both hosts; unchecked, for callbacks such as StepVerifier's {@code then}. */
    public void pathDown(int path) {
        try {
            lab.linkDown(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        lab.close();
    }
}
