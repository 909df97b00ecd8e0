package io.mptcp4j.nio;

import io.mptcp4j.driver.ChannelAcceptor;
import io.mptcp4j.driver.ChannelStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.net.StandardProtocolFamily;
import java.nio.channels.AlreadyBoundException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NotYetBoundException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.UnresolvedAddressException;
import java.nio.channels.UnsupportedAddressTypeException;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The mptcp4j {@link ServerSocketChannel}. {@link #bind} decides where it listens: on an address of the stack over
 * MPTCP; on a loopback, excluded or foreign address through a platform channel; on the wildcard address over MPTCP
 * on every address of the stack and, for loopback clients, through a platform channel on the loopback address with
 * the same port. {@link #accept} takes connections from both.
 */
final class MptcpServerSocketChannelImpl extends ServerSocketChannel implements SelectableMptcp {

    private static final System.Logger LOG = System.getLogger(MptcpServerSocketChannelImpl.class.getName());

    private final MptcpSelectorProvider mptcp;
    private final ProtocolFamily family;
    private final ChannelOptions options;
    private final ReentrantLock acceptLock = new ReentrantLock();
    private final Object stateLock = new Object();
    private final SelectorSet selectors = new SelectorSet();

    /** The platform listener (loopback, excluded or foreign address; or loopback beside a wildcard MPTCP one). */
    private volatile ServerSocketChannel platform;
    /** The MPTCP listener. */
    private volatile ChannelAcceptor acceptor;
    // Guarded by stateLock.
    private InetSocketAddress localAddress;
    private boolean platformOnly;
    private ServerSocket adaptor;
    /** Lazily opened to wait on the platform listener and the acceptor together in blocking accepts. */
    private Selector waiter;

    MptcpServerSocketChannelImpl(MptcpSelectorProvider provider, ProtocolFamily family) {
        super(provider);
        this.mptcp = provider;
        this.family = family;
        this.options = new ChannelOptions(ChannelOptions.SERVER, provider.config(), true);
    }

    /** Forwards to {@code platform} from the start (Unix domain). */
    MptcpServerSocketChannelImpl(MptcpSelectorProvider provider, ServerSocketChannel platform) throws IOException {
        this(provider, (ProtocolFamily) null);
        platform.configureBlocking(false);
        this.platform = platform;
        this.platformOnly = true;
    }

    @Override
    public ServerSocketChannel bind(SocketAddress local, int backlog) throws IOException {
        synchronized (stateLock) {
            ensureOpen();
            if (localAddress != null || (platformOnly && platform.getLocalAddress() != null)) {
                throw new AlreadyBoundException();
            }
            if (platformOnly) {
                platform.bind(local, backlog);
                return this;
            }
            int queue = backlog < 1 ? 50 : backlog;
            InetSocketAddress isa = local == null ? new InetSocketAddress(0) : checkAddress(local);
            InetAddress ip = isa.getAddress();
            if (mptcp.toPlatform(isa) || (!ip.isAnyLocalAddress() && !mptcp.isStackAddress(ip))) {
                ServerSocketChannel p = openPlatform();
                p.bind(isa, queue);
                platform = p;
                platformOnly = true;
                localAddress = (InetSocketAddress) p.getLocalAddress();
            } else {
                ChannelAcceptor a = mptcp.stack().listenChannel(ip.isAnyLocalAddress() ? null : ip, isa.getPort(),
                        queue, options.connectionConfig());
                a.readinessListener(this::readinessChanged);
                acceptor = a;
                localAddress = new InetSocketAddress(ip, a.port());
                if (ip.isAnyLocalAddress() && mptcp.config().exclusion().loopback()) {
                    platform = loopbackListener(ip, a.port(), queue);
                }
            }
        }
        notifySelectors();
        return this;
    }

    /** The platform listener for loopback clients beside a wildcard MPTCP listener, or null if it cannot bind. */
    private ServerSocketChannel loopbackListener(InetAddress wildcard, int port, int queue) throws IOException {
        InetAddress loopback = wildcard instanceof java.net.Inet6Address && family != StandardProtocolFamily.INET
                ? InetAddress.getByName("::1") : InetAddress.getByName("127.0.0.1");
        ServerSocketChannel p = openPlatform();
        try {
            p.bind(new InetSocketAddress(loopback, port), queue);
            return p;
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "no loopback listener beside the MPTCP one on port " + port, e);
            p.close();
            return null;
        }
    }

    @Override
    public SocketChannel accept() throws IOException {
        acceptLock.lock();
        try {
            ChannelAcceptor a;
            ServerSocketChannel p;
            synchronized (stateLock) {
                ensureOpen();
                if (localAddress == null && !(platformOnly && platform.getLocalAddress() != null)) {
                    throw new NotYetBoundException();
                }
                a = acceptor;
                p = platform;
            }
            boolean blocking = isBlocking();
            boolean completed = false;
            try {
                if (blocking) {
                    begin();
                }
                while (true) {
                    SocketChannel c = acceptOnce(a, p);
                    if (c != null || !blocking) {
                        completed = c != null;
                        return c;
                    }
                    waitForConnection(a, p);
                    // The wait may have blocked in a selector, whose own begin/end replaced this channel's
                    // interruptor, and Thread.interrupt sets the interrupt status before it runs an interruptor:
                    // begin() again puts ours back and, on an interrupted thread, closes the channel now, so that
                    // end() reports ClosedByInterruptException (or AsynchronousCloseException) and never a null.
                    begin();
                    if (!isOpen()) {
                        return null;
                    }
                }
            } finally {
                if (blocking) {
                    end(completed);
                }
            }
        } finally {
            acceptLock.unlock();
        }
    }

    private SocketChannel acceptOnce(ChannelAcceptor a, ServerSocketChannel p) throws IOException {
        if (a != null) {
            ChannelStream s = a.accept(false);
            if (s != null) {
                return new MptcpSocketChannelImpl(mptcp, s);
            }
        }
        if (p != null) {
            SocketChannel c = p.accept();
            if (c != null) {
                return new MptcpSocketChannelImpl(mptcp, c);
            }
        }
        return null;
    }

    /** Blocks until the acceptor or the platform listener may have a connection (or the channel closes). */
    private void waitForConnection(ChannelAcceptor a, ServerSocketChannel p) throws IOException {
        if (p == null) {
            a.awaitAcceptable();
            return;
        }
        Selector w;
        synchronized (stateLock) {
            if (waiter == null) {
                waiter = mptcp.platform().openSelector();
                p.register(waiter, SelectionKey.OP_ACCEPT);
            }
            w = waiter;
        }
        if (a != null && a.isAcceptable()) {
            return;
        }
        w.select();
        w.selectedKeys().clear();
    }

    @Override
    public SocketAddress getLocalAddress() throws IOException {
        synchronized (stateLock) {
            ensureOpen();
            if (platformOnly) {
                return platform.getLocalAddress();
            }
            return localAddress;
        }
    }

    @Override
    public <T> ServerSocketChannel setOption(SocketOption<T> name, T value) throws IOException {
        synchronized (stateLock) {
            ensureOpen();
            if (ChannelOptions.isMptcp(name) && localAddress != null && options.supported().contains(name)) {
                // The listener took its connections' configuration when it bound (see MptcpSocketOptions).
                throw new IllegalStateException(name + " can only be set before the channel binds");
            }
            options.set(name, value);
            ServerSocketChannel p = platform;
            if (p != null && !ChannelOptions.isMptcp(name)) {
                p.setOption(name, value);
            }
        }
        return this;
    }

    @Override
    public <T> T getOption(SocketOption<T> name) throws IOException {
        synchronized (stateLock) {
            ensureOpen();
            ServerSocketChannel p = platform;
            if (p != null && platformOnly && !ChannelOptions.isMptcp(name) && options.supported().contains(name)) {
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
    public ServerSocket socket() {
        synchronized (stateLock) {
            if (adaptor == null) {
                adaptor = ServerSocketAdaptor.create(this);
            }
            return adaptor;
        }
    }

    @Override
    protected void implCloseSelectableChannel() throws IOException {
        ChannelAcceptor a;
        ServerSocketChannel p;
        Selector w;
        synchronized (stateLock) {
            a = acceptor;
            p = platform;
            w = waiter;
        }
        if (a != null) {
            a.close();
        }
        if (w != null) {
            w.close(); // wakes a blocked accept
        }
        if (p != null) {
            p.close();
        }
        notifySelectors();
    }

    @Override
    protected void implConfigureBlocking(boolean block) {
        // The platform listener stays non-blocking: blocking accepts wait in a selector of their own.
    }

    @Override
    public SelectableChannel platformChannel() {
        return platform;
    }

    @Override
    public int userspaceReadyOps() {
        ChannelAcceptor a = acceptor;
        return a != null && a.isAcceptable() ? SelectionKey.OP_ACCEPT : 0;
    }

    @Override
    public void addSelector(MptcpSelectorImpl selector) {
        selectors.add(selector);
    }

    @Override
    public void removeSelector(MptcpSelectorImpl selector) {
        selectors.remove(selector);
    }

    /** The address listened on, kept after the channel closes, for the server socket adaptor; null if unbound. */
    InetSocketAddress localAddressKept() {
        synchronized (stateLock) {
            return localAddress;
        }
    }

    boolean isBound() {
        synchronized (stateLock) {
            return localAddress != null || platformOnly;
        }
    }

    @Override
    public String toString() {
        synchronized (stateLock) {
            return getClass().getSuperclass().getName() + "[" + (!isOpen() ? "closed"
                    : localAddress == null ? "unbound" : (acceptor != null ? "mptcp " : "platform ") + localAddress)
                    + "]";
        }
    }

    private void readinessChanged() {
        Selector w = waiter;
        if (w != null) {
            w.wakeup();
        }
        selectors.readinessChanged();
    }

    private void notifySelectors() {
        selectors.channelChanged();
    }

    private ServerSocketChannel openPlatform() throws IOException {
        ServerSocketChannel p = family == null ? mptcp.platform().openServerSocketChannel()
                : mptcp.platform().openServerSocketChannel(family);
        try {
            p.configureBlocking(false);
            for (SocketOption<?> o : options.standardOptions()) {
                copy(p, o);
            }
        } catch (IOException | RuntimeException e) {
            p.close();
            throw e;
        }
        return p;
    }

    private <T> void copy(ServerSocketChannel p, SocketOption<T> o) throws IOException {
        p.setOption(o, options.get(o));
    }

    private InetSocketAddress checkAddress(SocketAddress address) {
        if (!(address instanceof InetSocketAddress)) {
            throw new UnsupportedAddressTypeException();
        }
        InetSocketAddress isa = (InetSocketAddress) address;
        if (isa.isUnresolved()) {
            throw new UnresolvedAddressException();
        }
        return isa;
    }

    private void ensureOpen() throws ClosedChannelException {
        if (!isOpen()) {
            throw new ClosedChannelException();
        }
    }
}
