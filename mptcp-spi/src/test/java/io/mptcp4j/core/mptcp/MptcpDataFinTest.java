package io.mptcp4j.core.mptcp;

import io.mptcp4j.sim.LinkConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The end of a stream reaches the peer with its last bytes (RFC 8684 section 3.3.3). The application shuts output
 * down while its last bytes still wait in the subflows' queues: the DATA_FIN follows them on every subflow, and
 * does not wait for the connection-level retransmission timer.
 */
class MptcpDataFinTest {

    private static final long MEGABYTES = 4L * 1024 * 1024;

    @ParameterizedTest(name = "{0} path(s)")
    @ValueSource(ints = {1, 2})
    void theDataFinFollowsTheLastBytesAtOnce(int paths) {
        LinkConfig link = LinkConfig.builder().rateBitsPerSecond(50_000_000L).delay(Duration.ofMillis(5)).build();
        LinkConfig[] links = new LinkConfig[paths];
        Arrays.fill(links, link);
        MptcpConfig config = MptcpConfig.builder().maxSubflows(paths).build();
        MptcpPair pair = new MptcpPair(7, config, links).withAllPathAddresses().streams(70, MEGABYTES, 71, 0);
        pair.connect();

        long lastByte = pair.runUntil(() -> pair.up.verifier().received() == MEGABYTES, Duration.ofSeconds(30));
        assertThat(pair.up.verifier().received()).as(pair.context()).isEqualTo(MEGABYTES);
        long endOfStream = pair.runUntil(() -> pair.serverEnd.endOfStream(), Duration.ofSeconds(5));

        pair.up.assertTransferred();
        assertThat(pair.clientConnection.subflows()).hasSize(paths);
        // One-way delay 5 ms: the DATA_FIN goes out right behind the last data segment, at most one round trip
        // later (the 200 ms retransmission timer is what it waited for when the last bytes held it back).
        assertThat(endOfStream - lastByte).as(pair.context()).isLessThan(Duration.ofMillis(15).toNanos());
    }
}
