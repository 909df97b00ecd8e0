package io.mptcp4j.sim;

import java.nio.ByteBuffer;

/**
 * One copy of a packet travelling on a {@link SimLink}: its own bytes, its delivery event, and its place in the
 * link's list of packets in flight. Instances are pooled by {@link PacketPool}.
 */
final class InFlightPacket extends SimEvent {

    private static final int INITIAL_CAPACITY = 2048;

    private byte[] data = new byte[INITIAL_CAPACITY];
    private ByteBuffer view = ByteBuffer.wrap(data);
    private int length;

    SimLink link;
    /** Set when the link went down: the event still fires, but delivers nothing. */
    boolean cancelled;
    InFlightPacket previous;
    InFlightPacket next;

    /** Copies the packet between the position and the limit of {@code source}, leaving both unchanged. */
    void load(ByteBuffer source) {
        int size = source.remaining();
        if (data.length < size) {
            data = new byte[size];
            view = ByteBuffer.wrap(data);
        }
        source.get(source.position(), data, 0, size);
        length = size;
    }

    byte[] data() {
        return data;
    }

    int length() {
        return length;
    }

    /** The packet as a buffer whose position and limit are reset on each call. */
    ByteBuffer buffer() {
        view.clear().limit(length);
        return view;
    }

    void reset() {
        link = null;
        cancelled = false;
        previous = null;
        next = null;
    }

    @Override
    void fire() {
        link.arrive(this);
    }
}
