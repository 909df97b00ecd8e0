package io.mptcp4j.core.tcp;

import io.mptcp4j.core.wire.TcpOption;
import io.mptcp4j.core.wire.TcpSegment;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Drives one {@link TcpConnection} by hand, smoltcp style: segments from the peer go in with {@link #send},
 * what the connection emits is checked with {@link #expect} and {@link #expectNothing}, and time moves only
 * when a test says so. Sequence numbers in {@link Seg} are relative: local byte 0 is LOCAL_ISS + 1, remote byte
 * 0 is REMOTE_ISS + 1 (-1 is the SYN).
 */
final class TcpHarness {

    static final long MS = 1_000_000L;
    static final long S = 1_000 * MS;
    static final InetAddress LOCAL_ADDRESS = address("192.168.1.1");
    static final InetAddress REMOTE_ADDRESS = address("192.168.1.2");
    static final TcpEndpoint LOCAL = new TcpEndpoint(LOCAL_ADDRESS, 49152);
    static final TcpEndpoint REMOTE = new TcpEndpoint(REMOTE_ADDRESS, 80);
    static final long LOCAL_ISS = 10_000;
    static final long REMOTE_ISS = 4_294_960_000L; // near the wrap, so every test crosses 2^32
    static final int MSS = 1000;
    static final int BUFFER = 64_000;
    static final int WINDOW = BUFFER;

    /** Plain TCP with round numbers: MSS 1000, 64000-byte buffers, no SACK, timestamps or window scaling. */
    static TcpConfig.Builder plain() {
        return TcpConfig.builder().mss(MSS).sack(false).timestamps(false).windowScaling(false)
                .receiveBufferSize(BUFFER).maxReceiveBufferSize(BUFFER).receiveBufferAutoTuning(false)
                .sendBufferSize(BUFFER).maxSendBufferSize(BUFFER).congestionControl("reno");
    }

    TcpConnection conn;
    long now = 1_000 * S;
    TcpConfig config;
    TcpExtension extension;
    final TcpStatistics statistics = new TcpStatistics();

    TcpHarness(TcpConfig config) {
        this.config = config;
    }

    static TcpHarness with(TcpConfig.Builder config) {
        return new TcpHarness(config.build());
    }

    // --- fixtures

    /** connect() and the SYN polled. */
    TcpHarness synSent() {
        conn = TcpConnection.builder(config, LOCAL, REMOTE).initialSequenceNumber(LOCAL_ISS)
                .statistics(statistics).extension(extension).connect(now);
        TcpSegment syn = poll();
        assertThat(syn).isNotNull();
        assertThat(syn.has(TcpSegment.SYN)).isTrue();
        return this;
    }

    /** Active open completed: SYN, SYN-ACK (MSS 1000, window 64000, and these options), ACK. */
    TcpHarness established(TcpOption... synAckOptions) {
        synSent();
        send(in().seq(-1).ack(0).flags(TcpSegment.SYN | TcpSegment.ACK).opt(new TcpOption.Mss(MSS))
                .opt(synAckOptions));
        TcpSegment ack = poll();
        assertThat(ack).isNotNull();
        assertThat(ack.flags()).isEqualTo(TcpSegment.ACK);
        assertThat(conn.state()).isEqualTo(TcpState.ESTABLISHED);
        return this;
    }

    /** Passive open from {@code syn}: SYN-ACK polled. */
    TcpHarness synReceived(Seg syn) {
        conn = TcpConnection.builder(config, LOCAL, REMOTE).initialSequenceNumber(LOCAL_ISS)
                .statistics(statistics).extension(extension).accept(now, syn.build());
        TcpSegment synAck = poll();
        assertThat(synAck).isNotNull();
        assertThat(synAck.has(TcpSegment.SYN | TcpSegment.ACK)).isTrue();
        return this;
    }

    TcpHarness synReceived() {
        return synReceived(in().seq(-1).flags(TcpSegment.SYN).opt(new TcpOption.Mss(MSS)));
    }

    /** Data the application wrote, after the fact. */
    int write(String text) {
        return conn.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1)));
    }

    int write(byte[] data) {
        return conn.write(ByteBuffer.wrap(data));
    }

    String read() {
        ByteBuffer b = ByteBuffer.allocate(1 << 20);
        int n = conn.read(b);
        return n <= 0 ? (n < 0 ? null : "") : new String(b.array(), 0, n, StandardCharsets.ISO_8859_1);
    }

    // --- segments

    /** A segment from the peer to the connection; default ACK flag, window {@link #WINDOW}. */
    static Seg in() {
        return new Seg(REMOTE.port(), LOCAL.port(), REMOTE_ISS, LOCAL_ISS);
    }

    /** A segment the connection is expected to send; default ACK flag, window {@link #WINDOW}. */
    static Seg out() {
        return new Seg(LOCAL.port(), REMOTE.port(), LOCAL_ISS, REMOTE_ISS);
    }

    void send(Seg segment) {
        conn.handleSegment(now, segment.build());
    }

    void send(TcpSegment segment) {
        conn.handleSegment(now, segment);
    }

    TcpSegment poll() {
        return conn.pollTransmit(now);
    }

    void expect(Seg expected) {
        TcpSegment actual = poll();
        TcpSegment wanted = expected.build();
        assertThat(actual).as("segment sent at " + now).isNotNull();
        assertThat(actual.toString()).isEqualTo(wanted.toString());
        assertThat(actual).isEqualTo(wanted);
    }

    void expectNothing() {
        assertThat(poll()).as("segment sent at " + now).isNull();
    }

    /** Moves time by {@code nanos} and runs the timers. */
    void advance(long nanos) {
        now += nanos;
        conn.handleTimeout(now);
    }

    /** Moves time to the next deadline and runs the timers; returns how far it moved. */
    long advanceToNextTimeout() {
        long next = conn.nextTimeout();
        assertThat(next).as("a timer is armed").isNotEqualTo(Long.MAX_VALUE);
        long moved = next - now;
        now = next;
        conn.handleTimeout(now);
        return moved;
    }

    private static InetAddress address(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** A segment under construction, with relative sequence numbers. */
    static final class Seg {
        private final int sourcePort;
        private final int destinationPort;
        private final long seqBase;
        private final long ackBase;
        private long seq;
        private long ack;
        private int flags = TcpSegment.ACK;
        private int window = WINDOW;
        private final List<TcpOption> options = new ArrayList<>();
        private byte[] data = new byte[0];

        Seg(int sourcePort, int destinationPort, long seqBase, long ackBase) {
            this.sourcePort = sourcePort;
            this.destinationPort = destinationPort;
            this.seqBase = seqBase;
            this.ackBase = ackBase;
        }

        /** Relative sequence number: 0 is the first data byte, -1 the SYN. */
        Seg seq(long relative) {
            this.seq = relative;
            return this;
        }

        /** Relative acknowledgment number, in the other side's space. */
        Seg ack(long relative) {
            this.ack = relative;
            return this;
        }

        /** Replaces the flags (ACK is not implied). */
        Seg flags(int flags) {
            this.flags = flags;
            return this;
        }

        Seg win(int window) {
            this.window = window;
            return this;
        }

        Seg opt(TcpOption... more) {
            options.addAll(Arrays.asList(more));
            return this;
        }

        Seg data(String text) {
            this.data = text.getBytes(StandardCharsets.ISO_8859_1);
            return this;
        }

        Seg data(byte[] bytes) {
            this.data = bytes.clone();
            return this;
        }

        /** {@code n} bytes of the repeating pattern that {@link #pattern} gives. */
        Seg data(long offset, int n) {
            this.data = pattern(offset, n);
            return this;
        }

        TcpSegment build() {
            long s = (seqBase + 1 + seq) & 0xFFFF_FFFFL;
            long a = (flags & TcpSegment.ACK) != 0 ? (ackBase + 1 + ack) & 0xFFFF_FFFFL : 0;
            return TcpSegment.of(sourcePort, destinationPort, s, a, flags, window, options, ByteBuffer.wrap(data));
        }
    }

    /** Deterministic test bytes: byte i of a stream is a function of i. */
    static byte[] pattern(long offset, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            long x = offset + i;
            b[i] = (byte) (x * 31 + (x >>> 8));
        }
        return b;
    }
}
