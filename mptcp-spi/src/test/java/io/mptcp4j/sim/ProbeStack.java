package io.mptcp4j.sim;

import io.mptcp4j.core.stack.NetworkStack;
import io.mptcp4j.core.stack.PacketSink;
import io.mptcp4j.core.time.Deadlines;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A minimal {@link NetworkStack} for testing the simulator: it sends IP packets it is told to send (protocol 253,
 * reserved for experiments, with a 64-bit tag after the header), records what arrives, optionally echoes every
 * packet back, and has one timer.
 */
final class ProbeStack implements NetworkStack {

    static final int PROTOCOL_EXPERIMENTAL = 253;

    /** One received packet. */
    record Arrival(long time, long tag, byte[] packet) {
    }

    private final ArrayDeque<ByteBuffer> outbox = new ArrayDeque<>();
    private final List<Arrival> arrivals = new ArrayList<>();
    private boolean echo;
    private long timer = Deadlines.NEVER;
    private int timeouts;

    /** Makes the stack send every packet it receives back with the addresses swapped. */
    ProbeStack echo() {
        echo = true;
        return this;
    }

    /** Queues a packet of {@code totalLength} bytes; the addresses' family picks IPv4 or IPv6. */
    void send(InetAddress source, InetAddress destination, long tag, int totalLength) {
        outbox.addLast(ByteBuffer.wrap(packet(source, destination, tag, totalLength)));
    }

    void armTimer(long deadline) {
        timer = deadline;
    }

    int timeouts() {
        return timeouts;
    }

    List<Arrival> arrivals() {
        return arrivals;
    }

    List<Long> arrivedTags() {
        return arrivals.stream().map(Arrival::tag).toList();
    }

    @Override
    public void handlePacket(long now, ByteBuffer packet) {
        byte[] bytes = new byte[packet.remaining()];
        packet.get(packet.position(), bytes);
        arrivals.add(new Arrival(now, tagOf(bytes), bytes));
        if (echo) {
            outbox.addLast(ByteBuffer.wrap(swapAddresses(bytes)));
        }
    }

    @Override
    public int pollTransmit(long now, PacketSink sink) {
        int sent = 0;
        while (!outbox.isEmpty() && sink.accept(outbox.peekFirst())) {
            outbox.removeFirst();
            sent++;
        }
        return sent;
    }

    @Override
    public long nextTimeout() {
        return timer;
    }

    @Override
    public void handleTimeout(long now) {
        if (Deadlines.isDue(timer, now)) {
            timer = Deadlines.NEVER;
            timeouts++;
        }
    }

    /** An IPv4 (valid header checksum) or IPv6 packet carrying {@code tag} in its first 8 payload bytes. */
    static byte[] packet(InetAddress source, InetAddress destination, long tag, int totalLength) {
        boolean v4 = source instanceof Inet4Address;
        int header = v4 ? IpHeaders.IPV4_HEADER : IpHeaders.IPV6_HEADER;
        if (totalLength < header + Long.BYTES) {
            throw new IllegalArgumentException("too short for a tag: " + totalLength);
        }
        ByteBuffer buffer = ByteBuffer.allocate(totalLength);
        if (v4) {
            buffer.put((byte) 0x45).put((byte) 0).putShort((short) totalLength)
                    .putShort((short) tag).putShort((short) 0)
                    .put((byte) 64).put((byte) PROTOCOL_EXPERIMENTAL).putShort((short) 0)
                    .put(source.getAddress()).put(destination.getAddress());
            buffer.putShort(10, (short) ipv4HeaderChecksum(buffer.array()));
        } else {
            buffer.putInt(0x6000_0000).putShort((short) (totalLength - header))
                    .put((byte) PROTOCOL_EXPERIMENTAL).put((byte) 64)
                    .put(source.getAddress()).put(destination.getAddress());
        }
        buffer.putLong(header, tag);
        return buffer.array();
    }

    static long tagOf(byte[] packet) {
        return ByteBuffer.wrap(packet).getLong(IpHeaders.headerLength(packet));
    }

    /** The ones' complement sum of the 20-byte header with its checksum field zero, complemented. */
    static int ipv4HeaderChecksum(byte[] packet) {
        int sum = 0;
        for (int i = 0; i < IpHeaders.IPV4_HEADER; i += 2) {
            if (i != 10) {
                sum += ((packet[i] & 0xFF) << 8) | (packet[i + 1] & 0xFF);
            }
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return ~sum & 0xFFFF;
    }

    private static byte[] swapAddresses(byte[] packet) {
        byte[] copy = packet.clone();
        int length = (packet[0] & 0xF0) == 0x40 ? 4 : 16;
        int source = length == 4 ? 12 : 8;
        System.arraycopy(packet, source, copy, source + length, length);
        System.arraycopy(packet, source + length, copy, source, length);
        return copy;
    }
}
