package io.mptcp4j.reactor;

import io.mptcp4j.testing.DaemonTasks;
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
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

/**
 * What the Reactor lab tests share: a two-path IPv4 lab with kernel MPTCP limits for two subflows on both hosts,
 * mptcp4j providers living in one of its hosts, kernel MPTCP listeners, deterministic payloads.
 */
final class ReactorLab implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(20);

    final NamespaceLab lab;

    ReactorLab() throws IOException {
        NamespaceLab built = NamespaceLab.builder().paths(2).ipv6(false).build();
        try {
            built.setMptcpLimits(Host.SERVER, 2, 2);
            built.setMptcpLimits(Host.CLIENT, 2, 2);
            this.lab = built.awaitLinksUp(Duration.ofSeconds(10));
        } catch (IOException | RuntimeException e) {
            built.close();
            throw e;
        }
    }

    /** A provider whose stack lives in {@code host}, with that host's address on every path. */
    MptcpSelectorProvider provider(Host host) {
        List<String> addresses = new ArrayList<>();
        for (int p = 0; p < lab.pathCount(); p++) {
            addresses.add(address(host, p).getHostAddress());
        }
        return new MptcpSelectorProvider(MptcpProviderConfig.builder()
                .namespace(lab.namespaceName(host))
                .localAddresses(addresses)
                .build());
    }

    InetAddress address(Host host, int path) {
        return host == Host.CLIENT ? lab.path(path).clientV4() : lab.path(path).serverV4();
    }

    /** A kernel MPTCP listener in {@code host} on every address. */
    KernelMptcpSocket kernelListener(Host host, int port) throws IOException {
        return lab.inNamespace(host, () -> KernelMptcpSocket.listen(
                new InetSocketAddress(InetAddress.getByName("0.0.0.0"), port), StreamProtocol.MPTCP, 8));
    }

    /** Takes path 1 down, unchecked (for StepVerifier's {@code then}). */
    void pathDown(int path) {
        try {
            lab.linkDown(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs {@code task} on a daemon thread of its own ({@link DaemonTasks#async}). */
    static <T> CompletableFuture<T> async(String name, Callable<T> task) {
        return DaemonTasks.async(name, task);
    }

    /** {@code size} bytes from a seeded generator: the same every run. */
    static byte[] payload(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256(byte[] data) {
        return HexFormat.of().formatHex(sha256().digest(data));
    }

    @Override
    public void close() {
        lab.close();
    }
}
