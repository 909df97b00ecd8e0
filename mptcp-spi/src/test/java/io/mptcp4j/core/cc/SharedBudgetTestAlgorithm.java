package io.mptcp4j.core.cc;

import io.mptcp4j.core.tcp.RttStats;
import java.util.ArrayList;
import java.util.List;

/**
 * A toy coupled algorithm, provided to {@link java.util.ServiceLoader} by the test resources: the subflows of a
 * connection share a fixed window budget in proportion to 1/SRTT. It shows that the SPI gives connection-level
 * state every subflow's window and RTT, as LIA, OLIA and BALIA will need.
 */
public final class SharedBudgetTestAlgorithm implements CongestionControlAlgorithm {

    static final long BUDGET = 100_000;

    @Override
    public String name() {
        return "Shared-Budget-Test";
    }

    @Override
    public ConnectionCongestion newConnection() {
        return new Connection();
    }

    static final class Connection implements ConnectionCongestion {

        private final List<Subflow> subflows = new ArrayList<>();

        @Override
        public CongestionController newSubflow(int mss, RttStats rtt) {
            Subflow subflow = new Subflow(this, rtt);
            subflows.add(subflow);
            return subflow;
        }

        @Override
        public void removeSubflow(CongestionController subflow) {
            subflows.remove(subflow);
        }

        int subflowCount() {
            return subflows.size();
        }

        long share(Subflow subflow) {
            double total = 0;
            for (Subflow each : subflows) {
                total += 1.0 / each.rtt.srttNanos();
            }
            return Math.round(BUDGET * (1.0 / subflow.rtt.srttNanos()) / total);
        }
    }

    static final class Subflow implements CongestionController {

        private final Connection connection;
        private final RttStats rtt;

        Subflow(Connection connection, RttStats rtt) {
            this.connection = connection;
            this.rtt = rtt;
        }

        @Override
        public String name() {
            return "Shared-Budget-Test";
        }

        @Override
        public long cwnd() {
            return connection.share(this);
        }

        @Override
        public long ssthresh() {
            return Long.MAX_VALUE;
        }

        @Override
        public boolean inRecovery() {
            return false;
        }

        @Override
        public void onAck(long now, long ackedBytes, long rttSampleNanos, long bytesInFlight) {
        }

        @Override
        public void onCongestionEvent(long now, long lostPacketSentTime, long bytesInFlight) {
        }

        @Override
        public void onRecoveryEnd(long now) {
        }

        @Override
        public void onRetransmitTimeout(long now, long bytesInFlight) {
        }

        @Override
        public void onMssChanged(int mss) {
        }
    }
}
