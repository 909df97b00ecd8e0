package io.mptcp4j.lab;

import io.mptcp4j.io.linux.AddressFamily;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * One path of a {@link NamespaceLab}: a veth pair named {@code veth<i>} in both namespaces, with
 * {@code 10.0.i.1/24} and {@code fd00:0:0:i::1/64} on the client and {@code .2}/{@code ::2} on the server.
 *
 * @param index         the path number, from 0
 * @param interfaceName the veth's name, the same in both namespaces
 * @param clientV4      the client's IPv4 address
 * @param serverV4      the server's IPv4 address
 * @param clientV6      the client's IPv6 address
 * @param serverV6      the server's IPv6 address
 */
public record LabPath(int index, String interfaceName, Inet4Address clientV4, Inet4Address serverV4,
                      Inet6Address clientV6, Inet6Address serverV6) {

    /** Most paths a lab supports (one /24 per path in 10.0.0.0/16). */
    public static final int MAX_PATHS = 255;

    /** The addressing plan for path {@code index}. */
    static LabPath of(int index) {
        if (index < 0 || index >= MAX_PATHS) {
            throw new IllegalArgumentException("path index " + index + " not in 0.." + (MAX_PATHS - 1));
        }
        return new LabPath(index, "veth" + index, v4(index, Host.CLIENT), v4(index, Host.SERVER),
                v6(index, Host.CLIENT), v6(index, Host.SERVER));
    }

    /** {@code host}'s address of {@code family} on this path. */
    public InetAddress address(Host host, AddressFamily family) {
        if (family == AddressFamily.IPV4) {
            return host == Host.CLIENT ? clientV4 : serverV4;
        }
        return host == Host.CLIENT ? clientV6 : serverV6;
    }

    /** {@code host}'s IPv4 address on this path. */
    public Inet4Address v4(Host host) {
        return host == Host.CLIENT ? clientV4 : serverV4;
    }

    /** {@code host}'s IPv6 address on this path. */
    public Inet6Address v6(Host host) {
        return host == Host.CLIENT ? clientV6 : serverV6;
    }

    private static Inet4Address v4(int index, Host host) {
        try {
            return (Inet4Address) InetAddress.getByAddress(
                    new byte[] {10, 0, (byte) index, (byte) host.hostNumber()});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Inet6Address v6(int index, Host host) {
        byte[] ip = new byte[16];
        ip[0] = (byte) 0xfd;
        ip[6] = (byte) (index >>> 8);
        ip[7] = (byte) index;
        ip[15] = (byte) host.hostNumber();
        try {
            return (Inet6Address) InetAddress.getByAddress(ip);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** IPv4 prefix length on every path. */
    static final int V4_PREFIX = 24;

    /** IPv6 prefix length on every path. */
    static final int V6_PREFIX = 64;
}
