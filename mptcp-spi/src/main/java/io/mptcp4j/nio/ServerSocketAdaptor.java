package io.mptcp4j.nio;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketImpl;
import java.net.SocketOption;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.IllegalBlockingModeException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Set;

/** The {@link ServerSocket} of an mptcp4j {@link ServerSocketChannel}: blocking accepts, {@code SO_TIMEOUT}. */
final class ServerSocketAdaptor extends ServerSocket {

    private final MptcpServerSocketChannelImpl channel;
    private volatile int timeoutMillis;

    private ServerSocketAdaptor(MptcpServerSocketChannelImpl channel) throws IOException {
        super(new NoSocketImpl());
        this.channel = channel;
    }

    static ServerSocket create(MptcpServerSocketChannelImpl channel) {
        try {
            return new ServerSocketAdaptor(channel);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public ServerSocketChannel getChannel() {
        return channel;
    }

    @Override
    public void bind(SocketAddress local) throws IOException {
        bind(local, 50);
    }

    @Override
    public void bind(SocketAddress local, int backlog) throws IOException {
        try {
            channel.bind(local, backlog);
        } catch (ClosedChannelException e) {
            throw new SocketException("Socket is closed");
        } catch (java.nio.channels.AlreadyBoundException e) {
            throw new SocketException("Already bound");
        }
    }

    @Override
    public InetAddress getInetAddress() {
        InetSocketAddress a = local();
        return a == null ? null : a.getAddress();
    }

    @Override
    public int getLocalPort() {
        InetSocketAddress a = local();
        return a == null ? -1 : a.getPort();
    }

    @Override
    public SocketAddress getLocalSocketAddress() {
        return local();
    }

    @Override
    public Socket accept() throws IOException {
        if (!channel.isOpen()) {
            throw new SocketException("Socket is closed");
        }
        if (!channel.isBound()) {
            throw new SocketException("Socket is not bound yet");
        }
        if (!channel.isBlocking()) {
            throw new IllegalBlockingModeException();
        }
        int timeout = timeoutMillis;
        if (timeout == 0) {
            SocketChannel c = channel.accept();
            return c.socket();
        }
        synchronized (channel.blockingLock()) {
            channel.configureBlocking(false);
            try (Selector selector = channel.provider().openSelector()) {
                SelectionKey key = channel.register(selector, SelectionKey.OP_ACCEPT);
                long deadline = System.nanoTime() + timeout * 1_000_000L;
                while (true) {
                    SocketChannel c = channel.accept();
                    if (c != null) {
                        c.configureBlocking(true);
                        return c.socket();
                    }
                    long left = (deadline - System.nanoTime()) / 1_000_000L;
                    if (left <= 0) {
                        throw new SocketTimeoutException("Accept timed out");
                    }
                    selector.select(left);
                    selector.selectedKeys().clear();
                    if (!channel.isOpen()) {
                        throw new SocketException("Socket is closed");
                    }
                }
            } finally {
                if (channel.isOpen()) {
                    channel.configureBlocking(true);
                }
            }
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    @Override
    public boolean isBound() {
        return channel.isBound();
    }

    @Override
    public boolean isClosed() {
        return !channel.isOpen();
    }

    @Override
    public void setSoTimeout(int timeout) throws SocketException {
        if (!channel.isOpen()) {
            throw new SocketException("Socket is closed");
        }
        if (timeout < 0) {
            throw new IllegalArgumentException("timeout < 0");
        }
        timeoutMillis = timeout;
    }

    @Override
    public int getSoTimeout() throws IOException {
        if (!channel.isOpen()) {
            throw new SocketException("Socket is closed");
        }
        return timeoutMillis;
    }

    @Override
    public void setReuseAddress(boolean on) throws SocketException {
        set(StandardSocketOptions.SO_REUSEADDR, on);
    }

    @Override
    public boolean getReuseAddress() throws SocketException {
        return get(StandardSocketOptions.SO_REUSEADDR);
    }

    @Override
    public void setReceiveBufferSize(int size) throws SocketException {
        if (size <= 0) {
            throw new IllegalArgumentException("negative receive size");
        }
        set(StandardSocketOptions.SO_RCVBUF, size);
    }

    @Override
    public int getReceiveBufferSize() throws SocketException {
        return get(StandardSocketOptions.SO_RCVBUF);
    }

    @Override
    public <T> ServerSocket setOption(SocketOption<T> name, T value) throws IOException {
        channel.setOption(name, value);
        return this;
    }

    @Override
    public <T> T getOption(SocketOption<T> name) throws IOException {
        return channel.getOption(name);
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
        return channel.supportedOptions();
    }

    @Override
    public void setPerformancePreferences(int connectionTime, int latency, int bandwidth) {
    }

    @Override
    public String toString() {
        InetSocketAddress a = local();
        return a == null ? "ServerSocket[unbound]"
                : "ServerSocket[addr=" + a.getAddress() + ",localport=" + a.getPort() + "]";
    }

    /** java.net.ServerSocket keeps its address after it closes: the channel's, unchecked. */
    private InetSocketAddress local() {
        return channel.localAddressKept();
    }

    private <T> void set(SocketOption<T> name, T value) throws SocketException {
        try {
            channel.setOption(name, value);
        } catch (IOException e) {
            throw SocketAdaptor.asSocketException(e);
        }
    }

    private <T> T get(SocketOption<T> name) throws SocketException {
        try {
            return channel.getOption(name);
        } catch (IOException e) {
            throw SocketAdaptor.asSocketException(e);
        }
    }

    /** {@link ServerSocket} insists on an implementation; the adaptor overrides every call that would use it. */
    private static final class NoSocketImpl extends SocketImpl {
        @Override
        protected void create(boolean stream) throws IOException {
            throw unsupported();
        }

        @Override
        protected void connect(String host, int port) throws IOException {
            throw unsupported();
        }

        @Override
        protected void connect(InetAddress address, int port) throws IOException {
            throw unsupported();
        }

        @Override
        protected void connect(SocketAddress address, int timeout) throws IOException {
            throw unsupported();
        }

        @Override
        protected void bind(InetAddress host, int port) throws IOException {
            throw unsupported();
        }

        @Override
        protected void listen(int backlog) throws IOException {
            throw unsupported();
        }

        @Override
        protected void accept(SocketImpl s) throws IOException {
            throw unsupported();
        }

        @Override
        protected InputStream getInputStream() throws IOException {
            throw unsupported();
        }

        @Override
        protected OutputStream getOutputStream() throws IOException {
            throw unsupported();
        }

        @Override
        protected int available() throws IOException {
            throw unsupported();
        }

        @Override
        protected void close() {
        }

        @Override
        protected void sendUrgentData(int data) throws IOException {
            throw unsupported();
        }

        @Override
        public void setOption(int optID, Object value) throws SocketException {
            throw new SocketException("not supported");
        }

        @Override
        public Object getOption(int optID) throws SocketException {
            throw new SocketException("not supported");
        }

        private static SocketException unsupported() {
            return new SocketException("not supported by the mptcp4j server socket adaptor");
        }
    }
}
