package io.mptcp4j.driver;

import io.mptcp4j.io.linux.NetworkNamespace;
import java.net.InetAddress;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What the builders of {@link UserspaceTcp} and {@link UserspaceMptcp} share: the namespace, the local addresses,
 * the device decorator and the raw sockets' receive buffer. Each subclass adds its configuration and opens.
 *
 * @param <B> the concrete builder, which every setter returns
 */
abstract class RawStackBuilder<B extends RawStackBuilder<B>> {

    private final Set<InetAddress> addresses = new LinkedHashSet<>();
    NetworkNamespace namespace;
    UserspaceTcp.DeviceDecorator decorator = device -> device;
    int receiveBufferBytes = 4 << 20;

    RawStackBuilder() {
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /** The namespace of the raw sockets and port reservations; by default the calling thread's. */
    public B namespace(NetworkNamespace namespace) {
        this.namespace = Objects.requireNonNull(namespace, "namespace");
        return self();
    }

    /** A local address of the stack (one per call, in order; the first of a family is the default source). */
    public B address(InetAddress address) {
        addresses.add(Objects.requireNonNull(address, "address"));
        return self();
    }

    /** Wraps the raw device, e.g. in a {@link io.mptcp4j.io.PcapDevice}; by default none. */
    public B decorateDevice(UserspaceTcp.DeviceDecorator decorator) {
        this.decorator = Objects.requireNonNull(decorator, "decorator");
        return self();
    }

    /** The kernel receive buffer of each raw socket; 4 MiB by default. */
    public B receiveBufferBytes(int bytes) {
        this.receiveBufferBytes = bytes;
        return self();
    }

    /**
     * The addresses given, in order.
     *
     * @throws IllegalStateException without any, naming {@code what} needs one
     */
    List<InetAddress> addresses(String what) {
        if (addresses.isEmpty()) {
            throw new IllegalStateException("a " + what + " needs at least one local address");
        }
        return List.copyOf(addresses);
    }
}
