package io.mptcp4j.core.tcp;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TcpConfigTest {

    @Test
    void defaultsAreLinuxLike() {
        TcpConfig c = TcpConfig.defaults();
        assertThat(c.mss(false)).isEqualTo(1460);
        assertThat(c.sendBufferSize()).isEqualTo(256 * 1024);
        assertThat(c.receiveBufferSize()).isEqualTo(256 * 1024);
        assertThat(c.maxReceiveBufferSize()).isEqualTo(6 * 1024 * 1024);
        assertThat(c.windowScale()).isEqualTo(7);
        assertThat(c.sack() && c.timestamps() && c.windowScaling()).isTrue();
        assertThat(c.noDelay()).isFalse();
        assertThat(c.delayedAckTimeoutNanos()).isEqualTo(40_000_000L);
        assertThat(c.rtt()).isEqualTo(RttConfig.DEFAULT);
        assertThat(c.timeWaitNanos()).isEqualTo(60_000_000_000L);
        assertThat(c.keepAlive()).isFalse();
        assertThat(c.maxSynRetries()).isEqualTo(6);
        assertThat(c.maxDataRetries()).isEqualTo(15);
        assertThat(c.congestionControl()).isEqualTo("cubic");
    }

    @Test
    void theWindowScaleCoversTheMaximumBuffer() {
        assertThat(TcpConfig.builder().receiveBufferSize(1000).maxReceiveBufferSize(65_535).build().windowScale())
                .isZero();
        assertThat(TcpConfig.builder().receiveBufferSize(1000).maxReceiveBufferSize(65_536).build().windowScale())
                .isEqualTo(1);
        assertThat(TcpConfig.builder().maxReceiveBufferSize(1 << 30).build().windowScale()).isEqualTo(14);
        assertThat(TcpConfig.builder().windowScaling(false).receiveBufferSize(60_000).build().windowScale())
                .isZero();
    }

    @Test
    void toBuilderKeepsEveryValue() {
        TcpConfig c = TcpConfig.builder().mss(1200).noDelay(true).keepAlive(Duration.ofSeconds(5),
                Duration.ofSeconds(2), 4).timeWait(Duration.ofMillis(10)).congestionControl("reno").build();
        TcpConfig copy = c.toBuilder().build();
        assertThat(copy.mss(true)).isEqualTo(1200);
        assertThat(copy.noDelay()).isTrue();
        assertThat(copy.keepAliveProbes()).isEqualTo(4);
        assertThat(copy.timeWaitNanos()).isEqualTo(10_000_000L);
        assertThat(copy.congestionControl()).isEqualTo("reno");
    }

    @Test
    void rejectsValuesOutOfRangeWithClearMessages() {
        assertThatThrownBy(() -> TcpConfig.builder().mss(50).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mss");
        assertThatThrownBy(() -> TcpConfig.builder().mtu(100).build()).hasMessageContaining("mtu");
        assertThatThrownBy(() -> TcpConfig.builder().receiveBufferSize(0).build()).hasMessageContaining(
                "receiveBufferSize");
        assertThatThrownBy(() -> TcpConfig.builder().maxReceiveBufferSize(1000).build()).hasMessageContaining(
                "maxReceiveBufferSize");
        assertThatThrownBy(() -> TcpConfig.builder().windowScaling(false).build()).hasMessageContaining(
                "without window scaling");
        assertThatThrownBy(() -> TcpConfig.builder().delayedAckTimeout(Duration.ofSeconds(1)).build())
                .hasMessageContaining("500 ms");
        assertThatThrownBy(() -> TcpConfig.builder().minRto(Duration.ofSeconds(2)).build())
                .hasMessageContaining("minRto <= initialRto");
        assertThatThrownBy(() -> TcpConfig.builder().keepAlive(Duration.ZERO, Duration.ofSeconds(1), 3).build())
                .hasMessageContaining("idle");
        assertThatThrownBy(() -> TcpConfig.builder().maxDataRetries(0).build()).hasMessageContaining(
                "maxDataRetries");
        assertThatThrownBy(() -> TcpConfig.builder().congestionControl(" ").build()).hasMessageContaining(
                "congestionControl");
    }

    @Test
    void anUnknownAlgorithmIsReportedWhenAConnectionIsMade() {
        TcpConfig c = TcpConfig.builder().congestionControl("nope").build();
        assertThatThrownBy(() -> TcpConnection.builder(c, TcpHarness.LOCAL, TcpHarness.REMOTE).connect(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nope");
    }
}
