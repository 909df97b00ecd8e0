package io.mptcp4j.sim;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * A network interface of a {@link SimHost}: a name, the addresses assigned to it, and at most one point-to-point
 * link, set by {@link SimNetwork#connect}.
 */
public final class SimInterface {

    private final SimHost host;
    private final String name;
    private final List<InetAddress> addresses;
    private final byte[][] addressBytes;
    private SimLink link;

    SimInterface(SimHost host, String name, List<InetAddress> addresses) {
        this.host = host;
        this.name = name;
        this.addresses = List.copyOf(addresses);
        this.addressBytes = new byte[this.addresses.size()][];
        for (int i = 0; i < addressBytes.length; i++) {
            addressBytes[i] = this.addresses.get(i).getAddress();
        }
    }

    public SimHost host() {
        return host;
    }

    public String name() {
        return name;
    }

    public List<InetAddress> addresses() {
        return addresses;
    }

    /** The outgoing link, or null while the interface is not connected. */
    public SimLink link() {
        return link;
    }

    /** Whether {@code address} is assigned to this interface. */
    public boolean owns(InetAddress address) {
        return addresses.contains(address);
    }

    /** "host:interface". */
    @Override
    public String toString() {
        return host.name() + ":" + name;
    }

    void attach(SimLink outgoing) {
        if (link != null) {
            throw new IllegalStateException(this + " is already connected by " + link);
        }
        link = outgoing;
    }

    /** Whether the address of {@code length} bytes at {@code offset} of {@code packet} is one of ours. */
    boolean owns(ByteBuffer packet, int offset, int length) {
        for (byte[] address : addressBytes) {
            if (address.length == length && IpHeaders.addressEquals(packet, offset, address)) {
                return true;
            }
        }
        return false;
    }
}
