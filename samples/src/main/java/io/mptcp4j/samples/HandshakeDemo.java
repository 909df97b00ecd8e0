package io.mptcp4j.samples;

import io.mptcp4j.core.wire.Dss;
import io.mptcp4j.core.wire.MpCapable;
import io.mptcp4j.core.wire.MptcpCrypto;
import io.mptcp4j.io.linux.AddressFamily;
import io.mptcp4j.io.linux.KernelMptcpSocket;
import io.mptcp4j.io.linux.MptcpInfo;
import io.mptcp4j.io.linux.StreamProtocol;
import io.mptcp4j.lab.EndpointFlag;
import io.mptcp4j.lab.Host;
import io.mptcp4j.lab.LabPath;
import io.mptcp4j.lab.NamespaceLab;
import io.mptcp4j.lab.RawMptcpPeer;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * {@code mptcp demo}: builds a two-path namespace lab and shows mptcp4j's wire layer talking MPTCP v1 with the
 * Linux kernel in both roles — the handshake, data under DSS mappings with DATA_ACKs, and the kernel joining a
 * second subflow with the token and HMACs mptcp4j derives. Everything it prints was checked, not assumed.
 */
final class HandshakeDemo implements Mptcp.Command {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final int SIZE = 48 * 1024;
    private final PrintStream out = System.out;

    @Override
    public String name() {
        return "demo";
    }

    @Override
    public String summary() {
        return "build a 2-path namespace lab and speak MPTCP with the Linux kernel (needs root)";
    }

    @Override
    public int run(List<String> args) throws Exception {
        if (!args.isEmpty()) {
            throw new Mptcp.UsageException("takes no options, got " + args);
        }
        out.println("Building a lab: two network namespaces joined by two veth paths ...");
        try (NamespaceLab lab = NamespaceLab.builder()
                .paths(2)
                .mptcpLimits(2, 2)
                .endpoint(Host.CLIENT, 1, AddressFamily.IPV4, EndpointFlag.SUBFLOW)
                .build()) {
            for (LabPath path : lab.paths()) {
                out.printf("  path %d: %s (client, %s) <-> %s (server, %s)%n", path.index(),
                        path.clientV4().getHostAddress(), lab.namespaceName(Host.CLIENT),
                        path.serverV4().getHostAddress(), lab.namespaceName(Host.SERVER));
            }
            boolean ok = ourClientToKernelServer(lab) & kernelClientToOurServer(lab);
            out.println();
            out.println(ok ? "Demo complete: the Linux kernel accepted mptcp4j as an MPTCP v1 peer in both roles."
                    : "Demo FAILED: see the lines marked FAIL above.");
            return ok ? 0 : 1;
        }
    }

    private boolean ourClientToKernelServer(NamespaceLab lab) throws Exception {
        out.println();
        out.println("1. mptcp4j client  ->  Linux MPTCP server (socket(AF_INET, SOCK_STREAM, IPPROTO_MPTCP))");
        InetSocketAddress server = new InetSocketAddress(lab.path(0).serverV4(), 7000);
        byte[] data = randomBytes(1);
        Map<String, Long> before = lab.nstat(Host.SERVER);
        try (KernelMptcpSocket listener = lab.inNamespace(Host.SERVER,
                () -> KernelMptcpSocket.listen(server, StreamProtocol.MPTCP, 4));
             RawMptcpPeer peer = lab.inNamespace(Host.CLIENT,
                     () -> RawMptcpPeer.open(new InetSocketAddress(lab.path(0).clientV4(), 0), false))) {
            CompletableFuture<KernelMptcpSocket> echo = CompletableFuture.supplyAsync(() -> {
                try {
                    KernelMptcpSocket s = listener.accept(WAIT);
                    byte[] buffer = new byte[data.length];
                    s.readFully(buffer, WAIT);
                    s.write(buffer);
                    return s;
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
            });
            peer.connect(server, WAIT);
            MpCapable synAck = peer.peerHandshakeOption();
            out.printf("   handshake: our key %s, the kernel's key %s (MP_CAPABLE v%d in its SYN-ACK)%n",
                    hex(peer.localKey()), hex(peer.remoteKey()), synAck.version());
            peer.send(data);
            byte[] echoed = peer.receive(data.length, WAIT);
            peer.awaitDataAcked(WAIT);
            boolean ok = check(MessageDigest.isEqual(sha256(echoed), sha256(data)),
                    "sent %d bytes under DSS mappings, the kernel echoed them back: SHA-256 equal", data.length);
            Dss firstMapping = peer.receivedOptions().stream().filter(Dss.class::isInstance).map(Dss.class::cast)
                    .filter(Dss::hasMapping).findFirst().orElseThrow();
            ok &= check(firstMapping.dataSequenceNumber() == MptcpCrypto.idsn(peer.remoteKey()) + 1,
                    "the kernel's first DSS mapping starts at IDSN+1 = %s, as our crypto derives",
                    Long.toUnsignedString(firstMapping.dataSequenceNumber()));
            ok &= check(peer.peerDataAck() == peer.dataSendNext(),
                    "the kernel's DATA_ACK %s covers every byte we sent", Long.toUnsignedString(peer.peerDataAck()));
            try (KernelMptcpSocket accepted = echo.get(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                MptcpInfo info = accepted.mptcpInfo().orElseThrow();
                ok &= check(!info.isFallback(), "MPTCP_INFO of the kernel's socket: MPTCP, not fallback to TCP");
                ok &= check(info.token() == MptcpCrypto.token(peer.remoteKey()),
                        "the kernel's token %08x = SHA-256(its key)[0..4] as mptcp4j computes it", info.token());
            }
            peer.reset();
            Map<String, Long> after = lab.nstat(Host.SERVER);
            ok &= check(delta(before, after, "MPTcpExtMPCapableSYNRX") == 1
                            && delta(before, after, "MPTcpExtMPCapableFallbackACK") == 0,
                    "kernel counters: MPCapableSYNRX +1, MPCapableFallbackACK +0");
            return ok;
        }
    }

    private boolean kernelClientToOurServer(NamespaceLab lab) throws Exception {
        out.println();
        out.println("2. Linux MPTCP client  ->  mptcp4j server, and the kernel joins a second subflow on path 1");
        InetSocketAddress server = new InetSocketAddress(lab.path(0).serverV4(), 7001);
        byte[] data = randomBytes(2);
        try (RawMptcpPeer peer = lab.inNamespace(Host.SERVER, () -> RawMptcpPeer.open(server, false))) {
            CompletableFuture<byte[]> client = CompletableFuture.supplyAsync(() -> {
                try (KernelMptcpSocket s = lab.inNamespace(Host.CLIENT,
                        () -> KernelMptcpSocket.connect(server, StreamProtocol.MPTCP, WAIT))) {
                    s.write(data);
                    byte[] reply = new byte[1];
                    s.readFully(reply, WAIT);
                    return reply;
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
            });
            peer.accept(WAIT);
            out.printf("   handshake: the kernel's key %s, ours %s%n", hex(peer.remoteKey()), hex(peer.localKey()));
            boolean ok = check(MessageDigest.isEqual(sha256(peer.receive(data.length, WAIT)), sha256(data)),
                    "received %d bytes from the kernel under its mappings: SHA-256 equal", data.length);
            RawMptcpPeer.Join join = peer.acceptJoin(WAIT);
            ok &= check(join.syn().receiverToken() == MptcpCrypto.token(peer.localKey()),
                    "MP_JOIN SYN from %s carries token %08x = the token mptcp4j derives from its own key",
                    join.from().getAddress().getHostAddress(), join.syn().receiverToken());
            ok &= check(join.ackHmacValid(),
                    "the kernel accepted our SYN-ACK HMAC, and its third-ACK HMAC verifies with our keys");
            peer.send(new byte[] {1});
            client.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            peer.reset();
            return ok;
        }
    }

    private boolean check(boolean passed, String format, Object... args) {
        out.println("   " + (passed ? "ok   " : "FAIL ") + String.format(format, args));
        return passed;
    }

    private static long delta(Map<String, Long> before, Map<String, Long> after, String counter) {
        return after.getOrDefault(counter, 0L) - before.getOrDefault(counter, 0L);
    }

    private static String hex(long key) {
        return HexFormat.of().toHexDigits(key);
    }

    private static byte[] randomBytes(long seed) {
        byte[] b = new byte[SIZE];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static byte[] sha256(byte[] data) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(data);
    }
}
