package io.mptcp4j.samples;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code mptcp bench}: exit status 2 for bad arguments, and the heap benchmark end to end (it needs no root). */
class BenchTest {

    @Test
    void badArgumentsExitWithTwo() {
        assertThat(Mptcp.run(new String[] {"bench", "tcp", "--rate", "fast"})).isEqualTo(2);
        assertThat(Mptcp.run(new String[] {"bench", "tcp", "--offloads", "maybe"})).isEqualTo(2);
        assertThat(Mptcp.run(new String[] {"bench", "nothing"})).isEqualTo(2);
        assertThat(Mptcp.run(new String[] {"bench"})).isEqualTo(2);
        assertThat(Mptcp.run(new String[] {"bench", "heap", "--connections", "0"})).isEqualTo(2);
        // Each benchmark knows only its own options: multipath has no failure time, failover one pair of paths.
        assertThat(Mptcp.run(new String[] {"bench", "multipath", "--fail-at", "2"})).isEqualTo(2);
        assertThat(Mptcp.run(new String[] {"bench", "failover", "--paths", "3"})).isEqualTo(2);
        assertThat(Mptcp.run(new String[] {"bench", "multipath", "--repeat", "0"})).isEqualTo(2);
    }

    @Test
    void theHeapBenchmarkRuns() {
        assertThat(Mptcp.run(new String[] {"bench", "heap", "--connections", "500"})).isZero();
    }
}
