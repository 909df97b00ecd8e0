package io.mptcp4j.io.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mptcp4j.io.linux.BpfProgram.Instruction;
import java.util.List;
import org.junit.jupiter.api.Test;

class BpfProgramTest {

    @Test
    void dropAllIsOneReturnZero() {
        assertThat(BpfProgram.dropAll().instructions()).containsExactly(new Instruction(0x06, 0, 0, 0));
    }

    @Test
    void ipv4PortFilterSkipsTheIpHeaderByIhl() {
        BpfProgram p = BpfProgram.tcpDestinationPorts(AddressFamily.IPV4, List.of(443, 80));
        assertThat(p.instructions()).containsExactly(
                new Instruction(0x28, 0, 0, 6),          // ldh [6]           flags + fragment offset
                new Instruction(0x45, 4, 0, 0x1fff),     // jset #0x1fff -> drop
                new Instruction(0xb1, 0, 0, 0),          // ldxb 4*([0]&0xf)
                new Instruction(0x48, 0, 0, 2),          // ldh [x+2]         destination port
                new Instruction(0x15, 2, 0, 80),         // jeq #80 -> accept (ports sorted)
                new Instruction(0x15, 1, 0, 443),        // jeq #443 -> accept
                new Instruction(0x06, 0, 0, 0),          // drop: ret #0
                new Instruction(0x06, 0, 0, BpfProgram.ACCEPT_WHOLE_PACKET));
    }

    @Test
    void ipv6PortFilterReadsTheTcpHeaderAtOffsetZero() {
        BpfProgram p = BpfProgram.tcpDestinationPorts(AddressFamily.IPV6, List.of(5000));
        assertThat(p.instructions()).containsExactly(
                new Instruction(0x28, 0, 0, 2),
                new Instruction(0x15, 1, 0, 5000),
                new Instruction(0x06, 0, 0, 0),
                new Instruction(0x06, 0, 0, BpfProgram.ACCEPT_WHOLE_PACKET));
    }

    @Test
    void nativeEncodingIsHostOrderSockFilter() {
        byte[] bytes = BpfProgram.builder().instruction(0x15, 0x01020304).build().toNativeBytes();
        assertThat(bytes).containsExactly(0x15, 0x00, 0, 0, 0x04, 0x03, 0x02, 0x01);
    }

    @Test
    void labelsResolveToForwardOffsets() {
        BpfProgram p = BpfProgram.builder()
                .loadByteAbsolute(9)
                .jumpIfEqual(6, null, "no")
                .returnConstant(-1)
                .label("no").returnConstant(0)
                .build();
        assertThat(p.instructions().get(1)).isEqualTo(new Instruction(0x15, 0, 1, 6));
    }

    @Test
    void rejectsBackwardAndUndefinedJumps() {
        assertThatThrownBy(() -> BpfProgram.builder().label("top").jumpIfEqual(1, "top", null)
                .returnConstant(0).build()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> BpfProgram.builder().jumpIfEqual(1, "nowhere", null).returnConstant(0).build())
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void rejectsEmptyAndHugePortSets() {
        assertThatThrownBy(() -> BpfProgram.tcpDestinationPorts(AddressFamily.IPV4, List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BpfProgram.tcpDestinationPorts(AddressFamily.IPV4, List.of(70000)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
