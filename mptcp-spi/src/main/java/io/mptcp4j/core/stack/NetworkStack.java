package io.mptcp4j.core.stack;

import java.nio.ByteBuffer;

/**
 * The sans-IO face of a whole protocol stack: IP packets in, IP packets out, time passed in by the caller.
 *
 * <p>The same object runs under the deterministic simulator (virtual time, simulated links) and under the
 * event-loop driver (the system clock, a raw-socket device). Implementations never read a clock, open a socket
 * or start a thread, and are driven from one thread at a time.
 *
 * <p>Times are nanoseconds on a monotonic clock with an arbitrary origin; {@link Long#MAX_VALUE} means "never".
 */
public interface NetworkStack {

    /**
     * Handles one received IP packet: a complete IPv4 or IPv6 packet, header included, between position and
     * limit. A packet that does not decode, or that belongs to no connection, is counted and dropped (or
     * answered with a RST where RFC 9293 says so); it never throws.
     */
    void handlePacket(long now, ByteBuffer packet);

    /**
     * Hands the packets that are ready to go at {@code now} to the sink, until there are none or the sink is
     * full. Returns how many packets the sink took.
     */
    int pollTransmit(long now, PacketSink sink);

    /** The earliest time at which {@link #handleTimeout} has work to do, or {@link Long#MAX_VALUE}. */
    long nextTimeout();

    /** Runs every timer that is due at {@code now}. Calling it early is harmless. */
    void handleTimeout(long now);
}
