package io.mptcp4j.lab;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class QdiscCountersTest {

    private static final String TBF = """
            qdisc tbf 8a77: root refcnt 3 rate 50Mbit burst 25000b lat 50ms\s
             Sent 151400 bytes 100 pkt (dropped 7, overlimits 42 requeues 0)\s
             backlog 0b 0p requeues 0
            """;

    @Test
    void parsesTheSentLineOfTcStatistics() {
        assertThat(QdiscCounters.parse(TBF)).isEqualTo(new QdiscCounters(151_400, 100, 7, 42));
        assertThat(QdiscCounters.parse("qdisc noqueue 0: root refcnt 2")).isEqualTo(QdiscCounters.NONE);
    }

    @Test
    void utilisationIsTheShareOfTheRateTheBytesFilled() {
        QdiscCounters before = new QdiscCounters(1_000, 1, 0, 0);
        QdiscCounters after = new QdiscCounters(1_000 + 3_125_000, 2_001, 3, 9);
        QdiscCounters run = after.since(before);
        assertThat(run).isEqualTo(new QdiscCounters(3_125_000, 2_000, 3, 9));
        // 3.125 MB in one second of a 50 Mbit/s link: half of it.
        assertThat(run.utilisation(50_000_000, 1_000_000_000L)).isEqualTo(0.5);
        assertThat(run.utilisation(50_000_000, 0)).isZero();
    }
}
