package io.mptcp4j.lab;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RpsMaskTest {

    @Test
    void everyCpuInHexWithACommaEveryThirtyTwoBits() {
        assertThat(NamespaceLab.rpsMask(1)).isNull();
        assertThat(NamespaceLab.rpsMask(2)).isEqualTo("3");
        assertThat(NamespaceLab.rpsMask(12)).isEqualTo("fff");
        assertThat(NamespaceLab.rpsMask(32)).isEqualTo("ffffffff");
        assertThat(NamespaceLab.rpsMask(40)).isEqualTo("ff,ffffffff");
        assertThat(NamespaceLab.rpsMask(64)).isEqualTo("ffffffff,ffffffff");
    }
}
