package io.mptcp4j.io.linux;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * Encodes and decodes {@code struct sockaddr_in} (16 bytes) and {@code struct sockaddr_in6} (28 bytes):
 * family in host order, port and IPv4 address in network order, IPv6 scope id in host order.
 */
final class SocketAddresses {

    /** Big enough for either structure ({@code sizeof(struct sockaddr_storage)} is 128). */
    static final int STORAGE_LENGTH = 128;
    static final int IN4_LENGTH = 16;
    static final int IN6_LENGTH = 28;

    private SocketAddresses() {
    }

    /** The sockaddr for {@code address} and {@code port} (0 for raw sockets). */
    static byte[] encode(InetAddress address, int port) {
        byte[] ip = address.getAddress();
        boolean v6 = ip.length == 16;
        byte[] out = new byte[v6 ? IN6_LENGTH : IN4_LENGTH];
        putHostShort(out, 0, v6 ? LinuxConstants.AF_INET6 : LinuxConstants.AF_INET);
        out[2] = (byte) (port >>> 8);
        out[3] = (byte) port;
        if (v6) {
            System.arraycopy(ip, 0, out, 8, 16);
            int scope = ((Inet6Address) address).getScopeId();
            putHostInt(out, 24, scope);
        } else {
            System.arraycopy(ip, 0, out, 4, 4);
        }
        return out;
    }

    /** The sockaddr for {@code address}, which must be resolved. */
    static byte[] encode(InetSocketAddress address) {
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("unresolved address: " + address);
        }
        return encode(address.getAddress(), address.getPort());
    }

    /** The wildcard sockaddr of {@code family} with {@code port}. */
    static byte[] wildcard(AddressFamily family, int port) {
        byte[] out = new byte[family == AddressFamily.IPV6 ? IN6_LENGTH : IN4_LENGTH];
        putHostShort(out, 0, family.nativeValue());
        out[2] = (byte) (port >>> 8);
        out[3] = (byte) port;
        return out;
    }

    /** Decodes the sockaddr in {@code bytes[0..length)}; null if the family is neither IPv4 nor IPv6. */
    static InetSocketAddress decode(byte[] bytes, int length) {
        if (length < 2) {
            return null;
        }
        int family = (bytes[0] & 0xff) | (bytes[1] & 0xff) << 8;
        int port = (bytes[2] & 0xff) << 8 | (bytes[3] & 0xff);
        try {
            if (family == LinuxConstants.AF_INET && length >= 8) {
                byte[] ip = new byte[4];
                System.arraycopy(bytes, 4, ip, 0, 4);
                return new InetSocketAddress(InetAddress.getByAddress(ip), port);
            }
            if (family == LinuxConstants.AF_INET6 && length >= 24) {
                byte[] ip = new byte[16];
                System.arraycopy(bytes, 8, ip, 0, 16);
                int scope = length >= 28 ? hostInt(bytes, 24) : 0;
                InetAddress address = scope != 0 && isLinkLocal(ip)
                        ? Inet6Address.getByAddress(null, ip, scope)
                        : InetAddress.getByAddress(ip);
                return new InetSocketAddress(address, port);
            }
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException(impossible);
        }
        return null;
    }

    /** The address from raw bytes (4 or 16 of them). */
    static InetAddress addressOf(byte[] ip) {
        try {
            return InetAddress.getByAddress(ip);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("bad address length " + ip.length, e);
        }
    }

    private static boolean isLinkLocal(byte[] ip) {
        return (ip[0] & 0xff) == 0xfe && (ip[1] & 0xc0) == 0x80;
    }

    private static void putHostShort(byte[] out, int offset, int value) {
        out[offset] = (byte) value;
        out[offset + 1] = (byte) (value >>> 8);
    }

    private static void putHostInt(byte[] out, int offset, int value) {
        for (int i = 0; i < 4; i++) {
            out[offset + i] = (byte) (value >>> (8 * i));
        }
    }

    static int hostInt(byte[] in, int offset) {
        return (in[offset] & 0xff) | (in[offset + 1] & 0xff) << 8 | (in[offset + 2] & 0xff) << 16
                | (in[offset + 3] & 0xff) << 24;
    }
}
