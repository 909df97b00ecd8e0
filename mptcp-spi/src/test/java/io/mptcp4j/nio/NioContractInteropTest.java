package io.mptcp4j.nio;

import io.mptcp4j.testing.ProviderLab;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mptcp4j.driver.MptcpSocketInfo;
import io.mptcp4j.lab.Host;
import io.mptcp4j.nio.NioTransport.Peer;
import io.mptcp4j.nio.NioTransport.PeerListener;
import io.mptcp4j.testing.RootOnly;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The java.nio contract over the userspace MPTCP stack in a two-path namespace lab: mptcp4j's provider in the
 * CLIENT namespace, its peers in the SERVER namespace, once the JDK's plain TCP (our connections fall back) and
 * once the kernel's MPTCP. One lab for the class. Beyond the contract: what only mptcp4j's channels have (the
 * MPTCP options, MPTCP or fallback, a wildcard listener serving the stack and loopback at once).
 */
@RootOnly
@SuppressWarnings("try") // peers held open only for their effect
class NioContractInteropTest extends NioContract {

    private ProviderLab lab;
    private MptcpSelectorProvider client;
    private MptcpSelectorProvider server;
    private List<NioTransport> transports = List.of();

    @BeforeAll
    void createLab() throws IOException {
        lab = new ProviderLab(2);
        try {
            client = lab.provider(Host.CLIENT);
            server = NioTransport.peerStack(lab);
            client.open();
            server.open();
            transports = List.of(NioTransport.oursInLab(lab, client, server, false),
                    NioTransport.oursInLab(lab, client, server, true));
        } catch (IOException | RuntimeException e) {
            closeLab();
            throw e;
        }
    }

    @AfterAll
    void closeLab() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
        if (lab != null) {
            lab.close();
        }
    }

    @Override
    Stream<NioTransport> transports() {
        return transports.stream();
    }

    private NioTransport withJdkPeers() {
        return transports.get(0);
    }

    private NioTransport withKernelPeers() {
        return transports.get(1);
    }

    @Test
    void mptcpOptionsAreCheckedAndTakeEffectWhenTheChannelConnects() throws Exception {
        NioTransport t = withKernelPeers();
        try (PeerListener l = t.listenPeer(); SocketChannel ch = client.openSocketChannel()) {
            assertThat(ch.supportedOptions()).contains(MptcpSocketOptions.SCHEDULER,
                    MptcpSocketOptions.CONGESTION_CONTROL, MptcpSocketOptions.PATH_MANAGER,
                    MptcpSocketOptions.MAX_SUBFLOWS, MptcpSocketOptions.CHECKSUM);
            assertThat(ch.getOption(MptcpSocketOptions.SCHEDULER)).isEqualTo("minrtt");
            assertThat(ch.getOption(MptcpSocketOptions.PATH_MANAGER)).isEqualTo("fullmesh");
            assertThat(ch.getOption(MptcpSocketOptions.MAX_SUBFLOWS)).isEqualTo(8);
            assertThat(ch.getOption(MptcpSocketOptions.CHECKSUM)).isFalse();

            assertThat(ch.setOption(MptcpSocketOptions.SCHEDULER, "roundrobin")).isSameAs(ch);
            assertThat(ch.getOption(MptcpSocketOptions.SCHEDULER)).isEqualTo("roundrobin");
            ch.setOption(MptcpSocketOptions.CONGESTION_CONTROL, "olia");
            assertThat(ch.getOption(MptcpSocketOptions.CONGESTION_CONTROL)).isEqualTo("olia");
            assertThatThrownBy(() -> ch.setOption(MptcpSocketOptions.SCHEDULER, "no-such-scheduler"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("no-such-scheduler").hasMessageContaining("minrtt");
            assertThatThrownBy(() -> ch.setOption(MptcpSocketOptions.CONGESTION_CONTROL, "no-such-cc"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cubic");
            assertThatThrownBy(() -> ch.setOption(MptcpSocketOptions.PATH_MANAGER, "no-such-pm"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fullmesh");
            assertThatThrownBy(() -> ch.setOption(MptcpSocketOptions.MAX_SUBFLOWS, 0))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> ch.setOption(MptcpSocketOptions.MAX_SUBFLOWS, 65))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> ch.setOption(MptcpSocketOptions.SCHEDULER, null))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(ch.getOption(MptcpSocketOptions.SCHEDULER)).as("a refused value changes nothing")
                    .isEqualTo("roundrobin");
            ch.setOption(MptcpSocketOptions.MAX_SUBFLOWS, 1); // the initial subflow only: no joins

            ch.connect(l.address());
            try (Peer peer = l.accept()) {
                assertThatThrownBy(() -> ch.setOption(MptcpSocketOptions.SCHEDULER, "minrtt"))
                        .isInstanceOf(IllegalStateException.class);
                assertThatThrownBy(() -> ch.setOption(MptcpSocketOptions.MAX_SUBFLOWS, 2))
                        .isInstanceOf(IllegalStateException.class);
                assertThat(ch.getOption(MptcpSocketOptions.SCHEDULER)).isEqualTo("roundrobin");
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true); // the standard ones still go
                peer.write(new byte[] {1, 2, 3});
                ByteBuffer b = ByteBuffer.allocate(3);
                while (b.hasRemaining()) {
                    ch.read(b);
                }
                Thread.sleep(300); // time for a join, were one allowed
                MptcpChannel m = MptcpChannel.of(ch).orElseThrow();
                assertThat(m.isMptcp()).isTrue();
                MptcpSocketInfo info = m.info();
                assertThat(info.fallback()).isFalse();
                assertThat(info.subflows()).hasSize(1);
            }
        }
        try (ServerSocketChannel ssc = client.openServerSocketChannel()) {
            ssc.setOption(MptcpSocketOptions.SCHEDULER, "redundant");
            assertThatThrownBy(() -> ssc.setOption(MptcpSocketOptions.SCHEDULER, "nope"))
                    .isInstanceOf(IllegalArgumentException.class);
            ssc.bind(t.serverAddress());
            assertThatThrownBy(() -> ssc.setOption(MptcpSocketOptions.SCHEDULER, "minrtt"))
                    .as("the listener took its options when it bound").isInstanceOf(IllegalStateException.class);
            assertThat(ssc.getOption(MptcpSocketOptions.SCHEDULER)).isEqualTo("redundant");
        }
        try (SocketChannel jdk = PlatformProvider.find().openSocketChannel()) {
            assertThatThrownBy(() -> jdk.setOption(MptcpSocketOptions.SCHEDULER, "minrtt"))
                    .isInstanceOf(UnsupportedOperationException.class);
        }
    }

    @Test
    void aConnectionToPlainTcpFallsBackAndSaysSo() throws Exception {
        try (NioContract.Link k = NioContract.connect(withJdkPeers())) {
            MptcpChannel m = MptcpChannel.of(k.channel).orElseThrow();
            assertThat(m.isMptcp()).as("fallen back to TCP").isFalse();
            assertThat(m.info().fallback()).isTrue();
        }
        try (NioContract.Link k = NioContract.connect(withKernelPeers())) {
            MptcpChannel m = MptcpChannel.of(k.channel).orElseThrow();
            assertThat(m.isMptcp()).isTrue();
            assertThat(m.info().fallback()).isFalse();
        }
    }

    /**
     * A server bound to the wildcard address listens over MPTCP on every stack address and, for loopback clients,
     * through a platform listener beside it: blocking and selected accepts take from both, and a blocked accept
     * (waiting on both in a selector of its own) still ends with ClosedByInterruptException.
     */
    @Test
    void aWildcardServerServesTheStackAndLoopbackTogether() throws Exception {
        NioTransport t = withKernelPeers();
        try (ServerSocketChannel ssc = client.openServerSocketChannel()) {
            ssc.bind(null);
            InetSocketAddress local = (InetSocketAddress) ssc.getLocalAddress();
            assertThat(local.getAddress().isAnyLocalAddress()).isTrue();
            assertThat(local.getPort()).isPositive();
            for (int path = 0; path < 2; path++) {
                InetSocketAddress to = new InetSocketAddress(lab.address(Host.CLIENT, path), local.getPort());
                try (Peer peer = t.connectPeer(to); SocketChannel a = ssc.accept()) {
                    assertThat(a.getLocalAddress()).isEqualTo(to);
                    assertThat(MptcpChannel.of(a).orElseThrow().isMptcp()).isTrue();
                    peer.write(new byte[] {7});
                    ByteBuffer b = ByteBuffer.allocate(1);
                    assertThat(a.read(b)).isEqualTo(1);
                }
            }
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), local.getPort());
                 SocketChannel a = ssc.accept()) {
                assertThat(((InetSocketAddress) a.getLocalAddress()).getAddress().isLoopbackAddress()).isTrue();
                assertThat(MptcpChannel.of(a).orElseThrow().isMptcp()).isFalse();
                s.getOutputStream().write(9);
                ByteBuffer b = ByteBuffer.allocate(1);
                assertThat(a.read(b)).isEqualTo(1);
            }

            ssc.configureBlocking(false);
            try (Selector sel = client.openSelector()) {
                SelectionKey key = ssc.register(sel, SelectionKey.OP_ACCEPT);
                for (int round = 0; round < 2; round++) {
                    boolean loopback = round == 1;
                    try (Peer peer = loopback ? null : t.connectPeer(new InetSocketAddress(
                            lab.address(Host.CLIENT, 0), local.getPort()));
                         Socket s = loopback ? new Socket(InetAddress.getLoopbackAddress(), local.getPort())
                                 : null) {
                        assertThat(sel.select(NioContract.WAIT_MS)).isEqualTo(1);
                        assertThat(key.isAcceptable()).isTrue();
                        sel.selectedKeys().clear();
                        try (SocketChannel a = ssc.accept()) {
                            assertThat(a).isNotNull();
                            assertThat(MptcpChannel.of(a).orElseThrow().isMptcp()).isEqualTo(!loopback);
                        }
                    }
                }
                key.cancel();
                sel.selectNow();
            }
            ssc.configureBlocking(true);

            NioContract.Blocked b = NioContract.Blocked.start("acceptor", ssc::accept);
            b.awaitIn("accept");
            b.thread.interrupt();
            NioContract.Outcome o = b.outcome();
            assertThat(o.error).isInstanceOf(ClosedByInterruptException.class);
            assertThat(o.interrupted).isTrue();
            assertThat(ssc.isOpen()).isFalse();
        }
    }
}
