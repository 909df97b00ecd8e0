package io.mptcp4j.nio;

import io.mptcp4j.driver.ChannelStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketImpl;
import java.net.SocketOption;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.IllegalBlockingModeException;
import java.nio.channels.SocketChannel;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The {@link Socket} of an mptcp4j {@link SocketChannel} ({@link SocketChannel#socket()}): blocking
 * {@code java.net} use of the channel, streams and {@code SO_TIMEOUT} included. Once the channel goes through the
 * platform, the calls go to the platform channel's own socket.
 */
final class SocketAdaptor extends Socket {

    private final MptcpSocketChannelImpl channel;
    private volatile int timeoutMillis;
    private volatile int trafficClass;

    private SocketAdaptor(MptcpSocketChannelImpl channel) throws SocketException {
        super((SocketImpl) null);
        this.channel = channel;
    }

    static Socket create(MptcpSocketChannelImpl channel) {
        try {
            return new SocketAdaptor(channel);
        } catch (SocketException e) {
            throw new IllegalStateException(e);
        }
    }

    private Socket platform() {
        SocketChannel p = channel.platformDelegate();
        return p == null ? null : p.socket();
    }

    @Override
    public SocketChannel getChannel() {
        return channel;
    }

    @Override
    public void connect(SocketAddress remote) throws IOException {
        connect(remote, 0);
    }

    @Override
    public void connect(SocketAddress remote, int timeout) throws IOException {
        if (remote == null) {
            throw new IllegalArgumentException("connect: The address can't be null");
        }
        if (timeout < 0) {
            throw new IllegalArgumentException("connect: timeout can't be negative");
        }
        try {
            if (!channel.isBlocking()) {
                throw new IllegalBlockingModeException();
            }
            channel.connect(remote, timeout);
        } catch (ClosedChannelException e) {
            throw closed(e);
        }
    }

    @Override
    public void bind(SocketAddress local) throws IOException {
        try {
            channel.bind(local);
        } catch (ClosedChannelException e) {
            throw closed(e);
        } catch (java.nio.channels.AlreadyBoundException e) {
            throw new SocketException("Already bound");
        }
    }

    @Override
    public InetAddress getInetAddress() {
        InetSocketAddress r = remote();
        return r == null ? null : r.getAddress();
    }

    @Override
    public InetAddress getLocalAddress() {
        InetSocketAddress l = local();
        if (l == null || !channel.isOpen()) {
            return anyLocal(); // java.net.Socket: the wildcard address when closed or not bound
        }
        return l.getAddress();
    }

    @Override
    public int getPort() {
        InetSocketAddress r = remote();
        return r == null ? 0 : r.getPort();
    }

    @Override
    public int getLocalPort() {
        InetSocketAddress l = local();
        return l == null ? -1 : l.getPort();
    }

    @Override
    public SocketAddress getRemoteSocketAddress() {
        return remote();
    }

    @Override
    public SocketAddress getLocalSocketAddress() {
        return local();
    }

    @Override
    public InputStream getInputStream() throws IOException {
        Socket p = platform();
        if (p != null) {
            return p.getInputStream();
        }
        ensureUsable();
        if (channel.isInputShutdown()) {
            throw new SocketException("Socket input is shutdown");
        }
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                Objects.checkFromIndexSize(off, len, b.length);
                if (len == 0) {
                    return 0;
                }
                if (!channel.isBlocking()) {
                    throw new IllegalBlockingModeException();
                }
                ByteBuffer dst = ByteBuffer.wrap(b, off, len);
                int timeout = timeoutMillis;
                ChannelStream s = channel.streamIfAny();
                if (timeout > 0 && s != null) {
                    if (!channel.isOpen()) {
                        throw new SocketException("Socket is closed");
                    }
                    int n = s.read(dst, TimeUnit.MILLISECONDS.toNanos(timeout));
                    if (n == 0) {
                        if (!channel.isOpen()) {
                            throw new SocketException("Socket closed");
                        }
                        throw new SocketTimeoutException("Read timed out");
                    }
                    return n;
                }
                try {
                    return channel.read(dst);
                } catch (ClosedChannelException e) {
                    throw closed(e);
                }
            }

            @Override
            public int available() throws IOException {
                return 0;
            }

            @Override
            public void close() throws IOException {
                SocketAdaptor.this.close();
            }
        };
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
        Socket p = platform();
        if (p != null) {
            return p.getOutputStream();
        }
        ensureUsable();
        if (channel.isOutputShutdown()) {
            throw new SocketException("Socket output is shutdown");
        }
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                Objects.checkFromIndexSize(off, len, b.length);
                if (!channel.isBlocking()) {
                    throw new IllegalBlockingModeException();
                }
                ByteBuffer src = ByteBuffer.wrap(b, off, len);
                try {
                    while (src.hasRemaining()) {
                        channel.write(src);
                    }
                } catch (ClosedChannelException e) {
                    throw closed(e);
                }
            }

            @Override
            public void close() throws IOException {
                SocketAdaptor.this.close();
            }
        };
    }

    @Override
    public void setTcpNoDelay(boolean on) throws SocketException {
        set(StandardSocketOptions.TCP_NODELAY, on);
    }

    @Override
    public boolean getTcpNoDelay() throws SocketException {
        return get(StandardSocketOptions.TCP_NODELAY);
    }

    @Override
    public void setSoLinger(boolean on, int linger) throws SocketException {
        if (on && linger < 0) {
            throw new IllegalArgumentException("invalid value for SO_LINGER");
        }
        set(StandardSocketOptions.SO_LINGER, on ? linger : -1);
    }

    @Override
    public int getSoLinger() throws SocketException {
        return get(StandardSocketOptions.SO_LINGER);
    }

    @Override
    public void sendUrgentData(int data) throws IOException {
        throw new SocketException("Urgent data not supported");
    }

    @Override
    public void setOOBInline(boolean on) throws SocketException {
        if (on) {
            throw new SocketException("OOB inline not supported over MPTCP");
        }
    }

    @Override
    public boolean getOOBInline() {
        return false;
    }

    @Override
    public void setSoTimeout(int timeout) throws SocketException {
        ensureOpen();
        if (timeout < 0) {
            throw new IllegalArgumentException("timeout < 0");
        }
        timeoutMillis = timeout;
        Socket p = platform();
        if (p != null) {
            p.setSoTimeout(timeout);
        }
    }

    @Override
    public int getSoTimeout() throws SocketException {
        ensureOpen();
        return timeoutMillis;
    }

    @Override
    public void setSendBufferSize(int size) throws SocketException {
        if (size <= 0) {
            throw new IllegalArgumentException("Invalid send size");
        }
        set(StandardSocketOptions.SO_SNDBUF, size);
    }

    @Override
    public int getSendBufferSize() throws SocketException {
        return get(StandardSocketOptions.SO_SNDBUF);
    }

    @Override
    public void setReceiveBufferSize(int size) throws SocketException {
        if (size <= 0) {
            throw new IllegalArgumentException("Invalid receive size");
        }
        set(StandardSocketOptions.SO_RCVBUF, size);
    }

    @Override
    public int getReceiveBufferSize() throws SocketException {
        return get(StandardSocketOptions.SO_RCVBUF);
    }

    @Override
    public void setKeepAlive(boolean on) throws SocketException {
        set(StandardSocketOptions.SO_KEEPALIVE, on);
    }

    @Override
    public boolean getKeepAlive() throws SocketException {
        return get(StandardSocketOptions.SO_KEEPALIVE);
    }

    @Override
    public void setTrafficClass(int tc) throws SocketException {
        if (tc < 0 || tc > 255) {
            throw new IllegalArgumentException("tc is not in range 0 -- 255");
        }
        Socket p = platform();
        if (p != null) {
            p.setTrafficClass(tc);
        }
        trafficClass = tc;
    }

    @Override
    public int getTrafficClass() throws SocketException {
        Socket p = platform();
        return p != null ? p.getTrafficClass() : trafficClass;
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
    public void close() throws IOException {
        channel.close();
    }

    @Override
    public void shutdownInput() throws IOException {
        ensureUsable();
        try {
            channel.shutdownInput();
        } catch (ClosedChannelException e) {
            throw closed(e);
        }
    }

    @Override
    public void shutdownOutput() throws IOException {
        ensureUsable();
        try {
            channel.shutdownOutput();
        } catch (ClosedChannelException e) {
            throw closed(e);
        }
    }

    @Override
    public boolean isConnected() {
        return channel.isConnected();
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
    public boolean isInputShutdown() {
        Socket p = platform();
        return p != null ? p.isInputShutdown() : channel.isInputShutdown();
    }

    @Override
    public boolean isOutputShutdown() {
        Socket p = platform();
        return p != null ? p.isOutputShutdown() : channel.isOutputShutdown();
    }

    @Override
    public <T> Socket setOption(SocketOption<T> name, T value) throws IOException {
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
        // no effect, as in the JDK
    }

    @Override
    public String toString() {
        if (isConnected()) {
            return "Socket[addr=" + getInetAddress() + ",port=" + getPort() + ",localport=" + getLocalPort() + "]";
        }
        return "Socket[unconnected]";
    }

    /** java.net.Socket keeps its remote and local ends after it closes: the channel's, unchecked. */
    private InetSocketAddress remote() {
        return channel.remoteAddressKept();
    }

    private InetSocketAddress local() {
        return channel.localAddressKept();
    }

    private static InetAddress anyLocal() {
        return new InetSocketAddress(0).getAddress();
    }

    private <T> void set(SocketOption<T> name, T value) throws SocketException {
        try {
            channel.setOption(name, value);
        } catch (IOException e) {
            throw asSocketException(e);
        }
    }

    private <T> T get(SocketOption<T> name) throws SocketException {
        try {
            return channel.getOption(name);
        } catch (IOException e) {
            throw asSocketException(e);
        }
    }

    private void ensureOpen() throws SocketException {
        if (!channel.isOpen()) {
            throw new SocketException("Socket is closed");
        }
    }

    private void ensureUsable() throws SocketException {
        ensureOpen();
        if (!channel.isConnected()) {
            throw new SocketException("Socket is not connected");
        }
    }

    private static SocketException closed(ClosedChannelException e) {
        SocketException s = new SocketException("Socket is closed");
        s.initCause(e);
        return s;
    }

    /** {@code e} as the {@code java.net} sockets report it: a closed channel reads "Socket is closed". */
    static SocketException asSocketException(IOException e) {
        if (e instanceof SocketException) {
            return (SocketException) e;
        }
        if (e instanceof ClosedChannelException) {
            return closed((ClosedChannelException) e);
        }
        SocketException s = new SocketException(e.getMessage());
        s.initCause(e);
        return s;
    }
}
