package io.mptcp4j.core.tcp;

import io.mptcp4j.core.time.Deadlines;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class TimerHeapTest {

    private static TcpConnection connection() {
        return TcpConnection.builder(TcpConfig.defaults(), TcpHarness.LOCAL, TcpHarness.REMOTE).connect(0);
    }

    @Test
    void popsDueConnectionsInDeadlineOrderAcrossRescheduling() {
        TimerHeap heap = new TimerHeap();
        List<TcpConnection> all = new ArrayList<>();
        long[] deadlines = new long[500];
        Random random = new Random(3);
        for (int i = 0; i < 500; i++) {
            all.add(connection());
            deadlines[i] = random.nextInt(10_000);
            heap.schedule(all.get(i), deadlines[i]);
        }
        for (int i = 0; i < 500; i += 2) {
            deadlines[i] = random.nextInt(10_000);
            heap.schedule(all.get(i), deadlines[i]);
        }
        for (int i = 0; i < 500; i += 7) {
            heap.schedule(all.get(i), Deadlines.NEVER);
            deadlines[i] = Deadlines.NEVER;
        }
        TcpConnection[][] out = {new TcpConnection[1]};
        long previous = -1;
        int popped = 0;
        for (long now = 0; now < 10_000; now += 100) {
            int n = heap.popDue(now, out);
            for (int k = 0; k < n; k++) {
                long d = deadlines[all.indexOf(out[0][k])];
                assertThat(d).isLessThanOrEqualTo(now).isGreaterThanOrEqualTo(previous);
                previous = d;
                assertThat(out[0][k].timerIndex).isEqualTo(-1);
            }
            popped += n;
        }
        assertThat(popped + heap.size()).isEqualTo(500 - 72);
        assertThat(heap.earliest()).isGreaterThanOrEqualTo(9_900);
    }

    @Test
    void comparesDeadlinesAcrossTheWrap() {
        TimerHeap heap = new TimerHeap();
        TcpConnection late = connection();
        TcpConnection early = connection();
        heap.schedule(late, Long.MIN_VALUE + 10);
        heap.schedule(early, Long.MAX_VALUE - 10);
        assertThat(heap.earliest()).isEqualTo(Long.MAX_VALUE - 10);
        heap.remove(early);
        assertThat(heap.earliest()).isEqualTo(Long.MIN_VALUE + 10);
    }
}
