package io.mptcp4j.sim;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * A dumbbell with one bottleneck: senders "sender0", "sender1", ... each with one or more interfaces, every
 * interface on its own access link to a "router" ({@link ForwardingStack} installed), and one link from the
 * router to the "server". Whatever the senders send to the server queues at the router's end of that link, so
 * the flows of every sender, and every subflow of a multipath sender, compete for it.
 *
 * <pre>
 *   sender0 p0 10.0.0.1 --access--\
 *   sender0 p1 10.0.1.1 --access---+-- router --bottleneck-- server 10.0.200.2
 *   sender1 p0 10.0.2.1 --access--/
 * </pre>
 * Interfaces are numbered across senders in order: sender {@code s}'s interface {@code i} has 10.0.k.1 for the
 * k-th interface overall. The router's interfaces have no address; the senders' and server's stacks are installed
 * afterwards.
 */
public final class SharedBottleneckNetwork {

    private static final int SERVER_SUBNET = 200;

    private final SimNetwork network;
    private final List<SimHost> senders;
    private final List<List<Inet4Address>> senderAddresses;
    private final List<SimDuplexLink> accessLinks;
    private final SimHost router;
    private final SimHost server;
    private final SimDuplexLink bottleneck;

    private SharedBottleneckNetwork(SimNetwork network, List<SimHost> senders, List<List<Inet4Address>> addresses,
                                    List<SimDuplexLink> accessLinks, SimHost router, SimHost server,
                                    SimDuplexLink bottleneck) {
        this.network = network;
        this.senders = List.copyOf(senders);
        this.senderAddresses = List.copyOf(addresses);
        this.accessLinks = List.copyOf(accessLinks);
        this.router = router;
        this.server = server;
        this.bottleneck = bottleneck;
    }

    /**
     * Builds the dumbbell.
     *
     * @param bottleneck the router-server link, both directions
     * @param access     every sender-router link, both directions
     * @param interfaces how many interfaces (access links) each sender has, one entry per sender
     */
    public static SharedBottleneckNetwork create(long seed, LinkConfig bottleneck, LinkConfig access,
                                                 int... interfaces) {
        if (interfaces.length == 0) {
            throw new IllegalArgumentException("at least one sender");
        }
        SimNetwork network = new SimNetwork(seed);
        SimHost router = network.addHost("router");
        router.install(new ForwardingStack());
        SimHost server = network.addHost("server");
        List<SimHost> senders = new ArrayList<>();
        List<List<Inet4Address>> addresses = new ArrayList<>();
        List<SimDuplexLink> accessLinks = new ArrayList<>();
        int k = 0;
        for (int s = 0; s < interfaces.length; s++) {
            if (interfaces[s] < 1) {
                throw new IllegalArgumentException("a sender needs an interface: " + interfaces[s]);
            }
            SimHost sender = network.addHost("sender" + s);
            List<Inet4Address> own = new ArrayList<>();
            for (int i = 0; i < interfaces[s]; i++, k++) {
                if (k >= SERVER_SUBNET) {
                    throw new IllegalArgumentException("too many interfaces");
                }
                Inet4Address address = ipv4(k, 1);
                SimInterface end = sender.addInterface("p" + i, address);
                SimInterface routerEnd = router.addInterface("a" + k);
                accessLinks.add(network.connect(end, routerEnd, access));
                own.add(address);
            }
            senders.add(sender);
            addresses.add(own);
        }
        SimInterface routerEnd = router.addInterface("b0");
        SimInterface serverEnd = server.addInterface("b0", serverAddress());
        SimDuplexLink link = network.connect(routerEnd, serverEnd, bottleneck);
        return new SharedBottleneckNetwork(network, senders, addresses, accessLinks, router, server, link);
    }

    public SimNetwork network() {
        return network;
    }

    /** Sender {@code index}. */
    public SimHost sender(int index) {
        return senders.get(index);
    }

    /** The address of sender {@code sender}'s interface {@code index}. */
    public Inet4Address senderAddress(int sender, int index) {
        return senderAddresses.get(sender).get(index);
    }

    /** All addresses of sender {@code sender}, in interface order. */
    public List<Inet4Address> senderAddresses(int sender) {
        return senderAddresses.get(sender);
    }

    /** The access links in the order of the interfaces, {@link SimDuplexLink#aToB()} towards the router. */
    public List<SimDuplexLink> accessLinks() {
        return accessLinks;
    }

    public SimHost router() {
        return router;
    }

    public SimHost server() {
        return server;
    }

    /** 10.0.200.2. */
    public static Inet4Address serverAddress() {
        return ipv4(SERVER_SUBNET, 2);
    }

    /** The router-server link: {@link SimDuplexLink#aToB()} carries the senders' data to the server. */
    public SimDuplexLink bottleneck() {
        return bottleneck;
    }

    private static Inet4Address ipv4(int subnet, int host) {
        try {
            return (Inet4Address) InetAddress.getByAddress(new byte[] {10, 0, (byte) subnet, (byte) host});
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
