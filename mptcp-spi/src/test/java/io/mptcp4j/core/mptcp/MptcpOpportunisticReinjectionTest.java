package io.mptcp4j.core.mptcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.mptcp4j.core.mptcp.MptcpStatistics.Counter;
import io.mptcp4j.sim.LinkConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A fast and a slow path under a small connection-level window: data the slow path carries holds the window's left
 * edge, so the fast path idles until it arrives. The sender sends that data again on the fast path and reduces the
 * slow path's window (opportunistic retransmission and penalisation). Between paths of about the same delay a copy
 * would arrive no sooner, and none is sent.
 */
class MptcpOpportunisticReinjectionTest {

    private static final long MEGABYTE = 1024 * 1024;

    private static LinkConfig path(long megabits, int delayMillis) {
        return LinkConfig.builder().rateBitsPerSecond(megabits * 1_000_000L).delay(Duration.ofMillis(delayMillis))
                .queueLimitBytes(megabits * 1_000_000L / 8 * 2 * delayMillis / 1000).build();
    }

    @Test
    void theFastPathIsNotHeldBackByTheSlowPathsShareOfASmallWindow() {
        // 50 Mbit/s with 10 ms one way, 10 Mbit/s with 100 ms; a fixed 256 KB window, about the fast path's
        // bandwidth-delay product and a half, of which the slow path's window alone could fill all.
        MptcpConfig config = MptcpConfig.builder().receiveBufferAutoTuning(false).receiveBufferSize(256 * 1024)
                .build();
        MptcpPair pair = new MptcpPair(81, config, path(50, 10), path(10, 100)).withAllPathAddresses();
        long bytes = 16 * MEGABYTE;
        pair.streams(81, bytes, 82, 1000);
        pair.connect();
        long start = pair.network().now();
        long end = pair.runUntilClosed(Duration.ofSeconds(120));
        pair.up.assertTransferred();
        pair.down.assertTransferred();
        assertThat(pair.clientConnection.subflows()).as(pair.context()).hasSize(2);

        assertThat(pair.client.statistics().get(Counter.OPPORTUNISTIC_REINJECTIONS)).as(pair.context())
                .isPositive();
        // Without it the fast path stalls for the slow path's 200 ms round trips: 16 MB took 9.5 s (14 Mbit/s);
        // with it 4.1 s (33 Mbit/s, the slow path carrying 59 segments).
        double seconds = (end - start) / 1e9;
        assertThat(bytes * 8 / seconds).as(pair.context()).isGreaterThan(25e6);
    }

    @Test
    void pathsOfAboutTheSameDelayGetNoCopies() {
        // 50 and 40 Mbit/s, both 10 ms one way, under a 192 KB window, less than the paths' bandwidth-delay
        // product: the window fills all the time, but a copy through the other path would not arrive sooner.
        MptcpConfig config = MptcpConfig.builder().receiveBufferAutoTuning(false).receiveBufferSize(192 * 1024)
                .build();
        MptcpPair pair = new MptcpPair(83, config, path(50, 10), path(40, 10)).withAllPathAddresses();
        long bytes = 16 * MEGABYTE;
        pair.streams(83, bytes, 84, 1000);
        pair.connect();
        long start = pair.network().now();
        long end = pair.runUntilClosed(Duration.ofSeconds(120));
        pair.up.assertTransferred();
        pair.down.assertTransferred();
        assertThat(pair.clientConnection.subflows()).as(pair.context()).hasSize(2);

        assertThat(pair.client.statistics().get(Counter.OPPORTUNISTIC_REINJECTIONS)).as(pair.context()).isZero();
        // With copies whenever one smoothed RTT was below the other: 18 copies and 45.7 Mbit/s; without: 49.8.
        double seconds = (end - start) / 1e9;
        assertThat(bytes * 8 / seconds).as(pair.context()).isGreaterThan(47e6);
    }
}
