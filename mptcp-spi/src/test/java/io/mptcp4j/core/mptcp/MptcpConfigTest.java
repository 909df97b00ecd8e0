package io.mptcp4j.core.mptcp;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MptcpConfigTest {

    @Test
    void defaultsAreLinuxLike() {
        MptcpConfig c = MptcpConfig.defaults();
        assertThat(c.checksums()).isFalse();
        assertThat(c.fallbackPolicy()).isEqualTo(FallbackPolicy.ALLOW);
        assertThat(c.newScheduler()).isInstanceOf(LowestRttScheduler.class);
        assertThat(c.toBuilder().checksums(true).build().checksums()).isTrue();
    }

    @Test
    void buffersOutOfRangeAreRefusedWithTheirName() {
        assertThatThrownBy(() -> MptcpConfig.builder().receiveBufferSize(1000).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("receiveBufferSize").hasMessageContaining("1000");
        assertThatThrownBy(() -> MptcpConfig.builder().sendBufferSize(Integer.MAX_VALUE).build())
                .hasMessageContaining("sendBufferSize");
        assertThatThrownBy(() -> MptcpConfig.builder().fallbackPolicy(null)).isInstanceOf(NullPointerException.class);
    }
}
