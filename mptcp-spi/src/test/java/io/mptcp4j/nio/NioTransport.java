package io.mptcp4j.nio;

import io.mptcp4j.testing.ProviderLab;
import io.mptcp4j.io.linux.KernelMptcpSocket;
import io.mptcp4j.io.linux.StreamProtocol;
import io.mptcp4j.lab.Host;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.spi.SelectorProvider;
import java.time.Duration;

/**
 * Where the java.nio contract ({@link NioContract}) runs: a provider under test, where its server channels listen,
 * and peers on the other side of each connection (the JDK's blocking sockets, or the kernel's MPTCP), so that one
 * test body checks the JDK's provider and mptcp4j's alike.
 */
abstract class NioTransport {

    /** How long a peer waits for a connection or for bytes before the test fails. */
    static final Duration WAIT = Duration.ofSeconds(10);

    private final String name;
    private final boolean primary;

    /**
     * @param primary whether this is the first transport of its provider: tests that do not depend on the kind of
     *                peer run on primary transports only
     */
    NioTransport(String name, boolean primary) {
        this.name = name;
        this.primary = primary;
    }

    /** The provider under test. */
    abstract SelectorProvider provider();

    /** Whether {@link #provider()} is mptcp4j's. */
    abstract boolean ours();

    /** Whether the provider's connections go over the userspace MPTCP stack (not through the platform). */
    boolean overMptcp() {
        return false;
    }

    /** Another implementation of java.nio, whose channels the provider's selectors must refuse (and vice versa). */
    abstract SelectorProvider foreign();

    /** Where the provider's server channels listen (port 0): reachable by {@link #connectPeer}. */
    abstract InetSocketAddress serverAddress();

    /** A peer listening for the provider's client channels. */
    abstract PeerListener listenPeer() throws IOException;

    /** A peer connected to the provider's server channel at {@code server}. */
    abstract Peer connectPeer(InetSocketAddress server) throws IOException;

    /** A provider on the peers' side, whose server channels the provider's clients reach (for the echo test). */
    abstract SelectorProvider peerProvider();

    /** Where {@link #peerProvider()}'s server channels listen (port 0). */
    abstract InetSocketAddress peerServerAddress();

    boolean primary() {
        return primary;
    }

    /** An address on the peers' side where nothing listens: a port that was listened on a moment ago. */
    InetSocketAddress closedPort() throws IOException {
        try (PeerListener l = listenPeer()) {
            return l.address();
        }
    }

    @Override
    public String toString() {
        return name;
    }

    // ------------------------------------------------------------------ peers

    /** One end of a connection on the peers' side, blocking, every wait bounded by {@link #WAIT}. */
    interface Peer extends Closeable {

        InetSocketAddress localAddress() throws IOException;

        InetSocketAddress remoteAddress() throws IOException;

        void write(byte[] data) throws IOException;

        /** Exactly {@code n} bytes ({@link EOFException} if the stream ends first). */
        byte[] read(int n) throws IOException;

        /** Everything up to the end of the stream. */
        byte[] readToEnd() throws IOException;

        void shutdownOutput() throws IOException;

        /** Closes with SO_LINGER 0: the connection is reset. */
        void reset() throws IOException;
    }

    /** A listener on the peers' side. */
    interface PeerListener extends Closeable {

        InetSocketAddress address();

        /** The next connection, waiting at most {@link #WAIT}. */
        Peer accept() throws IOException;
    }

    /** A {@link Socket} of the JDK (in whatever namespace it was made). */
    static Peer jdkPeer(Socket s) throws IOException {
        s.setSoTimeout((int) WAIT.toMillis());
        InputStream in = s.getInputStream();
        return new Peer() {
            @Override
            public InetSocketAddress localAddress() {
                return (InetSocketAddress) s.getLocalSocketAddress();
            }

            @Override
            public InetSocketAddress remoteAddress() {
                return (InetSocketAddress) s.getRemoteSocketAddress();
            }

            @Override
            public void write(byte[] data) throws IOException {
                s.getOutputStream().write(data);
            }

            @Override
            public byte[] read(int n) throws IOException {
                byte[] b = in.readNBytes(n);
                if (b.length < n) {
                    throw new EOFException("stream ended after " + b.length + " of " + n + " bytes");
                }
                return b;
            }

            @Override
            public byte[] readToEnd() throws IOException {
                return in.readAllBytes();
            }

            @Override
            public void shutdownOutput() throws IOException {
                s.shutdownOutput();
            }

            @Override
            public void reset() throws IOException {
                s.setSoLinger(true, 0);
                s.close();
            }

            @Override
            public void close() throws IOException {
                s.close();
            }

            @Override
            public String toString() {
                return "jdk " + s;
            }
        };
    }

    static PeerListener jdkListener(ServerSocket ss) throws IOException {
        ss.setSoTimeout((int) WAIT.toMillis());
        return new PeerListener() {
            @Override
            public InetSocketAddress address() {
                return (InetSocketAddress) ss.getLocalSocketAddress();
            }

            @Override
            public Peer accept() throws IOException {
                return jdkPeer(ss.accept());
            }

            @Override
            public void close() throws IOException {
                ss.close();
            }
        };
    }

    /** A socket of the kernel's MPTCP. */
    static Peer kernelPeer(KernelMptcpSocket s) {
        return new Peer() {
            @Override
            public InetSocketAddress localAddress() throws IOException {
                return s.localAddress();
            }

            @Override
            public InetSocketAddress remoteAddress() throws IOException {
                return s.remoteAddress();
            }

            @Override
            public void write(byte[] data) throws IOException {
                s.write(data);
            }

            @Override
            public byte[] read(int n) throws IOException {
                byte[] b = new byte[n];
                s.readFully(b, WAIT);
                return b;
            }

            @Override
            public byte[] readToEnd() throws IOException {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                byte[] b = new byte[64 * 1024];
                for (int n; (n = s.read(b, 0, b.length, WAIT)) >= 0; ) {
                    out.write(b, 0, n);
                }
                return out.toByteArray();
            }

            @Override
            public void shutdownOutput() throws IOException {
                s.shutdownOutput();
            }

            @Override
            public void reset() throws IOException {
                s.setLinger(Duration.ZERO);
                s.close();
            }

            @Override
            public void close() {
                s.close();
            }

            @Override
            public String toString() {
                return "kernel MPTCP socket";
            }
        };
    }

    static PeerListener kernelListener(KernelMptcpSocket listener) throws IOException {
        InetSocketAddress address = listener.localAddress();
        return new PeerListener() {
            @Override
            public InetSocketAddress address() {
                return address;
            }

            @Override
            public Peer accept() throws IOException {
                return kernelPeer(listener.accept(WAIT));
            }

            @Override
            public void close() {
                listener.close();
            }
        };
    }

    // ------------------------------------------------------------------ the transports

    /**
     * The JDK's own provider, everything on loopback: the reference the others are held to; {@code foreign} is
     * mptcp4j's, whose channels the JDK's selectors must refuse.
     */
    static NioTransport jdk(MptcpSelectorProvider foreign) {
        SelectorProvider jdk = PlatformProvider.find();
        return onLoopback("jdk", jdk, false, foreign, jdk);
    }

    /**
     * mptcp4j's provider on loopback, which its {@link ExclusionPolicy} leaves to the platform: every channel
     * forwards to a JDK channel. Its stack can never open (its namespace does not exist), so a call that would
     * open it fails instead of reaching the host's interfaces.
     */
    static NioTransport oursOnLoopback(MptcpSelectorProvider provider) {
        return onLoopback("mptcp4j-loopback-platform", provider, true, PlatformProvider.find(), provider);
    }

    /** Everything on loopback: server and peers at the loopback address, peers through {@code peerProvider}. */
    private static NioTransport onLoopback(String name, SelectorProvider provider, boolean ours,
                                           SelectorProvider foreign, SelectorProvider peerProvider) {
        return new NioTransport(name, true) {
            @Override
            SelectorProvider provider() {
                return provider;
            }

            @Override
            boolean ours() {
                return ours;
            }

            @Override
            SelectorProvider foreign() {
                return foreign;
            }

            @Override
            InetSocketAddress serverAddress() {
                return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
            }

            @Override
            PeerListener listenPeer() throws IOException {
                return loopbackListener();
            }

            @Override
            Peer connectPeer(InetSocketAddress server) throws IOException {
                return loopbackPeer(server);
            }

            @Override
            SelectorProvider peerProvider() {
                return peerProvider;
            }

            @Override
            InetSocketAddress peerServerAddress() {
                return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
            }
        };
    }

    /** A provider of ours that serves loopback only: its stack's namespace does not exist. */
    static MptcpSelectorProvider loopbackProvider() {
        return new MptcpSelectorProvider(MptcpProviderConfig.builder().namespace("mptcp4j-contract-no-stack")
                .build());
    }

    /**
     * mptcp4j's provider with its stack in the lab's CLIENT namespace; peers in the SERVER namespace: the JDK's
     * plain TCP ({@code kernelMptcp} false: our connections fall back to TCP) or the kernel's MPTCP. The peers'
     * provider for the echo test is {@code server}, another mptcp4j provider with its stack in the SERVER namespace
     * (see {@link #peerStack}).
     */
    static NioTransport oursInLab(ProviderLab lab, MptcpSelectorProvider client, MptcpSelectorProvider server,
                                  boolean kernelMptcp) {
        SelectorProvider jdk = PlatformProvider.find();
        InetAddress ourAddress = lab.address(Host.CLIENT, 0);
        InetAddress peerAddress = lab.address(Host.SERVER, 0);
        return new NioTransport(kernelMptcp ? "mptcp4j-lab-kernel-mptcp-peer" : "mptcp4j-lab-jdk-tcp-peer",
                !kernelMptcp) {
            @Override
            SelectorProvider provider() {
                return client;
            }

            @Override
            boolean ours() {
                return true;
            }

            @Override
            boolean overMptcp() {
                return true;
            }

            @Override
            SelectorProvider foreign() {
                return jdk;
            }

            @Override
            InetSocketAddress serverAddress() {
                return new InetSocketAddress(ourAddress, 0);
            }

            @Override
            PeerListener listenPeer() throws IOException {
                InetSocketAddress at = new InetSocketAddress(peerAddress, 0);
                if (kernelMptcp) {
                    KernelMptcpSocket l = lab.lab.inNamespace(Host.SERVER,
                            () -> KernelMptcpSocket.listen(at, StreamProtocol.MPTCP, 50));
                    return kernelListener(l);
                }
                ServerSocket ss = lab.lab.inNamespace(Host.SERVER, () -> {
                    ServerSocket s = new ServerSocket();
                    s.bind(at, 50);
                    return s;
                });
                return jdkListener(ss);
            }

            @Override
            Peer connectPeer(InetSocketAddress server) throws IOException {
                if (kernelMptcp) {
                    return kernelPeer(lab.lab.inNamespace(Host.SERVER,
                            () -> KernelMptcpSocket.connect(server, StreamProtocol.MPTCP, WAIT)));
                }
                return jdkPeer(lab.lab.inNamespace(Host.SERVER, () -> {
                    Socket s = new Socket();
                    s.connect(server, (int) WAIT.toMillis());
                    return s;
                }));
            }

            @Override
            SelectorProvider peerProvider() {
                return server;
            }

            @Override
            InetSocketAddress peerServerAddress() {
                return new InetSocketAddress(peerAddress, 0);
            }
        };
    }

    /**
     * The mptcp4j provider on the peers' side of the lab: its stack has the first path's address only. The peers'
     * kernel sockets share that namespace, and the stack's raw socket lets in every segment whose destination
     * port it owns on any of its addresses (its ports are reserved per address): a port it held on a second address
     * could be a kernel socket's on the first one, whose segments the stack would then answer with resets.
     */
    static MptcpSelectorProvider peerStack(ProviderLab lab) {
        return new MptcpSelectorProvider(MptcpProviderConfig.builder()
                .namespace(lab.lab.namespaceName(Host.SERVER))
                .localAddresses(java.util.List.of(lab.address(Host.SERVER, 0).getHostAddress()))
                .build());
    }

    private static PeerListener loopbackListener() throws IOException {
        return jdkListener(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
    }

    private static Peer loopbackPeer(InetSocketAddress server) throws IOException {
        Socket s = new Socket();
        try {
            s.connect(server, (int) WAIT.toMillis());
            return jdkPeer(s);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }
}
