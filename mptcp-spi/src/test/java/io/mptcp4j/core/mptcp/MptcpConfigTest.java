package io.mptcp4j.core.mptcp;

import io.mptcp4j.core.pm.FullMeshPathManager;
import io.mptcp4j.core.sched.MinRttScheduler;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MptcpConfigTest {

    @Test
    void defaultsAreLinuxLike() {
        MptcpConfig c = MptcpConfig.defaults();
        assertThat(c.checksums()).isFalse();
        assertThat(c.fallbackPolicy()).isEqualTo(FallbackPolicy.ALLOW);
        assertThat(c.newScheduler()).isInstanceOf(MinRttScheduler.class);
        assertThat(c.newPathManager()).isInstanceOf(FullMeshPathManager.class);
        assertThat(c.maxSubflows()).isEqualTo(8);
        assertThat(c.maxAcceptedAddresses()).isEqualTo(8);
        assertThat(c.backupAddresses()).isEmpty();
        assertThat(c.toBuilder().checksums(true).build().checksums()).isTrue();
    }

    @Test
    void pathLimitsOutOfRangeAreRefusedWithTheirName() {
        assertThatThrownBy(() -> MptcpConfig.builder().maxSubflows(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxSubflows");
        assertThatThrownBy(() -> MptcpConfig.builder().maxSubflows(MptcpConfig.MAX_SUBFLOWS + 1).build())
                .hasMessageContaining("maxSubflows");
        assertThatThrownBy(() -> MptcpConfig.builder().maxAcceptedAddresses(-1).build())
                .hasMessageContaining("maxAcceptedAddresses");
        InetAddress backup = InetAddress.getLoopbackAddress();
        assertThat(MptcpConfig.builder().backupAddresses(Set.of(backup)).build().toBuilder().build()
                .backupAddresses()).containsExactly(backup);
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
