package io.mptcp4j.reactor;

import io.mptcp4j.nio.MptcpChannel;
import io.mptcp4j.nio.MptcpSelectorProvider;
import io.netty.channel.Channel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Optional;

/**
 * Netty's {@link NioSocketChannel} on an mptcp4j {@link SocketChannel}: Netty moves the bytes as for any NIO
 * channel, and {@link #mptcpChannel()} reaches the connection's subflows and events, which Netty keeps behind its
 * protected {@code javaChannel()}.
 */
public class MptcpNioSocketChannel extends NioSocketChannel {

    /** A client channel opened by {@code provider} (MPTCP, or the platform for excluded destinations). */
    public MptcpNioSocketChannel(MptcpSelectorProvider provider) {
        super(provider);
    }

    /** A channel accepted by {@code parent}. */
    public MptcpNioSocketChannel(Channel parent, SocketChannel accepted) {
        super(parent, accepted);
    }

    /** The java.nio channel underneath. */
    public SocketChannel nioChannel() {
        return javaChannel();
    }

    /** The mptcp4j view of the java.nio channel (empty only if it is not one of mptcp4j's channels). */
    public Optional<MptcpChannel> mptcpChannel() {
        return MptcpChannel.of(javaChannel());
    }
}
