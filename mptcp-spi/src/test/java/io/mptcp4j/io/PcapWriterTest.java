package io.mptcp4j.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PcapWriterTest {

    @TempDir
    Path temp;

    @Test
    void writesANanosecondRawIpHeaderAndRecordsCutToTheSnapLength() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PcapWriter writer = new PcapWriter(out, 4)) {
            assertThat(writer.snapLength()).isEqualTo(4);
            writer.write(3_000_000_007L, new byte[] {1, 2, 3, 4, 5, 6}, 6);
            ByteBuffer direct = ByteBuffer.allocateDirect(8).put(new byte[] {9, 9, 7, 8, 9}).flip().position(2);
            writer.write(5L, direct);
            assertThat(direct.position()).as("position untouched").isEqualTo(2);
        }
        ByteBuffer b = ByteBuffer.wrap(out.toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.getInt(0)).isEqualTo(0xa1b23c4d);
        assertThat(b.getInt(16)).as("snap length").isEqualTo(4);
        assertThat(b.getInt(20)).isEqualTo(PcapWriter.LINKTYPE_RAW);
        assertThat(new int[] {b.getInt(24), b.getInt(28), b.getInt(32), b.getInt(36)}).containsExactly(3, 7, 4, 6);
        assertThat(b.get(40)).isEqualTo((byte) 1);
        assertThat(b.getInt(44 + 8)).as("captured").isEqualTo(3);
        assertThat(b.getInt(44 + 12)).as("original").isEqualTo(3);
        assertThat(b.get(44 + 16)).isEqualTo((byte) 7);
        assertThat(b.capacity()).isEqualTo(24 + 16 + 4 + 16 + 3);
    }

    @Test
    void createMakesParentDirectoriesAndRejectsNegativeTimes() throws Exception {
        Path file = temp.resolve("a/b/c.pcap");
        try (PcapWriter writer = PcapWriter.create(file, PcapWriter.DEFAULT_SNAP_LENGTH)) {
            assertThatThrownBy(() -> writer.write(-1, new byte[1], 1)).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(Files.size(file)).isEqualTo(24);
        assertThatThrownBy(() -> new PcapWriter(new ByteArrayOutputStream(), 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
