package io.mptcp4j.core.mptcp;

import io.mptcp4j.sim.ByteStreamChecker;
import io.mptcp4j.sim.LinkConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Bulk transfers over one subflow, both directions at once, every byte hash-checked. */
class MptcpTransferTest {

    private static final long TEN_MEGABYTES = 10L * 1024 * 1024;

    @ParameterizedTest(name = "loss {0}, checksums {1}")
    @CsvSource({"0.0, false", "0.02, false", "0.0, true", "0.02, true"})
    void tenMegabytesBothWays(double loss, boolean checksums) {
        LinkConfig link = LinkConfig.builder().rateBitsPerSecond(100_000_000L).delay(Duration.ofMillis(10))
                .lossProbability(loss).build();
        MptcpPair pair = new MptcpPair(42, MptcpConfig.builder().checksums(checksums).build(), link);
        ByteStreamChecker up = new ByteStreamChecker(10, TEN_MEGABYTES);
        ByteStreamChecker down = new ByteStreamChecker(11, TEN_MEGABYTES);
        pair.clientEnd = new StreamEnd(up, down);
        pair.serverEnd = new StreamEnd(down, up);
        MptcpConnection c = pair.connect();

        long start = pair.network().now();
        long end = pair.runUntilClosed(Duration.ofSeconds(600));

        up.assertTransferred();
        down.assertTransferred();
        MptcpConnection s = pair.serverConnection;
        assertThat(c.error()).as(pair.context()).isNull();
        assertThat(s.error()).as(pair.context()).isNull();
        assertThat(c.isFallback()).as(pair.context()).isFalse();
        assertThat(s.isFallback()).isFalse();
        assertThat(c.isChecksumEnabled()).isEqualTo(checksums);
        assertThat(s.isChecksumEnabled()).isEqualTo(checksums);
        if (loss == 0) {
            // 2 x 10 MB over a 100 Mbit/s duplex path with a 20 ms RTT: well under two seconds, and the data level
            // never had to send anything twice.
            assertThat(end - start).as(pair.context()).isLessThan(Duration.ofSeconds(2).toNanos());
            assertThat(c.statistics().get(MptcpStatistics.Counter.RETRANSMISSIONS)).isZero();
            assertThat(s.statistics().get(MptcpStatistics.Counter.RETRANSMISSIONS)).isZero();
        }
        assertThat(c.statistics().get(MptcpStatistics.Counter.DATA_CSUM_ERR)).isZero();
        assertThat(s.statistics().get(MptcpStatistics.Counter.DATA_CSUM_ERR)).isZero();
    }
}
