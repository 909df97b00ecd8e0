package io.mptcp4j.core.mptcp;

import io.mptcp4j.core.wire.Dss;
import io.mptcp4j.core.wire.DssChecksum;
import io.mptcp4j.core.wire.IpPacket;
import io.mptcp4j.core.wire.MalformedPacketException;
import io.mptcp4j.core.wire.MpCapable;
import io.mptcp4j.core.wire.MptcpCrypto;
import io.mptcp4j.core.wire.MptcpOption;
import io.mptcp4j.core.wire.TcpSegment;
import io.mptcp4j.sim.ByteStreamChecker;
import io.mptcp4j.sim.LinkConfig;
import io.mptcp4j.sim.TraceKind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The options the stack puts on the wire, segment by segment, as RFC 8684 and Linux expect them: the MP_CAPABLE
 * forms of the handshake, a DSS with a DATA_ACK on every later segment (64-bit on pure ACKs, 32-bit on data
 * segments), a 64-bit mapping on the segment that begins it (and on every data segment when checksums are on, with
 * a checksum that verifies), only the DATA_ACK on the data segments that continue a mapping (section 3.3.1), and
 * the DATA_FIN.
 */
class MptcpWireTest {

    /** A segment seen on the wire, with its direction. */
    private record Sent(boolean fromClient, TcpSegment segment, byte[] payload) {
    }

    @ParameterizedTest(name = "checksums {0}")
    @ValueSource(booleans = {false, true})
    void everySegmentCarriesTheOptionsTheRfcCallsFor(boolean checksums) {
        MptcpPair pair = new MptcpPair(50, MptcpConfig.builder().checksums(checksums).build(),
                LinkConfig.builder().delay(Duration.ofMillis(5)).build());
        ByteStreamChecker up = new ByteStreamChecker(50, 200_000);
        ByteStreamChecker down = new ByteStreamChecker(51, 100_000);
        pair.clientEnd = new StreamEnd(up, down);
        pair.serverEnd = new StreamEnd(down, up);
        List<Sent> wire = new ArrayList<>();
        pair.network().addObserver((time, kind, location, reason, packet) -> {
            if (kind != TraceKind.SENT) {
                return;
            }
            try {
                TcpSegment s = IpPacket.decodeIpv4Tcp(packet.duplicate(), true).segment();
                byte[] payload = new byte[s.payloadLength()];
                s.payload().get(payload);
                wire.add(new Sent(location.startsWith("client"), s, payload));
            } catch (MalformedPacketException e) {
                throw new AssertionError(e);
            }
        });
        MptcpConnection c = pair.connect();
        pair.runUntilClosed(Duration.ofSeconds(30));
        up.assertTransferred();
        down.assertTransferred();
        MptcpConnection s = pair.serverConnection;

        // The handshake (section 3.1).
        MpCapable syn = capable(wire.get(0));
        assertThat(syn.form()).isEqualTo(MpCapable.Form.SYN);
        assertThat(syn.hmacSha256()).isTrue();
        assertThat(syn.checksumRequired()).isEqualTo(checksums);
        MpCapable synAck = capable(wire.get(1));
        assertThat(synAck.form()).isEqualTo(MpCapable.Form.SYN_ACK);
        assertThat(synAck.senderKey()).isEqualTo(s.localKey());
        MpCapable third = capable(wire.get(2));
        assertThat(third.form()).isEqualTo(MpCapable.Form.ACK);
        assertThat(third.senderKey()).isEqualTo(c.localKey());
        assertThat(third.receiverKey()).isEqualTo(s.localKey());

        long clientIsn = wire.get(0).segment().sequenceNumber();
        long serverIsn = wire.get(1).segment().sequenceNumber();
        long clientIdsn = MptcpCrypto.idsn(c.localKey());
        boolean firstClientData = true;
        int dataFins = 0;
        int continuations = 0;
        // The last mapping each side sent, as relative subflow sequence number and data-level length.
        long[][] lastMapping = {{1, 0}, {1, 0}};
        for (Sent sent : wire.subList(3, wire.size())) {
            TcpSegment seg = sent.segment();
            if (seg.has(TcpSegment.RST)) {
                throw new AssertionError("unexpected RST " + seg);
            }
            if (sent.fromClient() && firstClientData && seg.payloadLength() > 0) {
                // The client's first data repeats MP_CAPABLE with the data-level length (section 3.1).
                firstClientData = false;
                MpCapable first = capable(sent);
                assertThat(first.form()).isEqualTo(checksums ? MpCapable.Form.ACK_DATA_CHECKSUM
                        : MpCapable.Form.ACK_DATA);
                assertThat(first.dataLevelLength()).isGreaterThanOrEqualTo(seg.payloadLength());
                lastMapping[0] = new long[] {1, first.dataLevelLength()};
                continue;
            }
            Dss dss = dss(sent);
            assertThat(dss).as("a DSS on %s", seg).isNotNull();
            assertThat(dss.hasDataAck()).isTrue();
            assertThat(dss.isDataAck64()).as("64-bit DATA_ACK on pure ACKs only").isEqualTo(seg.payloadLength() == 0);
            if (seg.payloadLength() > 0) {
                long isn = sent.fromClient() ? clientIsn : serverIsn;
                long relative = (seg.sequenceNumber() - isn) & 0xFFFF_FFFFL;
                long[] last = lastMapping[sent.fromClient() ? 0 : 1];
                if (!dss.hasMapping()) {
                    // Section 3.3.1: a continuation of the mapping an earlier segment carried, never its start.
                    assertThat(checksums).as("continuations only without checksums").isFalse();
                    assertThat(dss.encodedLength()).isEqualTo(8);
                    assertThat(relative).isGreaterThan(last[0]);
                    assertThat(relative + seg.payloadLength()).isLessThanOrEqualTo(last[0] + last[1]);
                    continuations++;
                    continue;
                }
                if (relative == dss.subflowSequenceNumber()) {
                    lastMapping[sent.fromClient() ? 0 : 1] = new long[] {dss.subflowSequenceNumber(),
                            dss.dataLevelLength()};
                }
                assertThat(dss.isDsn64()).isTrue();
                assertThat(dss.hasChecksum()).isEqualTo(checksums);
                assertThat(relative).isGreaterThanOrEqualTo(dss.subflowSequenceNumber());
                assertThat(relative + seg.payloadLength())
                        .isLessThanOrEqualTo(dss.subflowSequenceNumber() + dss.dataLevelLength());
                if (sent.fromClient()) {
                    // A single subflow without reinjection: DSN = IDSN + relative subflow sequence number.
                    assertThat(dss.dataSequenceNumber() - clientIdsn).isEqualTo(dss.subflowSequenceNumber());
                }
                if (checksums && relative == dss.subflowSequenceNumber()
                        && seg.payloadLength() == dss.dataLevelLength()) {
                    assertThat(DssChecksum.verifies(dss.dataSequenceNumber(), dss.subflowSequenceNumber(),
                            dss.dataLevelLength(), dss.checksum(), ByteBuffer.wrap(sent.payload()))).isTrue();
                }
            } else if (dss.hasMapping()) {
                // Section 3.3.3: a DATA_FIN alone maps subflow sequence number 0, data-level length 1.
                assertThat(dss.isDataFin()).isTrue();
                assertThat(dss.subflowSequenceNumber()).isZero();
                assertThat(dss.dataLevelLength()).isEqualTo(1);
                dataFins++;
            }
        }
        assertThat(dataFins).isGreaterThanOrEqualTo(2);
        if (checksums) {
            assertThat(continuations).isZero();
        } else {
            assertThat(continuations).isPositive();
        }
    }

    private static MpCapable capable(Sent sent) {
        for (MptcpOption o : sent.segment().mptcpOptions()) {
            if (o instanceof MpCapable c) {
                return c;
            }
        }
        throw new AssertionError("no MP_CAPABLE on " + sent.segment());
    }

    private static Dss dss(Sent sent) {
        for (MptcpOption o : sent.segment().mptcpOptions()) {
            if (o instanceof Dss d) {
                return d;
            }
        }
        return null;
    }
}
