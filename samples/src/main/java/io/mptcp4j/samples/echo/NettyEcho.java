package io.mptcp4j.samples.echo;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A plain Netty NIO echo client, with no line of mptcp4j in it: Netty's NIO transport takes the JVM-wide
 * {@link java.nio.channels.spi.SelectorProvider}, so with
 * {@code -Djava.nio.channels.spi.SelectorProvider=io.mptcp4j.nio.MptcpSelectorProvider} it speaks MPTCP.
 *
 * <pre>
 *   NettyEcho HOST PORT BYTES     send BYTES pseudo-random bytes to an echo server, read the echo, compare SHA-256
 * </pre>
 *
 * Prints {@code echo ok bytes=N ...} and exits 0 when the echo came back whole.
 */
public final class NettyEcho {

    private NettyEcho() {
    }

    @SuppressWarnings("deprecation") // NioEventLoopGroup: the classic way to ask Netty for its NIO transport
    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: NettyEcho HOST PORT BYTES");
            System.exit(2);
        }
        InetSocketAddress server = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
        long bytes = Long.parseLong(args[2]);
        EventLoopGroup group = new NioEventLoopGroup(1);
        try {
            CompletableFuture<String> result = new CompletableFuture<>();
            Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) throws Exception {
                            ch.pipeline().addLast(new Sender(bytes, result));
                        }
                    });
            Channel ch = b.connect(server).sync().channel();
            String line = result.get(120, TimeUnit.SECONDS);
            System.out.println(line);
            ch.close().sync();
            System.exit(line.startsWith("echo ok") ? 0 : 1);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    /** Writes the pattern as fast as the channel takes it, half-closes, and hashes what comes back. */
    private static final class Sender extends ChannelInboundHandlerAdapter {
        private final long bytes;
        private final CompletableFuture<String> result;
        private final MessageDigest sent;
        private final MessageDigest received;
        private long written;
        private long read;
        private long seed = 0x9E3779B97F4A7C15L;

        Sender(long bytes, CompletableFuture<String> result) throws java.security.NoSuchAlgorithmException {
            this.bytes = bytes;
            this.result = result;
            this.sent = MessageDigest.getInstance("SHA-256");
            this.received = MessageDigest.getInstance("SHA-256");
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            writeMore(ctx);
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            writeMore(ctx);
        }

        private void writeMore(ChannelHandlerContext ctx) {
            while (written < bytes && ctx.channel().isWritable()) {
                int n = (int) Math.min(64 * 1024, bytes - written);
                ByteBuf buf = ctx.alloc().buffer(n);
                for (int i = 0; i < n; i++) {
                    seed = seed * 6364136223846793005L + 1442695040888963407L;
                    buf.writeByte((byte) (seed >>> 56));
                }
                sent.update(buf.nioBuffer());
                written += n;
                ctx.write(buf);
            }
            ctx.flush();
            if (written == bytes) {
                written++; // only once
                ctx.writeAndFlush(ctx.alloc().buffer(0)).addListener(f -> ((DuplexChannel) ctx.channel()).shutdownOutput());
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            try {
                read += buf.readableBytes();
                received.update(buf.nioBuffer());
            } finally {
                buf.release();
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof io.netty.channel.socket.ChannelInputShutdownEvent) {
                String hash = HexFormat.of().formatHex(received.digest());
                boolean ok = read == bytes && hash.equals(HexFormat.of().formatHex(sent.digest()));
                result.complete("echo " + (ok ? "ok" : "FAILED") + " bytes=" + read + " sha256=" + hash
                        + " provider=" + java.nio.channels.spi.SelectorProvider.provider().getClass().getName());
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            result.complete("echo FAILED: " + cause);
            ctx.close();
        }
    }
}
