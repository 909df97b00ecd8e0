package io.mptcp4j.core.tcp;

import io.mptcp4j.core.wire.TcpOption;
import io.mptcp4j.core.wire.TcpSegment;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Hostile input: random segments near and far from the windows must never break a connection's invariants. */
class TcpConnectionFuzzTest {

    @Test
    void randomSegmentsNeverThrowNorCorruptTheStream() {
        Random random = new Random(42);
        for (int run = 0; run < 40; run++) {
            TcpConfig.Builder config = TcpHarness.plain().sack(random.nextBoolean()).timestamps(random.nextBoolean())
                    .noDelay(random.nextBoolean());
            TcpHarness h = TcpHarness.with(config);
            List<TcpOption> synAckOptions = new ArrayList<>();
            if (h.config.sack()) {
                synAckOptions.add(new TcpOption.SackPermitted());
            }
            if (h.config.timestamps()) {
                synAckOptions.add(new TcpOption.Timestamps(1, 0));
            }
            h.established(synAckOptions.toArray(TcpOption[]::new));
            long received = 0;
            for (int i = 0; i < 500 && !h.conn.isClosed(); i++) {
                if (random.nextInt(4) == 0) {
                    h.write(TcpHarness.pattern(h.conn.bytesWritten(), random.nextInt(3000)));
                }
                h.send(randomSegment(random));
                while (h.poll() != null) {
                    // drain
                }
                if (random.nextInt(10) == 0) {
                    h.now += random.nextInt(500) * TcpHarness.MS;
                    h.conn.handleTimeout(h.now);
                }
                ByteBuffer b = ByteBuffer.allocate(4096);
                int n = h.conn.read(b);
                if (n > 0) {
                    // Whatever arrived in order is the peer's pattern stream, never anything else.
                    byte[] got = new byte[n];
                    b.flip().get(got);
                    assertThat(got).isEqualTo(TcpHarness.pattern(received, n));
                    received += n;
                }
                assertThat(h.conn.bytesInFlight()).isNotNegative();
                assertThat(h.conn.receiveWindow()).isBetween(0L, (long) TcpHarness.BUFFER);
            }
        }
    }

    private static TcpSegment randomSegment(Random random) {
        int flags = TcpSegment.ACK;
        int dice = random.nextInt(100);
        if (dice < 3) {
            flags |= TcpSegment.RST;
        } else if (dice < 6) {
            flags |= TcpSegment.SYN;
        } else if (dice < 9) {
            flags |= TcpSegment.FIN;
        } else if (dice < 12) {
            flags = 0;
        }
        // Mostly near the windows, sometimes anywhere.
        long seq = random.nextInt(8) == 0 ? random.nextInt() : random.nextInt(80_000) - 10_000;
        long ack = random.nextInt(8) == 0 ? random.nextInt() : random.nextInt(20_000) - 2000;
        int length = random.nextInt(3) == 0 ? 0 : random.nextInt(1500);
        List<TcpOption> options = new ArrayList<>();
        if (random.nextBoolean()) {
            options.add(new TcpOption.Timestamps(random.nextInt(1000) & 0xFFFF_FFFFL, random.nextInt() & 0xFFFF_FFFFL));
        }
        if (random.nextBoolean()) {
            long left = TcpHarness.LOCAL_ISS + 1 + random.nextInt(20_000);
            options.add(new TcpOption.Sack(List.of(new TcpOption.SackBlock(left & 0xFFFF_FFFFL,
                    (left + random.nextInt(5000) - 500) & 0xFFFF_FFFFL))));
        }
        return TcpHarness.in().seq(seq).ack(ack).flags(flags).win(random.nextInt(70_000) & 0xFFFF)
                .opt(options.toArray(TcpOption[]::new)).data(TcpHarness.pattern(seq, length)).build();
    }
}
