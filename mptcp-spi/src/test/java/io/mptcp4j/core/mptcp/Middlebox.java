package io.mptcp4j.core.mptcp;

import io.mptcp4j.core.wire.Dss;
import io.mptcp4j.core.wire.IpPacket;
import io.mptcp4j.core.wire.Ipv4Header;
import io.mptcp4j.core.wire.MalformedPacketException;
import io.mptcp4j.core.wire.MptcpOption;
import io.mptcp4j.core.wire.TcpOption;
import io.mptcp4j.core.wire.TcpSegment;
import io.mptcp4j.sim.PacketMutator;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * Simulated middleboxes for {@link io.mptcp4j.sim.SimLink#mutator}: they decode each IPv4 TCP packet, rewrite the
 * segment, and re-encode it with correct IP and TCP checksums, as a real middlebox would.
 */
final class Middlebox {

    private Middlebox() {
    }

    /** Passes every packet through {@code rewrite} (which returns its segment, another one, or null to drop it). */
    static PacketMutator rewriting(UnaryOperator<TcpSegment> rewrite) {
        return packet -> {
            IpPacket.Ipv4Tcp decoded;
            try {
                decoded = IpPacket.decodeIpv4Tcp(packet.duplicate(), false);
            } catch (MalformedPacketException e) {
                return packet;
            }
            TcpSegment before = decoded.segment();
            TcpSegment after = rewrite.apply(before);
            if (after == null) {
                return null;
            }
            if (after == before) {
                return packet;
            }
            Ipv4Header ip = decoded.header();
            ByteBuffer out = ByteBuffer.allocate(Ipv4Header.MIN_LENGTH + after.encodedLength());
            new Ipv4Header(ip.typeOfService(), Ipv4Header.MIN_LENGTH + after.encodedLength(), ip.identification(),
                    ip.flags(), 0, ip.timeToLive(), ip.protocol(), 0, ip.source(), ip.destination(), new byte[0])
                    .encode(out);
            after.encodeIpv4(out, ip.source(), ip.destination());
            return out.flip();
        };
    }

    /** Removes every MPTCP option from the segments {@code when} selects. */
    static PacketMutator strippingMptcpOptions(Predicate<TcpSegment> when) {
        return rewriting(s -> when.test(s) ? withOptions(s, withoutMptcp(s.options())) : s);
    }

    /** The segment with other options (same header fields, payload and flags). */
    static TcpSegment withOptions(TcpSegment s, List<? extends TcpOption> options) {
        return TcpSegment.of(s.sourcePort(), s.destinationPort(), s.sequenceNumber(), s.acknowledgmentNumber(),
                s.flags(), s.window(), options, s.payload());
    }

    /** The segment's DSS option, or null if it carries none. */
    static Dss dss(TcpSegment s) {
        for (MptcpOption o : s.mptcpOptions()) {
            if (o instanceof Dss d) {
                return d;
            }
        }
        return null;
    }

    /** The segment with another payload of the same length. */
    static TcpSegment withPayload(TcpSegment s, ByteBuffer payload) {
        return TcpSegment.of(s.sourcePort(), s.destinationPort(), s.sequenceNumber(), s.acknowledgmentNumber(),
                s.flags(), s.window(), s.options(), payload);
    }

    static List<TcpOption> withoutMptcp(List<TcpOption> options) {
        List<TcpOption> kept = new ArrayList<>(options.size());
        for (TcpOption o : options) {
            if (!(o instanceof MptcpOption)) {
                kept.add(o);
            }
        }
        return kept;
    }
}
