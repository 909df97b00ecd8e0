package io.mptcp4j.core.tcp;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RangeSetTest {

    private final RangeSet set = new RangeSet();

    @Test
    void keepsDisjointRangesSorted() {
        set.add(50, 60);
        set.add(10, 20);
        set.add(30, 40);
        assertThat(set).hasToString("[[10, 20), [30, 40), [50, 60)]");
        assertThat(set.totalLength()).isEqualTo(30);
    }

    @Test
    void mergesOverlappingAndTouchingRanges() {
        set.add(10, 20);
        set.add(30, 40);
        set.add(50, 60);
        assertThat(set.add(20, 30)).isZero();
        assertThat(set).hasToString("[[10, 40), [50, 60)]");
        assertThat(set.add(5, 70)).isZero();
        assertThat(set).hasToString("[[5, 70)]");
        set.add(15, 25);
        assertThat(set.size()).isEqualTo(1);
    }

    @Test
    void growsPastItsInitialCapacity() {
        for (int i = 0; i < 100; i++) {
            set.add(i * 10L, i * 10L + 5);
        }
        assertThat(set.size()).isEqualTo(100);
        assertThat(set.start(99)).isEqualTo(990);
    }

    @Test
    void findsTheRangeHoldingAnOffset() {
        set.add(10, 20);
        set.add(30, 40);
        assertThat(set.indexOf(10)).isZero();
        assertThat(set.indexOf(19)).isZero();
        assertThat(set.indexOf(20)).isEqualTo(-1);
        assertThat(set.indexOf(35)).isEqualTo(1);
        assertThat(set.indexOf(5)).isEqualTo(-1);
    }

    @Test
    void removesBelowAnOffset() {
        set.add(10, 20);
        set.add(30, 40);
        set.removeBelow(15);
        assertThat(set).hasToString("[[15, 20), [30, 40)]");
        set.removeBelow(35);
        assertThat(set).hasToString("[[35, 40)]");
        set.removeBelow(100);
        assertThat(set.isEmpty()).isTrue();
    }

    @Test
    void refusesEmptyRanges() {
        assertThatThrownBy(() -> set.add(5, 5)).isInstanceOf(IllegalArgumentException.class);
    }
}
