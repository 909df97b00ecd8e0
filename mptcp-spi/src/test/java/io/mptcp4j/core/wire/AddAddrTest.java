package io.mptcp4j.core.wire;

import static io.mptcp4j.core.wire.MptcpOptionAssertions.assertEncodes;
import static io.mptcp4j.core.wire.MptcpOptionAssertions.assertRoundTrip;
import static io.mptcp4j.core.wire.MptcpOptionAssertions.hex;
import static io.mptcp4j.core.wire.MptcpOptionAssertions.option;
import static io.mptcp4j.core.wire.MptcpOptionAssertions.rejectReason;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.mptcp4j.core.wire.MalformedPacketException.Reason;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class AddAddrTest {

    private static final String V4 = "c0000207";
    private static final String V6 = "20010db8000000000000000000000042";

    /** Every valid form: echo flag, IPv6 or not, port or not, and the length that makes. */
    static Stream<Arguments> everyForm() {
        return Stream.of(
                Arguments.of(true, false, false, 8),
                Arguments.of(true, false, true, 10),
                Arguments.of(false, false, false, 16),
                Arguments.of(false, false, true, 18),
                Arguments.of(true, true, false, 20),
                Arguments.of(true, true, true, 22),
                Arguments.of(false, true, false, 28),
                Arguments.of(false, true, true, 30));
    }

    @ParameterizedTest
    @MethodSource("everyForm")
    void everyFormRoundTrips(boolean echo, boolean ipv6, boolean port, int length) throws Exception {
        String wire = "1e" + String.format("%02x", length) + (echo ? "31" : "30") + "05" + (ipv6 ? V6 : V4)
                + (port ? "1f90" : "") + (echo ? "" : "e36ce1f7c2f780d9");
        AddAddr addAddr = (AddAddr) assertRoundTrip(hex(wire));
        assertThat(addAddr.echo()).isEqualTo(echo);
        assertThat(addAddr.isIpv6()).isEqualTo(ipv6);
        assertThat(addAddr.addressId()).isEqualTo(5);
        assertThat(addAddr.address()).isEqualTo(InetAddress.getByName(ipv6 ? "2001:db8::42" : "192.0.2.7"));
        assertThat(addAddr.port()).isEqualTo(port ? OptionalInt.of(8080) : OptionalInt.empty());
        assertThat(addAddr.truncatedHmac()).isEqualTo(echo ? 0 : 0xE36CE1F7C2F780D9L);
        assertThat(addAddr.encodedLength()).isEqualTo(length);
        for (int nibble = 0; nibble < 16; nibble += 2) {
            byte[] bytes = hex(wire);
            bytes[2] = (byte) (bytes[2] | nibble);
            assertThat(((AddAddr) assertRoundTrip(bytes)).reserved()).isEqualTo(nibble);
        }
    }

    @Test
    void linuxAnnouncementOfIpv4() throws Exception {
        AddAddr addAddr = AddAddr.announce(5, InetAddress.getByName("192.0.2.7"), OptionalInt.empty(),
                0xE36CE1F7C2F780D9L);
        assertEncodes(addAddr, "1e 10 30 05 c0000207 e36ce1f7c2f780d9");
    }

    @Test
    void echoWithPort() throws Exception {
        assertEncodes(AddAddr.echo(9, InetAddress.getByName("2001:db8::42"), OptionalInt.of(443)),
                "1e 16 31 09" + V6 + "01bb");
    }

    @Test
    void portZeroOnTheWireIsKept() throws Exception {
        AddAddr addAddr = (AddAddr) assertRoundTrip(hex("1e 0a 31 01" + V4 + "0000"));
        assertThat(addAddr.port()).isEqualTo(OptionalInt.of(0));
    }

    @Test
    void ipv4MappedIpv6StaysIpv6() throws Exception {
        AddAddr addAddr = (AddAddr) assertRoundTrip(hex("1e 14 31 01 00000000000000000000ffffc0000207"));
        assertThat(addAddr.address()).isInstanceOf(Inet6Address.class);
        assertThat(addAddr.isIpv6()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void everyOtherLengthIsRefused(boolean echo) {
        Set<Integer> valid = echo ? Set.of(8, 10, 20, 22) : Set.of(16, 18, 28, 30);
        for (int length = 3; length <= 40; length++) {
            if (valid.contains(length)) continue;
            assertThat(rejectReason(option(length, echo ? 0x31 : 0x30, 0))).as("length %d", length)
                    .isEqualTo(Reason.BAD_OPTION_LENGTH);
        }
    }

    @Test
    void constructorChecksFields() throws Exception {
        InetAddress v4 = InetAddress.getByName("192.0.2.7");
        assertThatIllegalArgumentException().isThrownBy(() -> AddAddr.announce(256, v4, OptionalInt.empty(), 0));
        assertThatIllegalArgumentException().isThrownBy(() -> AddAddr.echo(1, v4, OptionalInt.of(65536)));
        assertThatIllegalArgumentException().isThrownBy(() -> new AddAddr(true, 1, v4, OptionalInt.empty(), 5, 0));
        assertThatIllegalArgumentException().isThrownBy(() -> new AddAddr(true, 1, v4, OptionalInt.empty(), 0, 1));
        assertThatIllegalArgumentException().isThrownBy(() -> new AddAddr(true, 1, null, OptionalInt.empty(), 0, 0));
        assertThatIllegalArgumentException().isThrownBy(() -> new AddAddr(true, 1, v4, null, 0, 0));
    }
}
