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

    private static final long BYTES = 16L * 1024 * 1024;

    private static LinkConfig path(long megabits, int delayMillis) {
        return LinkConfig.builder().rateBitsPerSecond(megabits * 1_000_000L).delay(Duration.ofMillis(delayMillis))
                .queueLimitBytes(megabits * 1_000_000L / 8 * 2 * delayMillis / 1000).build();
    }

    @Test
    void theFastPathIsNotHeldBackByTheSlowPathsShareOfASmallWindow() {
        // 50 Mbit/s with 10 ms one way, 10 Mbit/s with 100 ms; a fixed 256 KB window, about the fast path's
        // bandwidth-delay product and a half, of which the slow path's window alone could fill all.
        Upload run = upload(81, 256 * 1024, path(50, 10), path(10, 100));

        assertThat(run.copies()).as(run.context()).isPositive();
        // Without it the fast path stalls for the slow path's 200 ms round trips: 16 MB took 9.5 s (14 Mbit/s);
        // with it 4.1 s (33 Mbit/s, the slow path carrying 59 segments).
        assertThat(run.bitsPerSecond()).as(run.context()).isGreaterThan(25e6);
    }

    @Test
    void pathsOfAboutTheSameDelayGetNoCopies() {
        // 50 and 40 Mbit/s, both 10 ms one way, under a 192 KB window, less than the paths' bandwidth-delay
        // product: the window fills all the time, but a copy through the other path would not arrive sooner.
        Upload run = upload(83, 192 * 1024, path(50, 10), path(40, 10));

        assertThat(run.copies()).as(run.context()).isZero();
        // With copies whenever one smoothed RTT was below the other: 18 copies and 45.7 Mbit/s; without: 49.8.
        assertThat(run.bitsPerSecond()).as(run.context()).isGreaterThan(47e6);
    }

    /** What an upload of {@link #BYTES} over two paths under a fixed window did. */
    private record Upload(long copies, double bitsPerSecond, String context) {
    }

    /** Uploads {@link #BYTES} (and 1000 bytes back) under a fixed connection-level window; every byte checked. */
    private static Upload upload(long seed, int window, LinkConfig first, LinkConfig second) {
        MptcpConfig config = MptcpConfig.builder().receiveBufferAutoTuning(false).receiveBufferSize(window).build();
        MptcpPair pair = new MptcpPair(seed, config, first, second).withAllPathAddresses();
        pair.streams(seed, BYTES, seed + 1, 1000);
        pair.connect();
        long start = pair.network().now();
        long end = pair.runUntilClosed(Duration.ofSeconds(120));
        pair.up.assertTransferred();
        pair.down.assertTransferred();
        assertThat(pair.clientConnection.subflows()).as(pair.context()).hasSize(2);
        return new Upload(pair.client.statistics().get(Counter.OPPORTUNISTIC_REINJECTIONS),
                BYTES * 8 / ((end - start) / 1e9), pair.context());
    }
}
