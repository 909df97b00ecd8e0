package io.mptcp4j.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mptcp4j.core.wire.TcpSegment;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Counted pins of address pairs, matched against packet headers. */
class PinnedRoutesTest {

    private static ByteBuffer packet(String from, String to) throws Exception {
        return TestPackets.packet(InetAddress.getByName(from), InetAddress.getByName(to), 64,
                TcpSegment.of(1, 2, 3, 0, TcpSegment.SYN, 1000, List.of(), ByteBuffer.allocate(0)));
    }

    @Test
    void pinsAreCountedPerPairAndMatchedInBothFamilies() throws Exception {
        PinnedRoutes pins = new PinnedRoutes();
        InetAddress a = InetAddress.getByName("10.0.1.1");
        InetAddress b = InetAddress.getByName("10.0.0.2");
        InetAddress a6 = InetAddress.getByName("fd00:0:0:1::1");
        InetAddress b6 = InetAddress.getByName("fd00::2");
        assertThat(pins.isPinned(packet("10.0.1.1", "10.0.0.2"))).isFalse();

        pins.pin(a, b);
        pins.pin(a, b);
        pins.pin(a6, b6);
        assertThat(pins.size()).isEqualTo(2);
        assertThat(pins.isPinned(packet("10.0.1.1", "10.0.0.2"))).isTrue();
        assertThat(pins.isPinned(packet("10.0.0.2", "10.0.1.1"))).as("the reverse pair").isFalse();
        assertThat(pins.isPinned(packet("10.0.1.1", "10.0.0.3"))).isFalse();
        assertThat(pins.isPinned(packet("fd00:0:0:1::1", "fd00::2"))).isTrue();
        byte[] mapped = InetAddress.getByName("::1").getAddress(); // a real IPv6 header with ::ffff:10.0.1.1
        mapped[15] = 0;
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        System.arraycopy(a.getAddress(), 0, mapped, 12, 4);
        byte[] mappedB = mapped.clone();
        System.arraycopy(b.getAddress(), 0, mappedB, 12, 4);
        ByteBuffer v6 = TestPackets.packet(Inet6Address.getByAddress(null, mapped, -1),
                Inet6Address.getByAddress(null, mappedB, -1), 64,
                TcpSegment.of(1, 2, 3, 0, TcpSegment.SYN, 1000, List.of(), ByteBuffer.allocate(0)));
        assertThat(v6.get(0) & 0xf0).isEqualTo(0x60);
        assertThat(pins.isPinned(v6)).as("an IPv6 packet is not an IPv4 one").isFalse();

        assertThat(pins.unpin(a, b)).isTrue();
        assertThat(pins.isPinned(packet("10.0.1.1", "10.0.0.2"))).as("one pin left").isTrue();
        assertThat(pins.unpin(a, b)).isTrue();
        assertThat(pins.isPinned(packet("10.0.1.1", "10.0.0.2"))).isFalse();
        assertThat(pins.unpin(a, b)).isFalse();
        assertThat(pins.isPinned(packet("fd00:0:0:1::1", "fd00::2"))).as("the other pair stays").isTrue();
        assertThat(pins.size()).isEqualTo(1);
    }

    @Test
    void theBuffersPositionAndOrderAreRespected() throws Exception {
        PinnedRoutes pins = new PinnedRoutes();
        pins.pin(InetAddress.getByName("fd00:0:0:1::1"), InetAddress.getByName("fd00::2"));
        ByteBuffer p = packet("fd00:0:0:1::1", "fd00::2");
        ByteBuffer shifted = ByteBuffer.allocateDirect(p.remaining() + 7).order(ByteOrder.LITTLE_ENDIAN);
        shifted.position(7);
        shifted.put(p.duplicate()).position(7);
        assertThat(pins.isPinned(shifted)).isTrue();
        assertThat(shifted.position()).isEqualTo(7);
        assertThat(pins.isPinned(ByteBuffer.allocate(3))).isFalse();
    }

    @Test
    void mixedFamiliesAreRefused() {
        PinnedRoutes pins = new PinnedRoutes();
        assertThatThrownBy(() -> pins.pin(InetAddress.getByName("10.0.0.1"), InetAddress.getByName("fd00::2")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
