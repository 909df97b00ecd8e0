package io.mptcp4j.reactor;

import io.mptcp4j.nio.MptcpProviderConfig;
import io.mptcp4j.nio.MptcpSelectorProvider;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketChannel;
import io.netty.channel.unix.ServerDomainSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import reactor.core.publisher.Mono;
import reactor.netty.resources.LoopResources;

/**
 * Reactor Netty's {@link LoopResources} on mptcp4j: one line puts a server or client on the userspace MPTCP stack,
 * {@code HttpServer.create().runOn(loops)}, {@code HttpClient.create().runOn(loops)}, {@code TcpServer}/{@code
 * TcpClient} likewise.
 *
 * <p>Why this plug-in point: {@code LoopResources} is where Reactor Netty asks for both the event loops
 * ({@link #onServer}, {@link #onClient}) and every channel ({@link #onChannel}), and Netty's NIO transport takes a
 * {@link java.nio.channels.spi.SelectorProvider} for both. The event loops here are Netty
 * {@link MultiThreadIoEventLoopGroup}s whose {@link NioIoHandler} selects with the mptcp4j provider's selectors, and
 * the channels are {@link MptcpNioSocketChannel}s and {@link MptcpNioServerSocketChannel}s opened by that
 * provider. Nothing here consults Reactor Netty's native detection: {@code useNative} is ignored, so epoll,
 * io_uring or kqueue are never chosen, whatever {@code preferNative} says (they could not carry MPTCP from user
 * space anyway). Loopback and excluded destinations still work: the provider hands them to the platform's
 * channels behind its own, on the same selectors. Datagram and Unix domain channels (DNS resolution, for one) go
 * through the provider to the platform as well.
 *
 * <p>Made with {@link #create(MptcpSelectorProvider)}, the caller keeps the provider and closes it; with
 * {@link #create(MptcpProviderConfig)}, the provider is this object's and closes on {@link #disposeLater}.
 */
public final class MptcpLoopResources implements LoopResources {

    /** The thread name prefix of the event loops. */
    public static final String THREAD_PREFIX = "mptcp4j-netty";

    private final MptcpSelectorProvider provider;
    private final boolean ownsProvider;
    private final int workerCount;
    private final Object lock = new Object();
    // Guarded by lock. Created on first use, as Reactor Netty's own LoopResources do.
    private EventLoopGroup group;
    private EventLoopGroup colocated;
    private volatile boolean disposed;

    private MptcpLoopResources(MptcpSelectorProvider provider, boolean ownsProvider, int workerCount) {
        this.provider = Objects.requireNonNull(provider, "provider");
        if (workerCount < 1) {
            throw new IllegalArgumentException("workerCount must be at least 1, not " + workerCount);
        }
        this.ownsProvider = ownsProvider;
        this.workerCount = workerCount;
    }

    /** Event loops on {@code provider}, {@link LoopResources#DEFAULT_IO_WORKER_COUNT} threads; the caller closes it. */
    public static MptcpLoopResources create(MptcpSelectorProvider provider) {
        return new MptcpLoopResources(provider, false, DEFAULT_IO_WORKER_COUNT);
    }

    /** Event loops on {@code provider} with {@code workerCount} threads; the caller closes the provider. */
    public static MptcpLoopResources create(MptcpSelectorProvider provider, int workerCount) {
        return new MptcpLoopResources(provider, false, workerCount);
    }

    /** Event loops on a provider of their own, configured by {@code config}, closed on dispose. */
    public static MptcpLoopResources create(MptcpProviderConfig config) {
        return new MptcpLoopResources(new MptcpSelectorProvider(config), true, DEFAULT_IO_WORKER_COUNT);
    }

    /** The provider whose channels and selectors these loops use (its stack, statistics and events). */
    public MptcpSelectorProvider provider() {
        return provider;
    }

    /** The event loop threads. */
    public int workerCount() {
        return workerCount;
    }

    @Override
    public EventLoopGroup onServer(boolean useNative) {
        return group();
    }

    /**
     * The same loops, colocated as Reactor Netty's defaults are: a connection opened from one of these event loops
     * stays on it.
     */
    @Override
    public EventLoopGroup onClient(boolean useNative) {
        synchronized (lock) {
            if (colocated == null) {
                colocated = LoopResources.colocate(group());
            }
            return colocated;
        }
    }

    /**
     * A channel of {@code channelType} opened by the provider. Reactor Netty asks for interfaces, as its own NIO
     * loop resources answer them.
     */
    @Override
    @SuppressWarnings("unchecked")
    public <CHANNEL extends Channel> CHANNEL onChannel(Class<CHANNEL> channelType, EventLoopGroup group) {
        Objects.requireNonNull(channelType, "channelType");
        if (SocketChannel.class.equals(channelType)) {
            return (CHANNEL) new MptcpNioSocketChannel(provider);
        }
        if (ServerSocketChannel.class.equals(channelType)) {
            return (CHANNEL) new MptcpNioServerSocketChannel(provider);
        }
        if (DatagramChannel.class.equals(channelType)) {
            return (CHANNEL) new NioDatagramChannel(provider);
        }
        // Netty's NIO domain socket channels do not implement the unix interfaces Reactor Netty names them by; it
        // makes the same unchecked cast, and its callers only use them as Channels.
        if (DomainSocketChannel.class.equals(channelType)) {
            return (CHANNEL) new NioDomainSocketChannel(provider);
        }
        if (ServerDomainSocketChannel.class.equals(channelType)) {
            return (CHANNEL) new NioServerDomainSocketChannel(provider);
        }
        throw new IllegalArgumentException("mptcp4j has no channel for " + channelType.getName());
    }

    /** The classes {@link #onChannel} instantiates (they take the provider: no reflective no-argument factory). */
    @Override
    @SuppressWarnings("unchecked")
    public <CHANNEL extends Channel> Class<? extends CHANNEL> onChannelClass(Class<CHANNEL> channelType,
                                                                          EventLoopGroup group) {
        Objects.requireNonNull(channelType, "channelType");
        if (SocketChannel.class.equals(channelType)) {
            return (Class<? extends CHANNEL>) MptcpNioSocketChannel.class;
        }
        if (ServerSocketChannel.class.equals(channelType)) {
            return (Class<? extends CHANNEL>) MptcpNioServerSocketChannel.class;
        }
        if (DatagramChannel.class.equals(channelType)) {
            return (Class<? extends CHANNEL>) NioDatagramChannel.class;
        }
        if (DomainSocketChannel.class.equals(channelType)) {
            return (Class<? extends CHANNEL>) (Class<?>) NioDomainSocketChannel.class;
        }
        if (ServerDomainSocketChannel.class.equals(channelType)) {
            return (Class<? extends CHANNEL>) (Class<?>) NioServerDomainSocketChannel.class;
        }
        throw new IllegalArgumentException("mptcp4j has no channel for " + channelType.getName());
    }

    /**
     * Shuts the event loops down gracefully (their channels close), then closes the provider if it is this
     * object's. Later calls to {@link #onServer}/{@link #onClient} fail.
     */
    @Override
    public Mono<Void> disposeLater(Duration quietPeriod, Duration timeout) {
        Objects.requireNonNull(quietPeriod, "quietPeriod");
        Objects.requireNonNull(timeout, "timeout");
        return Mono.defer(() -> {
            EventLoopGroup g;
            synchronized (lock) {
                disposed = true;
                g = group;
            }
            Mono<Void> loops = g == null ? Mono.empty() : Mono.create(sink ->
                    g.shutdownGracefully(quietPeriod.toMillis(), timeout.toMillis(), TimeUnit.MILLISECONDS)
                            .addListener(f -> {
                                if (f.isSuccess()) {
                                    sink.success();
                                } else {
                                    sink.error(f.cause());
                                }
                            }));
            return loops.then(Mono.fromRunnable(() -> {
                if (ownsProvider) {
                    provider.close();
                }
            }));
        });
    }

    @Override
    public boolean isDisposed() {
        EventLoopGroup g;
        synchronized (lock) {
            if (!disposed) {
                return false;
            }
            g = group;
        }
        return g == null || g.isTerminated();
    }

    @Override
    public String toString() {
        return "MptcpLoopResources[" + workerCount + " loops, " + provider + "]";
    }

    private EventLoopGroup group() {
        synchronized (lock) {
            if (disposed) {
                throw new IllegalStateException("these MptcpLoopResources were disposed");
            }
            if (group == null) {
                // Daemon threads, as Reactor Netty's defaults: they do not keep the JVM alive.
                group = new MultiThreadIoEventLoopGroup(workerCount, new DefaultThreadFactory(THREAD_PREFIX, true),
                        NioIoHandler.newFactory(provider));
            }
            return group;
        }
    }
}
