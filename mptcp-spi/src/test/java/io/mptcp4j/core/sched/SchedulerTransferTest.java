package io.mptcp4j.core.sched;

import io.mptcp4j.core.mptcp.MptcpConfig;
import io.mptcp4j.sim.LinkConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.Set;

import static io.mptcp4j.sim.TwoHostNetwork.clientIpv4;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every scheduler, the built-ins and one found through the ServiceLoader, moves a checked stream over two
 * different paths in the simulator, without and with loss; and the strict backup policy keeps a backup path idle
 * until the regular one fails.
 */
class SchedulerTransferTest {

    private static final long MEGABYTE = 1 << 20;

    private static double bulk(long seed, String scheduler, long bytes, LinkConfig... paths) {
        SchedulerSim sim = new SchedulerSim(seed, PacketSchedulers.byName(scheduler), paths);
        double bps = sim.bulk(bytes, Duration.ofSeconds(120));
        assertThat(sim.clientConnection.subflows()).as(sim.context()).hasSize(2);
        assertThat(sim.clientConnection.error()).as(sim.context()).isNull();
        return bps;
    }

    @ParameterizedTest
    @ValueSource(strings = {"minrtt", "roundrobin", "redundant", "blest", "ecf", "backup", "first-with-room"})
    void aCheckedBulkTransferOverTwoPaths(String scheduler) {
        double bps = bulk(21, scheduler, 8 * MEGABYTE, SchedulerSim.path(20, 10, 0), SchedulerSim.path(10, 40, 0));
        assertThat(bps).as(scheduler).isGreaterThan(8e6);
    }

    @ParameterizedTest
    @ValueSource(strings = {"minrtt", "roundrobin", "redundant", "blest", "ecf", "backup", "first-with-room"})
    void aCheckedBulkTransferOverTwoLossyPaths(String scheduler) {
        bulk(22, scheduler, 2 * MEGABYTE, SchedulerSim.path(20, 10, 0.01), SchedulerSim.path(10, 40, 0.01));
    }

    @Test
    void roundRobinAndRedundantUseBothPaths() {
        for (String scheduler : new String[] {RoundRobinScheduler.NAME, RedundantScheduler.NAME}) {
            SchedulerSim sim = new SchedulerSim(23, PacketSchedulers.byName(scheduler), SchedulerSim.path(20, 10, 0),
                    SchedulerSim.path(20, 10, 0));
            sim.bulk(8 * MEGABYTE, Duration.ofSeconds(60));
            long[] sent = sim.bytesSentPerSubflow();
            assertThat(sent).as(scheduler).hasSize(2);
            assertThat(sent[1]).as(scheduler + " on the second path").isGreaterThan(2 * MEGABYTE);
        }
    }

    @Test
    void aBackupCarriesNothingUntilTheRegularPathFails() {
        MptcpConfig config = MptcpConfig.builder().scheduler(BackupAwareScheduler::new)
                .backupAddresses(Set.of(clientIpv4(1))).build();
        SchedulerSim sim = new SchedulerSim(24, config, SchedulerSim.path(20, 10, 0), SchedulerSim.path(20, 5, 0));
        long failAt = sim.network().now() + Duration.ofSeconds(2).toNanos();
        long[] onBackupBeforeFailure = {-1};
        sim.network().at(failAt, () -> {
            SubflowView backup = sim.clientConnection.subflows().get(1);
            assertThat(backup.isBackup()).isTrue();
            onBackupBeforeFailure[0] = backup.bytesSent();
            sim.net.path(0).setUp(false); // silently: found by the retransmission timer, the subflow goes stale
        });
        sim.bulk(12 * MEGABYTE, Duration.ofSeconds(60));
        // Although the backup has the shorter RTT, it took nothing while the regular path worked.
        assertThat(onBackupBeforeFailure[0]).as(sim.context()).isZero();
        assertThat(sim.clientConnection.subflows().get(1).bytesSent()).as(sim.context()).isGreaterThan(4 * MEGABYTE);
    }
}
