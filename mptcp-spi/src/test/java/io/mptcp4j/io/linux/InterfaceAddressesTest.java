package io.mptcp4j.io.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Choosing the outgoing interface from a packet's header, without allocating and without a kernel. */
class InterfaceAddressesTest {

    private static final InterfaceAddresses TABLE;

    static {
        try {
            Map<InetAddress, Integer> map = new LinkedHashMap<>();
            map.put(InetAddress.getByName("10.0.0.1"), 2);
            map.put(InetAddress.getByName("10.0.1.1"), 3);
            map.put(InetAddress.getByName("fd00::1"), 2);
            map.put(InetAddress.getByName("fd00:0:0:1::1"), 3);
            TABLE = InterfaceAddresses.of(map);
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static ByteBuffer v4(String source, String destination) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(40);
        b.put(0, (byte) 0x45);
        b.put(12, InetAddress.getByName(source).getAddress());
        b.put(16, InetAddress.getByName(destination).getAddress());
        return b;
    }

    private static ByteBuffer v6(String source, String destination) throws Exception {
        ByteBuffer b = ByteBuffer.allocateDirect(60);
        b.put(0, (byte) 0x60);
        b.put(8, InetAddress.getByName(source).getAddress());
        b.put(24, InetAddress.getByName(destination).getAddress());
        return b;
    }

    @Test
    void theInterfaceOfTheSourceIsChosenForARemoteDestination() throws Exception {
        assertThat(TABLE.egressInterface(v4("10.0.1.1", "10.0.0.2"))).isEqualTo(3);
        assertThat(TABLE.egressInterface(v4("10.0.0.1", "10.0.1.2"))).isEqualTo(2);
        assertThat(TABLE.egressInterface(v6("fd00:0:0:1::1", "fd00::2"))).isEqualTo(3);
        assertThat(TABLE.egressInterface(v6("fd00::1", "2001:db8::1"))).isEqualTo(2);
        assertThat(TABLE.interfaceOf(InetAddress.getByName("fd00:0:0:1::1"))).isEqualTo(3);
        assertThat(TABLE.size()).isEqualTo(4);
    }

    @Test
    void unknownSourcesLocalDestinationsAndNonIpBuffersAreRoutedNormally() throws Exception {
        assertThat(TABLE.egressInterface(v4("192.0.2.1", "10.0.0.2"))).as("foreign source").isZero();
        assertThat(TABLE.egressInterface(v4("10.0.1.1", "10.0.0.1"))).as("local destination").isZero();
        assertThat(TABLE.egressInterface(v6("fd00::1", "fd00:0:0:1::1"))).as("local destination").isZero();
        assertThat(TABLE.egressInterface(ByteBuffer.allocate(0))).isZero();
        assertThat(TABLE.egressInterface(ByteBuffer.allocate(19).put(0, (byte) 0x45))).as("short").isZero();
        assertThat(TABLE.egressInterface(ByteBuffer.allocate(39).put(0, (byte) 0x60))).as("short").isZero();
        assertThat(TABLE.egressInterface(ByteBuffer.allocate(60).put(0, (byte) 0x50))).as("version 5").isZero();
        assertThat(InterfaceAddresses.EMPTY.egressInterface(v4("10.0.1.1", "10.0.0.2"))).isZero();
    }

    @Test
    void positionAndByteOrderOfTheBufferAreRespectedAndKept() throws Exception {
        ByteBuffer packet = v4("10.0.1.1", "10.0.0.2");
        ByteBuffer shifted = ByteBuffer.allocate(50).order(ByteOrder.LITTLE_ENDIAN);
        shifted.position(10);
        shifted.put(packet.duplicate());
        shifted.position(10);
        assertThat(TABLE.egressInterface(shifted)).isEqualTo(3);
        assertThat(shifted.position()).isEqualTo(10);
        assertThat(shifted.order()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer v6 = v6("fd00:0:0:1::1", "fd00::2").order(ByteOrder.LITTLE_ENDIAN);
        assertThat(TABLE.egressInterface(v6)).isEqualTo(3);
    }

    @Test
    void indexesMustBePositive() throws Exception {
        assertThatThrownBy(() -> InterfaceAddresses.of(Map.of(InetAddress.getByName("10.0.0.1"), 0)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(InterfaceAddresses.of(Map.of())).isSameAs(InterfaceAddresses.EMPTY);
    }
}
