package io.mptcp4j.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LinkConfigTest {

    @Test
    void theDefaultsAreACleanHundredMegabitLink() {
        LinkConfig config = LinkConfig.defaults();

        assertThat(config.rateBitsPerSecond()).isEqualTo(100_000_000);
        assertThat(config.delayNanos()).isEqualTo(5_000_000);
        assertThat(config.queueLimitPackets()).isEqualTo(1000);
        assertThat(config.queueLimitBytes()).isEqualTo(LinkConfig.UNLIMITED_QUEUE);
        assertThat(config.lossProbability() + config.reorderProbability() + config.duplicationProbability()
                + config.corruptionProbability()).isZero();
    }

    @Test
    void toBuilderKeepsEverySetting() {
        LinkConfig config = LinkConfig.builder().rateBitsPerSecond(1).delay(Duration.ofMillis(2))
                .queueLimitPackets(3).queueLimitBytes(4).lossProbability(0.5).reordering(0.6, Duration.ofNanos(7))
                .duplicationProbability(0.8).corruptionProbability(0.9).build();

        assertThat(config.toBuilder().build()).usingRecursiveComparison().isEqualTo(config);
        assertThat(config.toString()).contains("rate=1bit/s", "delay=2000000ns", "queue=3pkt/4B", "loss=0.5",
                "reorder=0.6+7ns", "duplicate=0.8", "corrupt=0.9");
    }

    @Test
    void outOfRangeValuesAreRefused() {
        assertRefused(LinkConfig.builder().rateBitsPerSecond(0), "rate");
        assertRefused(LinkConfig.builder().delayNanos(-1), "delay");
        assertRefused(LinkConfig.builder().queueLimitPackets(-1), "packet limit");
        assertRefused(LinkConfig.builder().queueLimitBytes(-1), "byte limit");
        assertRefused(LinkConfig.builder().lossProbability(1.5), "loss probability");
        assertRefused(LinkConfig.builder().lossProbability(Double.NaN), "loss probability");
        assertRefused(LinkConfig.builder().duplicationProbability(-0.1), "duplication probability");
        assertRefused(LinkConfig.builder().corruptionProbability(2), "corruption probability");
        assertRefused(LinkConfig.builder().reordering(0.1, Duration.ZERO), "extra delay");
        assertRefused(LinkConfig.builder().reordering(0.1, Duration.ofNanos(-1)), "reorder delay");
    }

    private static void assertRefused(LinkConfig.Builder builder, String message) {
        assertThatThrownBy(builder::build).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }
}
