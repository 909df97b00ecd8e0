package io.mptcp4j.io.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mptcp4j.testing.RootOnly;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What {@link RawTcpSocket#sendPackets} accepts, checked before anything is sent (the kernel behaviour is
 * covered by the device's interop tests). The sockets filter everything out and send nothing.
 */
@RootOnly
class RawTcpSocketSendPacketsTest {

    private static ByteBuffer direct(int length, int version) {
        ByteBuffer b = ByteBuffer.allocateDirect(length);
        b.put(0, (byte) (version << 4));
        return b;
    }

    @ParameterizedTest
    @EnumSource(AddressFamily.class)
    void theHeaderMustBeIncludedAndPacketsDirectAndOfTheSocketsFamily(AddressFamily family) throws Exception {
        int version = family == AddressFamily.IPV4 ? 4 : 6;
        int otherVersion = family == AddressFamily.IPV4 ? 6 : 4;
        try (RawTcpSocket raw = RawTcpSocket.open(family, BpfProgram.dropAll())) {
            ByteBuffer[] packet = {direct(60, version)};
            assertThat(raw.isHeaderIncluded()).isFalse();
            assertThatThrownBy(() -> raw.sendPackets(packet, 0, 1)).isInstanceOf(IllegalStateException.class);

            raw.setHeaderIncluded(true);
            assertThat(raw.isHeaderIncluded()).isTrue();
            ByteBuffer heap = ByteBuffer.allocate(60).put(0, (byte) (version << 4));
            assertThatThrownBy(() -> raw.sendPackets(new ByteBuffer[] {heap}, 0, 1))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("direct");
            assertThatThrownBy(() -> raw.sendPackets(new ByteBuffer[] {direct(60, otherVersion)}, 0, 1))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("version " + otherVersion);
            assertThatThrownBy(() -> raw.sendPackets(new ByteBuffer[] {direct(19, version)}, 0, 1))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> raw.sendPackets(packet, 0, 2)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThat(raw.sendPackets(packet, 1, 1)).isZero();

            raw.setHeaderIncluded(false);
            assertThat(raw.isHeaderIncluded()).isFalse();
        }
    }

    @Test
    void aClosedSocketCannotSend() throws Exception {
        RawTcpSocket raw = RawTcpSocket.open(AddressFamily.IPV4, BpfProgram.dropAll());
        raw.setHeaderIncluded(true);
        raw.close();
        assertThatThrownBy(() -> raw.sendPackets(new ByteBuffer[] {direct(60, 4)}, 0, 1))
                .isInstanceOf(java.nio.channels.ClosedChannelException.class);
    }
}
