package io.mptcp4j.sim;

import java.util.ArrayDeque;

/** Reuses {@link InFlightPacket}s and their byte arrays, so a long transfer allocates only its peak in flight. */
final class PacketPool {

    private final ArrayDeque<InFlightPacket> free = new ArrayDeque<>();

    InFlightPacket take() {
        InFlightPacket packet = free.pollFirst();
        return packet != null ? packet : new InFlightPacket();
    }

    void give(InFlightPacket packet) {
        packet.reset();
        free.addFirst(packet);
    }
}
