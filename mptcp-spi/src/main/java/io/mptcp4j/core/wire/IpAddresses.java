package io.mptcp4j.core.wire;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** Conversions between the compact address forms the codecs carry and {@link InetAddress}. */
public final class IpAddresses {

    private IpAddresses() {
    }

    /** The 32-bit big-endian value of an IPv4 address. */
    public static int toInt(Inet4Address address) {
        byte[] b = address.getAddress();
        return (b[0] & 0xFF) << 24 | (b[1] & 0xFF) << 16 | (b[2] & 0xFF) << 8 | (b[3] & 0xFF);
    }

    /** The IPv4 address whose 32-bit big-endian value this is. */
    public static Inet4Address inet4(int address) {
        byte[] b = {(byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address};
        try {
            return (Inet4Address) InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new AssertionError("a 4-byte address is always valid", e);
        }
    }

    /** An IPv6 address from 16 bytes, kept as IPv6 even when IPv4-mapped (InetAddress would turn it into IPv4). */
    public static Inet6Address inet6(byte[] address) {
        try {
            return Inet6Address.getByAddress(null, address, -1);
        } catch (UnknownHostException e) {
            throw new AssertionError("a 16-byte address is always valid", e);
        }
    }
}
