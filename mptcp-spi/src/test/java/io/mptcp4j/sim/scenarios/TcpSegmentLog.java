package io.mptcp4j.sim.scenarios;

import io.mptcp4j.core.wire.IpPacket;
import io.mptcp4j.core.wire.MalformedPacketException;
import io.mptcp4j.core.wire.TcpSegment;
import io.mptcp4j.sim.DropReason;
import io.mptcp4j.sim.PacketObserver;
import io.mptcp4j.sim.SimLink;
import io.mptcp4j.sim.TraceKind;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** The TCP headers a host put on one link (what a capture at the sender shows), decoded for assertions. */
public final class TcpSegmentLog implements PacketObserver {

    /**
     * One segment.
     *
     * @param time          the virtual instant it was sent
     * @param seq           the sequence number
     * @param flags         the TCP flags ({@link TcpSegment#SYN} and the others)
     * @param window        the window field, unscaled
     * @param payloadLength the data bytes it carried
     */
    public record Entry(long time, long seq, int flags, int window, int payloadLength) {
    }

    private final String location;
    private final List<Entry> entries = new ArrayList<>();

    private TcpSegmentLog(String location) {
        this.location = location;
    }

    /** Starts logging what is sent on {@code link}. */
    public static TcpSegmentLog of(SimLink link) {
        TcpSegmentLog log = new TcpSegmentLog(link.name());
        link.from().host().network().addObserver(log);
        return log;
    }

    /** Every segment sent so far, in order. */
    public List<Entry> entries() {
        return List.copyOf(entries);
    }

    /** The segments sent in {@code [from, to)}. */
    public List<Entry> between(long from, long to) {
        return entries.stream().filter(e -> e.time() >= from && e.time() < to).toList();
    }

    @Override
    public void onPacket(long time, TraceKind kind, String where, DropReason reason, ByteBuffer packet) {
        if (kind != TraceKind.SENT || !where.equals(location)) {
            return;
        }
        TcpSegment segment = decode(packet.duplicate());
        entries.add(new Entry(time, segment.sequenceNumber(), segment.flags(), segment.window(),
                segment.payloadLength()));
    }

    private static TcpSegment decode(ByteBuffer packet) {
        try {
            boolean ipv4 = (packet.get(packet.position()) & 0xF0) == 0x40;
            return ipv4 ? IpPacket.decodeIpv4Tcp(packet, false).segment()
                    : IpPacket.decodeIpv6Tcp(packet, false).segment();
        } catch (MalformedPacketException e) {
            throw new AssertionError("not a TCP packet: " + e.getMessage(), e);
        }
    }
}
