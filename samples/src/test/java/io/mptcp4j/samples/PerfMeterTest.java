package io.mptcp4j.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.mptcp4j.samples.PerfMeter.Interval;
import io.mptcp4j.samples.PerfMeter.Sample;
import io.mptcp4j.samples.PerfMeter.SubflowSample;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The live display's rates from two samples of the byte counters. */
class PerfMeterTest {

    private static final long SECOND = 1_000_000_000L;
    private static final InetSocketAddress SERVER = new InetSocketAddress("10.0.0.2", 5201);
    private static final InetSocketAddress PATH0 = new InetSocketAddress("10.0.0.1", 40000);
    private static final InetSocketAddress PATH1 = new InetSocketAddress("10.0.1.1", 40001);
    private static final InetSocketAddress PATH1_AGAIN = new InetSocketAddress("10.0.1.1", 40002);

    @Test
    void megabitsAreBitsPerMicrosecond() {
        assertThat(PerfMeter.megabits(12_500_000, SECOND)).isEqualTo(100.0);
        assertThat(PerfMeter.megabits(1_000, 8_000)).isEqualTo(1000.0); // 8000 bits in 8 us: 1 Gbit/s
        assertThat(PerfMeter.megabits(5, 0)).isZero();
        assertThat(PerfMeter.megabits(5, -1)).isZero();
    }

    @Test
    void ratesOfTheConnectionAndEachSubflow() {
        long origin = 7 * SECOND;
        Sample before = new Sample(origin + SECOND, 10_000_000, 2, List.of(
                subflow(PATH0, 6_000_000, false), subflow(PATH1, 4_000_000, true)));
        Sample after = new Sample(origin + 3 * SECOND / 2, 15_000_000, 2, List.of(
                subflow(PATH0, 9_125_000, false), subflow(PATH1, 6_000_000, true)));
        Interval i = PerfMeter.between(before, after, origin);
        assertThat(i.start()).isEqualTo(1.0);
        assertThat(i.end()).isEqualTo(1.5);
        assertThat(i.megabits()).isCloseTo(80.0, within(1e-9)); // 5 MB in 0.5 s
        assertThat(i.totalBytes()).isEqualTo(15_000_000);
        assertThat(i.subflowCount()).isEqualTo(2);
        assertThat(i.subflows()).hasSize(2);
        assertThat(i.subflows().get(0).megabits()).isCloseTo(50.0, within(1e-9));
        assertThat(i.subflows().get(1).megabits()).isCloseTo(32.0, within(1e-9));
        assertThat(i.subflows().get(1).subflow().backup()).isTrue();
    }

    @Test
    void aNewSubflowCountsFromZeroAndAGoneOneIsLeftOut() {
        // path 1's subflow went down and a new one (another port) joined in the interval
        Sample before = new Sample(0, 1_000, 2, List.of(subflow(PATH0, 600, false), subflow(PATH1, 400, false)));
        Sample after = new Sample(SECOND, 126_000, 2, List.of(subflow(PATH0, 600, false),
                subflow(PATH1_AGAIN, 125_000, false)));
        Interval i = PerfMeter.between(before, after, 0);
        assertThat(i.subflows()).extracting(r -> r.subflow().local()).containsExactly(PATH0, PATH1_AGAIN);
        assertThat(i.subflows().get(0).megabits()).isZero();
        assertThat(i.subflows().get(1).megabits()).isEqualTo(1.0);
        assertThat(i.megabits()).isEqualTo(1.0);
    }

    @Test
    void countersThatWentBackwardsGiveZeroNotANegativeRate() {
        Sample before = new Sample(0, 500, 1, List.of(subflow(PATH0, 500, false)));
        Sample after = new Sample(SECOND, 400, 1, List.of(subflow(PATH0, 100, false)));
        Interval i = PerfMeter.between(before, after, 0);
        assertThat(i.megabits()).isZero();
        assertThat(i.subflows().get(0).megabits()).isZero();
    }

    @Test
    void withoutPerSubflowCountersOnlyTheConnectionHasARate() {
        Interval i = PerfMeter.between(new Sample(0, 0, 2, List.of()), new Sample(2 * SECOND, 25_000_000, 2,
                List.of()), 0);
        assertThat(i.megabits()).isEqualTo(100.0);
        assertThat(i.subflows()).isEmpty();
        assertThat(i.subflowCount()).isEqualTo(2);
    }

    private static SubflowSample subflow(InetSocketAddress local, long bytes, boolean backup) {
        return new SubflowSample(local, SERVER, "ESTABLISHED", backup, bytes, 0);
    }
}
