package io.mptcp4j.core.stack;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;

/**
 * One network interface of the host a stack runs on, as the driver's link monitor sees it: whether it can carry
 * packets and the addresses it holds with their prefixes. The stack uses it to tell which of its paths a link
 * failure cuts: a packet leaves through the interface of its local address when its route is pinned (a subflow
 * this side opened from that address), otherwise through the interface whose subnet holds its destination,
 * otherwise through the interface of its local address.
 *
 * @param name the interface name, for messages
 * @param up   whether it is administratively up and has carrier
 */
public record LocalLink(String name, boolean up, List<Prefix> addresses) {

    public LocalLink {
        Objects.requireNonNull(name, "name");
        addresses = List.copyOf(addresses);
    }

    /** An address of the interface and the length of its subnet prefix. */
    public record Prefix(InetAddress address, int length) {
        public Prefix {
            Objects.requireNonNull(address, "address");
            int bits = address.getAddress().length * 8;
            if (length < 0 || length > bits) {
                throw new IllegalArgumentException("prefix length " + length + " out of range for " + address);
            }
        }

        /** Whether {@code other} lies in this prefix's subnet (same family, same leading bits). */
        public boolean covers(InetAddress other) {
            byte[] a = address.getAddress();
            byte[] b = other.getAddress();
            if (a.length != b.length) {
                return false;
            }
            int full = length / 8;
            for (int i = 0; i < full; i++) {
                if (a[i] != b[i]) {
                    return false;
                }
            }
            int rest = length % 8;
            if (rest == 0) {
                return true;
            }
            int mask = 0xFF << (8 - rest) & 0xFF;
            return (a[full] & mask) == (b[full] & mask);
        }
    }

    /** The same link, up or down. */
    public LocalLink withUp(boolean on) {
        return new LocalLink(name, on, addresses);
    }

    /** Whether {@code address} is one of this interface's. */
    public boolean owns(InetAddress address) {
        for (Prefix p : addresses) {
            if (p.address().equals(address)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code remote} lies on one of this interface's subnets (a connected route). */
    public boolean isConnected(InetAddress remote) {
        for (Prefix p : addresses) {
            if (p.covers(remote)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The link, among {@code links}, that packets from {@code local} to {@code remote} leave through (see the
     * class comment), or null when none of them is it.
     */
    public static LocalLink egress(List<LocalLink> links, InetAddress local, InetAddress remote, boolean pinned) {
        if (!pinned) {
            for (LocalLink l : links) {
                if (l.isConnected(remote)) {
                    return l;
                }
            }
        }
        for (LocalLink l : links) {
            if (l.owns(local)) {
                return l;
            }
        }
        return null;
    }
}
