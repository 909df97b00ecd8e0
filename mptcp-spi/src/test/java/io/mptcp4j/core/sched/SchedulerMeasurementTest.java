package io.mptcp4j.core.sched;

import io.mptcp4j.core.sched.SchedulerMeasurement.Bulk;
import io.mptcp4j.core.sched.SchedulerMeasurement.Latency;
import io.mptcp4j.core.sched.SchedulerResultsPage.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The targets for the schedulers, measured on heterogeneous paths in the simulator (see
 * {@link SchedulerMeasurement} for the setting): BLEST and ECF cut the tail of the in-order delivery delay that
 * min-RTT's head-of-line blocking causes, and under 2 % loss the redundant scheduler has the lowest tail.
 *
 * <p>After the tests, the results page is written to {@code <build directory>/scheduler-results/}; with
 * {@code -Dm4j.docs=true} also to docs/schedulers-results.md and docs/img/schedulers-delay.svg, and the table into
 * docs/schedulers.md between its markers (the directory can be moved with {@code -Dm4j.docs.dir}); see
 * {@link SchedulerResultsPage#COMMAND}.
 */
class SchedulerMeasurementTest {

    /** Seeds of the lossy-message comparison. */
    private static final int LOSSY_SEEDS = 6;

    @Test
    void everySchedulerCompletesACheckedBulkTransfer() {
        for (String name : PacketSchedulers.BUILT_IN) {
            Bulk bulk = SchedulerMeasurement.bulk(name);
            // Whatever it does with path B, a scheduler does better than path B alone (10 Mbit/s).
            assertThat(bulk.bitsPerSecond()).as(name).isGreaterThan(10e6);
        }
        // BLEST and ECF keep the slow path from holding the 1 MB window: at least min-RTT's goodput.
        double minRtt = SchedulerMeasurement.bulk(MinRttScheduler.NAME).bitsPerSecond();
        assertThat(SchedulerMeasurement.bulk(BlestScheduler.NAME).bitsPerSecond()).isGreaterThan(minRtt);
        assertThat(SchedulerMeasurement.bulk(EcfScheduler.NAME).bitsPerSecond()).isGreaterThan(minRtt);
    }

    @Test
    void blestAndEcfCutTheHeadOfLineBlockingOfMinRtt() {
        Latency minRtt = SchedulerMeasurement.messages(MinRttScheduler.NAME);
        Latency blest = SchedulerMeasurement.messages(BlestScheduler.NAME);
        Latency ecf = SchedulerMeasurement.messages(EcfScheduler.NAME);
        String figures = "minrtt " + minRtt + "\nblest " + blest + "\necf " + ecf;
        // Min-RTT puts messages on path B whenever A's window is full; the data behind them waits ~100 ms more.
        assertThat(minRtt.p99()).as(figures).isGreaterThan(100_000_000L);
        assertThat(blest.p99()).as(figures).isLessThan(minRtt.p99() / 2);
        assertThat(ecf.p99()).as(figures).isLessThan(minRtt.p99() / 2);
        assertThat(blest.p50()).as(figures).isLessThanOrEqualTo(minRtt.p50());
        assertThat(ecf.p50()).as(figures).isLessThanOrEqualTo(minRtt.p50());
    }

    @Test
    void redundantHasTheLowestTailUnderLoss() {
        // The copy on the other path arrives before a lost segment is retransmitted (after a timeout, for the last
        // segment of a message): the lowest tail. By how much depends on the seed, and at some seeds another
        // scheduler's p99 comes within a percent of it, so the tails are compared as means over seeds.
        Map<String, Long> meanP99 = new HashMap<>();
        StringBuilder figures = new StringBuilder();
        double redundantShareOnB = 0;
        for (String name : PacketSchedulers.BUILT_IN) {
            long sum = 0;
            for (long seed = 1; seed <= LOSSY_SEEDS; seed++) {
                Latency l = SchedulerMeasurement.lossyMessages(name, seed);
                sum += l.p99();
                if (name.equals(RedundantScheduler.NAME)) {
                    redundantShareOnB += l.shareOnB() / LOSSY_SEEDS;
                }
            }
            meanP99.put(name, sum / LOSSY_SEEDS);
            figures.append(name).append(" mean p99 ").append(sum / LOSSY_SEEDS / 1_000_000).append(" ms\n");
        }
        long redundant = meanP99.get(RedundantScheduler.NAME);
        for (String name : PacketSchedulers.BUILT_IN) {
            if (!name.equals(RedundantScheduler.NAME)) {
                assertThat(redundant).as(figures.toString()).isLessThan(meanP99.get(name));
            }
        }
        assertThat(redundantShareOnB).as(figures.toString()).isGreaterThan(0.1);
    }

    /** Every scheduler's figures, measuring what the tests above did not. */
    static List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        for (String name : PacketSchedulers.BUILT_IN) {
            rows.add(new Row(name, SchedulerMeasurement.bulk(name), SchedulerMeasurement.messages(name),
                    SchedulerMeasurement.lossyMessages(name)));
        }
        return rows;
    }

    @AfterAll
    static void writeTheResultsPage() throws IOException, URISyntaxException {
        List<Row> rows = rows();
        Path classes = Path.of(SchedulerMeasurementTest.class.getProtectionDomain().getCodeSource().getLocation()
                .toURI());
        write(classes.getParent().resolve("scheduler-results"), rows);
        if (Boolean.getBoolean("m4j.docs")) {
            Path docs = Path.of(System.getProperty("m4j.docs.dir", "../docs")).toAbsolutePath().normalize();
            assertThat(docs.resolve("mptcp.md")).as("the docs directory").isRegularFile();
            write(docs, rows);
            Path guide = docs.resolve("schedulers.md");
            if (Files.exists(guide)) {
                Files.writeString(guide, SchedulerResultsPage.withTable(Files.readString(guide), rows));
            }
        }
    }

    private static void write(Path dir, List<Row> rows) throws IOException {
        Files.createDirectories(dir.resolve("img"));
        Files.writeString(dir.resolve("schedulers-results.md"), SchedulerResultsPage.markdown(rows));
        Files.writeString(dir.resolve("img/schedulers-delay.svg"), SchedulerResultsPage.svg(rows));
    }
}
