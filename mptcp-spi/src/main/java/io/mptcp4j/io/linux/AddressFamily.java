package io.mptcp4j.io.linux;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/** IPv4 or IPv6, with the Linux {@code AF_*} number. */
public enum AddressFamily {
    /** {@code AF_INET}. */
    IPV4(LinuxConstants.AF_INET, 4),
    /** {@code AF_INET6}. */
    IPV6(LinuxConstants.AF_INET6, 16);

    private final int nativeValue;
    private final int addressLength;

    AddressFamily(int nativeValue, int addressLength) {
        this.nativeValue = nativeValue;
        this.addressLength = addressLength;
    }

    /** The family of {@code address}. */
    public static AddressFamily of(InetAddress address) {
        if (address instanceof Inet4Address) {
            return IPV4;
        }
        if (address instanceof Inet6Address) {
            return IPV6;
        }
        throw new IllegalArgumentException("not an IP address: " + address);
    }

    /** The {@code AF_INET}/{@code AF_INET6} value. */
    public int nativeValue() {
        return nativeValue;
    }

    /** Bytes in an address of this family: 4 or 16. */
    public int addressLength() {
        return addressLength;
    }

    /** The C name, for messages. */
    String cName() {
        return this == IPV4 ? "AF_INET" : "AF_INET6";
    }
}
