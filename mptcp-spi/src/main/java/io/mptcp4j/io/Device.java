package io.mptcp4j.io;

import io.mptcp4j.core.time.Deadlines;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The edge between a driver and the wire: complete IPv4 and IPv6 packets (IP header included) in and out, in
 * batches, never blocking except in {@link #awaitReadable}.
 *
 * <p>Buffer ownership:
 * <ul>
 *   <li>{@link #receive}: the caller owns the buffers before and after the call. The device writes packet
 *       {@code i} into {@code packets[i]} from its position on, then leaves the buffer flipped over that packet:
 *       the position where the packet starts, the limit after its last byte. The caller resets the buffers
 *       (for instance with {@link ByteBuffer#clear()}) before the next call. A packet that does not fit is
 *       dropped, never handed out cut.</li>
 *   <li>{@link #send}: the device reads the packet between position and limit and does not change either; it
 *       copies or sends the bytes before returning, so the caller may reuse the buffer at once.</li>
 * </ul>
 *
 * <p>One thread (the driver's) calls every method except {@link #wakeup()}, which any thread may call.
 * Decorators ({@link PcapDevice}, {@link FaultInjectingDevice}) wrap another device.
 */
public interface Device extends Closeable {

    /** The longest complete IP packet: a 65,535-byte IPv6 payload behind its 40-byte header. */
    int MAX_PACKET_LENGTH = 65_535 + 40;

    /** The most packets one {@link #receive} call fills. */
    int MAX_BATCH = 64;

    /**
     * Takes the packets that have arrived, without waiting: at most {@code min(packets.length, MAX_BATCH)}, each
     * into one of the caller's buffers as the class documentation describes.
     *
     * @return how many of {@code packets}, from index 0, now hold a packet; 0 if none is waiting
     */
    int receive(ByteBuffer[] packets) throws IOException;

    /**
     * Takes one complete IP packet for sending. The device may send it at once or hold it for a batch until
     * {@link #flush()}; a packet the network cannot carry (no route, say) is dropped and counted, as a router
     * would.
     *
     * @return false if the device cannot take it now (its queue is full); the caller keeps the packet, calls
     *         {@link #flush()} and {@link #awaitReadable}, which also returns once there is room again
     */
    boolean send(ByteBuffer packet) throws IOException;

    /** Hands every packet held for a batch to the network, as far as it takes them now. */
    void flush() throws IOException;

    /**
     * Blocks until a packet may have arrived, held packets can go out again, {@code timeoutNanos} passed
     * (0: do not block; {@link Long#MAX_VALUE}: no limit) or {@link #wakeup()} was called. It may return early
     * for no reason; callers just poll again.
     */
    void awaitReadable(long timeoutNanos) throws IOException;

    /**
     * Ends the current {@link #awaitReadable}, or makes the next one return at once. Any thread; cheap and
     * lock-free, so it may be called for every task handed to the driver.
     */
    void wakeup();

    /**
     * The earliest instant at which this device will have something to do without any input (a delayed packet
     * coming due), for the driver to wake by; {@link Deadlines#NEVER} if none. Devices that hold no packets
     * keep the default.
     */
    default long nextDeadline(long now) {
        return Deadlines.NEVER;
    }

    /** True until {@link #close()}. */
    boolean isOpen();

    /** Releases the device's sockets, files and ports; packets held for sending are lost. Idempotent. */
    @Override
    void close() throws IOException;
}
