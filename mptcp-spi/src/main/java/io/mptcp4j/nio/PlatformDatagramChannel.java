package io.mptcp4j.nio;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.MembershipKey;
import java.nio.channels.SelectableChannel;
import java.util.Set;

/**
 * A platform {@link DatagramChannel} behind a channel of the mptcp4j provider, so that it registers with the
 * provider's selectors (MPTCP does not carry datagrams). Every call goes to the platform channel.
 */
final class PlatformDatagramChannel extends DatagramChannel implements SelectableMptcp {

    private final DatagramChannel platform;

    PlatformDatagramChannel(MptcpSelectorProvider provider, DatagramChannel platform) {
        super(provider);
        this.platform = platform;
    }

    @Override
    public DatagramChannel bind(SocketAddress local) throws IOException {
        platform.bind(local);
        return this;
    }

    @Override
    public <T> DatagramChannel setOption(SocketOption<T> name, T value) throws IOException {
        platform.setOption(name, value);
        return this;
    }

    @Override
    public <T> T getOption(SocketOption<T> name) throws IOException {
        return platform.getOption(name);
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
        return platform.supportedOptions();
    }

    @Override
    public DatagramSocket socket() {
        return platform.socket();
    }

    @Override
    public boolean isConnected() {
        return platform.isConnected();
    }

    @Override
    public DatagramChannel connect(SocketAddress remote) throws IOException {
        platform.connect(remote);
        return this;
    }

    @Override
    public DatagramChannel disconnect() throws IOException {
        platform.disconnect();
        return this;
    }

    @Override
    public SocketAddress getRemoteAddress() throws IOException {
        return platform.getRemoteAddress();
    }

    @Override
    public SocketAddress receive(ByteBuffer dst) throws IOException {
        return platform.receive(dst);
    }

    @Override
    public int send(ByteBuffer src, SocketAddress target) throws IOException {
        return platform.send(src, target);
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return platform.read(dst);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        return platform.read(dsts, offset, length);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        return platform.write(src);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        return platform.write(srcs, offset, length);
    }

    @Override
    public SocketAddress getLocalAddress() throws IOException {
        return platform.getLocalAddress();
    }

    @Override
    public MembershipKey join(InetAddress group, NetworkInterface nif) throws IOException {
        return platform.join(group, nif);
    }

    @Override
    public MembershipKey join(InetAddress group, NetworkInterface nif, InetAddress source) throws IOException {
        return platform.join(group, nif, source);
    }

    @Override
    protected void implCloseSelectableChannel() throws IOException {
        platform.close();
    }

    @Override
    protected void implConfigureBlocking(boolean block) throws IOException {
        platform.configureBlocking(block);
    }

    @Override
    public SelectableChannel platformChannel() {
        return platform;
    }

    @Override
    public String toString() {
        return "PlatformDatagramChannel[" + platform + "]";
    }
}
