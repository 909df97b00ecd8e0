package io.mptcp4j.core.pm;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * An address of the peer: the one the connection started with (id 0) or one it announced with ADD_ADDR
 * (RFC 8684 section 3.4.1). The port is the peer's port for subflows to this address: the announced one, or the
 * initial subflow's port when the announcement had none.
 *
 * @param id the peer's address id, 0 to 255
 */
public record RemoteAddress(int id, InetSocketAddress address) {
    public RemoteAddress {
        Objects.requireNonNull(address, "address");
        if (id < 0 || id > 255) {
            throw new IllegalArgumentException("address id out of range: " + id);
        }
    }
}
