package io.mptcp4j.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mptcp4j.samples.PerfProtocol.Header;
import io.mptcp4j.samples.PerfProtocol.Limit;
import io.mptcp4j.samples.PerfProtocol.ProtocolException;
import io.mptcp4j.samples.PerfProtocol.Report;
import io.mptcp4j.samples.PerfProtocol.SenderTrailer;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@code mptcp perf}'s wire messages, its data pattern and the receiver's check of it (no network). */
class PerfProtocolTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final String SHA = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

    @Test
    void theHeaderHasAFixedLayout() {
        ByteBuffer b = new Header(true, Limit.ofMillis(2_000), 0x0102030405060708L).encode();
        assertThat(b.remaining()).isEqualTo(PerfProtocol.HEADER_LENGTH);
        // magic "M4jP", version 1, flags 1 (reverse), kind 1 (milliseconds), reserved, 2000, the seed
        assertThat(hex(b)).isEqualTo("4d346a50" + "01" + "01" + "01" + "00" + "00000000000007d0"
                + "0102030405060708");
        assertThat(hex(new Header(false, Limit.ofBytes(1 << 20), -1).encode())).isEqualTo("4d346a50" + "01"
                + "00" + "00" + "00" + "0000000000100000" + "ffffffffffffffff");
    }

    @Test
    void headersRoundTrip() throws Exception {
        for (Header h : new Header[] {new Header(false, Limit.ofMillis(10_000), 42),
                new Header(true, Limit.ofBytes(123_456_789), Long.MIN_VALUE)}) {
            assertThat(Header.decode(h.encode())).isEqualTo(h);
        }
    }

    @Test
    void aBadHeaderIsRefusedWithTheReason() {
        ByteBuffer http = ByteBuffer.wrap("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
        assertThatThrownBy(() -> Header.decode(http)).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("not an mptcp perf client (magic 0x47455420)");
        assertThatThrownBy(() -> Header.decode(patched(0, 4, 2))).hasMessageContaining("protocol version 2");
        assertThatThrownBy(() -> Header.decode(patched(0, 5, 2))).hasMessageContaining("bad perf header: flags 2");
        assertThatThrownBy(() -> Header.decode(patched(0, 6, 7))).hasMessageContaining("limit kind 7");
        ByteBuffer zero = new Header(false, Limit.ofBytes(1), 0).encode();
        zero.put(15, (byte) 0);
        assertThatThrownBy(() -> Header.decode(zero)).hasMessageContaining("limit 0");
    }

    @Test
    void limitsAreABytesCountOrADuration() {
        assertThat(Limit.ofBytes(5).timed()).isFalse();
        assertThat(Limit.ofMillis(5).timed()).isTrue();
        assertThat(Limit.ofMillis(2_500)).hasToString("2.5 s");
        assertThatThrownBy(() -> new Limit(1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Limit(0, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void trailersRoundTrip() throws Exception {
        SenderTrailer t = new SenderTrailer(1_000_000, SHA);
        ByteBuffer tb = t.encode();
        assertThat(tb.remaining()).isEqualTo(PerfProtocol.SENDER_TRAILER_LENGTH);
        assertThat(SenderTrailer.decode(tb)).isEqualTo(t);
        Report r = new Report(999_000, 2_000_000_000L, -1, SHA);
        ByteBuffer rb = r.encode();
        assertThat(rb.remaining()).isEqualTo(PerfProtocol.REPORT_LENGTH);
        assertThat(hex(rb.duplicate()).substring(0, 8)).isEqualTo("4d346a52");
        assertThat(Report.decode(rb)).isEqualTo(r);
        assertThatThrownBy(() -> SenderTrailer.decode(r.encode())).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("did not end with its trailer");
        assertThatThrownBy(() -> Report.decode(ByteBuffer.allocate(PerfProtocol.REPORT_LENGTH)))
                .hasMessageContaining("not a perf receiver's report");
    }

    @Test
    void thePatternIsTheSameHoweverItIsCut() {
        long seed = 77;
        byte[] whole = new byte[1000];
        for (int i = 0; i < whole.length; i++) {
            whole[i] = PerfPattern.at(seed, i);
        }
        ByteBuffer b = ByteBuffer.allocateDirect(1000);
        Random random = new Random(1);
        for (int from = 0; from < 1000; ) {
            int n = Math.min(1000 - from, 1 + random.nextInt(40));
            b.limit(from + n).position(from);
            PerfPattern.fill(b, seed, from);
            assertThat(b.position()).as("fill leaves the position").isEqualTo(from);
            from += n;
        }
        byte[] filled = new byte[1000];
        b.clear().get(filled);
        assertThat(filled).isEqualTo(whole);
        assertThat(PerfPattern.check(b.clear(), seed, 0)).isEqualTo(-1);
        assertThat(PerfPattern.check(b.clear(), seed + 1, 0)).as("another seed").isZero();
        assertThat(PerfPattern.check(b.clear().position(3), seed, 4)).as("shifted by one byte").isEqualTo(4);
    }

    @Test
    void theCheckFindsTheFirstWrongByte() {
        long seed = -5;
        ByteBuffer b = ByteBuffer.allocate(4096);
        PerfPattern.fill(b, seed, 1_000_001); // an unaligned offset
        for (int at : new int[] {0, 1, 6, 7, 8, 100, 2049, 4095}) {
            ByteBuffer copy = ByteBuffer.allocate(4096).put(b.duplicate()).flip();
            copy.put(at, (byte) ~copy.get(at));
            copy.put(4000, (byte) ~copy.get(4000)); // a later one does not hide the first
            long expected = at < 4000 ? 1_000_001 + at : 1_000_001 + 4000;
            assertThat(PerfPattern.check(copy, seed, 1_000_001)).as("byte %d flipped", at).isEqualTo(expected);
        }
    }

    @Test
    void theVerifierHoldsTheTrailerBackAcrossAnyCut() throws Exception {
        long seed = 9;
        int size = 10_000;
        ByteBuffer data = ByteBuffer.allocate(size);
        PerfPattern.fill(data, seed, 0);
        MessageDigest sha = PerfTransfer.sha256();
        sha.update(data.duplicate());
        String hash = HEX.formatHex(sha.digest());
        ByteBuffer stream = ByteBuffer.allocate(size + PerfProtocol.SENDER_TRAILER_LENGTH)
                .put(data.duplicate()).put(new SenderTrailer(size, hash).encode()).flip();
        for (int cut : new int[] {1, 7, 47, 48, 49, 1000, stream.remaining()}) {
            PerfTransfer.Verifier v = new PerfTransfer.Verifier(seed);
            ByteBuffer s = stream.duplicate();
            Random random = new Random(cut);
            while (s.hasRemaining()) {
                int n = Math.min(s.remaining(), 1 + random.nextInt(cut));
                ByteBuffer piece = s.slice().limit(n);
                v.accept(piece);
                assertThat(piece.hasRemaining()).isFalse();
                s.position(s.position() + n);
            }
            assertThat(v.finish()).isEqualTo(new SenderTrailer(size, hash));
            assertThat(v.bytes()).isEqualTo(size);
            assertThat(v.firstBad()).isEqualTo(-1);
            assertThat(v.sha256()).isEqualTo(hash);
        }
    }

    @Test
    void theVerifierNoticesAStreamWithoutItsTrailer() {
        PerfTransfer.Verifier v = new PerfTransfer.Verifier(1);
        v.accept(ByteBuffer.allocate(40));
        assertThatThrownBy(v::finish).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("ended after 40 bytes, before its trailer");
    }

    /** A valid header with byte {@code index} set to {@code value}. */
    private static ByteBuffer patched(long seed, int index, int value) {
        ByteBuffer b = new Header(false, Limit.ofBytes(1), seed).encode();
        b.put(index, (byte) value);
        return b;
    }

    private static String hex(ByteBuffer b) {
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        return HEX.formatHex(bytes);
    }
}
