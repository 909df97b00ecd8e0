package io.mptcp4j.reactor;

import io.mptcp4j.nio.MptcpSelectorProvider;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.IOException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;

/**
 * Netty's {@link NioServerSocketChannel} on an mptcp4j {@link ServerSocketChannel}. It differs from its parent in
 * one place: accepted connections become {@link MptcpNioSocketChannel}s (Netty's own would make plain
 * {@code NioSocketChannel}s, which hide the java.nio channel and with it the MPTCP view).
 */
public class MptcpNioServerSocketChannel extends NioServerSocketChannel {

    private static final System.Logger LOG = System.getLogger(MptcpNioServerSocketChannel.class.getName());

    public MptcpNioServerSocketChannel(MptcpSelectorProvider provider) {
        super(provider);
    }

    /** The java.nio channel underneath. */
    public ServerSocketChannel nioChannel() {
        return javaChannel();
    }

    @Override
    protected int doReadMessages(List<Object> buf) throws Exception {
        SocketChannel accepted = javaChannel().accept();
        if (accepted == null) {
            return 0;
        }
        try {
            buf.add(new MptcpNioSocketChannel(this, accepted));
            return 1;
        } catch (RuntimeException e) {
            // As Netty does: a connection that cannot be wrapped is closed, the listener keeps accepting.
            LOG.log(System.Logger.Level.WARNING, "failed to create a channel for an accepted connection", e);
            try {
                accepted.close();
            } catch (IOException closing) {
                LOG.log(System.Logger.Level.WARNING, "failed to close an accepted connection", closing);
            }
            return 0;
        }
    }
}
