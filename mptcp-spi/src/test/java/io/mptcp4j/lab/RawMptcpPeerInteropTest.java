package io.mptcp4j.lab;

import static io.mptcp4j.testing.TestData.delta;
import static io.mptcp4j.testing.TestData.sha256;
import static io.mptcp4j.testing.TestData.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.mptcp4j.core.wire.Dss;
import io.mptcp4j.core.wire.MpCapable;
import io.mptcp4j.core.wire.MptcpCrypto;
import io.mptcp4j.core.wire.MptcpOption;
import io.mptcp4j.io.linux.AddressFamily;
import io.mptcp4j.io.linux.KernelMptcpSocket;
import io.mptcp4j.io.linux.MptcpInfo;
import io.mptcp4j.io.linux.StreamProtocol;
import io.mptcp4j.testing.KernelMptcpInfo;
import io.mptcp4j.testing.RootOnly;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The kernel as the judge of {@code core.wire}: a raw-socket MPTCP peer built from our codecs and crypto performs
 * the MP_CAPABLE v1 handshake and moves data under DSS mappings with the Linux kernel's MPTCP, in both roles, over
 * IPv4 and IPv6, with and without DSS checksums. The kernel must take it as MPTCP (MPTCP_INFO, MIB counters), its
 * tokens must be the ones our crypto derives, every byte must arrive, and the kernel's options must decode to the
 * values the protocol implies.
 */
@RootOnly
class RawMptcpPeerInteropTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final int SIZE = 48 * 1024; // below one unscaled 64 KiB window: the probe does not retransmit
    private static NamespaceLab lab;
    private static int nextPort = 9000;

    @BeforeAll
    static void createLab() throws Exception {
        // Path 1 lets the kernel client open an extra subflow (an MP_JOIN towards our raw server).
        lab = NamespaceLab.builder()
                .paths(2)
                .mptcpLimits(2, 2)
                .endpoint(Host.CLIENT, 1, AddressFamily.IPV4, EndpointFlag.SUBFLOW)
                .build();
    }

    @AfterAll
    static void closeLab() {
        if (lab != null) lab.close();
    }

    static List<Arguments> cases() {
        return List.of(
                Arguments.of(AddressFamily.IPV4, false, false),
                Arguments.of(AddressFamily.IPV4, true, false),
                Arguments.of(AddressFamily.IPV4, false, true),
                Arguments.of(AddressFamily.IPV6, false, false),
                Arguments.of(AddressFamily.IPV6, true, true));
    }

    @ParameterizedTest(name = "{0}, kernel checksum {1}, we ask for checksum {2}")
    @MethodSource("cases")
    void ourClientToTheKernelsMptcpServer(AddressFamily family, boolean kernelChecksum, boolean ourChecksum)
            throws Exception {
        lab.setChecksum(Host.SERVER, kernelChecksum);
        int port = nextPort++;
        byte[] data = randomBytes(port, SIZE);
        InetSocketAddress serverAddress = new InetSocketAddress(lab.path(0).address(Host.SERVER, family), port);
        Map<String, Long> before = lab.nstat(Host.SERVER);

        try (KernelMptcpSocket listener = lab.inNamespace(Host.SERVER,
                () -> KernelMptcpSocket.listen(serverAddress, StreamProtocol.MPTCP, 4));
             RawMptcpPeer peer = lab.inNamespace(Host.CLIENT, () -> RawMptcpPeer.open(
                     new InetSocketAddress(lab.path(0).address(Host.CLIENT, family), 0), ourChecksum))) {
            CompletableFuture<KernelMptcpSocket> echo = echoOnce(listener, data.length);

            peer.connect(serverAddress, WAIT);
            MpCapable synAck = peer.peerHandshakeOption();
            assertThat(synAck.form()).isEqualTo(MpCapable.Form.SYN_ACK);
            assertThat(synAck.version()).isEqualTo(MpCapable.VERSION_1);
            assertThat(synAck.hmacSha256()).isTrue();
            assertThat(synAck.checksumRequired()).isEqualTo(kernelChecksum);
            assertThat(peer.checksumsInUse()).isEqualTo(kernelChecksum || ourChecksum);

            peer.send(data);
            byte[] echoed = peer.receive(data.length, WAIT);
            peer.awaitDataAcked(WAIT);
            assertThat(sha256(echoed)).isEqualTo(sha256(data));

            try (KernelMptcpSocket accepted = echo.get(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                // Our last DATA_ACK left with the last echoed segment's ACK; the kernel may not have counted it yet.
                MptcpInfo info = KernelMptcpInfo.await(accepted, i -> i.bytesAcked() >= data.length, WAIT);
                assertThat(info.isFallback()).as("the kernel fell back to TCP").isFalse();
                assertThat(accepted.isFallback()).isFalse();
                assertThat(info.remoteKeyReceived()).isTrue();
                // The kernel's token is SHA-256 of the key it sent us, as our crypto derives it (RFC 8684 3.1).
                assertThat(info.token()).isEqualTo(MptcpCrypto.token(peer.remoteKey()));
                assertThat(info.checksumEnabled()).isEqualTo(kernelChecksum || ourChecksum);
                assertThat(info.bytesReceived()).isEqualTo(data.length);
                assertThat(info.bytesAcked()).isEqualTo(data.length);
            }
            assertKernelDssOptions(peer, data.length);
            peer.reset();
        }

        Map<String, Long> after = lab.nstat(Host.SERVER);
        assertThat(delta(before, after, "MPTcpExtMPCapableSYNRX")).isEqualTo(1);
        assertThat(delta(before, after, "MPTcpExtMPCapableACKRX")).isEqualTo(1);
        assertThat(delta(before, after, "MPTcpExtMPCapableFallbackACK")).isZero();
        assertThat(delta(before, after, "MPTcpExtMPFallbackTokenInit")).isZero();
        assertThat(delta(before, after, "MPTcpExtDSSNoMatchTCP")).isZero();
        assertThat(delta(before, after, "MPTcpExtDataCsumErr")).isZero();
    }

    @ParameterizedTest(name = "{0}, kernel checksum {1}, we ask for checksum {2}")
    @MethodSource("cases")
    void theKernelsMptcpClientToOurServer(AddressFamily family, boolean kernelChecksum, boolean ourChecksum)
            throws Exception {
        lab.setChecksum(Host.CLIENT, kernelChecksum);
        int port = nextPort++;
        byte[] data = randomBytes(port, SIZE);
        byte[] reply = randomBytes(~port, SIZE);
        InetSocketAddress serverAddress = new InetSocketAddress(lab.path(0).address(Host.SERVER, family), port);
        Map<String, Long> before = lab.nstat(Host.CLIENT);

        try (RawMptcpPeer peer = lab.inNamespace(Host.SERVER, () -> RawMptcpPeer.open(serverAddress, ourChecksum))) {
            CompletableFuture<byte[]> kernelClient = CompletableFuture.supplyAsync(() -> {
                try (KernelMptcpSocket client = lab.inNamespace(Host.CLIENT,
                        () -> KernelMptcpSocket.connect(serverAddress, StreamProtocol.MPTCP, WAIT))) {
                    client.write(data);
                    byte[] got = new byte[reply.length];
                    client.readFully(got, WAIT);
                    MptcpInfo info = client.mptcpInfo().orElseThrow();
                    assertThat(info.isFallback()).as("the kernel client fell back to TCP").isFalse();
                    assertThat(info.checksumEnabled()).isEqualTo(kernelChecksum || ourChecksum);
                    assertThat(info.token()).isEqualTo(MptcpCrypto.token(peer.remoteKey()));
                    assertThat(info.bytesAcked()).isEqualTo(data.length);
                    return got;
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
            });

            peer.accept(WAIT);
            MpCapable syn = peer.peerHandshakeOption();
            assertThat(syn.form()).isEqualTo(MpCapable.Form.SYN);
            assertThat(syn.version()).isEqualTo(MpCapable.VERSION_1);
            assertThat(syn.checksumRequired()).isEqualTo(kernelChecksum);

            byte[] received = peer.receive(data.length, WAIT);
            assertThat(sha256(received)).isEqualTo(sha256(data));
            peer.send(reply);
            peer.awaitDataAcked(WAIT);
            assertThat(sha256(kernelClient.get(WAIT.toSeconds(), TimeUnit.SECONDS))).isEqualTo(sha256(reply));
            assertKernelDssOptions(peer, reply.length);
            peer.reset();
        }
        Map<String, Long> after = lab.nstat(Host.CLIENT);
        assertThat(delta(before, after, "MPTcpExtMPCapableSYNACKRX")).isEqualTo(1);
        assertThat(delta(before, after, "MPTcpExtMPCapableFallbackSYNACK")).isZero();
        assertThat(delta(before, after, "MPTcpExtDataCsumErr")).isZero();
    }

    /**
     * The kernel's extra subflow to our raw server: its MP_JOIN SYN carries the kernel's token for OUR key, which
     * must equal what our crypto derives; our SYN-ACK HMAC must satisfy the kernel (it answers with the third ACK,
     * not a RST) and the kernel's third-ACK HMAC must verify with our keys (RFC 8684 section 3.2).
     */
    @Test
    void theKernelJoinsOurServerWithOurTokenAndHmacs() throws Exception {
        lab.setChecksum(Host.CLIENT, false);
        int port = nextPort++;
        byte[] data = randomBytes(port, SIZE);
        InetSocketAddress serverAddress = new InetSocketAddress(lab.path(0).serverV4(), port);
        Map<String, Long> before = lab.nstat(Host.CLIENT);

        try (RawMptcpPeer peer = lab.inNamespace(Host.SERVER, () -> RawMptcpPeer.open(serverAddress, false))) {
            CompletableFuture<MptcpInfo> kernelClient = CompletableFuture.supplyAsync(() -> {
                try (KernelMptcpSocket client = lab.inNamespace(Host.CLIENT,
                        () -> KernelMptcpSocket.connect(serverAddress, StreamProtocol.MPTCP, WAIT))) {
                    client.write(data);
                    byte[] one = new byte[1];
                    client.readFully(one, WAIT); // keeps the connection open until our server has seen the join
                    return client.mptcpInfo().orElseThrow();
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
            });

            peer.accept(WAIT);
            assertThat(sha256(peer.receive(data.length, WAIT))).isEqualTo(sha256(data));
            RawMptcpPeer.Join join = peer.acceptJoin(WAIT);
            assertThat(join.syn().receiverToken()).isEqualTo(MptcpCrypto.token(peer.localKey()));
            assertThat(join.ackHmacValid()).as("the kernel's third-ACK HMAC verifies with our keys").isTrue();
            assertThat(join.from().getAddress()).isEqualTo(lab.path(1).clientV4());

            peer.send(new byte[] {42});
            MptcpInfo info = kernelClient.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(info.isFallback()).isFalse();
            peer.reset();
        }
        Map<String, Long> after = lab.nstat(Host.CLIENT);
        assertThat(delta(before, after, "MPTcpExtMPJoinSynAckRx")).isEqualTo(1);
        assertThat(delta(before, after, "MPTcpExtMPJoinSynAckHMacFailure")).isZero();
    }

    /** The kernel's DSS options: mappings continue its data stream from IDSN + 1, DATA_ACKs cover our data. */
    private static void assertKernelDssOptions(RawMptcpPeer peer, int kernelBytes) {
        List<Dss> dss = peer.receivedOptions().stream()
                .filter(Dss.class::isInstance).map(Dss.class::cast).toList();
        // Linux repeats a mapping on every segment it covers: count each mapping once.
        Set<Long> seen = new HashSet<>();
        List<Dss> mappings = dss.stream().filter(d -> d.hasMapping() && !d.isDataFin())
                .filter(d -> seen.add(d.subflowSequenceNumber())).toList();
        assertThat(mappings).isNotEmpty();
        Dss first = mappings.get(0);
        assertThat(first.dataSequenceNumber() & mask(first.isDsn64()))
                .isEqualTo((MptcpCrypto.idsn(peer.remoteKey()) + 1) & mask(first.isDsn64()));
        assertThat(first.subflowSequenceNumber()).isEqualTo(1);
        assertThat(mappings.stream().mapToLong(Dss::dataLevelLength).sum()).isEqualTo(kernelBytes);
        assertThat(mappings).allSatisfy(m -> assertThat(m.hasChecksum()).isEqualTo(peer.checksumsInUse()));
        assertThat(peer.peerDataAck()).isEqualTo(peer.dataSendNext());
        assertThat(peer.receivedOptions()).noneMatch(o -> o instanceof io.mptcp4j.core.wire.MpMalformed);
        assertThat(peer.receivedOptions()).allMatch(MptcpOption.class::isInstance);
    }

    private static long mask(boolean wide) {
        return wide ? -1L : 0xFFFF_FFFFL;
    }

    /** Accepts one connection, reads {@code length} bytes and writes them back. */
    private static CompletableFuture<KernelMptcpSocket> echoOnce(KernelMptcpSocket listener, int length) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                KernelMptcpSocket s = listener.accept(WAIT);
                byte[] buffer = new byte[length];
                s.readFully(buffer, WAIT);
                s.write(buffer);
                return s;
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        });
    }
}
