package io.mptcp4j.nio;

import io.mptcp4j.testing.DaemonTasks;
import static java.nio.channels.SelectionKey.OP_ACCEPT;
import static java.nio.channels.SelectionKey.OP_CONNECT;
import static java.nio.channels.SelectionKey.OP_READ;
import static java.nio.channels.SelectionKey.OP_WRITE;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.mptcp4j.nio.NioTransport.Peer;
import io.mptcp4j.nio.NioTransport.PeerListener;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.net.ConnectException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.AlreadyBoundException;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.ConnectionPendingException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.IllegalBlockingModeException;
import java.nio.channels.IllegalSelectorException;
import java.nio.channels.NoConnectionPendingException;
import java.nio.channels.NotYetBoundException;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.Pipe;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.UnresolvedAddressException;
import java.nio.channels.UnsupportedAddressTypeException;
import java.nio.channels.spi.SelectorProvider;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The java.nio contract: one body per rule of {@link SocketChannel}, {@link ServerSocketChannel}, {@link Selector}
 * and the {@code socket()} adaptors, run against every {@link NioTransport} of a subclass: the JDK's own provider
 * (the reference) and mptcp4j's. A body checks what the JDK documents and does, identically for every transport.
 *
 * <p>Where mptcp4j does not (or need not) do what the JDK does, the test says so at its place:
 * <ul>
 * <li>an MPTCP channel bound to port 0 on a stack address reports port 0 until it connects: the userspace stack
 *     takes a connection's port when it connects, where the JDK's kernel picks one at bind;</li>
 * <li>a blocking write ended by another thread's close once some bytes went out: the JDK returns the short count,
 *     mptcp4j throws AsynchronousCloseException as {@link java.nio.channels.WritableByteChannel} specifies; both
 *     are accepted;</li>
 * <li>OP_CONNECT readiness outside a pending connect (registered before {@code connect()}, or left in the interest
 *     set after {@code finishConnect()}) is not checked: JDK 17 reports it from the socket's poll state, mptcp4j
 *     only while a connect is pending.</li>
 * </ul>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(30)
@SuppressWarnings("try") // channels closed inside their try, to check what a closed channel does
abstract class NioContract {

    static final long WAIT_MS = NioTransport.WAIT.toMillis();

    /** Every transport of the subclass. */
    abstract Stream<NioTransport> transports();

    /** One transport per provider: for rules that do not depend on the kind of peer. */
    Stream<NioTransport> providerTransports() {
        return transports().filter(NioTransport::primary);
    }

    /** A contract test run with every transport. */
    @Target(ElementType.METHOD)
    @Retention(RetentionPolicy.RUNTIME)
    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    @interface EveryTransport {
    }

    /** A contract test run once per provider. */
    @Target(ElementType.METHOD)
    @Retention(RetentionPolicy.RUNTIME)
    @ParameterizedTest(name = "{0}")
    @MethodSource("providerTransports")
    @interface EveryProvider {
    }

    // ------------------------------------------------------------------ connecting

    @EveryTransport
    void blockingConnectSetsTheStateAndBothAddresses(NioTransport t) throws Exception {
        try (PeerListener l = t.listenPeer(); SocketChannel ch = t.provider().openSocketChannel()) {
            assertThat(ch.isBlocking()).isTrue();
            assertThat(ch.isConnected()).isFalse();
            assertThat(ch.isConnectionPending()).isFalse();
            assertThat(ch.getLocalAddress()).isNull();
            assertThat(ch.getRemoteAddress()).isNull();

            assertThat(ch.connect(l.address())).isTrue();
            try (Peer peer = l.accept()) {
                assertThat(ch.isConnected()).isTrue();
                assertThat(ch.isConnectionPending()).isFalse();
                assertThat(ch.finishConnect()).isTrue();
                assertThat(ch.getRemoteAddress()).isEqualTo(l.address());
                InetSocketAddress local = (InetSocketAddress) ch.getLocalAddress();
                assertThat(local.getPort()).isPositive();
                assertThat(local).isEqualTo(peer.remoteAddress());
                assertThat(peer.localAddress()).isEqualTo(l.address());
                assertThatThrownBy(() -> ch.connect(l.address())).isInstanceOf(AlreadyConnectedException.class);
                assertThatThrownBy(() -> ch.bind(null)).isInstanceOf(AlreadyBoundException.class);

                ch.close();
                assertThat(ch.isOpen()).isFalse();
                assertThat(ch.isConnected()).as("a closed channel is not connected (the JDK)").isFalse();
                assertThat(ch.isConnectionPending()).isFalse();
                assertThatThrownBy(ch::getLocalAddress).isInstanceOf(ClosedChannelException.class);
                assertThatThrownBy(ch::getRemoteAddress).isInstanceOf(ClosedChannelException.class);
            }
        }
    }

    @EveryTransport
    void nonBlockingConnectCompletesThroughOpConnect(NioTransport t) throws Exception {
        try (PeerListener l = t.listenPeer(); SocketChannel ch = t.provider().openSocketChannel();
             Selector sel = t.provider().openSelector()) {
            ch.configureBlocking(false);
            // (Registered before connecting; what a selection says before connect() is left open: the JDK polls
            // the unconnected socket, which Linux reports hung up, so it comes out ready.)
            SelectionKey key = ch.register(sel, OP_CONNECT);
            if (!ch.connect(l.address())) {
                assertThat(ch.isConnectionPending()).isTrue();
                assertThat(ch.isConnected()).isFalse();
                assertThatThrownBy(() -> ch.connect(l.address())).isInstanceOf(ConnectionPendingException.class);
                assertThatThrownBy(() -> ch.read(ByteBuffer.allocate(1))).isInstanceOf(NotYetConnectedException.class);
                assertThatThrownBy(() -> ch.write(ByteBuffer.allocate(1)))
                        .isInstanceOf(NotYetConnectedException.class);
                assertThat(sel.select(WAIT_MS)).isEqualTo(1);
                assertThat(sel.selectedKeys()).containsExactly(key);
                assertThat(key.isConnectable()).isTrue();
                assertThat(key.readyOps()).isEqualTo(OP_CONNECT);
                sel.selectedKeys().clear();
                assertThat(ch.finishConnect()).isTrue();
            }
            assertThat(ch.isConnected()).isTrue();
            assertThat(ch.isConnectionPending()).isFalse();
            assertThat(ch.finishConnect()).isTrue();
            assertThatThrownBy(() -> ch.connect(l.address())).isInstanceOf(AlreadyConnectedException.class);
            // Whether OP_CONNECT stays ready once connected is left open (JDK 17 keeps reporting it while it is in
            // the interest set): the interest goes, as applications do.
            key.interestOps(0);
            assertThat(sel.selectNow()).isZero();

            try (Peer peer = l.accept()) {
                key.interestOps(OP_READ);
                peer.write(ascii("x"));
                assertThat(sel.select(WAIT_MS)).isEqualTo(1);
                ByteBuffer b = ByteBuffer.allocate(4);
                assertThat(ch.read(b)).isEqualTo(1);
            }
        }
    }

    @EveryProvider
    void finishConnectWithoutConnectIsRefused(NioTransport t) throws Exception {
        try (SocketChannel ch = t.provider().openSocketChannel()) {
            assertThatThrownBy(ch::finishConnect).isInstanceOf(NoConnectionPendingException.class);
            ch.configureBlocking(false);
            assertThatThrownBy(ch::finishConnect).isInstanceOf(NoConnectionPendingException.class);
        }
    }

    @EveryTransport
    void blockingConnectToAClosedPortIsRefusedAndClosesTheChannel(NioTransport t) throws Exception {
        InetSocketAddress closed = t.closedPort();
        SocketChannel ch = t.provider().openSocketChannel();
        assertThatThrownBy(() -> ch.connect(closed)).isInstanceOf(ConnectException.class);
        assertThat(ch.isOpen()).isFalse();
        assertThat(ch.isConnected()).isFalse();
        assertThat(ch.isConnectionPending()).isFalse();
        for (int timeout : new int[] {0, (int) WAIT_MS}) { // through the socket adaptor, without and with a limit
            Socket s = t.provider().openSocketChannel().socket();
            assertThatThrownBy(() -> s.connect(closed, timeout)).isInstanceOf(ConnectException.class);
            assertThat(s.isClosed()).isTrue();
            assertThat(s.isConnected()).isFalse();
        }
    }

    @EveryTransport
    void nonBlockingConnectToAClosedPortFailsInFinishConnect(NioTransport t) throws Exception {
        InetSocketAddress closed = t.closedPort();
        try (SocketChannel ch = t.provider().openSocketChannel(); Selector sel = t.provider().openSelector()) {
            ch.configureBlocking(false);
            SelectionKey key = ch.register(sel, OP_CONNECT);
            boolean connected;
            try {
                connected = ch.connect(closed);
            } catch (ConnectException e) {
                assertThat(ch.isOpen()).isFalse(); // refused at once: allowed, the channel is closed
                return;
            }
            assertThat(connected).isFalse();
            assertThat(sel.select(WAIT_MS)).isEqualTo(1);
            assertThat(key.isConnectable()).isTrue();
            assertThatThrownBy(ch::finishConnect).isInstanceOf(ConnectException.class);
            assertThat(ch.isOpen()).isFalse();
            assertThat(ch.isConnectionPending()).isFalse();
            assertThat(key.isValid()).isFalse();
        }
    }

    @EveryProvider
    void connectAndBindRefuseAddressesTheyCannotUse(NioTransport t) throws Exception {
        InetSocketAddress unresolved = InetSocketAddress.createUnresolved("unresolved.invalid", 80);
        SocketAddress foreign = new SocketAddress() {
            private static final long serialVersionUID = 1L;
        };
        try (SocketChannel ch = t.provider().openSocketChannel()) {
            assertThatThrownBy(() -> ch.connect(unresolved)).isInstanceOf(UnresolvedAddressException.class);
            assertThatThrownBy(() -> ch.connect(foreign)).isInstanceOf(UnsupportedAddressTypeException.class);
            assertThatThrownBy(() -> ch.bind(unresolved)).isInstanceOf(UnresolvedAddressException.class);
            assertThatThrownBy(() -> ch.bind(foreign)).isInstanceOf(UnsupportedAddressTypeException.class);
            assertThat(ch.isOpen()).isTrue();
            assertThat(ch.isConnected()).isFalse();
            assertThat(ch.isConnectionPending()).isFalse();
        }
        try (SocketChannel v4 = t.provider().openSocketChannel(StandardProtocolFamily.INET)) {
            InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByName("::1"), 80);
            assertThatThrownBy(() -> v4.connect(v6)).isInstanceOf(UnsupportedAddressTypeException.class);
        }
        try (ServerSocketChannel ssc = t.provider().openServerSocketChannel()) {
            assertThatThrownBy(() -> ssc.bind(unresolved)).isInstanceOf(UnresolvedAddressException.class);
            assertThatThrownBy(() -> ssc.bind(foreign)).isInstanceOf(UnsupportedAddressTypeException.class);
            assertThatThrownBy(ssc::accept).isInstanceOf(NotYetBoundException.class);
            ssc.bind(t.serverAddress());
            assertThatThrownBy(() -> ssc.bind(t.serverAddress())).isInstanceOf(AlreadyBoundException.class);
        }
    }

    @EveryProvider
    void bytesNeedAConnection(NioTransport t) throws Exception {
        try (SocketChannel ch = t.provider().openSocketChannel()) {
            ByteBuffer b = ByteBuffer.allocate(8);
            assertThatThrownBy(() -> ch.read(b)).isInstanceOf(NotYetConnectedException.class);
            assertThatThrownBy(() -> ch.read(new ByteBuffer[] {b})).isInstanceOf(NotYetConnectedException.class);
            assertThatThrownBy(() -> ch.write(b)).isInstanceOf(NotYetConnectedException.class);
            assertThatThrownBy(() -> ch.write(new ByteBuffer[] {b}, 0, 1))
                    .isInstanceOf(NotYetConnectedException.class);
            assertThatThrownBy(ch::shutdownInput).isInstanceOf(NotYetConnectedException.class);
            assertThatThrownBy(ch::shutdownOutput).isInstanceOf(NotYetConnectedException.class);
            ch.configureBlocking(false);
            assertThatThrownBy(() -> ch.read(b)).isInstanceOf(NotYetConnectedException.class);
            assertThatThrownBy(() -> ch.write(b)).isInstanceOf(NotYetConnectedException.class);
        }
    }

    @EveryTransport
    void aClosedChannelRefusesEverything(NioTransport t) throws Exception {
        SocketChannel never = t.provider().openSocketChannel();
        never.close();
        assertClosed(t, never);
        try (Link k = connect(t)) {
            k.channel.close();
            k.channel.close(); // idempotent
            assertClosed(t, k.channel);
        }
        ServerSocketChannel ssc = t.provider().openServerSocketChannel();
        ssc.bind(t.serverAddress());
        ssc.close();
        assertThat(ssc.isOpen()).isFalse();
        assertThatThrownBy(ssc::accept).isInstanceOf(ClosedChannelException.class);
        assertThatThrownBy(ssc::getLocalAddress).isInstanceOf(ClosedChannelException.class);
        assertThatThrownBy(() -> ssc.bind(null)).isInstanceOf(ClosedChannelException.class);
        assertThatThrownBy(() -> ssc.getOption(StandardSocketOptions.SO_RCVBUF))
                .isInstanceOf(ClosedChannelException.class);
    }

    private static void assertClosed(NioTransport t, SocketChannel ch) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8);
        InetSocketAddress somewhere = new InetSocketAddress(t.serverAddress().getAddress(), 9);
        assertThat(ch.isOpen()).isFalse();
        assertThat(ch.isConnected()).isFalse();
        assertThatThrownBy(() -> ch.connect(somewhere)).isInstanceOf(ClosedChannelException.class);
        assertThatThrownBy(ch::finishConnect).isInstanceOf(ClosedChannelException.class);
        assertThatThrownBy(() -> ch.bind(null)).isInstanceOf(ClosedChannelException.class);
        assertThatThrownBy(() -> ch.read(b)).isInstanceOf(ClosedChannelException.class);
        assertThatThrownBy(() -> ch.read(new ByteBuffer[] {b})).isInstanceOf(ClosedChannelException.class);
        assertThatThrownBy(() -> ch.write(b)).isInstanceOf(ClosedChannelException.class);
        assertThatThrownBy(() -> ch.write(new ByteBuffer[] {b})).isInstanceOf(ClosedChannelException.class);
        assertThatThrownBy(ch::shutdownInput).isInstanceOf(ClosedChannelException.class);
        assertThatThrownBy(ch::shutdownOutput).isInstanceOf(ClosedChannelException.class);
        assertThatThrownBy(ch::getLocalAddress).isInstanceOf(ClosedChannelException.class);
        assertThatThrownBy(ch::getRemoteAddress).isInstanceOf(ClosedChannelException.class);
        assertThatThrownBy(() -> ch.setOption(StandardSocketOptions.TCP_NODELAY, true))
                .isInstanceOf(ClosedChannelException.class);
        assertThatThrownBy(() -> ch.getOption(StandardSocketOptions.TCP_NODELAY))
                .isInstanceOf(ClosedChannelException.class);
        assertThatThrownBy(() -> ch.configureBlocking(false)).isInstanceOf(ClosedChannelException.class);
        try (Selector sel = t.provider().openSelector()) {
            assertThatThrownBy(() -> ch.register(sel, OP_READ)).isInstanceOf(ClosedChannelException.class);
        }
    }

    // ------------------------------------------------------------------ bytes

    @EveryTransport
    void blockingReadsAndWritesMoveTheBytes(NioTransport t) throws Exception {
        try (Link k = connect(t)) {
            byte[] out = random(1000, 1);
            assertThat(k.channel.write(ByteBuffer.wrap(out))).isEqualTo(out.length);
            assertThat(k.peer.read(out.length)).isEqualTo(out);
            byte[] in = random(3000, 2);
            k.peer.write(in);
            ByteBuffer got = ByteBuffer.allocate(in.length);
            while (got.hasRemaining()) {
                assertThat(k.channel.read(got)).isPositive();
            }
            assertThat(got.array()).isEqualTo(in);
        }
    }

    @EveryTransport
    void aBlockingWriteTakesEverythingInOneCall(NioTransport t) throws Exception {
        try (Link k = connect(t)) {
            byte[] a = random(3 << 20, 3);
            byte[] b = random(1 << 20, 4);
            CompletableFuture<byte[]> received = DaemonTasks.async("peer-reader", () -> k.peer.read(a.length + b.length));
            assertThat(k.channel.write(ByteBuffer.wrap(a))).isEqualTo(a.length);
            ByteBuffer[] gathered = {ByteBuffer.wrap(b, 0, 1000), ByteBuffer.wrap(b, 1000, b.length - 1000)};
            assertThat(k.channel.write(gathered)).isEqualTo(b.length);
            byte[] all = received.get(30, TimeUnit.SECONDS);
            assertThat(sha256(all)).isEqualTo(sha256(concat(a, b)));
        }
    }

    @EveryTransport
    void scatteringReadsAndGatheringWritesUseTheirBuffersInOrder(NioTransport t) throws Exception {
        try (Link k = connect(t)) {
            ByteBuffer[] srcs = {buffer("skip"), buffer("abc"), buffer("defgh"), buffer("skip2")};
            assertThat(k.channel.write(srcs, 1, 2)).isEqualTo(8);
            assertThat(srcs[0].remaining()).isEqualTo(4);
            assertThat(srcs[1].hasRemaining()).isFalse();
            assertThat(srcs[2].hasRemaining()).isFalse();
            assertThat(srcs[3].remaining()).isEqualTo(5);
            assertThat(k.peer.read(8)).isEqualTo(ascii("abcdefgh"));

            k.peer.write(ascii("0123456789"));
            ByteBuffer[] dsts = {ByteBuffer.allocate(2), ByteBuffer.allocate(3), ByteBuffer.allocate(10),
                    ByteBuffer.allocate(1)};
            long total = 0;
            while (total < 10) {
                long n = k.channel.read(dsts, 0, 3);
                assertThat(n).isPositive();
                total += n;
            }
            assertThat(text(dsts[0])).isEqualTo("01");
            assertThat(text(dsts[1])).isEqualTo("234");
            assertThat(text(dsts[2])).isEqualTo("56789");
            assertThat(dsts[3].position()).isZero();

            k.peer.write(ascii("xy"));
            ByteBuffer[] two = {ByteBuffer.allocate(1), ByteBuffer.allocate(1)};
            total = 0;
            while (total < 2) {
                total += k.channel.read(two);
            }
            assertThat(text(two[0]) + text(two[1])).isEqualTo("xy");

            assertThatThrownBy(() -> k.channel.read(dsts, 3, 2)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> k.channel.write(srcs, -1, 1)).isInstanceOf(IndexOutOfBoundsException.class);
        }
    }

    @EveryTransport
    void readingIntoAFullBufferReturnsZeroAtOnceEvenWhenBlocking(NioTransport t) throws Exception {
        try (Link k = connect(t)) {
            assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
                assertThat(k.channel.read(ByteBuffer.allocate(0))).isZero();
                assertThat(k.channel.read(new ByteBuffer[] {ByteBuffer.allocate(0)})).isZero();
                assertThat(k.channel.write(ByteBuffer.allocate(0))).isZero();
                assertThat(k.channel.write(new ByteBuffer[0])).isZero();
            });
        }
    }

    @EveryTransport
    void thePeersShutdownOutputEndsTheStreamAndWritesGoOn(NioTransport t) throws Exception {
        try (Link k = connect(t)) {
            byte[] data = random(100, 5);
            k.peer.write(data);
            k.peer.shutdownOutput();
            ByteBuffer got = ByteBuffer.allocate(200);
            int n;
            while ((n = k.channel.read(got)) > 0) {
                // until the end of the stream
            }
            assertThat(n).isEqualTo(-1);
            assertThat(got.position()).isEqualTo(100);
            assertThat(k.channel.read(ByteBuffer.allocate(10))).as("end of stream stays").isEqualTo(-1);
            k.channel.configureBlocking(false);
            assertThat(k.channel.read(ByteBuffer.allocate(10))).isEqualTo(-1);
            k.channel.configureBlocking(true);

            byte[] reply = random(50, 6);
            assertThat(k.channel.write(ByteBuffer.wrap(reply))).isEqualTo(50);
            assertThat(k.peer.read(50)).isEqualTo(reply);
            k.channel.shutdownOutput();
            assertThat(k.peer.readToEnd()).isEmpty();
        }
    }

    @EveryTransport
    void aResetByThePeerFailsReadsInsteadOfEndingTheStream(NioTransport t) throws Exception {
        try (Link k = connect(t)) {
            k.peer.write(ascii("before"));
            ByteBuffer got = ByteBuffer.allocate(6);
            while (got.hasRemaining()) {
                assertThat(k.channel.read(got)).isPositive();
            }
            k.peer.reset();
            assertThatThrownBy(() -> {
                int n = k.channel.read(ByteBuffer.allocate(10));
                throw new AssertionError("read gave " + n + " after the peer's reset");
            }).isInstanceOf(IOException.class).isNotInstanceOf(ClosedChannelException.class);
            assertThat(k.channel.isOpen()).isTrue();
        }
    }

    @EveryTransport
    void shutdownInputMakesReadsReturnEndOfStream(NioTransport t) throws Exception {
        try (Link k = connect(t)) {
            assertThat(k.channel.shutdownInput()).isSameAs(k.channel);
            assertThat(k.channel.socket().isInputShutdown()).isTrue();
            assertThat(k.channel.read(ByteBuffer.allocate(10))).isEqualTo(-1);
            k.peer.write(ascii("late"));
            assertThat(k.channel.read(ByteBuffer.allocate(10))).isEqualTo(-1);
            assertThat(k.channel.read(new ByteBuffer[] {ByteBuffer.allocate(10)})).isEqualTo(-1);
            k.channel.shutdownInput(); // again: harmless
            k.channel.configureBlocking(false);
            assertThat(k.channel.read(ByteBuffer.allocate(10))).isEqualTo(-1);
            k.channel.configureBlocking(true);
            assertThat(k.channel.write(buffer("still"))).isEqualTo(5);
            assertThat(k.peer.read(5)).isEqualTo(ascii("still"));
            assertThat(k.channel.isConnected()).isTrue();
        }
    }

    @EveryTransport
    void shutdownOutputEndsThePeersStreamAndReadsGoOn(NioTransport t) throws Exception {
        try (Link k = connect(t)) {
            k.channel.write(buffer("last"));
            assertThat(k.channel.shutdownOutput()).isSameAs(k.channel);
            assertThat(k.peer.readToEnd()).isEqualTo(ascii("last"));
            assertThat(k.channel.socket().isOutputShutdown()).isTrue();
            assertThatThrownBy(() -> k.channel.write(buffer("more"))).isInstanceOf(ClosedChannelException.class);
            assertThatThrownBy(() -> k.channel.write(new ByteBuffer[] {buffer("more")}))
                    .isInstanceOf(ClosedChannelException.class);
            k.channel.shutdownOutput(); // again: harmless
            assertThat(k.channel.isOpen()).isTrue();
            assertThat(k.channel.isConnected()).isTrue();
            k.peer.write(ascii("reply"));
            ByteBuffer got = ByteBuffer.allocate(5);
            while (got.hasRemaining()) {
                assertThat(k.channel.read(got)).isPositive();
            }
            assertThat(text(got)).isEqualTo("reply");
        }
    }

    // ------------------------------------------------------------------ close and interrupt

    @EveryTransport
    void closingTheChannelWakesABlockedRead(NioTransport t) throws Exception {
        try (Link k = connect(t)) {
            Blocked r = Blocked.start("reader", () -> k.channel.read(ByteBuffer.allocate(10)));
            r.awaitIn("read");
            k.channel.close();
            Outcome o = r.outcome();
            assertThat(o.error).isInstanceOf(AsynchronousCloseException.class)
                    .isNotInstanceOf(ClosedByInterruptException.class);
            assertThat(o.interrupted).isFalse();
        }
    }

    @EveryTransport
    void interruptingABlockedReadClosesTheChannel(NioTransport t) throws Exception {
        for (int round = 0; round < 5; round++) { // several rounds: the interrupt races the wake-up
            try (Link k = connect(t)) {
                Blocked r = Blocked.start("reader", () -> k.channel.read(ByteBuffer.allocate(10)));
                r.awaitIn("read");
                r.thread.interrupt();
                Outcome o = r.outcome();
                assertThat(o.error).as("round %d", round).isInstanceOf(ClosedByInterruptException.class);
                assertThat(o.interrupted).as("interrupt status kept").isTrue();
                assertThat(k.channel.isOpen()).isFalse();
            }
        }
        try (Link k = connect(t)) { // interrupted before the call
            Blocked r = Blocked.start("reader", () -> {
                Thread.currentThread().interrupt();
                return k.channel.read(ByteBuffer.allocate(10));
            });
            Outcome o = r.outcome();
            assertThat(o.error).isInstanceOf(ClosedByInterruptException.class);
            assertThat(o.interrupted).isTrue();
            assertThat(k.channel.isOpen()).isFalse();
        }
    }

    @EveryTransport
    void closingOrInterruptingABlockedWriteEndsIt(NioTransport t) throws Exception {
        byte[] big = new byte[32 << 20]; // more than every buffer on the way: the peer never reads
        try (Link k = connect(t)) {
            Blocked w = Blocked.start("writer", () -> k.channel.write(ByteBuffer.wrap(big)));
            w.awaitIn("write");
            k.channel.close();
            Outcome o = w.outcome();
            if (o.error == null) {
                // The JDK's own way once bytes went out: the write returns short (its end(completed) sees n > 0).
                assertThat((Integer) o.value).isPositive().isLessThan(big.length);
            } else {
                assertThat(o.error).isInstanceOf(AsynchronousCloseException.class)
                        .isNotInstanceOf(ClosedByInterruptException.class);
            }
        }
        try (Link k = connect(t)) {
            Blocked w = Blocked.start("writer", () -> k.channel.write(ByteBuffer.wrap(big)));
            w.awaitIn("write");
            w.thread.interrupt();
            Outcome o = w.outcome();
            assertThat(o.error).isInstanceOf(ClosedByInterruptException.class);
            assertThat(o.interrupted).isTrue();
            assertThat(k.channel.isOpen()).isFalse();
        }
    }

    @EveryTransport
    void closingOrInterruptingABlockedAcceptEndsIt(NioTransport t) throws Exception {
        try (ServerSocketChannel ssc = t.provider().openServerSocketChannel()) {
            ssc.bind(t.serverAddress());
            Blocked a = Blocked.start("acceptor", ssc::accept);
            a.awaitIn("accept");
            ssc.close();
            Outcome o = a.outcome();
            assertThat(o.error).isInstanceOf(AsynchronousCloseException.class)
                    .isNotInstanceOf(ClosedByInterruptException.class);
        }
        for (int round = 0; round < 3; round++) {
            try (ServerSocketChannel ssc = t.provider().openServerSocketChannel()) {
                ssc.bind(t.serverAddress());
                Blocked a = Blocked.start("acceptor", ssc::accept);
                a.awaitIn("accept");
                a.thread.interrupt();
                Outcome o = a.outcome();
                assertThat(o.error).as("round %d", round).isInstanceOf(ClosedByInterruptException.class);
                assertThat(o.interrupted).isTrue();
                assertThat(ssc.isOpen()).isFalse();
            }
        }
    }

    // ------------------------------------------------------------------ socket() adaptors

    @EveryTransport
    void theSocketAdaptorConnectsStreamsAndShutsDown(NioTransport t) throws Exception {
        try (PeerListener l = t.listenPeer(); SocketChannel ch = t.provider().openSocketChannel()) {
            Socket s = ch.socket();
            assertThat(s.getChannel()).isSameAs(ch);
            assertThat(ch.socket()).isSameAs(s);
            assertThat(s.isConnected()).isFalse();
            assertThat(s.isBound()).isFalse();
            assertThat(s.isClosed()).isFalse();
            assertThat(s.getPort()).isZero();
            assertThat(s.getLocalPort()).isEqualTo(-1);
            assertThat(s.getInetAddress()).isNull();
            assertThat(s.getRemoteSocketAddress()).isNull();
            assertThat(s.getLocalSocketAddress()).isNull();

            s.connect(l.address(), (int) WAIT_MS);
            try (Peer peer = l.accept()) {
                InetSocketAddress local = peer.remoteAddress();
                assertThat(s.isConnected()).isTrue();
                assertThat(ch.isConnected()).isTrue();
                assertThat(s.isBound()).isTrue();
                assertThat(s.getPort()).isEqualTo(l.address().getPort());
                assertThat(s.getInetAddress()).isEqualTo(l.address().getAddress());
                assertThat(s.getRemoteSocketAddress()).isEqualTo(l.address());
                assertThat(s.getLocalPort()).isEqualTo(local.getPort());
                assertThat(s.getLocalAddress()).isEqualTo(local.getAddress());
                assertThat(s.getLocalSocketAddress()).isEqualTo(local);

                OutputStream out = s.getOutputStream();
                InputStream in = s.getInputStream();
                byte[] data = random(5000, 7);
                out.write(data);
                out.flush();
                assertThat(peer.read(data.length)).isEqualTo(data);
                peer.write(ascii("hello"));
                assertThat(in.readNBytes(5)).isEqualTo(ascii("hello"));

                s.shutdownOutput();
                assertThat(s.isOutputShutdown()).isTrue();
                assertThat(peer.readToEnd()).isEmpty();
                assertThatThrownBy(() -> ch.write(buffer("x"))).isInstanceOf(ClosedChannelException.class);
                peer.write(ascii("after"));
                assertThat(in.readNBytes(5)).isEqualTo(ascii("after"));
                peer.shutdownOutput();
                assertThat(in.read()).isEqualTo(-1);

                s.close();
                assertThat(s.isClosed()).isTrue();
                assertThat(ch.isOpen()).isFalse();
                // java.net.Socket: a closed socket keeps its ports and addresses
                assertThat(s.isBound()).isTrue();
                assertThat(s.getPort()).isEqualTo(l.address().getPort());
                assertThat(s.getInetAddress()).isEqualTo(l.address().getAddress());
                assertThat(s.getLocalPort()).isEqualTo(local.getPort());
                assertThat(s.getRemoteSocketAddress()).isEqualTo(l.address());
                assertThat(s.getLocalSocketAddress()).isEqualTo(local);
                assertThat(s.getLocalAddress().isAnyLocalAddress()).as("closed: the wildcard address").isTrue();
                assertThat(s.isConnected()).as("the JDK's adaptor follows its channel").isFalse();
                assertThatThrownBy(s::getInputStream).isInstanceOf(SocketException.class);
            }
        }
    }

    @EveryTransport
    void soTimeoutEndsAReadButNotTheSocket(NioTransport t) throws Exception {
        try (Link k = connect(t)) {
            Socket s = k.channel.socket();
            s.setSoTimeout(200);
            assertThat(s.getSoTimeout()).isEqualTo(200);
            InputStream in = s.getInputStream();
            long start = System.nanoTime();
            assertThatThrownBy(() -> {
                int r = in.read();
                throw new AssertionError("read gave " + r + " after " + millisSince(start) + " ms on " + k.channel
                        + MptcpChannel.of(k.channel).map(m -> m.isMptcp() ? " (MPTCP)" : "").orElse(""));
            }).isInstanceOf(SocketTimeoutException.class);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(150L, 5000L);
            assertThat(s.isClosed()).isFalse();
            assertThat(k.channel.isOpen()).isTrue();

            k.peer.write(new byte[] {42});
            assertThat(in.read()).isEqualTo(42);
            s.getOutputStream().write(7);
            assertThat(k.peer.read(1)).containsExactly(7);
            k.peer.shutdownOutput();
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    @EveryTransport
    void theServerSocketAdaptorAcceptsWithAndWithoutSoTimeout(NioTransport t) throws Exception {
        try (ServerSocketChannel ssc = t.provider().openServerSocketChannel()) {
            ServerSocket ss = ssc.socket();
            assertThat(ss.getChannel()).isSameAs(ssc);
            assertThat(ss.isBound()).isFalse();
            assertThat(ss.getLocalPort()).isEqualTo(-1);
            assertThat(ss.getInetAddress()).isNull();
            assertThat(ss.getLocalSocketAddress()).isNull();

            ss.bind(t.serverAddress());
            assertThat(ss.isBound()).isTrue();
            InetSocketAddress address = (InetSocketAddress) ss.getLocalSocketAddress();
            assertThat(address).isEqualTo(ssc.getLocalAddress());
            assertThat(address.getPort()).isPositive();
            assertThat(ss.getLocalPort()).isEqualTo(address.getPort());
            assertThat(ss.getInetAddress()).isEqualTo(address.getAddress());

            try (Peer peer = t.connectPeer(address); Socket a = ss.accept()) {
                assertThat(a.isConnected()).isTrue();
                assertThat(a.getChannel()).isNotNull();
                assertThat(a.getChannel().isBlocking()).isTrue();
                assertThat(a.getRemoteSocketAddress()).isEqualTo(peer.localAddress());
                assertThat(a.getLocalSocketAddress()).isEqualTo(peer.remoteAddress());
                assertThat(a.getLocalPort()).isEqualTo(address.getPort());
                peer.write(ascii("hi"));
                assertThat(a.getInputStream().readNBytes(2)).isEqualTo(ascii("hi"));
            }

            ss.setSoTimeout(200);
            assertThat(ss.getSoTimeout()).isEqualTo(200);
            long start = System.nanoTime();
            assertThatThrownBy(ss::accept).isInstanceOf(SocketTimeoutException.class);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(150L, 5000L);
            assertThat(ss.isClosed()).isFalse();
            assertThat(ssc.isBlocking()).isTrue();
            try (Peer peer = t.connectPeer(address); Socket a = ss.accept()) {
                assertThat(a.getChannel().isBlocking()).isTrue();
                a.getOutputStream().write(ascii("yo"));
                assertThat(peer.read(2)).isEqualTo(ascii("yo"));
            }

            ss.close();
            assertThat(ss.isClosed()).isTrue();
            assertThat(ssc.isOpen()).isFalse();
            // java.net.ServerSocket: a closed socket keeps its port and address
            assertThat(ss.isBound()).isTrue();
            assertThat(ss.getLocalPort()).isEqualTo(address.getPort());
            assertThat(ss.getInetAddress()).isEqualTo(address.getAddress());
            assertThat(ss.getLocalSocketAddress()).isEqualTo(address);
            assertThatThrownBy(ss::accept).isInstanceOf(IOException.class); // the JDK: AsynchronousCloseException
        }
    }

    // ------------------------------------------------------------------ addresses

    @EveryTransport
    void addressesBeforeAndAfterConnectingAndAccepting(NioTransport t) throws Exception {
        try (ServerSocketChannel ssc = t.provider().openServerSocketChannel()) {
            assertThat(ssc.getLocalAddress()).isNull();
            ssc.bind(t.serverAddress());
            InetSocketAddress address = (InetSocketAddress) ssc.getLocalAddress();
            assertThat(address.getAddress()).isEqualTo(t.serverAddress().getAddress());
            assertThat(address.getPort()).isPositive();
            try (Peer peer = t.connectPeer(address); SocketChannel a = ssc.accept()) {
                assertThat(a.isConnected()).isTrue();
                assertThat(a.getLocalAddress()).isEqualTo(address);
                assertThat(a.getRemoteAddress()).isEqualTo(peer.localAddress());
                assertThat(peer.remoteAddress()).isEqualTo(address);
                a.close();
                assertThatThrownBy(a::getLocalAddress).isInstanceOf(ClosedChannelException.class);
                assertThatThrownBy(a::getRemoteAddress).isInstanceOf(ClosedChannelException.class);
            }
        }
        try (PeerListener l = t.listenPeer(); SocketChannel ch = t.provider().openSocketChannel()) {
            InetSocketAddress at = new InetSocketAddress(t.serverAddress().getAddress(), 0);
            ch.bind(at);
            InetSocketAddress bound = (InetSocketAddress) ch.getLocalAddress();
            assertThat(bound.getAddress()).isEqualTo(at.getAddress());
            if (t.overMptcp()) {
                // Known difference: the userspace stack takes a connection's port when it connects, so a channel
                // bound to port 0 on a stack address shows port 0 until then (the JDK's kernel picks one at bind).
                assertThat(bound.getPort()).isZero();
            } else {
                assertThat(bound.getPort()).as("bind gives a port at once").isPositive();
            }
            assertThat(ch.socket().isBound()).isTrue();
            assertThat(ch.getRemoteAddress()).isNull();
            ch.connect(l.address());
            try (Peer peer = l.accept()) {
                InetSocketAddress local = (InetSocketAddress) ch.getLocalAddress();
                assertThat(local.getAddress()).isEqualTo(at.getAddress());
                assertThat(local.getPort()).isPositive();
                if (!t.overMptcp()) {
                    assertThat(local).isEqualTo(bound);
                }
                assertThat(peer.remoteAddress()).isEqualTo(local);
            }
        }
    }

    // ------------------------------------------------------------------ options

    @EveryProvider
    void socketOptionsHaveTheirDefaultsAndReadBack(NioTransport t) throws Exception {
        try (SocketChannel ch = t.provider().openSocketChannel()) {
            assertThat(ch.supportedOptions()).contains(StandardSocketOptions.SO_RCVBUF,
                    StandardSocketOptions.SO_SNDBUF, StandardSocketOptions.TCP_NODELAY,
                    StandardSocketOptions.SO_KEEPALIVE, StandardSocketOptions.SO_LINGER,
                    StandardSocketOptions.SO_REUSEADDR);
            assertThat(ch.getOption(StandardSocketOptions.TCP_NODELAY)).isFalse();
            assertThat(ch.getOption(StandardSocketOptions.SO_KEEPALIVE)).isFalse();
            assertThat(ch.getOption(StandardSocketOptions.SO_REUSEADDR)).isFalse();
            assertThat(ch.getOption(StandardSocketOptions.SO_LINGER)).isEqualTo(-1);
            assertThat(ch.getOption(StandardSocketOptions.SO_RCVBUF)).isPositive();
            assertThat(ch.getOption(StandardSocketOptions.SO_SNDBUF)).isPositive();
            roundTrip(ch);
        }
        try (Link k = connect(t)) {
            roundTrip(k.channel);
            Socket s = k.channel.socket();
            s.setTcpNoDelay(true);
            assertThat(s.getTcpNoDelay()).isTrue();
            s.setKeepAlive(true);
            assertThat(s.getKeepAlive()).isTrue();
            s.setSoLinger(true, 3);
            assertThat(s.getSoLinger()).isEqualTo(3);
            s.setSoLinger(false, 0);
            assertThat(s.getSoLinger()).isEqualTo(-1);
            assertThatThrownBy(() -> s.setReceiveBufferSize(0)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    private static void roundTrip(SocketChannel ch) throws IOException {
        assertThat(ch.setOption(StandardSocketOptions.TCP_NODELAY, true)).isSameAs(ch);
        assertThat(ch.getOption(StandardSocketOptions.TCP_NODELAY)).isTrue();
        ch.setOption(StandardSocketOptions.TCP_NODELAY, false);
        assertThat(ch.getOption(StandardSocketOptions.TCP_NODELAY)).isFalse();
        ch.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
        assertThat(ch.getOption(StandardSocketOptions.SO_KEEPALIVE)).isTrue();
        ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        assertThat(ch.getOption(StandardSocketOptions.SO_REUSEADDR)).isTrue();
        ch.setOption(StandardSocketOptions.SO_LINGER, 5);
        assertThat(ch.getOption(StandardSocketOptions.SO_LINGER)).isEqualTo(5);
        ch.setOption(StandardSocketOptions.SO_LINGER, 70000);
        assertThat(ch.getOption(StandardSocketOptions.SO_LINGER)).as("capped, as the JDK does").isEqualTo(65535);
        ch.setOption(StandardSocketOptions.SO_LINGER, -5);
        assertThat(ch.getOption(StandardSocketOptions.SO_LINGER)).isEqualTo(-1);
        ch.setOption(StandardSocketOptions.SO_RCVBUF, 65536);
        assertThat(ch.getOption(StandardSocketOptions.SO_RCVBUF)).isPositive();
        ch.setOption(StandardSocketOptions.SO_SNDBUF, 65536);
        assertThat(ch.getOption(StandardSocketOptions.SO_SNDBUF)).isPositive();
        ch.setOption(StandardSocketOptions.SO_RCVBUF, 0); // the JDK lets the kernel round it up
        assertThat(ch.getOption(StandardSocketOptions.SO_RCVBUF)).isPositive();
    }

    @EveryProvider
    @SuppressWarnings({"unchecked", "rawtypes"})
    void badOptionsAreRefused(NioTransport t) throws Exception {
        try (SocketChannel ch = t.provider().openSocketChannel();
             ServerSocketChannel ssc = t.provider().openServerSocketChannel()) {
            assertThatThrownBy(() -> ch.setOption(StandardSocketOptions.SO_RCVBUF, -1))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> ch.setOption(StandardSocketOptions.SO_SNDBUF, -1))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> ch.setOption(StandardSocketOptions.TCP_NODELAY, null))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> ch.setOption(StandardSocketOptions.SO_LINGER, null))
                    .isInstanceOf(IllegalArgumentException.class);
            SocketOption raw = StandardSocketOptions.TCP_NODELAY;
            assertThatThrownBy(() -> ch.setOption(raw, "yes")).isInstanceOf(IllegalArgumentException.class);
            assertThat(ch.getOption(StandardSocketOptions.TCP_NODELAY)).isFalse();
            assertThatThrownBy(() -> ch.setOption(null, 1)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> ch.setOption(StandardSocketOptions.SO_BROADCAST, true))
                    .isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(() -> ch.getOption(StandardSocketOptions.SO_BROADCAST))
                    .isInstanceOf(UnsupportedOperationException.class);
            assertThat(ch.supportedOptions()).doesNotContain(StandardSocketOptions.SO_BROADCAST);

            assertThat(ssc.supportedOptions()).contains(StandardSocketOptions.SO_RCVBUF,
                    StandardSocketOptions.SO_REUSEADDR).doesNotContain(StandardSocketOptions.TCP_NODELAY);
            assertThatThrownBy(() -> ssc.setOption(StandardSocketOptions.SO_RCVBUF, -1))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> ssc.setOption(StandardSocketOptions.SO_REUSEADDR, null))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> ssc.setOption(StandardSocketOptions.TCP_NODELAY, true))
                    .isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(() -> ssc.getOption(StandardSocketOptions.SO_SNDBUF))
                    .isInstanceOf(UnsupportedOperationException.class);
        }
    }

    @EveryProvider
    void serverSocketOptionsHaveTheirDefaultsAndReadBack(NioTransport t) throws Exception {
        try (ServerSocketChannel ssc = t.provider().openServerSocketChannel()) {
            assertThat(ssc.getOption(StandardSocketOptions.SO_REUSEADDR)).as("the JDK's default on Linux").isTrue();
            assertThat(ssc.getOption(StandardSocketOptions.SO_RCVBUF)).isPositive();
            ssc.setOption(StandardSocketOptions.SO_REUSEADDR, false);
            assertThat(ssc.getOption(StandardSocketOptions.SO_REUSEADDR)).isFalse();
            ssc.setOption(StandardSocketOptions.SO_RCVBUF, 65536);
            ssc.bind(t.serverAddress());
            assertThat(ssc.getOption(StandardSocketOptions.SO_RCVBUF)).isPositive();
            assertThat(ssc.getOption(StandardSocketOptions.SO_REUSEADDR)).isFalse();
            ssc.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            assertThat(ssc.getOption(StandardSocketOptions.SO_REUSEADDR)).isTrue();
        }
    }

    // ------------------------------------------------------------------ selector

    @EveryProvider
    void opAcceptTellsWhenAConnectionWaits(NioTransport t) throws Exception {
        try (ServerSocketChannel ssc = t.provider().openServerSocketChannel();
             Selector sel = t.provider().openSelector()) {
            ssc.bind(t.serverAddress());
            ssc.configureBlocking(false);
            assertThat(ssc.accept()).isNull();
            SelectionKey key = ssc.register(sel, OP_ACCEPT);
            assertThat(key.channel()).isSameAs(ssc);
            assertThat(key.selector()).isSameAs(sel);
            assertThat(key.interestOps()).isEqualTo(OP_ACCEPT);
            assertThat(ssc.isRegistered()).isTrue();
            assertThat(ssc.keyFor(sel)).isSameAs(key);
            assertThat(sel.keys()).containsExactly(key);
            assertThat(sel.selectNow()).isZero();

            InetSocketAddress address = (InetSocketAddress) ssc.getLocalAddress();
            try (Peer peer = t.connectPeer(address)) {
                assertThat(sel.select(WAIT_MS)).isEqualTo(1);
                assertThat(key.isAcceptable()).isTrue();
                assertThat(key.readyOps()).isEqualTo(OP_ACCEPT);
                try (SocketChannel a = ssc.accept()) {
                    assertThat(a).isNotNull();
                    assertThat(a.isBlocking()).as("accepted channels block, whatever the server").isTrue();
                    assertThat(a.getRemoteAddress()).isEqualTo(peer.localAddress());
                }
                sel.selectedKeys().clear();
                assertThat(ssc.accept()).isNull();
                assertThat(sel.selectNow()).isZero();
            }
        }
    }

    @EveryTransport
    void opReadAndOpWriteFollowTheBytes(NioTransport t) throws Exception {
        try (Link k = connect(t); Selector sel = t.provider().openSelector()) {
            SocketChannel ch = k.channel;
            ch.configureBlocking(false);
            assertThat(ch.read(ByteBuffer.allocate(10))).isZero();
            SelectionKey key = ch.register(sel, OP_READ | OP_WRITE);
            assertThat(sel.select(WAIT_MS)).isEqualTo(1);
            assertThat(key.readyOps()).isEqualTo(OP_WRITE);
            sel.selectedKeys().clear();

            key.interestOps(OP_READ);
            assertThat(sel.selectNow()).isZero();
            k.peer.write(ascii("ping"));
            assertThat(sel.select(WAIT_MS)).isEqualTo(1);
            assertThat(key.readyOps()).isEqualTo(OP_READ);
            sel.selectedKeys().clear();
            ByteBuffer b = ByteBuffer.allocate(10);
            readNonBlocking(sel, ch, b, 4);
            assertThat(text(b)).isEqualTo("ping");
            sel.selectedKeys().clear();
            assertThat(sel.selectNow()).as("drained: not readable").isZero();

            assertThat(ch.write(buffer("pong"))).isEqualTo(4);
            assertThat(k.peer.read(4)).isEqualTo(ascii("pong"));

            k.peer.shutdownOutput();
            assertThat(sel.select(WAIT_MS)).isEqualTo(1);
            assertThat(key.isReadable()).as("the end of the stream is readable").isTrue();
            assertThat(ch.read(ByteBuffer.allocate(10))).isEqualTo(-1);
        }
    }

    @EveryProvider
    void selectWithATimeoutReturnsZeroWhenNothingIsReady(NioTransport t) throws Exception {
        try (Selector empty = t.provider().openSelector()) {
            long start = System.nanoTime();
            assertThat(empty.select(100)).isZero();
            assertThat(millisSince(start)).isGreaterThanOrEqualTo(80);
        }
        try (Link k = connect(t); Selector sel = t.provider().openSelector()) {
            k.channel.configureBlocking(false);
            k.channel.register(sel, OP_READ);
            long start = System.nanoTime();
            assertThat(sel.select(300)).isZero();
            assertThat(millisSince(start)).isBetween(250L, 5000L);
            start = System.nanoTime();
            assertThat(sel.selectNow()).isZero();
            AtomicInteger seen = new AtomicInteger();
            assertThat(sel.select(k2 -> seen.incrementAndGet(), 100)).isZero();
            assertThat(sel.selectNow(k2 -> seen.incrementAndGet())).isZero();
            assertThat(seen).hasValue(0);
            assertThat(millisSince(start)).isLessThan(3000);
            assertThatThrownBy(() -> sel.select(-1)).isInstanceOf(IllegalArgumentException.class);

            k.peer.write(ascii("!"));
            assertThat(sel.select(k2 -> seen.incrementAndGet(), WAIT_MS)).isEqualTo(1);
            assertThat(seen).hasValue(1);
            assertThat(sel.selectedKeys()).as("the action variant leaves the set empty").isEmpty();
        }
    }

    @EveryProvider
    void wakeupEndsASelectBeforeOrDuringIt(NioTransport t) throws Exception {
        try (Link k = connect(t); Selector sel = t.provider().openSelector()) {
            k.channel.configureBlocking(false);
            k.channel.register(sel, OP_READ);

            assertThat(sel.wakeup()).isSameAs(sel);
            long start = System.nanoTime();
            assertThat(sel.select()).isZero();
            assertThat(millisSince(start)).as("woken before: returns at once").isLessThan(3000);

            sel.wakeup();
            assertThat(sel.selectNow()).isZero(); // clears the wake-up
            start = System.nanoTime();
            assertThat(sel.select(300)).isZero();
            assertThat(millisSince(start)).as("no wake-up left").isGreaterThanOrEqualTo(250);

            Blocked s = Blocked.start("selector", sel::select);
            s.awaitIn("select");
            sel.wakeup();
            Outcome o = s.outcome();
            assertThat(o.error).isNull();
            assertThat(o.value).isEqualTo(0);

            Blocked i = Blocked.start("selector", sel::select);
            i.awaitIn("select");
            i.thread.interrupt();
            o = i.outcome();
            assertThat(o.error).isNull();
            assertThat(o.interrupted).as("an interrupted select returns, interrupt status kept").isTrue();
            assertThat(sel.isOpen()).isTrue();
            assertThat(k.channel.isOpen()).isTrue();
        }
    }

    @EveryProvider
    void aClosedSelectorRefusesEverything(NioTransport t) throws Exception {
        try (Link k = connect(t)) {
            Selector sel = t.provider().openSelector();
            k.channel.configureBlocking(false);
            SelectionKey key = k.channel.register(sel, OP_READ);
            sel.close();
            assertThat(sel.isOpen()).isFalse();
            assertThat(key.isValid()).isFalse();
            assertThat(k.channel.isRegistered()).isFalse();
            assertThat(k.channel.keyFor(sel)).isNull();
            assertThatThrownBy(sel::select).isInstanceOf(ClosedSelectorException.class);
            assertThatThrownBy(() -> sel.select(10)).isInstanceOf(ClosedSelectorException.class);
            assertThatThrownBy(sel::selectNow).isInstanceOf(ClosedSelectorException.class);
            assertThatThrownBy(() -> sel.select(k2 -> { }, 10)).isInstanceOf(ClosedSelectorException.class);
            assertThatThrownBy(sel::keys).isInstanceOf(ClosedSelectorException.class);
            assertThatThrownBy(sel::selectedKeys).isInstanceOf(ClosedSelectorException.class);
            assertThatThrownBy(() -> k.channel.register(sel, OP_READ)).isInstanceOf(ClosedSelectorException.class);
            sel.wakeup(); // allowed
            sel.close(); // idempotent
            k.channel.configureBlocking(true); // no key left

            Selector busy = t.provider().openSelector();
            k.channel.configureBlocking(false);
            k.channel.register(busy, OP_READ);
            Blocked s = Blocked.start("selector", busy::select);
            s.awaitIn("select");
            busy.close();
            Outcome o = s.outcome();
            assertThat(o.error).as("a select in progress returns when its selector closes").isNull();
            assertThat(k.channel.isRegistered()).isFalse();
        }
    }

    @EveryProvider
    void aCancelledKeyLeavesAtTheNextSelection(NioTransport t) throws Exception {
        try (Link k = connect(t); Selector sel = t.provider().openSelector()) {
            SocketChannel ch = k.channel;
            ch.configureBlocking(false);
            SelectionKey key = ch.register(sel, OP_READ, "first");
            assertThat(key.attachment()).isEqualTo("first");
            assertThat(ch.register(sel, OP_WRITE, "second")).as("registered again: the same key").isSameAs(key);
            assertThat(key.interestOps()).isEqualTo(OP_WRITE);
            assertThat(key.attachment()).isEqualTo("second");

            key.cancel();
            assertThat(key.isValid()).isFalse();
            assertThat(sel.keys()).as("until the next selection").contains(key);
            assertThatThrownBy(key::interestOps).isInstanceOf(CancelledKeyException.class);
            assertThatThrownBy(() -> key.interestOps(OP_READ)).isInstanceOf(CancelledKeyException.class);
            assertThatThrownBy(key::readyOps).isInstanceOf(CancelledKeyException.class);
            assertThatThrownBy(key::isReadable).isInstanceOf(CancelledKeyException.class);
            assertThatThrownBy(() -> ch.register(sel, OP_READ)).isInstanceOf(CancelledKeyException.class);
            key.cancel(); // again: no effect

            assertThat(sel.selectNow()).isZero();
            assertThat(sel.keys()).isEmpty();
            assertThat(ch.isRegistered()).isFalse();
            assertThat(ch.keyFor(sel)).isNull();

            SelectionKey again = ch.register(sel, OP_WRITE);
            assertThat(again).isNotSameAs(key);
            assertThat(again.isValid()).isTrue();
            assertThat(sel.select(WAIT_MS)).isEqualTo(1);
            assertThat(again.isWritable()).isTrue();

            ch.close();
            assertThat(again.isValid()).as("closing a channel cancels its keys").isFalse();
            sel.selectNow();
            assertThat(sel.keys()).isEmpty();
            assertThat(sel.selectedKeys()).isEmpty();
        }
    }

    @EveryProvider
    void theSelectedKeySetShrinksButNeverGrows(NioTransport t) throws Exception {
        try (Link k = connect(t); Selector sel = t.provider().openSelector()) {
            k.channel.configureBlocking(false);
            SelectionKey key = k.channel.register(sel, OP_WRITE);
            assertThat(sel.select(WAIT_MS)).isEqualTo(1);
            assertThat(sel.selectedKeys()).containsExactly(key);
            assertThatThrownBy(() -> sel.selectedKeys().add(key)).isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(() -> sel.selectedKeys().addAll(List.of(key)))
                    .isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(() -> sel.keys().add(key)).isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(() -> sel.keys().remove(key)).isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(() -> sel.keys().clear()).isInstanceOf(UnsupportedOperationException.class);

            assertThat(sel.selectNow()).as("a selected key whose ready set did not grow is not counted").isZero();
            assertThat(sel.selectedKeys()).containsExactly(key);
            long start = System.nanoTime();
            assertThat(sel.select(WAIT_MS)).isZero();
            assertThat(millisSince(start)).as("still ready: the JDK's select returns at once, with 0")
                    .isLessThan(WAIT_MS / 2);
            key.interestOps(OP_READ | OP_WRITE);
            k.peer.write(ascii("r"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            int n = 0;
            while ((key.readyOps() & OP_READ) == 0 && System.nanoTime() < deadline) {
                n = sel.select(100); // returns at once while OP_WRITE stays ready: until the byte is there
            }
            assertThat(n).as("its ready set grew").isEqualTo(1);
            assertThat(key.readyOps()).isEqualTo(OP_READ | OP_WRITE);

            Iterator<SelectionKey> it = sel.selectedKeys().iterator();
            assertThat(it.next()).isSameAs(key);
            it.remove();
            assertThat(sel.selectedKeys()).isEmpty();
            assertThat(sel.selectNow()).isEqualTo(1);
            assertThat(sel.selectedKeys().remove(key)).isTrue();
            assertThat(sel.selectNow()).isEqualTo(1);
            sel.selectedKeys().clear();
            assertThat(sel.selectedKeys()).isEmpty();
        }
    }

    @EveryProvider
    void blockingModeAndInterestSetsAreChecked(NioTransport t) throws Exception {
        try (SocketChannel ch = t.provider().openSocketChannel();
             ServerSocketChannel ssc = t.provider().openServerSocketChannel();
             Selector sel = t.provider().openSelector()) {
            assertThatThrownBy(() -> ch.register(sel, OP_CONNECT)).isInstanceOf(IllegalBlockingModeException.class);
            ch.configureBlocking(false);
            assertThatThrownBy(() -> ch.register(sel, OP_ACCEPT)).isInstanceOf(IllegalArgumentException.class);
            SelectionKey key = ch.register(sel, OP_CONNECT);
            assertThatThrownBy(() -> key.interestOps(OP_ACCEPT)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> ch.configureBlocking(true)).isInstanceOf(IllegalBlockingModeException.class);
            assertThat(ch.isBlocking()).isFalse();
            ch.configureBlocking(false); // the mode it has: allowed
            key.cancel();
            sel.selectNow();
            ch.configureBlocking(true);
            assertThat(ch.isBlocking()).isTrue();

            ssc.bind(t.serverAddress());
            assertThatThrownBy(() -> ssc.register(sel, OP_ACCEPT)).isInstanceOf(IllegalBlockingModeException.class);
            ssc.configureBlocking(false);
            assertThatThrownBy(() -> ssc.register(sel, OP_READ)).isInstanceOf(IllegalArgumentException.class);
            ssc.register(sel, OP_ACCEPT);
            assertThatThrownBy(() -> ssc.configureBlocking(true)).isInstanceOf(IllegalBlockingModeException.class);
            assertThat(ch.validOps()).isEqualTo(OP_CONNECT | OP_READ | OP_WRITE);
            assertThat(ssc.validOps()).isEqualTo(OP_ACCEPT);
        }
    }

    @EveryProvider
    void channelsAndSelectorsOfAnotherProviderAreRefused(NioTransport t) throws Exception {
        try (Selector mine = t.provider().openSelector(); Selector theirs = t.foreign().openSelector();
             SocketChannel myChannel = t.provider().openSocketChannel();
             SocketChannel theirChannel = t.foreign().openSocketChannel();
             ServerSocketChannel theirServer = t.foreign().openServerSocketChannel();
             DatagramChannel theirDatagrams = t.foreign().openDatagramChannel()) {
            Pipe theirPipe = t.foreign().openPipe();
            myChannel.configureBlocking(false);
            theirChannel.configureBlocking(false);
            theirServer.configureBlocking(false);
            theirDatagrams.configureBlocking(false);
            theirPipe.source().configureBlocking(false);
            assertThatThrownBy(() -> theirChannel.register(mine, OP_CONNECT))
                    .isInstanceOf(IllegalSelectorException.class);
            assertThatThrownBy(() -> theirServer.register(mine, OP_ACCEPT))
                    .isInstanceOf(IllegalSelectorException.class);
            assertThatThrownBy(() -> theirDatagrams.register(mine, OP_READ))
                    .isInstanceOf(IllegalSelectorException.class);
            assertThatThrownBy(() -> theirPipe.source().register(mine, OP_READ))
                    .isInstanceOf(IllegalSelectorException.class);
            assertThatThrownBy(() -> myChannel.register(theirs, OP_CONNECT))
                    .isInstanceOf(IllegalSelectorException.class);
            assertThat(theirChannel.isRegistered()).isFalse();
            assertThat(myChannel.isRegistered()).isFalse();
            assertThat(mine.keys()).isEmpty();
            theirPipe.source().close();
            theirPipe.sink().close();
        }
    }

    /** One selector for a stream of the transport, a loopback stream, datagrams and a pipe, all of the provider. */
    @EveryProvider
    void oneSelectorServesStreamsDatagramsAndPipesTogether(NioTransport t) throws Exception {
        SelectorProvider p = t.provider();
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (Link k = connect(t); Selector sel = p.openSelector();
             ServerSocket loopbackServer = new ServerSocket(0, 5, loopback);
             SocketChannel local = p.openSocketChannel();
             DatagramChannel datagrams = p.openDatagramChannel();
             DatagramSocket sender = new DatagramSocket(0, loopback)) {
            Pipe pipe = p.openPipe();
            try {
                local.connect(loopbackServer.getLocalSocketAddress());
                try (Socket localPeer = loopbackServer.accept()) {
                    datagrams.bind(new InetSocketAddress(loopback, 0));
                    Map<SelectableChannel, String> names = new HashMap<>();
                    names.put(k.channel, "stream");
                    names.put(local, "loopback");
                    names.put(datagrams, "datagrams");
                    names.put(pipe.source(), "pipe");
                    for (SelectableChannel c : names.keySet()) {
                        c.configureBlocking(false);
                        c.register(sel, OP_READ);
                    }
                    assertThat(sel.selectNow()).isZero();

                    for (int round = 0; round < 2; round++) {
                        String tag = "r" + round;
                        k.peer.write(ascii(tag + "stream"));
                        localPeer.getOutputStream().write(ascii(tag + "loopback"));
                        byte[] d = ascii(tag + "datagrams");
                        sender.send(new DatagramPacket(d, d.length, datagrams.getLocalAddress()));
                        pipe.sink().write(buffer(tag + "pipe"));

                        Map<String, String> got = new HashMap<>();
                        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                        while (!allArrived(got, names.values(), tag) && System.nanoTime() < deadline) {
                            sel.select(1000);
                            for (Iterator<SelectionKey> it = sel.selectedKeys().iterator(); it.hasNext(); ) {
                                SelectionKey key = it.next();
                                it.remove();
                                assertThat(key.readyOps()).isEqualTo(OP_READ);
                                ByteBuffer b = ByteBuffer.allocate(100);
                                if (key.channel() == datagrams) {
                                    assertThat(datagrams.receive(b)).isEqualTo(sender.getLocalSocketAddress());
                                } else {
                                    assertThat(((ReadableByteChannel) key.channel()).read(b)).isPositive();
                                }
                                got.merge(names.get(key.channel()), text(b), String::concat);
                            }
                        }
                        for (String name : names.values()) {
                            assertThat(got.get(name)).as(name).isEqualTo(tag + name);
                        }
                        assertThat(sel.selectNow()).isZero();
                    }
                    assertThat(sel.keys()).hasSize(4);
                }
            } finally {
                pipe.source().close();
                pipe.sink().close();
            }
        }
    }

    private static boolean allArrived(Map<String, String> got, Iterable<String> names, String tag) {
        for (String name : names) {
            String g = got.get(name);
            if (g == null || g.length() < (tag + name).length()) {
                return false;
            }
        }
        return true;
    }

    // ------------------------------------------------------------------ many connections

    /**
     * Twenty non-blocking clients of the provider on one selector, all at once, against a non-blocking echo server
     * of the peers' provider (in the lab: another mptcp4j stack, so both ends are ours); every client checks the
     * SHA-256 of what came back.
     */
    @EveryProvider
    @Timeout(60)
    void aNonBlockingEchoServesTwentyClientsOnOneSelector(NioTransport t) throws Exception {
        int clients = 20;
        int size = 256 * 1024;
        CompletableFuture<InetSocketAddress> bound = new CompletableFuture<>();
        CompletableFuture<Integer> server = DaemonTasks.async("echo-server",
                () -> echo(t.peerProvider(), t.peerServerAddress(), bound, clients));
        server.whenComplete((n, e) -> {
            if (e != null) {
                bound.completeExceptionally(e);
            }
        });
        InetSocketAddress address = bound.get(10, TimeUnit.SECONDS);

        SelectorProvider p = t.provider();
        List<EchoClient> all = new ArrayList<>();
        try (Selector sel = p.openSelector()) {
            for (int i = 0; i < clients; i++) {
                SocketChannel ch = p.openSocketChannel();
                EchoClient c = new EchoClient(ch, random(size, 100 + i));
                all.add(c);
                ch.configureBlocking(false);
                if (ch.connect(address)) {
                    ch.register(sel, OP_READ | OP_WRITE, c);
                } else {
                    ch.register(sel, OP_CONNECT, c);
                }
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(45);
            int done = 0;
            while (done < clients) {
                assertThat(System.nanoTime()).as("echo deadline; server %s", server).isLessThan(deadline);
                sel.select(1000);
                for (Iterator<SelectionKey> it = sel.selectedKeys().iterator(); it.hasNext(); ) {
                    SelectionKey key = it.next();
                    it.remove();
                    if (((EchoClient) key.attachment()).step(key)) {
                        done++;
                    }
                }
            }
        } finally {
            for (EchoClient c : all) {
                c.channel.close();
            }
        }
        assertThat(server.get(20, TimeUnit.SECONDS)).isEqualTo(clients);
        for (EchoClient c : all) {
            assertThat(c.received).isEqualTo(size);
            assertThat(c.digest.digest()).isEqualTo(sha256(c.data));
        }
    }

    /** The echo server: accepts {@code clients} connections and echoes each until its end; returns how many. */
    private static int echo(SelectorProvider provider, InetSocketAddress at,
                            CompletableFuture<InetSocketAddress> bound, int clients) throws Exception {
        int finished = 0;
        try (Selector sel = provider.openSelector();
             ServerSocketChannel ssc = provider.openServerSocketChannel()) {
            ssc.bind(at, clients);
            ssc.configureBlocking(false);
            ssc.register(sel, OP_ACCEPT);
            bound.complete((InetSocketAddress) ssc.getLocalAddress());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(50);
            while (finished < clients && System.nanoTime() < deadline) {
                sel.select(1000);
                for (Iterator<SelectionKey> it = sel.selectedKeys().iterator(); it.hasNext(); ) {
                    SelectionKey key = it.next();
                    it.remove();
                    if (key.isAcceptable()) {
                        for (SocketChannel a; (a = ssc.accept()) != null; ) {
                            a.configureBlocking(false);
                            a.register(sel, OP_READ, new EchoState());
                        }
                    } else if (((EchoState) key.attachment()).step(key)) {
                        finished++;
                    }
                }
            }
        }
        return finished;
    }

    /** One connection of the echo server: what was read and not yet written back. */
    private static final class EchoState {
        final ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        boolean eof;

        /** Reads what fits, writes what it can; true once everything went back and the channel closed. */
        boolean step(SelectionKey key) throws IOException {
            SocketChannel ch = (SocketChannel) key.channel();
            if (key.isReadable() && !eof && buf.hasRemaining() && ch.read(buf) < 0) {
                eof = true;
            }
            buf.flip();
            ch.write(buf);
            buf.compact();
            boolean pending = buf.position() > 0;
            if (eof && !pending) {
                ch.shutdownOutput();
                ch.close();
                return true;
            }
            key.interestOps((!eof && buf.hasRemaining() ? OP_READ : 0) | (pending ? OP_WRITE : 0));
            return false;
        }
    }

    /** One client of the echo test: sends its data, half-closes, counts and hashes what comes back. */
    private static final class EchoClient {
        final SocketChannel channel;
        final byte[] data;
        final ByteBuffer out;
        final MessageDigest digest = sha256Digest();
        final ByteBuffer in = ByteBuffer.allocate(32 * 1024);
        long received;

        EchoClient(SocketChannel channel, byte[] data) {
            this.channel = channel;
            this.data = data;
            this.out = ByteBuffer.wrap(data);
        }

        /** Handles a readiness; true once the echo ended. */
        boolean step(SelectionKey key) throws IOException {
            if (key.isConnectable()) {
                assertThat(channel.finishConnect()).isTrue();
                key.interestOps(OP_READ | OP_WRITE);
                return false;
            }
            if (key.isWritable() && out.hasRemaining()) {
                channel.write(out);
                if (!out.hasRemaining()) {
                    channel.shutdownOutput();
                    key.interestOps(OP_READ);
                }
            }
            if (key.isReadable()) {
                int n;
                while ((n = channel.read(in)) > 0) {
                    in.flip();
                    received += n;
                    digest.update(in);
                    in.clear();
                }
                if (n < 0) {
                    key.cancel();
                    channel.close();
                    return true;
                }
            }
            return false;
        }
    }

    // ------------------------------------------------------------------ helpers

    /** A channel of the provider connected (blocking) to a peer. */
    static final class Link implements AutoCloseable {
        final SocketChannel channel;
        final Peer peer;

        Link(SocketChannel channel, Peer peer) {
            this.channel = channel;
            this.peer = peer;
        }

        @Override
        public void close() throws IOException {
            try {
                channel.close();
            } finally {
                peer.close();
            }
        }
    }

    static Link connect(NioTransport t) throws IOException {
        try (PeerListener l = t.listenPeer()) {
            SocketChannel ch = t.provider().openSocketChannel();
            try {
                ch.connect(l.address());
                return new Link(ch, l.accept());
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw e;
            }
        }
    }

    /** How a call on a thread of its own ended. */
    static final class Outcome {
        final Object value;
        final Throwable error;
        final boolean interrupted;

        Outcome(Object value, Throwable error, boolean interrupted) {
            this.value = value;
            this.error = error;
            this.interrupted = interrupted;
        }
    }

    /** A call expected to block, on a thread of its own, to be ended by closing or interrupting. */
    static final class Blocked {
        final Thread thread;
        final CompletableFuture<Outcome> outcome = new CompletableFuture<>();

        private Blocked(String name, Callable<?> call) {
            thread = new Thread(() -> {
                try {
                    Object v = call.call();
                    outcome.complete(new Outcome(v, null, Thread.currentThread().isInterrupted()));
                } catch (Throwable e) {
                    outcome.complete(new Outcome(null, e, Thread.currentThread().isInterrupted()));
                }
            }, name);
            thread.setDaemon(true);
        }

        static Blocked start(String name, Callable<?> call) {
            Blocked b = new Blocked(name, call);
            b.thread.start();
            return b;
        }

        /**
         * Waits until the thread blocks (parked, or in a native call) inside a method {@code method} of java.nio's
         * or mptcp4j's classes, then a little more.
         */
        void awaitIn(String method) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            int stable = 0;
            while (System.nanoTime() < deadline && !outcome.isDone()) {
                Thread.State state = thread.getState();
                StackTraceElement[] stack = thread.getStackTrace();
                boolean waiting = state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING
                        || stack.length > 0 && stack[0].isNativeMethod();
                boolean inside = false;
                for (StackTraceElement e : stack) {
                    String c = e.getClassName();
                    if (e.getMethodName().equals(method) && (c.startsWith("sun.nio.") || c.startsWith("java.nio.")
                            || c.startsWith("io.mptcp4j."))) {
                        inside = true;
                        break;
                    }
                }
                stable = waiting && inside ? stable + 1 : 0;
                if (stable >= 5) {
                    return;
                }
                Thread.sleep(10);
            }
            throw new AssertionError(thread.getName() + " did not block in " + method + ": "
                    + (outcome.isDone() ? describe(outcome.getNow(null)) : "still running"));
        }

        Outcome outcome() throws Exception {
            return outcome.get(10, TimeUnit.SECONDS);
        }

        private static String describe(Outcome o) {
            return o.error != null ? "threw " + o.error : "returned " + o.value;
        }
    }

    private static void readNonBlocking(Selector sel, SocketChannel ch, ByteBuffer b, int want) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (b.position() < want) {
            assertThat(System.nanoTime()).isLessThan(deadline);
            int n = ch.read(b);
            assertThat(n).isNotNegative();
            if (n == 0) {
                sel.select(100);
                sel.selectedKeys().clear();
            }
        }
    }

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    static byte[] ascii(String s) {
        return s.getBytes(US_ASCII);
    }

    static ByteBuffer buffer(String s) {
        return ByteBuffer.wrap(ascii(s));
    }

    /** The bytes written into {@code b} so far, as text. */
    static String text(ByteBuffer b) {
        return new String(b.array(), b.arrayOffset(), b.position(), US_ASCII);
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] sha256(byte[] data) {
        return sha256Digest().digest(data);
    }

    static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }
}
