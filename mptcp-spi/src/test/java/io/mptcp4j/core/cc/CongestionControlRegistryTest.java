package io.mptcp4j.core.cc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mptcp4j.core.tcp.RttEstimator;
import org.junit.jupiter.api.Test;

class CongestionControlRegistryTest {

    private static final long MS = 1_000_000L;

    private final CongestionControlRegistry registry = CongestionControlRegistry.builtIns();

    @Test
    void knowsRenoCubicAndTheCoupledAlgorithms() {
        assertThat(registry.names()).containsExactly("balia", "cubic", "lia", "olia", "reno");
        assertThat(registry.get("lia")).isSameAs(Lia.ALGORITHM);
        assertThat(registry.get("olia")).isSameAs(Olia.ALGORITHM);
        assertThat(registry.get("balia")).isSameAs(Balia.ALGORITHM);
        assertThat(registry.get("reno")).isSameAs(Reno.ALGORITHM);
        assertThat(registry.get("cubic")).isSameAs(Cubic.ALGORITHM);
    }

    @Test
    void cubicIsTheDefault() {
        CongestionController controller =
                registry.defaultAlgorithm().newConnection().newSubflow(1_460, new RttEstimator());

        assertThat(controller).isInstanceOf(Cubic.class);
        assertThat(controller.name()).isEqualTo(CongestionControlRegistry.DEFAULT_ALGORITHM);
        assertThat(controller.cwnd()).isEqualTo(14_600);
    }

    @Test
    void namesMatchIgnoringCase() {
        assertThat(registry.get("CUBIC")).isSameAs(Cubic.ALGORITHM);
        assertThat(registry.get("Reno")).isSameAs(Reno.ALGORITHM);
        assertThat(registry.find("rEnO")).contains(Reno.ALGORITHM);
        assertThat(registry.find("vegas")).isEmpty();
    }

    @Test
    void anUnknownNameListsTheKnownOnes() {
        assertThatThrownBy(() -> registry.get("bbr"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown congestion control algorithm 'bbr'; known: balia, cubic, lia, olia, reno");
    }

    @Test
    void uncoupledAlgorithmsGiveEachSubflowItsOwnController() {
        ConnectionCongestion connection = registry.get("reno").newConnection();

        CongestionController first = connection.newSubflow(1_000, new RttEstimator());
        CongestionController second = connection.newSubflow(1_000, new RttEstimator());
        first.onCongestionEvent(0, -1, 40_000);
        connection.removeSubflow(first);

        assertThat(first).isNotSameAs(second);
        assertThat(first.cwnd()).isEqualTo(20_000);
        assertThat(second.cwnd()).isEqualTo(10_000);
    }

    @Test
    void registersAlgorithmsInCode() {
        CongestionControlAlgorithm custom = CongestionControlAlgorithm.uncoupled("Custom", (mss, rtt) -> new Reno(mss));

        registry.register(custom);

        assertThat(registry.get("custom")).isSameAs(custom);
        assertThat(registry.names()).containsExactly("balia", "cubic", "Custom", "lia", "olia", "reno");
    }

    @Test
    void aNameIsTakenOnlyOnce() {
        CongestionControlAlgorithm impostor = CongestionControlAlgorithm.uncoupled("CUBIC", (mss, rtt) -> new Reno(mss));

        assertThatThrownBy(() -> registry.register(impostor))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'CUBIC' is already registered");
        assertThat(registry.get("cubic")).isSameAs(Cubic.ALGORITHM);
    }

    @Test
    void blankNamesAreRefused() {
        assertThatThrownBy(() -> CongestionControlAlgorithm.uncoupled(" ", (mss, rtt) -> new Reno(mss)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void serviceLoaderProvidersAreFound() {
        CongestionControlRegistry discovered = CongestionControlRegistry.discover();

        assertThat(discovered.names()).containsExactly("balia", "cubic", "lia", "olia", "reno", "Shared-Budget-Test");
        assertThat(discovered.get("shared-budget-test")).isInstanceOf(SharedBudgetTestAlgorithm.class);
    }

    @Test
    void aCoupledAlgorithmSeesEverySubflowsRtt() {
        ConnectionCongestion connection = CongestionControlRegistry.discover(getClass().getClassLoader())
                .get("shared-budget-test")
                .newConnection();
        RttEstimator fastPath = new RttEstimator();
        fastPath.onSample(0, 10 * MS);
        RttEstimator slowPath = new RttEstimator();
        slowPath.onSample(0, 30 * MS);

        CongestionController fast = connection.newSubflow(1_000, fastPath);
        assertThat(fast.cwnd()).isEqualTo(SharedBudgetTestAlgorithm.BUDGET);

        CongestionController slow = connection.newSubflow(1_000, slowPath);
        assertThat(fast.cwnd()).isEqualTo(75_000);
        assertThat(slow.cwnd()).isEqualTo(25_000);

        connection.removeSubflow(slow);
        assertThat(fast.cwnd()).isEqualTo(SharedBudgetTestAlgorithm.BUDGET);
        assertThat(((SharedBudgetTestAlgorithm.Connection) connection).subflowCount()).isEqualTo(1);
    }
}
