package io.mptcp4j.core.stack;

import java.nio.ByteBuffer;

/** Where a stack puts the IP packets it wants sent. */
@FunctionalInterface
public interface PacketSink {

    /**
     * Takes one complete IP packet (IPv4 or IPv6 header included) between the buffer's position and limit.
     * The sink must copy or send the bytes before it returns: the stack reuses the buffer.
     *
     * @return false when the sink is full; the stack keeps the packet and offers it again on the next poll
     */
    boolean accept(ByteBuffer packet);
}
