package io.mptcp4j.io.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class SocketAddressesTest {

    @Test
    void ipv4LayoutIsFamilyHostOrderThenPortAndAddressInNetworkOrder() throws Exception {
        byte[] raw = SocketAddresses.encode(InetAddress.getByName("10.0.1.2"), 0x1234);
        assertThat(raw).hasSize(16).startsWith(2, 0, 0x12, 0x34, 10, 0, 1, 2);
    }

    @Test
    void ipv6LayoutPutsTheAddressAtOffsetEight() throws Exception {
        byte[] raw = SocketAddresses.encode(InetAddress.getByName("fd00::2"), 443);
        assertThat(raw).hasSize(28);
        assertThat(raw[0]).isEqualTo((byte) 10);
        assertThat(raw[2]).isEqualTo((byte) 1);
        assertThat(raw[3]).isEqualTo((byte) 0xbb);
        assertThat(raw[8]).isEqualTo((byte) 0xfd);
        assertThat(raw[23]).isEqualTo((byte) 2);
    }

    @Test
    void roundTrips() throws Exception {
        for (String host : new String[] {"10.0.0.1", "fd00:0:0:3::1", "0.0.0.0", "::"}) {
            InetSocketAddress a = new InetSocketAddress(InetAddress.getByName(host), 40000);
            byte[] raw = SocketAddresses.encode(a);
            assertThat(SocketAddresses.decode(raw, raw.length)).isEqualTo(a);
        }
    }
}
