package io.mptcp4j.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RootOnlyConditionTest {

    @Test
    void privilegedProcessRunsTheTest() {
        var result = new RootOnlyCondition(() -> true, Map.of("CI", "true")::get).evaluateExecutionCondition(null);
        assertThat(result.isDisabled()).isFalse();
    }

    @Test
    void unprivilegedProcessSkipsOutsideCi() {
        var result = new RootOnlyCondition(() -> false, Map.<String, String>of()::get)
                .evaluateExecutionCondition(null);
        assertThat(result.isDisabled()).isTrue();
        assertThat(result.getReason()).hasValueSatisfying(r -> assertThat(r).contains("need root"));
    }

    @Test
    void unprivilegedProcessFailsInCi() {
        var condition = new RootOnlyCondition(() -> false, Map.of("CI", "true")::get);
        assertThatThrownBy(() -> condition.evaluateExecutionCondition(null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("interop tests need root");
    }

    @Test
    void unresolvedMavenPlaceholderIsNotCi() {
        var result = new RootOnlyCondition(() -> false, Map.of("CI", "${env.CI}")::get)
                .evaluateExecutionCondition(null);
        assertThat(result.isDisabled()).isTrue();
    }

    @Test
    void readsEffectiveCapabilities(@TempDir Path dir) throws Exception {
        Path status = dir.resolve("status");
        Files.writeString(status, "Name:\tjava\nCapInh:\t0000000000000000\nCapEff:\t000001ffffffffff\n");
        BigInteger eff = Privileges.effectiveCapabilities(status);
        assertThat(Privileges.hasAll(eff, Privileges.CAP_NET_ADMIN, Privileges.CAP_NET_RAW,
                Privileges.CAP_SYS_ADMIN)).isTrue();

        Files.writeString(status, "CapEff:\t0000000000003000\n"); // NET_ADMIN and NET_RAW, no SYS_ADMIN
        eff = Privileges.effectiveCapabilities(status);
        assertThat(Privileges.hasAll(eff, Privileges.CAP_NET_ADMIN, Privileges.CAP_NET_RAW)).isTrue();
        assertThat(Privileges.hasAll(eff, Privileges.CAP_SYS_ADMIN)).isFalse();
    }
}
