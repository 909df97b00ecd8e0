package io.mptcp4j.core.tcp;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Objects;

/** One end of a TCP connection: an IP address and a port. */
public record TcpEndpoint(InetAddress address, int port) {

    public TcpEndpoint {
        Objects.requireNonNull(address, "address");
        if (port < 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    /** Whether the address is IPv6. */
    public boolean isIpv6() {
        return address instanceof Inet6Address;
    }

    @Override
    public String toString() {
        return isIpv6() ? "[" + address.getHostAddress() + "]:" + port : address.getHostAddress() + ":" + port;
    }
}
