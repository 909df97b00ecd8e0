package io.mptcp4j.core.mptcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.mptcp4j.sim.ByteStreamChecker;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What held a connection's sending back ({@link SendLimit}), judged in the simulator. */
class MptcpSendLimitTest {

    private static final long MS = 1_000_000L;

    private static MptcpPair pair(int receiveBuffer) {
        MptcpConfig config = MptcpConfig.builder().receiveBufferSize(receiveBuffer).build();
        return new MptcpPair(7, config, config, MptcpMultipathTest.path(20, 10), MptcpMultipathTest.path(20, 10))
                .withAllPathAddresses();
    }

    @Test
    void anIdleConnectionIsLimitedByItsApplication() {
        MptcpPair pair = pair(1 << 20);
        MptcpConnection c = pair.connect();
        pair.network().runFor(Duration.ofSeconds(1));
        assertThat(c.sendLimitedNanos(SendLimit.APPLICATION)).isGreaterThan(900 * MS);
        assertThat(c.sendLimitedNanos(SendLimit.WINDOW)).isZero();
        assertThat(c.sendLimitedNanos(SendLimit.SUBFLOWS)).isZero();
    }

    @Test
    void aBulkTransferWaitsForTheSubflowsAndAReceiverThatDoesNotReadForTheWindow() {
        MptcpPair pair = pair(1 << 20);
        ByteStreamChecker up = new ByteStreamChecker(3, 64L << 20);
        pair.clientEnd = new StreamEnd(up, null).keepOpen();
        pair.serverEnd = new StreamEnd(null, up).keepOpen();
        MptcpConnection c = pair.connect();
        pair.network().runFor(Duration.ofSeconds(2));
        long subflows = c.sendLimitedNanos(SendLimit.SUBFLOWS);
        long window = c.sendLimitedNanos(SendLimit.WINDOW);
        assertThat(subflows).as("a reading receiver: the congestion windows limit").isGreaterThan(1_500 * MS);
        assertThat(window).isLessThan(subflows / 4);

        pair.serverEnd.reading(false);
        pair.network().runFor(Duration.ofSeconds(2));
        assertThat(c.sendLimitedNanos(SendLimit.WINDOW) - window).as("a receiver that stopped reading")
                .isGreaterThan(1_500 * MS);
        assertThat(c.sendLimitedNanos(SendLimit.APPLICATION)).isLessThan(200 * MS);
    }
}
