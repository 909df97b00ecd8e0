package io.mptcp4j.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mptcp4j.io.linux.InsufficientPrivilegesException;
import io.mptcp4j.testing.Privileges;
import io.mptcp4j.testing.ThreadCapabilities;
import org.junit.jupiter.api.Test;

/** Runs as any user: a thread without CAP_NET_RAW (dropped if held) cannot open the device and is told why. */
class RawSocketDevicePrivilegesTest {

    @Test
    void withoutCapNetRawOpeningSaysWhatIsMissing() {
        assertThatThrownBy(() -> ThreadCapabilities.callWithout(Privileges.CAP_NET_RAW,
                () -> RawSocketDevice.builder().open()))
                .isInstanceOfSatisfying(InsufficientPrivilegesException.class,
                        e -> assertThat(e.capability()).isEqualTo("CAP_NET_RAW"))
                .hasMessageContaining("socket(AF_INET, SOCK_RAW, IPPROTO_TCP)")
                .hasMessageContaining("needs root or CAP_NET_RAW");
    }
}
