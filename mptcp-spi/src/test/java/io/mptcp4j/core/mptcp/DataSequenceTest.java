package io.mptcp4j.core.mptcp;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** 64-bit data sequence arithmetic and the widening of 32-bit DSNs and DATA_ACKs (RFC 8684 section 3.3). */
class DataSequenceTest {

    @Test
    void widensToTheValueNearestTheReference() {
        long reference = 0x0000_0005_FFFF_FF00L;
        assertThat(DataSequence.widen(0xFFFF_FF10L, reference)).isEqualTo(0x0000_0005_FFFF_FF10L);
        // Just past a 2^32 boundary ahead of the reference...
        assertThat(DataSequence.widen(0x0000_0010L, reference)).isEqualTo(0x0000_0006_0000_0010L);
        // ...and just before one behind it.
        assertThat(DataSequence.widen(0xFFFF_FFF0L, 0x0000_0006_0000_0010L)).isEqualTo(0x0000_0005_FFFF_FFF0L);
    }

    @Test
    void widensAcrossTheEndOfTheSixtyFourBitSpace() {
        assertThat(DataSequence.widen(0x0000_0002L, 0xFFFF_FFFF_FFFF_FFF0L)).isEqualTo(2L);
        assertThat(DataSequence.widen(0xFFFF_FFF0L, 3L)).isEqualTo(0xFFFF_FFFF_FFFF_FFF0L);
    }

    @Test
    void comparesAcrossTheWrap() {
        long last = 0xFFFF_FFFF_FFFF_FFFFL;
        assertThat(DataSequence.before(last, 0)).isTrue();
        assertThat(DataSequence.after(0, last)).isTrue();
        assertThat(DataSequence.max(last, 5)).isEqualTo(5);
        assertThat(DataSequence.before(7, 7)).isFalse();
    }
}
