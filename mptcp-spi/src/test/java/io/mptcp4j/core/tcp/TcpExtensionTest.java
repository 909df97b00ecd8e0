package io.mptcp4j.core.tcp;

import io.mptcp4j.core.wire.Dss;
import io.mptcp4j.core.wire.MpCapable;
import io.mptcp4j.core.wire.MpTcpRst;
import io.mptcp4j.core.wire.MptcpOption;
import io.mptcp4j.core.wire.TcpOption;
import io.mptcp4j.core.wire.TcpSegment;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import static io.mptcp4j.core.tcp.TcpConnectionRecoveryTest.drain;
import static io.mptcp4j.core.tcp.TcpHarness.LOCAL_ISS;
import static io.mptcp4j.core.tcp.TcpHarness.in;
import static io.mptcp4j.core.tcp.TcpHarness.out;
import static io.mptcp4j.core.tcp.TcpHarness.pattern;
import static io.mptcp4j.core.tcp.TcpHarness.plain;
import static io.mptcp4j.core.wire.TcpSegment.ACK;
import static io.mptcp4j.core.wire.TcpSegment.FIN;
import static io.mptcp4j.core.wire.TcpSegment.PSH;
import static io.mptcp4j.core.wire.TcpSegment.RST;
import static io.mptcp4j.core.wire.TcpSegment.SYN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@link TcpExtension} hooks MPTCP runs on: option space, options in and out, data, state, veto. */
class TcpExtensionTest {

    private static final TcpOption MSS = new TcpOption.Mss(TcpHarness.MSS);
    private static final TcpOption MP_CAPABLE_SYN = MpCapable.syn(0x01);
    private static final TcpOption MP_CAPABLE_SYN_ACK = MpCapable.synAck(0x01, 0x1122334455667788L);

    /** Records every call; options and behaviour are set per test. */
    static final class Recorder implements TcpExtension {
        final List<String> plans = new ArrayList<>();
        final List<TcpSegment> seen = new ArrayList<>();
        final List<String> states = new ArrayList<>();
        final ByteArrayOutputStream taken = new ByteArrayOutputStream();
        Function<SegmentPlan, TcpOption> option = p -> null;
        int payloadCap = Integer.MAX_VALUE;
        int takeAtMost = 0;
        long window = -1;
        List<TcpOption> refuseWith;

        @Override
        public void planSegment(TcpConnection connection, SegmentPlan plan) {
            plans.add(flagsOf(plan.flags()) + " seq=" + plan.sequenceNumber() + " off=" + plan.streamOffset()
                    + " len=" + plan.payloadLength() + " budget=" + plan.optionBudget()
                    + (plan.isRetransmission() ? " rtx" : ""));
            TcpOption o = option.apply(plan);
            if (o != null) {
                plan.reserveOptionSpace(o.encodedLength());
            }
            plan.limitPayload(payloadCap);
        }

        @Override
        public void addOptions(TcpConnection connection, SegmentPlan segment, List<TcpOption> options) {
            TcpOption o = option.apply(segment);
            if (o != null) {
                options.add(o);
            }
        }

        @Override
        public void onSegment(TcpConnection connection, TcpSegment segment) {
            seen.add(segment);
            if (refuseWith != null) {
                connection.abort(refuseWith);
            }
        }

        @Override
        public void onData(TcpConnection connection, long streamOffset, ByteBuffer data) {
            int n = Math.min(takeAtMost, data.remaining());
            byte[] b = new byte[n];
            data.get(b);
            taken.write(b, 0, n);
            takeAtMost -= n;
        }

        @Override
        public long advertisedWindow(TcpConnection connection, long subflowWindow) {
            return window >= 0 ? window : subflowWindow;
        }

        @Override
        public void onStateChanged(TcpConnection connection, TcpState from, TcpState to) {
            states.add(from + ">" + to);
        }

        private static String flagsOf(int flags) {
            return ((flags & SYN) != 0 ? "S" : "") + ((flags & FIN) != 0 ? "F" : "") + ((flags & ACK) != 0 ? "." : "");
        }
    }

    private final Recorder ext = new Recorder();

    private TcpHarness established() {
        TcpHarness h = TcpHarness.with(plain());
        h.extension = ext;
        h.synSent();
        h.send(in().seq(-1).ack(0).flags(SYN | ACK).opt(MSS, MP_CAPABLE_SYN_ACK));
        h.poll();
        return h;
    }

    @Test
    void addsOptionsToTheSynWithinTheBudgetLeftByTheEnginesOwn() {
        ext.option = p -> (p.flags() & SYN) != 0 ? MP_CAPABLE_SYN : null;
        TcpHarness h = TcpHarness.with(plain());
        h.extension = ext;
        h.conn = TcpConnection.builder(h.config, TcpHarness.LOCAL, TcpHarness.REMOTE)
                .initialSequenceNumber(LOCAL_ISS).extension(ext).connect(h.now);
        h.expect(out().seq(-1).flags(SYN).opt(MSS, MP_CAPABLE_SYN));
        // 40 bytes of option space less the 4-byte MSS option.
        assertThat(ext.plans).containsExactly("S seq=" + LOCAL_ISS + " off=-1 len=0 budget=36");
        assertThat(ext.states).containsExactly("CLOSED>SYN_SENT");
    }

    @Test
    void seesTheSynAckBeforeTheConnectionIsEstablished() {
        TcpHarness h = established();
        assertThat(ext.seen).hasSize(1);
        assertThat(ext.seen.get(0).mptcpOptions()).containsExactly((MptcpOption) MP_CAPABLE_SYN_ACK);
        assertThat(ext.states).containsExactly("CLOSED>SYN_SENT", "SYN_SENT>ESTABLISHED");
        h.send(in().seq(0).ack(0).data("x").opt(Dss.dataAck(5, false)));
        assertThat(ext.seen).hasSize(2);
        assertThat(ext.seen.get(1).mptcpOptions()).containsExactly(Dss.dataAck(5, false));
    }

    @Test
    void canRefuseASynAckWithAResetCarryingItsReason() {
        ext.refuseWith = List.of(new MpTcpRst(false, 0x03, 0));
        TcpHarness h = TcpHarness.with(plain());
        h.extension = ext;
        h.synSent();
        h.send(in().seq(-1).ack(0).flags(SYN | ACK).opt(MSS));
        h.expect(out().seq(0).flags(RST).win(0).opt(new MpTcpRst(false, 0x03, 0)));
        assertThat(h.conn.state()).isEqualTo(TcpState.CLOSED);
        assertThat(h.conn.error().reason()).isEqualTo(TcpConnectionException.Reason.ABORTED);
    }

    @Test
    void aListenersFactoryMakesTheExtensionWhichCanRefuseTheSyn() {
        ext.refuseWith = List.of(new MpTcpRst(false, 0x01, 0));
        List<TcpSegment> synsSeenByFactory = new ArrayList<>();
        TcpConnection c = TcpConnection.builder(TcpHarness.plain().build(), TcpHarness.LOCAL, TcpHarness.REMOTE)
                .initialSequenceNumber(LOCAL_ISS)
                .extensionFactory((conn, syn) -> {
                    synsSeenByFactory.add(syn);
                    return ext;
                })
                .accept(0, in().seq(-1).flags(SYN).opt(MSS, MP_CAPABLE_SYN).build());
        assertThat(synsSeenByFactory).hasSize(1);
        assertThat(ext.seen).hasSize(1);
        assertThat(c.state()).isEqualTo(TcpState.CLOSED);
        TcpSegment rst = c.pollTransmit(0);
        assertThat(rst.flags()).isEqualTo(RST | ACK);
        assertThat(rst.acknowledgmentNumber()).isEqualTo((TcpHarness.REMOTE_ISS + 1) & 0xFFFF_FFFFL);
        assertThat(rst.options()).containsExactly(new MpTcpRst(false, 0x01, 0));
        assertThat(c.pollTransmit(0)).isNull();
    }

    @Test
    void reservedOptionSpaceShrinksThePayload() {
        Dss mapping = Dss.mapping(1000, false, 1, 980, false);
        ext.option = p -> (p.flags() & SYN) == 0 && p.payloadLength() > 0 ? mapping : null;
        TcpHarness h = established();
        ext.plans.clear();
        h.write(pattern(0, 3000));
        List<TcpSegment> sent = drain(h);
        // The DSS option (14 bytes, padded to 16) comes out of the 1000-byte MSS.
        assertThat(sent).extracting(TcpSegment::payloadLength).containsExactly(984, 984, 984);
        assertThat(sent.get(0).options()).containsExactly(mapping);
        assertThat(ext.plans.get(0)).isEqualTo(". seq=" + (LOCAL_ISS + 1) + " off=0 len=1000 budget=40");
        assertThat(ext.plans.get(1)).isEqualTo(". seq=" + (LOCAL_ISS + 985) + " off=984 len=1000 budget=40");
    }

    @Test
    void aPayloadCapKeepsSegmentsInsideAMappingAndIsNotMistakenForATinySegment() {
        ext.payloadCap = 300;
        TcpHarness h = established();
        h.write(pattern(0, 1000));
        assertThat(drain(h)).extracting(TcpSegment::payloadLength).containsExactly(300, 300, 300);
    }

    @Test
    void retransmissionsAreFlaggedAndResizedToTheSpaceNowReserved() {
        TcpHarness h = established();
        h.write(pattern(0, 1000));
        h.expect(out().seq(0).ack(0).flags(ACK | PSH).data(0, 1000));
        Dss mapping = Dss.mapping(1000, false, 1, 1000, false);
        ext.option = p -> mapping;
        ext.plans.clear();
        h.advanceToNextTimeout();
        List<TcpSegment> resent = drain(h);
        // The option now takes 16 bytes: the record is split, and both parts fit the 1000-byte loss window.
        assertThat(resent).extracting(TcpSegment::payloadLength).containsExactly(984, 16);
        assertThat(resent).allSatisfy(s -> assertThat(s.options()).containsExactly(mapping));
        assertThat(ext.plans).allSatisfy(p -> assertThat(p).endsWith(" rtx"));
        h.send(in().seq(0).ack(1000));
        assertThat(h.conn.bytesInFlight()).isZero();
    }

    @Test
    void takesInOrderDataStraightFromTheSegment() {
        TcpHarness h = established();
        ext.takeAtMost = 3;
        h.send(in().seq(0).ack(0).data("abcdef"));
        assertThat(ext.taken.toString()).isEqualTo("abc");
        // What it left stays readable.
        assertThat(h.read()).isEqualTo("def");
        h.advanceToNextTimeout();
        h.expect(out().seq(0).ack(6).win(TcpHarness.WINDOW - 6));
    }

    @Test
    void isOfferedBufferedDataOnceAHoleFills() {
        TcpHarness h = established();
        ext.takeAtMost = 100;
        h.send(in().seq(3).ack(0).data("def"));
        assertThat(ext.taken.size()).isZero();
        h.send(in().seq(0).ack(0).data("abc"));
        assertThat(ext.taken.toString()).isEqualTo("abcdef");
        assertThat(h.read()).isEmpty();
    }

    @Test
    void decidesTheAdvertisedWindow() {
        TcpHarness h = established();
        ext.window = 12_345;
        h.conn.requestAck();
        h.expect(out().seq(0).ack(0).win(12_345));
    }

    @Test
    void requestAckSendsAnAckCarryingTheExtensionsOptions() {
        TcpHarness h = established();
        Dss dataAck = Dss.dataAck(77, false);
        ext.option = p -> dataAck;
        h.expectNothing();
        h.conn.requestAck();
        h.expect(out().seq(0).ack(0).opt(dataAck));
    }

    @Test
    void followsEveryStateChange() {
        TcpHarness h = established();
        h.conn.shutdownOutput();
        h.poll();
        h.send(in().seq(0).ack(1).flags(ACK | FIN));
        // The ACK of our FIN is processed before the peer's FIN (RFC 9293 3.10.7.4, fifth then eighth).
        assertThat(ext.states).containsExactly("CLOSED>SYN_SENT", "SYN_SENT>ESTABLISHED",
                "ESTABLISHED>FIN_WAIT_1", "FIN_WAIT_1>FIN_WAIT_2", "FIN_WAIT_2>TIME_WAIT");
    }

    @Test
    void anOptionLargerThanReservedIsABug() {
        TcpHarness h = established();
        ext.option = p -> null;
        TcpExtension greedy = new TcpExtension() {
            @Override
            public void addOptions(TcpConnection c, SegmentPlan s, List<TcpOption> options) {
                options.add(Dss.dataAck(1, false));
            }
        };
        TcpConnection c = TcpConnection.builder(TcpHarness.plain().build(), TcpHarness.LOCAL, TcpHarness.REMOTE)
                .extension(greedy).connect(0);
        assertThatThrownBy(() -> c.pollTransmit(0))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("reserved 0");
        assertThat(h.conn.state()).isEqualTo(TcpState.ESTABLISHED);
    }
}
