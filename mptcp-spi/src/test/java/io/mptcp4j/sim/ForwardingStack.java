package io.mptcp4j.sim;

import io.mptcp4j.core.stack.NetworkStack;
import io.mptcp4j.core.stack.PacketSink;
import io.mptcp4j.core.time.Deadlines;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * A router for the simulator: every packet its host receives is sent on again at once, unchanged, and the host's
 * routing ({@link SimHost}: the link whose far interface owns the destination) picks the next link. Queueing
 * happens on the links, as in a router's output queues; the forwarding itself takes no time and never drops.
 */
public final class ForwardingStack implements NetworkStack {

    private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>();
    private long forwarded;

    /** Packets sent on so far. */
    public long forwardedPackets() {
        return forwarded;
    }

    @Override
    public void handlePacket(long now, ByteBuffer packet) {
        // The simulator reuses the buffer once this returns: keep a copy.
        ByteBuffer copy = ByteBuffer.allocate(packet.remaining());
        copy.put(packet.duplicate()).flip();
        queue.addLast(copy);
    }

    @Override
    public int pollTransmit(long now, PacketSink sink) {
        int sent = 0;
        while (!queue.isEmpty() && sink.accept(queue.peekFirst())) {
            queue.removeFirst();
            forwarded++;
            sent++;
        }
        return sent;
    }

    @Override
    public long nextTimeout() {
        return Deadlines.NEVER;
    }

    @Override
    public void handleTimeout(long now) {
    }
}
