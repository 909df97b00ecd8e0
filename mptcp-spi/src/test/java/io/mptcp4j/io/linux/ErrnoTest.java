package io.mptcp4j.io.linux;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ErrnoTest {

    @Test
    void epermOnRawSocketSaysWhichPrivilegeIsMissing() {
        NativeCallException e = Errno.failure("socket(AF_INET, SOCK_RAW, IPPROTO_TCP)", Errno.EPERM,
                Errno.CAP_NET_RAW);
        assertThat(e).isInstanceOf(InsufficientPrivilegesException.class);
        assertThat(e.getMessage())
                .contains("socket(AF_INET, SOCK_RAW, IPPROTO_TCP)")
                .contains("Operation not permitted")
                .contains("needs root or CAP_NET_RAW");
        assertThat(((InsufficientPrivilegesException) e).capability()).isEqualTo("CAP_NET_RAW");
        assertThat(e.errno()).isEqualTo(Errno.EPERM);
    }

    @Test
    void eaccesOnSetnsNamesSysAdmin() {
        NativeCallException e = Errno.failure("setns(/run/netns/x, CLONE_NEWNET)", Errno.EACCES,
                Errno.CAP_SYS_ADMIN);
        assertThat(e).isInstanceOf(InsufficientPrivilegesException.class)
                .hasMessageContaining("needs root or CAP_SYS_ADMIN");
    }

    @Test
    void otherErrorsNameTheCallAndStrerrorText() {
        NativeCallException e = Errno.failure("connect(10.0.0.2:80)", Errno.ECONNREFUSED, Errno.CAP_NET_RAW);
        assertThat(e).isNotInstanceOf(InsufficientPrivilegesException.class);
        assertThat(e.getMessage()).isEqualTo("connect(10.0.0.2:80) failed: Connection refused (ECONNREFUSED)");
        assertThat(e.call()).isEqualTo("connect(10.0.0.2:80)");
    }

    @Test
    void epermWithoutAKnownPrivilegeIsAPlainFailure() {
        assertThat(Errno.failure("kill", Errno.EPERM, null)).isNotInstanceOf(InsufficientPrivilegesException.class);
    }
}
