package io.mptcp4j.core.mptcp;

import io.mptcp4j.core.wire.Dss;
import io.mptcp4j.core.wire.IpPacket;
import io.mptcp4j.core.wire.MalformedPacketException;
import io.mptcp4j.core.wire.MpCapable;
import io.mptcp4j.core.wire.MptcpOption;
import io.mptcp4j.core.wire.TcpSegment;
import io.mptcp4j.sim.SimNetwork;
import io.mptcp4j.sim.TraceKind;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Watches the data segments a simulated network delivers, per subflow and direction, as a receiver that learns
 * mappings only from the wire would (RFC 8684 section 3.3.1): every mapping must travel with its own first byte,
 * every data segment without one must lie inside a mapping of its subflow, and a mapping repeated (on a
 * retransmission) must be the same. {@link #verify()} checks it all at the end of a run.
 */
final class MappingWitness {

    /** A mapping as the wire carried it: relative subflow sequence number, DSN and data-level length. */
    record WireMapping(long ssn, long dsn, int length) {
        long end() {
            return ssn + length;
        }
    }

    /** One direction of one subflow. */
    static final class Flow {
        long isn = -1;
        final TreeMap<Long, WireMapping> mappings = new TreeMap<>();
        /** Mappings seen on a segment that began at their first byte. */
        final Map<Long, Boolean> begun = new HashMap<>();
        /** Data segments that carried no mapping: [relative start, end). */
        final List<long[]> unmapped = new ArrayList<>();
        final List<String> errors = new ArrayList<>();
        int dataSegments;
        int mappingSegments;
        int continuations;
        /** Segments carrying a mapping that began before them (a retransmission repeating it). */
        int repeatedMappings;
        /** Continuations that carried no DSS at all. */
        int bareContinuations;
        /** Lengths of the continuation segments' payloads. */
        final List<Integer> continuationPayloads = new ArrayList<>();
        /** Lengths of every data segment's payload, in the order delivered. */
        final List<Integer> payloads = new ArrayList<>();
    }

    private final Map<String, Flow> flows = new HashMap<>();

    /** Watches what {@code network} delivers from now on. */
    static MappingWitness on(SimNetwork network) {
        MappingWitness w = new MappingWitness();
        network.addObserver((time, kind, location, reason, packet) -> {
            if (kind == TraceKind.DELIVERED) {
                w.see(packet.duplicate());
            }
        });
        return w;
    }

    private void see(java.nio.ByteBuffer packet) {
        IpPacket.Ipv4Tcp decoded;
        try {
            decoded = IpPacket.decodeIpv4Tcp(packet, false);
        } catch (MalformedPacketException e) {
            return;
        }
        TcpSegment s = decoded.segment();
        String key = decoded.source().getHostAddress() + ":" + s.sourcePort() + ">"
                + decoded.destination().getHostAddress() + ":" + s.destinationPort();
        Flow f = flows.computeIfAbsent(key, k -> new Flow());
        if (s.has(TcpSegment.SYN)) {
            f.isn = s.sequenceNumber();
            return;
        }
        if (s.payloadLength() == 0 || f.isn < 0 || s.has(TcpSegment.RST)) {
            return;
        }
        long rel = (s.sequenceNumber() - f.isn) & 0xFFFF_FFFFL;
        int len = s.payloadLength();
        f.dataSegments++;
        f.payloads.add(len);
        WireMapping carried = null;
        Dss dss = null;
        for (MptcpOption o : s.mptcpOptions()) {
            if (o instanceof Dss d) {
                dss = d;
                if (d.hasMapping() && d.dataLevelLength() > 0 && !d.isDataFinAlone()) {
                    carried = new WireMapping(d.subflowSequenceNumber(), d.dataSequenceNumber(),
                            d.dataLevelLength() - (d.isDataFin() ? 1 : 0));
                }
            } else if (o instanceof MpCapable c && c.hasData()) {
                carried = new WireMapping(1, -1, c.dataLevelLength());
            }
        }
        if (carried == null) {
            // A continuation: a DSS with only the DATA_ACK, or none when the DATA_ACK has not moved (the bytes must
            // lie in a mapping seen before, which verify() checks).
            if (dss != null && (!dss.hasDataAck() || dss.encodedLength() > 12)) {
                f.errors.add("continuation at " + rel + " carries " + dss);
            }
            f.continuations++;
            if (dss == null) {
                f.bareContinuations++;
            }
            f.continuationPayloads.add(len);
            f.unmapped.add(new long[] {rel, rel + len});
            return;
        }
        f.mappingSegments++;
        if (rel < carried.ssn() || rel + len > carried.end()) {
            f.errors.add("mapping " + carried + " does not cover its segment at " + rel + "+" + len);
        }
        WireMapping known = f.mappings.get(carried.ssn());
        if (known != null && !sameMapping(known, carried)) {
            f.errors.add("mapping " + carried + " contradicts " + known);
        } else if (known == null) {
            f.mappings.put(carried.ssn(), carried);
        }
        if (rel == carried.ssn()) {
            f.begun.put(carried.ssn(), true);
        } else {
            f.repeatedMappings++;
        }
    }

    private static boolean sameMapping(WireMapping a, WireMapping b) {
        // The MP_CAPABLE form has no DSN on the wire; compare what both carry.
        return a.ssn() == b.ssn() && a.length() == b.length() && (a.dsn() < 0 || b.dsn() < 0 || a.dsn() == b.dsn());
    }

    /** Checks every flow: each mapping began with its first byte, each unmapped segment lies inside a mapping. */
    void verify() {
        for (Map.Entry<String, Flow> e : flows.entrySet()) {
            Flow f = e.getValue();
            assertThat(f.errors).as(e.getKey()).isEmpty();
            for (WireMapping m : f.mappings.values()) {
                assertThat(f.begun).as("%s: %s never travelled with its first byte", e.getKey(), m)
                        .containsKey(m.ssn());
            }
            for (long[] range : f.unmapped) {
                Map.Entry<Long, WireMapping> m = f.mappings.floorEntry(range[0]);
                assertThat(m).as("%s: no mapping for the segment at %d", e.getKey(), range[0]).isNotNull();
                assertThat(range[0]).as("%s: a continuation at a mapping's first byte", e.getKey())
                        .isGreaterThan(m.getValue().ssn());
                assertThat(range[1]).as("%s: segment [%d, %d) beyond %s", e.getKey(), range[0], range[1],
                        m.getValue()).isLessThanOrEqualTo(m.getValue().end());
            }
        }
    }

    /** The flows seen, by "source:port>destination:port". */
    Map<String, Flow> flows() {
        return flows;
    }

    int total(java.util.function.ToIntFunction<Flow> counter) {
        return flows.values().stream().mapToInt(counter).sum();
    }
}
