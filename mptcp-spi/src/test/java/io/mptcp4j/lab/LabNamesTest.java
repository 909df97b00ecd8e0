package io.mptcp4j.lab;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LabNamesTest {

    @Test
    void namesCarryPidAndStartTimeOfThisJvm() {
        String id = LabNames.newLabId();
        long pid = ProcessHandle.current().pid();
        assertThat(id).startsWith(pid + "-" + LabNames.startToken(pid) + "-");
        String client = LabNames.namespaceName(id, Host.CLIENT);
        assertThat(client).startsWith("m4j-").endsWith("-cli");
        assertThat(LabNames.namespaceName(id, Host.SERVER)).endsWith("-srv");
        assertThat(LabNames.isLabNamespace(client)).isTrue();
        assertThat(LabNames.isStale(client)).isFalse();
    }

    @Test
    void aDeadOrReusedPidMakesANamespaceStale() {
        long pid = ProcessHandle.current().pid();
        assertThat(LabNames.isStale("m4j-999999999-abc-0a0b0c-cli")).isTrue();
        assertThat(LabNames.isStale("m4j-" + pid + "-zzzzzz-0a0b0c-srv")).isTrue(); // same pid, other process
    }

    @Test
    void foreignNamesAreNeverStale() {
        assertThat(LabNames.isStale("m4jexp-a")).isFalse();
        assertThat(LabNames.isStale("m4j-123-x")).isFalse();
        assertThat(LabNames.isStale("somebody-elses")).isFalse();
    }
}
