package io.mptcp4j.nio;

import io.mptcp4j.core.event.SubflowEvent;
import io.mptcp4j.driver.UserspaceMptcp;
import io.mptcp4j.event.SubflowEventPublisher;
import io.mptcp4j.io.linux.NetworkNamespace;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ProtocolFamily;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.nio.channels.Channel;
import java.nio.channels.DatagramChannel;
import java.nio.channels.Pipe;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.AbstractSelector;
import java.nio.channels.spi.SelectorProvider;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Flow;
import java.util.concurrent.ForkJoinPool;

/**
 * The mptcp4j {@link SelectorProvider}: its {@link SocketChannel}s and {@link ServerSocketChannel}s speak MPTCP
 * over the userspace stack, its {@link java.nio.channels.Selector}s serve them together with channels of the
 * platform, and everything else (datagrams, pipes, Unix domain sockets, destinations the {@link ExclusionPolicy}
 * excludes) goes through the platform's own provider behind channels of this provider.
 *
 * <p>Use it JVM-wide with {@code -Djava.nio.channels.spi.SelectorProvider=io.mptcp4j.nio.MptcpSelectorProvider}
 * (configured by {@code mptcp4j.*} system properties, see {@link MptcpProviderConfig}), or give an instance to
 * code that takes a provider (Netty's {@code NioEventLoopGroup} and {@code NioSocketChannel}).
 *
 * <p>The stack opens when the first MPTCP channel connects or binds (or on {@link #open()}); it needs root or
 * {@code CAP_NET_RAW} and {@code CAP_NET_ADMIN}. It runs one event-loop thread (a daemon) for every channel.
 */
public class MptcpSelectorProvider extends SelectorProvider implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(MptcpSelectorProvider.class.getName());

    private final MptcpProviderConfig config;
    private final SubflowEventPublisher events =
            new SubflowEventPublisher(ForkJoinPool.commonPool(), UserspaceMptcp.EVENT_BUFFER);
    private final Set<MptcpSocketChannelImpl> connections = ConcurrentHashMap.newKeySet();
    private volatile SelectorProvider platform;
    private volatile UserspaceMptcp stack;
    private volatile boolean closed;

    /** The JVM-wide provider's constructor: configured by the {@code mptcp4j.*} system properties. */
    public MptcpSelectorProvider() {
        this(MptcpProviderConfig.fromSystemProperties());
    }

    public MptcpSelectorProvider(MptcpProviderConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    /** The configuration of the stack and of every channel. */
    public MptcpProviderConfig config() {
        return config;
    }

    /** The platform's own provider, which serves what does not go over MPTCP. */
    public SelectorProvider platform() {
        SelectorProvider p = platform;
        if (p == null) {
            synchronized (this) {
                p = platform;
                if (p == null) {
                    platform = p = PlatformProvider.find();
                }
            }
        }
        return p;
    }

    /**
     * Opens the stack now rather than at the first MPTCP channel, so that a missing privilege or a bad address
     * shows at start-up. Harmless if it is open.
     *
     * @throws io.mptcp4j.io.linux.InsufficientPrivilegesException without root or CAP_NET_RAW
     * @throws MptcpConfigurationException                         for a namespace that does not exist, or no
     *                                                             usable local address
     * @throws IOException                                         if the stack cannot open for another reason
     */
    public void open() throws IOException {
        stack();
    }

    /** The stack, if it is open. */
    public Optional<UserspaceMptcp> stackIfOpen() {
        return Optional.ofNullable(stack);
    }

    /**
     * Every subflow event of every connection of this provider, in order (see {@link UserspaceMptcp#events()});
     * completes when the provider is closed.
     */
    public Flow.Publisher<SubflowEvent> events() {
        return events;
    }

    /** The channels connected over MPTCP now (accepted ones included). */
    public List<MptcpChannel> connections() {
        return List.copyOf(connections);
    }

    /**
     * Closes the stack: every MPTCP connection vanishes (without a FIN), channels report the stack closed, and
     * later MPTCP channels cannot connect. Channels of the platform are not touched. Idempotent.
     */
    @Override
    public void close() {
        UserspaceMptcp s;
        synchronized (this) {
            closed = true;
            s = stack;
        }
        if (s != null) {
            s.close();
        } else {
            events.close();
        }
    }

    @Override
    public DatagramChannel openDatagramChannel() throws IOException {
        return new PlatformDatagramChannel(this, platform().openDatagramChannel());
    }

    @Override
    public DatagramChannel openDatagramChannel(ProtocolFamily family) throws IOException {
        return new PlatformDatagramChannel(this, platform().openDatagramChannel(family));
    }

    @Override
    public Pipe openPipe() throws IOException {
        return new PlatformPipe(this, platform().openPipe());
    }

    @Override
    public AbstractSelector openSelector() throws IOException {
        return new MptcpSelectorImpl(this, platform().openSelector());
    }

    @Override
    public ServerSocketChannel openServerSocketChannel() throws IOException {
        return new MptcpServerSocketChannelImpl(this, (ProtocolFamily) null);
    }

    @Override
    public SocketChannel openSocketChannel() throws IOException {
        return new MptcpSocketChannelImpl(this, (ProtocolFamily) null);
    }

    @Override
    public SocketChannel openSocketChannel(ProtocolFamily family) throws IOException {
        Objects.requireNonNull(family, "family");
        if (family == StandardProtocolFamily.INET || family == StandardProtocolFamily.INET6) {
            return new MptcpSocketChannelImpl(this, family);
        }
        return new MptcpSocketChannelImpl(this, platform().openSocketChannel(family)); // UNIX: the platform's
    }

    @Override
    public ServerSocketChannel openServerSocketChannel(ProtocolFamily family) throws IOException {
        Objects.requireNonNull(family, "family");
        if (family == StandardProtocolFamily.INET || family == StandardProtocolFamily.INET6) {
            return new MptcpServerSocketChannelImpl(this, family);
        }
        return new MptcpServerSocketChannelImpl(this, platform().openServerSocketChannel(family));
    }

    @Override
    public Channel inheritedChannel() throws IOException {
        return platform().inheritedChannel();
    }

    @Override
    public String toString() {
        return "MptcpSelectorProvider[" + (stack != null ? stack : "stack not open") + ", " + config + "]";
    }

    // ------------------------------------------------------------------ for the channels

    /** Whether a connection to {@code remote} goes through the platform (excluded, or no stack address fits). */
    boolean toPlatform(InetSocketAddress address) {
        return config.exclusion().excludes(address);
    }

    /** The stack, opened on first use. */
    UserspaceMptcp stack() throws IOException {
        UserspaceMptcp s = stack;
        if (s != null) {
            return s;
        }
        synchronized (this) {
            if (closed) {
                throw new SocketException("the mptcp4j provider was closed");
            }
            if (stack == null) {
                UserspaceMptcp.Builder b = UserspaceMptcp.builder()
                        .config(config.connectionConfig())
                        .congestionControl(config.congestionControlRegistry())
                        .events(events);
                List<InetAddress> addresses;
                if (config.namespace() != null) {
                    NetworkNamespace ns = NetworkNamespace.named(config.namespace());
                    if (!ns.exists()) {
                        throw new MptcpConfigurationException("namespace", config.namespace(),
                                "no such network namespace (see ip netns list)", List.of());
                    }
                    b.namespace(ns);
                    addresses = ns.call(() -> localAddresses(config.localAddresses()));
                } else {
                    addresses = localAddresses(config.localAddresses());
                }
                if (addresses.isEmpty()) {
                    throw new MptcpConfigurationException("addresses", String.join(",", config.localAddresses()),
                            "no usable local address (want an interface with an address that is not loopback or"
                                    + " link-local; seen: " + interfacesSeen() + ")", List.of());
                }
                addresses.forEach(b::address);
                stack = b.open();
                LOG.log(System.Logger.Level.INFO, "mptcp4j stack open on " + addresses);
            }
            return stack;
        }
    }

    /** Whether {@code address} is one of the stack's (false while the stack is not open). */
    boolean isStackAddress(InetAddress address) throws IOException {
        return stack().addresses().contains(address);
    }

    void connected(MptcpSocketChannelImpl channel) {
        connections.add(channel);
    }

    void disconnected(MptcpSocketChannelImpl channel) {
        connections.remove(channel);
    }

    /**
     * The addresses named by {@code entries} (IP literals or interface names), or with none, every address of the
     * host's interfaces that is neither loopback nor link-local.
     *
     * @throws MptcpConfigurationException for an entry that is neither an address nor an interface
     */
    static List<InetAddress> localAddresses(List<String> entries) throws SocketException {
        Set<InetAddress> out = new LinkedHashSet<>();
        if (entries.isEmpty()) {
            // Down interfaces too: the stack follows link state itself (rtnetlink) and uses an address only while
            // its link is up, and a fresh link reads as down here until the kernel's link watch runs.
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nif.isLoopback()) {
                    addUsable(nif, out);
                }
            }
            return sorted(out);
        }
        for (String entry : entries) {
            NetworkInterface nif = NetworkInterface.getByName(entry);
            if (nif != null) {
                addUsable(nif, out);
                continue;
            }
            out.add(MptcpProviderConfig.literal("addresses", entry));
        }
        return new ArrayList<>(out);
    }

    /** The interfaces this JVM sees, for the message when none fits: "veth0 up [10.0.0.1, ...]". */
    private static String interfacesSeen() {
        List<String> seen = new ArrayList<>();
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                seen.add(nif.getName() + (nif.isUp() ? " up " : " down ")
                        + Collections.list(nif.getInetAddresses()));
            }
        } catch (SocketException e) {
            return "none readable: " + e.getMessage();
        }
        return seen.isEmpty() ? "no interfaces" : String.join(", ", seen);
    }

    private static void addUsable(NetworkInterface nif, Set<InetAddress> out) {
        for (InetAddress a : Collections.list(nif.getInetAddresses())) {
            if (!a.isLoopbackAddress() && !a.isLinkLocalAddress() && !a.isAnyLocalAddress()) {
                out.add(a instanceof Inet6Address ? stripScope((Inet6Address) a) : a);
            }
        }
    }

    private static InetAddress stripScope(Inet6Address a) {
        try {
            return InetAddress.getByAddress(a.getAddress());
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** IPv4 first (the usual default source), each family in interface order. */
    private static List<InetAddress> sorted(Set<InetAddress> addresses) {
        List<InetAddress> v4 = new ArrayList<>();
        List<InetAddress> v6 = new ArrayList<>();
        for (InetAddress a : addresses) {
            (a instanceof Inet6Address ? v6 : v4).add(a);
        }
        v4.addAll(v6);
        return v4;
    }
}
