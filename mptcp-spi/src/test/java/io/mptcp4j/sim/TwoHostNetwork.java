package io.mptcp4j.sim;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The usual fixture: hosts "client" and "server" joined by N paths. Path i is a duplex link between interface
 * "p<i>" of each host; the client's end has 10.0.i.1 and fd00:0:0:i::1, the server's 10.0.i.2 and fd00:0:0:i::2.
 * The stacks are installed afterwards: {@code client().install(stack)}.
 */
public final class TwoHostNetwork {

    /** Paths are numbered into one byte of the addresses. */
    public static final int MAX_PATHS = 256;

    private final SimNetwork network;
    private final SimHost client;
    private final SimHost server;
    private final List<SimDuplexLink> paths;

    private TwoHostNetwork(SimNetwork network, SimHost client, SimHost server, List<SimDuplexLink> paths) {
        this.network = network;
        this.client = client;
        this.server = server;
        this.paths = List.copyOf(paths);
    }

    static TwoHostNetwork create(SimNetwork network, LinkConfig... pathConfigs) {
        if (pathConfigs.length == 0 || pathConfigs.length > MAX_PATHS) {
            throw new IllegalArgumentException("between 1 and " + MAX_PATHS + " paths, not " + pathConfigs.length);
        }
        SimHost client = network.addHost("client");
        SimHost server = network.addHost("server");
        List<SimDuplexLink> paths = new ArrayList<>();
        for (int i = 0; i < pathConfigs.length; i++) {
            SimInterface clientEnd = client.addInterface("p" + i, clientIpv4(i), clientIpv6(i));
            SimInterface serverEnd = server.addInterface("p" + i, serverIpv4(i), serverIpv6(i));
            paths.add(network.connect(clientEnd, serverEnd, pathConfigs[i]));
        }
        return new TwoHostNetwork(network, client, server, paths);
    }

    public SimNetwork network() {
        return network;
    }

    public SimHost client() {
        return client;
    }

    public SimHost server() {
        return server;
    }

    /** Path {@code index}: {@link SimDuplexLink#aToB()} goes from the client to the server. */
    public SimDuplexLink path(int index) {
        return paths.get(index);
    }

    public List<SimDuplexLink> paths() {
        return paths;
    }

    /** 10.0.{@code path}.1. */
    public static Inet4Address clientIpv4(int path) {
        return (Inet4Address) address(new byte[] {10, 0, pathByte(path), 1});
    }

    /** 10.0.{@code path}.2. */
    public static Inet4Address serverIpv4(int path) {
        return (Inet4Address) address(new byte[] {10, 0, pathByte(path), 2});
    }

    /** fd00:0:0:{@code path}::1. */
    public static Inet6Address clientIpv6(int path) {
        return ipv6(path, 1);
    }

    /** fd00:0:0:{@code path}::2. */
    public static Inet6Address serverIpv6(int path) {
        return ipv6(path, 2);
    }

    private static Inet6Address ipv6(int path, int host) {
        byte[] bytes = new byte[16];
        bytes[0] = (byte) 0xfd;
        bytes[7] = pathByte(path);
        bytes[15] = (byte) host;
        return (Inet6Address) address(bytes);
    }

    private static byte pathByte(int path) {
        if (path < 0 || path >= MAX_PATHS) {
            throw new IllegalArgumentException("path index out of range: " + path);
        }
        return (byte) path;
    }

    private static InetAddress address(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
