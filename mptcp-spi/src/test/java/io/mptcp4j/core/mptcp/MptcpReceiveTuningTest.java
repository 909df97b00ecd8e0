package io.mptcp4j.core.mptcp;

import io.mptcp4j.sim.LinkConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Connection-level receive auto-tuning: the window starts at {@link MptcpConfig#INITIAL_TUNED_RECEIVE_BUFFER} and
 * grows with what the application reads per round of the paths' base round trip (at least 10 ms), so a long
 * path gets the window it needs and a short one is not offered room to queue data in.
 */
class MptcpReceiveTuningTest {

    private static final long MEGABYTE = 1024 * 1024;

    private static MptcpPair download(long seed, MptcpConfig config, long bytes, LinkConfig path) {
        MptcpPair pair = new MptcpPair(seed, config, path);
        pair.streams(seed, 1000, seed + 1, bytes);
        pair.connect();
        pair.runUntilClosed(Duration.ofSeconds(120));
        pair.up.assertTransferred();
        pair.down.assertTransferred();
        return pair;
    }

    private static LinkConfig path(long megabits, int delayMillis) {
        return LinkConfig.builder().rateBitsPerSecond(megabits * 1_000_000L).delay(Duration.ofMillis(delayMillis))
                .queueLimitBytes(4 * MEGABYTE).build();
    }

    @Test
    void aLongFastPathGrowsTheWindowToWhatItsRateAndRoundTripNeed() {
        // 100 Mbit/s and 100 ms: a bandwidth-delay product of 1.25 MB, five times the initial window.
        MptcpPair pair = download(71, MptcpConfig.defaults(), 40 * MEGABYTE, path(100, 50));
        assertThat(pair.clientConnection.receiveBufferLimit()).isGreaterThan(2 * (int) MEGABYTE);
        assertThat(pair.clientConnection.receiveBufferLimit()).isLessThanOrEqualTo(4 * (int) MEGABYTE);
    }

    @Test
    void aShortPathKeepsTheWindowSmallThoughItsQueueIsDeep() {
        // 100 Mbit/s and 1 ms with a 4 MB queue: a loss-based sender fills the queue, so round trips grow to
        // hundreds of ms, but the base round trip (10 ms at least) is what counts.
        MptcpPair pair = download(72, MptcpConfig.defaults(), 20 * MEGABYTE, path(100, 1));
        assertThat(pair.clientConnection.receiveBufferLimit()).isLessThan((int) MEGABYTE / 2);
    }

    @Test
    void pathsOfUnequalDelayGrowTheWindowTheirReorderingNeeds() {
        // 1 ms and 40 ms one way: bytes from the fast path wait for the slow path's in the connection's buffer.
        MptcpPair pair = new MptcpPair(74, MptcpConfig.defaults(), path(50, 1), path(50, 40)).withAllPathAddresses();
        pair.streams(74, 1000, 75, 30 * MEGABYTE);
        pair.connect();
        pair.runUntilClosed(Duration.ofSeconds(120));
        pair.down.assertTransferred();
        assertThat(pair.clientConnection.subflows()).hasSize(2);
        assertThat(pair.clientConnection.receiveBufferLimit())
                .isGreaterThan(MptcpConfig.INITIAL_TUNED_RECEIVE_BUFFER * 2);
    }

    @Test
    void withoutAutoTuningTheWindowIsTheWholeBufferFromTheStart() {
        MptcpConfig fixed = MptcpConfig.builder().receiveBufferAutoTuning(false).receiveBufferSize(2 * (int) MEGABYTE)
                .build();
        MptcpPair pair = download(73, fixed, 4 * MEGABYTE, path(100, 1));
        assertThat(pair.clientConnection.receiveBufferLimit()).isEqualTo(2 * (int) MEGABYTE);
    }
}
