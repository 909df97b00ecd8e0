package io.mptcp4j.core.tcp;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SipHashTest {

    private static final byte[] KEY = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};

    @Test
    void matchesTheReferenceVectorsForWholeWords() {
        // The reference implementation's vectors for key 00..0f and messages 00..(n-1), n = 0, 8, 16.
        SipHash f = new SipHash(KEY);
        assertThat(f.hash()).isEqualTo(0x726fdb47dd0e0e31L);
        assertThat(f.hash(0x0706050403020100L)).isEqualTo(0x93f5f5799a932462L);
        assertThat(f.hash(0x0706050403020100L, 0x0f0e0d0c0b0a0908L)).isEqualTo(0x3f2acc7f57c29bdbL);
    }

    @Test
    void needsA16ByteKey() {
        assertThatThrownBy(() -> new SipHash(new byte[8])).isInstanceOf(IllegalArgumentException.class);
    }
}
