package io.mptcp4j.nio;

import io.mptcp4j.core.event.SubflowEvent;
import io.mptcp4j.driver.ChannelStream;
import io.mptcp4j.driver.MptcpSocketInfo;
import io.mptcp4j.driver.UserspaceMptcp;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.AlreadyBoundException;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ConnectionPendingException;
import java.nio.channels.NoConnectionPendingException;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.channels.UnresolvedAddressException;
import java.nio.channels.UnsupportedAddressTypeException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The mptcp4j {@link SocketChannel}. Until it connects it is neither MPTCP nor platform: {@link #connect} sends a
 * destination the {@link ExclusionPolicy} excludes (or a local address the stack does not own) to a platform
 * channel this one then forwards every call to, and anything else over the userspace stack through a
 * {@link ChannelStream}.
 *
 * <p>Locks, as in the JDK: a read lock and a write lock taken by the calls that move bytes (so one reader and one
 * writer may block at once), and the state lock for connecting, binding and closing, never held while waiting.
 */
final class MptcpSocketChannelImpl extends SocketChannel implements MptcpChannel, SelectableMptcp {

    private static final int UNCONNECTED = 0;
    private static final int PENDING = 1;
    private static final int CONNECTED = 2;

    private final MptcpSelectorProvider mptcp;
    private final ProtocolFamily family;
    private final ReentrantLock readLock = new ReentrantLock();
    private final ReentrantLock writeLock = new ReentrantLock();
    private final Object stateLock = new Object();
    private final ChannelOptions options;
    private final SelectorSet selectors = new SelectorSet();

    /** Once decided: the platform channel every call goes to. */
    private volatile SocketChannel platform;
    /** Once connecting over MPTCP. */
    private volatile ChannelStream stream;
    // Guarded by stateLock.
    private int state = UNCONNECTED;
    private InetSocketAddress bound;
    private boolean inputShutdown;
    private boolean outputShutdown;
    private Socket adaptor;

    /** A new channel; with {@code platform}, one that forwards to it from the start (Unix domain, accepted). */
    MptcpSocketChannelImpl(MptcpSelectorProvider provider, ProtocolFamily family) {
        super(provider);
        this.mptcp = provider;
        this.family = family;
        this.options = new ChannelOptions(ChannelOptions.SOCKET, provider.config(), false);
    }

    MptcpSocketChannelImpl(MptcpSelectorProvider provider, SocketChannel platform) throws IOException {
        this(provider, (ProtocolFamily) null);
        platform.configureBlocking(true);
        this.platform = platform;
    }

    /** An accepted MPTCP connection, connected already; {@code defaults} holds the listener's options. */
    MptcpSocketChannelImpl(MptcpSelectorProvider provider, ChannelStream accepted) {
        this(provider, (ProtocolFamily) null);
        this.stream = accepted;
        this.state = CONNECTED;
        accepted.readinessListener(this::readinessChanged);
        provider.connected(this);
    }

    // ------------------------------------------------------------------ MptcpChannel

    @Override
    public boolean isMptcp() {
        ChannelStream s = stream;
        return s != null && connectedState() && !s.isFallback(); // as documented: false after a fallback
    }

    @Override
    public MptcpSocketInfo info() throws IOException {
        ChannelStream s = stream;
        if (s == null || !connectedState()) {
            throw new NotYetConnectedException();
        }
        return s.info();
    }

    @Override
    public Flow.Publisher<SubflowEvent> events() {
        ChannelStream s = stream;
        return s == null ? ChannelStream.failed(new NotYetConnectedException()) : s.events();
    }

    // ------------------------------------------------------------------ connecting

    @Override
    public SocketChannel bind(SocketAddress local) throws IOException {
        SocketChannel p = platform;
        if (p != null) {
            p.bind(local);
            return this;
        }
        synchronized (stateLock) {
            ensureOpen();
            if (state == PENDING) {
                throw new ConnectionPendingException();
            }
            if (state == CONNECTED || bound != null || platform != null) {
                throw new AlreadyBoundException(); // a connected channel is bound (the JDK's order of checks)
            }
            InetSocketAddress isa = local == null ? new InetSocketAddress(0) : checkAddress(local);
            if (mptcp.toPlatform(isa) || !isa.getAddress().isAnyLocalAddress() && !isStackAddress(isa)) {
                // Loopback, excluded, or an address the stack does not own: the platform's from now on.
                SocketChannel created = openPlatform();
                created.bind(isa);
                platform = created;
                notifySelectors();
                return this;
            }
            bound = isa;
        }
        return this;
    }

    @Override
    public boolean connect(SocketAddress remote) throws IOException {
        SocketChannel p = platform;
        if (p != null) {
            return forwardConnect(p, remote);
        }
        ChannelStream s;
        synchronized (stateLock) {
            ensureOpen();
            if (platform != null) {
                p = platform;
                s = null;
            } else {
                if (state == CONNECTED) {
                    throw new AlreadyConnectedException();
                }
                if (state == PENDING) {
                    throw new ConnectionPendingException();
                }
                InetSocketAddress isa = checkAddress(remote);
                if (isa.getAddress().isAnyLocalAddress()) {
                    isa = new InetSocketAddress(InetAddress.getLoopbackAddress(), isa.getPort()); // as the JDK does
                }
                if (mptcp.toPlatform(isa) || !stackHasFamilyOf(isa.getAddress())) {
                    SocketChannel created = openPlatform();
                    if (bound != null) {
                        created.bind(bound);
                    }
                    platform = p = created;
                    s = null;
                } else {
                    UserspaceMptcp stack = mptcp.stack();
                    InetAddress local = bound == null || bound.getAddress().isAnyLocalAddress() ? null
                            : bound.getAddress();
                    int port = bound == null ? 0 : bound.getPort();
                    s = stack.openStream(local, port, isa, options.connectionConfig());
                    s.readinessListener(this::readinessChanged);
                    stream = s;
                    state = PENDING;
                }
            }
        }
        if (p != null) {
            notifySelectors();
            return forwardConnect(p, remote);
        }
        notifySelectors();
        if (!isBlocking()) {
            return finishConnect();
        }
        boolean completed = false;
        try {
            try {
                begin();
                completed = s.finishConnect(true);
                if (!completed) {
                    rearm(); // closed or interrupted
                }
            } finally {
                end(completed);
            }
        } catch (IOException e) {
            // After end(): closing first would make end() report an AsynchronousCloseException instead of e.
            close();
            throw e;
        }
        markConnected();
        return true;
    }

    /** Blocking connect with a limit, for the socket adaptor. */
    void connect(SocketAddress remote, int timeoutMillis) throws IOException {
        if (timeoutMillis <= 0) {
            connect(remote);
            return;
        }
        synchronized (blockingLock()) {
            if (!isBlocking()) {
                throw new java.nio.channels.IllegalBlockingModeException();
            }
            configureBlocking(false);
            try {
                if (connect(remote)) {
                    return;
                }
            } finally {
                if (isOpen()) { // a connect refused at once closed the channel: its exception must get through
                    configureBlocking(true);
                }
            }
        }
        SocketChannel p = platform;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        if (p != null) {
            // The platform channel connects on its own; poll it without holding a thread in the kernel forever.
            p.configureBlocking(false);
            try {
                while (!p.finishConnect()) {
                    if (System.nanoTime() - deadline >= 0) {
                        close();
                        throw new java.net.SocketTimeoutException("connect timed out");
                    }
                    Thread.sleep(1);
                }
            } catch (IOException e) {
                mirrorClose(p); // a failed connect closed the platform channel: this one follows, as in the JDK
                throw e;
            } catch (InterruptedException e) {
                close();
                Thread.currentThread().interrupt(); // as ClosedByInterruptException promises
                throw new java.nio.channels.ClosedByInterruptException();
            } finally {
                if (p.isOpen()) {
                    p.configureBlocking(true);
                }
            }
            return;
        }
        ChannelStream s = stream;
        boolean ok = false;
        try {
            try {
                begin();
                while (!(ok = s.finishConnect(false))) {
                    if (System.nanoTime() - deadline >= 0 || !isOpen()) {
                        break;
                    }
                    Thread.sleep(1);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                rearm();
            } finally {
                end(ok);
            }
        } catch (IOException e) {
            close(); // after end(), which would otherwise turn e into an AsynchronousCloseException
            throw e;
        }
        if (!ok) {
            close();
            throw new java.net.SocketTimeoutException("connect timed out");
        }
        markConnected();
    }

    @Override
    public boolean finishConnect() throws IOException {
        SocketChannel p = platform;
        if (p != null) {
            try {
                return p.finishConnect();
            } catch (IOException e) {
                mirrorClose(p);
                throw e;
            }
        }
        ChannelStream s;
        synchronized (stateLock) {
            ensureOpen();
            if (state == CONNECTED) {
                return true;
            }
            if (state != PENDING) {
                throw new NoConnectionPendingException();
            }
            s = stream;
        }
        boolean blocking = isBlocking();
        boolean done = false;
        try {
            try {
                if (blocking) {
                    begin();
                }
                done = s.finishConnect(blocking);
                if (blocking && !done) {
                    rearm(); // closed or interrupted
                }
            } finally {
                if (blocking) {
                    end(done);
                }
            }
        } catch (IOException e) {
            close(); // after end(), which would otherwise turn e into an AsynchronousCloseException
            throw e;
        }
        if (done) {
            markConnected();
        }
        return done;
    }

    /**
     * After a blocking wait that ended without its result (the channel closed, or the thread interrupted):
     * {@link #begin()} again. Thread.interrupt sets the interrupt status before it runs the channel's interruptor,
     * so a waiting thread may wake before the channel is closed; begin() on an interrupted thread closes the
     * channel itself (once), so that {@code end} reports ClosedByInterruptException rather than a result.
     */
    private void rearm() {
        begin();
    }

    private void markConnected() {
        synchronized (stateLock) {
            if (state == PENDING) {
                state = CONNECTED;
                mptcp.connected(this);
            }
        }
    }

    private boolean forwardConnect(SocketChannel p, SocketAddress remote) throws IOException {
        try {
            return p.connect(remote);
        } catch (IOException e) {
            mirrorClose(p);
            throw e;
        }
    }

    /** Whether the channel is connected; as in the JDK, a closed channel is not. */
    @Override
    public boolean isConnected() {
        SocketChannel p = platform;
        if (p != null) {
            return p.isConnected();
        }
        return isOpen() && connectedState();
    }

    /** Whether the MPTCP connection completed, the channel closed since or not. */
    private boolean connectedState() {
        synchronized (stateLock) {
            return state == CONNECTED;
        }
    }

    @Override
    public boolean isConnectionPending() {
        SocketChannel p = platform;
        if (p != null) {
            return p.isConnectionPending();
        }
        synchronized (stateLock) {
            return state == PENDING && isOpen(); // a failed or closed connect is not pending (the JDK)
        }
    }

    // ------------------------------------------------------------------ bytes

    @Override
    public int read(ByteBuffer dst) throws IOException {
        Objects.requireNonNull(dst, "dst");
        return (int) read(new ByteBuffer[] {dst}, 0, 1);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, dsts.length);
        SocketChannel p = platform;
        if (p != null) {
            try {
                return p.read(dsts, offset, length);
            } catch (ClosedChannelException e) {
                mirrorClose(p);
                throw e;
            }
        }
        for (int i = offset; i < offset + length; i++) {
            if (dsts[i].isReadOnly()) {
                throw new IllegalArgumentException("Read-only buffer");
            }
        }
        readLock.lock();
        try {
            ChannelStream s = connectedStream();
            synchronized (stateLock) {
                if (inputShutdown) {
                    return -1;
                }
            }
            if (!anyRemaining(dsts, offset, length)) {
                return 0; // no room: at once, blocking or not, as the JDK
            }
            boolean blocking = isBlocking();
            long n = 0;
            try {
                if (blocking) {
                    begin();
                }
                n = s.read(dsts, offset, length, blocking);
                if (blocking && n == 0) {
                    rearm(); // a blocking read ends without bytes only when closed or interrupted
                }
                return n;
            } finally {
                if (blocking) {
                    end(n != 0);
                }
            }
        } finally {
            readLock.unlock();
        }
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        Objects.requireNonNull(src, "src");
        return (int) write(new ByteBuffer[] {src}, 0, 1);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, srcs.length);
        SocketChannel p = platform;
        if (p != null) {
            try {
                return p.write(srcs, offset, length);
            } catch (ClosedChannelException e) {
                mirrorClose(p);
                throw e;
            }
        }
        writeLock.lock();
        try {
            ChannelStream s = connectedStream();
            synchronized (stateLock) {
                if (outputShutdown) {
                    throw new java.nio.channels.ClosedChannelException();
                }
            }
            boolean blocking = isBlocking();
            long n = 0;
            boolean completed = false;
            try {
                if (blocking) {
                    begin();
                }
                n = s.write(srcs, offset, length, blocking);
                completed = !blocking || !anyRemaining(srcs, offset, length);
                if (!completed) {
                    rearm(); // a blocking write ends early only when interrupted
                }
                return n;
            } finally {
                if (blocking) {
                    end(completed);
                }
            }
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public SocketChannel shutdownInput() throws IOException {
        SocketChannel p = platform;
        if (p != null) {
            p.shutdownInput();
            return this;
        }
        ChannelStream s;
        synchronized (stateLock) {
            ensureOpen();
            if (state != CONNECTED) {
                throw new NotYetConnectedException();
            }
            inputShutdown = true;
            s = stream;
        }
        s.shutdownInput();
        return this;
    }

    @Override
    public SocketChannel shutdownOutput() throws IOException {
        SocketChannel p = platform;
        if (p != null) {
            p.shutdownOutput();
            return this;
        }
        ChannelStream s;
        synchronized (stateLock) {
            ensureOpen();
            if (state != CONNECTED) {
                throw new NotYetConnectedException();
            }
            if (outputShutdown) {
                return this;
            }
            outputShutdown = true;
            s = stream;
        }
        s.shutdownOutput();
        return this;
    }

    // ------------------------------------------------------------------ addresses, options, adaptor

    @Override
    public SocketAddress getLocalAddress() throws IOException {
        SocketChannel p = platform;
        if (p != null) {
            return p.getLocalAddress();
        }
        synchronized (stateLock) {
            ensureOpen();
            ChannelStream s = stream;
            if (s != null && s.localAddress() != null) {
                return s.localAddress();
            }
            return bound;
        }
    }

    @Override
    public SocketAddress getRemoteAddress() throws IOException {
        SocketChannel p = platform;
        if (p != null) {
            return p.getRemoteAddress();
        }
        synchronized (stateLock) {
            ensureOpen();
            return state == CONNECTED ? stream.remoteAddress() : null;
        }
    }

    @Override
    public <T> SocketChannel setOption(SocketOption<T> name, T value) throws IOException {
        Objects.requireNonNull(name, "name");
        synchronized (stateLock) {
            ensureOpen();
            if (ChannelOptions.isMptcp(name) && (state != UNCONNECTED || platform != null)
                    && options.supported().contains(name)) {
                throw new IllegalStateException(name + " can only be set before the channel connects");
            }
            options.set(name, value);
            SocketChannel p = platform;
            if (p != null && !ChannelOptions.isMptcp(name)) {
                p.setOption(name, value);
            }
        }
        return this;
    }

    @Override
    public <T> T getOption(SocketOption<T> name) throws IOException {
        Objects.requireNonNull(name, "name");
        synchronized (stateLock) {
            ensureOpen();
            SocketChannel p = platform;
            if (p != null && !ChannelOptions.isMptcp(name) && options.supported().contains(name)) {
                return p.getOption(name);
            }
            return options.get(name);
        }
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
        return options.supported();
    }

    @Override
    public Socket socket() {
        synchronized (stateLock) {
            if (adaptor == null) {
                adaptor = SocketAdaptor.create(this);
            }
            return adaptor;
        }
    }

    // ------------------------------------------------------------------ closing, blocking mode

    @Override
    protected void implCloseSelectableChannel() throws IOException {
        SocketChannel p;
        ChannelStream s;
        synchronized (stateLock) {
            p = platform;
            s = stream;
        }
        if (p != null) {
            p.close();
        }
        if (s != null) {
            s.close(options.linger() == 0);
            mptcp.disconnected(this);
        }
        notifySelectors();
    }

    @Override
    protected void implConfigureBlocking(boolean block) throws IOException {
        SocketChannel p = platform;
        if (p != null) {
            p.configureBlocking(block);
        }
    }

    // ------------------------------------------------------------------ SelectableMptcp

    @Override
    public SelectableChannel platformChannel() {
        return platform;
    }

    @Override
    public int userspaceReadyOps() {
        ChannelStream s = stream;
        if (s == null || platform != null) {
            return 0;
        }
        int ops = s.readyOps();
        synchronized (stateLock) {
            if (state != PENDING) {
                ops &= ~SelectionKey.OP_CONNECT;
            }
            if (state != CONNECTED) {
                ops &= ~(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
            }
        }
        return ops;
    }

    @Override
    public void addSelector(MptcpSelectorImpl selector) {
        selectors.add(selector);
    }

    @Override
    public void removeSelector(MptcpSelectorImpl selector) {
        selectors.remove(selector);
    }

    /**
     * The local address, kept after the channel closes (as a {@link Socket} keeps it), for the socket adaptor; null
     * if never bound.
     */
    InetSocketAddress localAddressKept() {
        SocketChannel p = platform;
        if (p != null) {
            return (InetSocketAddress) p.socket().getLocalSocketAddress();
        }
        synchronized (stateLock) {
            ChannelStream s = stream;
            if (s != null && s.localAddress() != null) {
                return s.localAddress();
            }
            return bound;
        }
    }

    /** The remote address, kept after the channel closes, for the socket adaptor; null if never connected. */
    InetSocketAddress remoteAddressKept() {
        SocketChannel p = platform;
        if (p != null) {
            return (InetSocketAddress) p.socket().getRemoteSocketAddress();
        }
        synchronized (stateLock) {
            return state == CONNECTED ? stream.remoteAddress() : null;
        }
    }

    /** The platform channel, for the socket adaptor (null when MPTCP or undecided). */
    SocketChannel platformDelegate() {
        return platform;
    }

    /** The MPTCP stream, for the socket adaptor (null when platform or undecided). */
    ChannelStream streamIfAny() {
        return stream;
    }

    boolean isBound() {
        SocketChannel p = platform;
        if (p != null) {
            return p.socket().isBound();
        }
        synchronized (stateLock) {
            return bound != null || stream != null;
        }
    }

    boolean isInputShutdown() {
        synchronized (stateLock) {
            return inputShutdown;
        }
    }

    boolean isOutputShutdown() {
        synchronized (stateLock) {
            return outputShutdown;
        }
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(getClass().getSuperclass().getName()).append('[');
        if (!isOpen()) {
            b.append("closed");
        } else if (platform != null) {
            b.append("platform ").append(platform);
        } else {
            synchronized (stateLock) {
                b.append(state == CONNECTED ? "connected mptcp" : state == PENDING ? "connection-pending mptcp"
                        : "unconnected");
                if (stream != null) {
                    b.append(" local=").append(stream.localAddress()).append(" remote=")
                            .append(stream.remoteAddress());
                } else if (bound != null) {
                    b.append(" local=").append(bound);
                }
            }
        }
        return b.append(']').toString();
    }

    // ------------------------------------------------------------------ helpers

    private void readinessChanged() {
        selectors.readinessChanged();
    }

    private void notifySelectors() {
        selectors.channelChanged();
    }

    private ChannelStream connectedStream() throws IOException {
        synchronized (stateLock) {
            ensureOpen();
            if (state != CONNECTED) { // also while connected but finishConnect not called, as in the JDK
                throw new NotYetConnectedException();
            }
            return stream;
        }
    }

    private SocketChannel openPlatform() throws IOException {
        SocketChannel created = family == null ? mptcp.platform().openSocketChannel()
                : mptcp.platform().openSocketChannel(family);
        try {
            for (SocketOption<?> o : options.standardOptions()) {
                copyOption(created, o);
            }
            created.configureBlocking(isBlocking());
        } catch (IOException | RuntimeException e) {
            created.close();
            throw e;
        }
        return created;
    }

    private <T> void copyOption(SocketChannel to, SocketOption<T> o) throws IOException {
        to.setOption(o, options.get(o));
    }

    /** The platform channel closed itself (an interrupt): this one follows. */
    private void mirrorClose(SocketChannel p) {
        if (!p.isOpen() && isOpen()) {
            try {
                close();
            } catch (IOException e) {
                // closing a closed platform channel again cannot fail
            }
        }
    }

    private boolean isStackAddress(InetSocketAddress isa) throws IOException {
        return mptcp.isStackAddress(isa.getAddress());
    }

    private boolean stackHasFamilyOf(InetAddress remote) throws IOException {
        for (InetAddress a : mptcp.stack().addresses()) {
            if (a.getClass() == remote.getClass()) {
                return true;
            }
        }
        return false;
    }

    private InetSocketAddress checkAddress(SocketAddress address) {
        Objects.requireNonNull(address, "address");
        if (!(address instanceof InetSocketAddress)) {
            throw new UnsupportedAddressTypeException();
        }
        InetSocketAddress isa = (InetSocketAddress) address;
        if (isa.isUnresolved()) {
            throw new UnresolvedAddressException();
        }
        if (family == StandardProtocolFamily.INET && !(isa.getAddress() instanceof java.net.Inet4Address)) {
            throw new UnsupportedAddressTypeException();
        }
        return isa;
    }

    private void ensureOpen() throws ClosedChannelException {
        if (!isOpen()) {
            throw new ClosedChannelException();
        }
    }

    private static boolean anyRemaining(ByteBuffer[] bufs, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            if (bufs[i].hasRemaining()) {
                return true;
            }
        }
        return false;
    }
}
