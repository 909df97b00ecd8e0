package io.mptcp4j.io.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class MptcpInfoTest {

    /** Lays out struct mptcp_info field by field at the offsets of include/uapi/linux/mptcp.h. */
    private static byte[] sample() {
        ByteBuffer b = ByteBuffer.allocate(96).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0, (byte) 2).put(1, (byte) 1).put(2, (byte) 3).put(3, (byte) 8).put(4, (byte) 4).put(5, (byte) 5);
        b.putInt(8, MptcpInfo.FLAG_REMOTE_KEY_RECEIVED);
        b.putInt(12, 0xdeadbeef);
        b.putLong(16, 0x1111_2222_3333_4444L).putLong(24, 0x1111_2222_3333_0000L).putLong(32, -2L);
        b.put(40, (byte) 2).put(41, (byte) 3).put(42, (byte) 1);
        b.putInt(44, 7);
        b.putLong(48, 1000).putLong(56, 2000).putLong(64, 3000).putLong(72, 1500);
        b.put(80, (byte) 3).put(81, (byte) 1).put(82, (byte) 2);
        b.putInt(84, 10).putInt(88, 20).putInt(92, 30);
        return b.array();
    }

    @Test
    void decodesEveryFieldAtItsOffset() {
        MptcpInfo i = MptcpInfo.decode(sample(), 96);
        assertThat(i.subflows()).isEqualTo(2);
        assertThat(i.addAddrSignal()).isEqualTo(1);
        assertThat(i.addAddrAccepted()).isEqualTo(3);
        assertThat(i.subflowsMax()).isEqualTo(8);
        assertThat(i.addAddrSignalMax()).isEqualTo(4);
        assertThat(i.addAddrAcceptedMax()).isEqualTo(5);
        assertThat(i.remoteKeyReceived()).isTrue();
        assertThat(i.isFallback()).isFalse();
        assertThat(i.token()).isEqualTo(0xdeadbeefL);
        assertThat(i.writeSeq()).isEqualTo(0x1111_2222_3333_4444L);
        assertThat(i.sndUna()).isEqualTo(0x1111_2222_3333_0000L);
        assertThat(i.rcvNxt()).isEqualTo(-2L);
        assertThat(i.localAddrUsed()).isEqualTo(2);
        assertThat(i.localAddrMax()).isEqualTo(3);
        assertThat(i.checksumEnabled()).isTrue();
        assertThat(i.retransmits()).isEqualTo(7);
        assertThat(i.bytesRetransmitted()).isEqualTo(1000);
        assertThat(i.bytesSent()).isEqualTo(2000);
        assertThat(i.bytesReceived()).isEqualTo(3000);
        assertThat(i.bytesAcked()).isEqualTo(1500);
        assertThat(i.subflowsTotal()).isEqualTo(3);
        assertThat(i.endpLaminarMax()).isEqualTo(1);
        assertThat(i.endpFullmeshMax()).isEqualTo(2);
        assertThat(i.lastDataSentMs()).isEqualTo(10);
        assertThat(i.lastDataRecvMs()).isEqualTo(20);
        assertThat(i.lastAckRecvMs()).isEqualTo(30);
        assertThat(i.kernelLength()).isEqualTo(96);
    }

    @Test
    void anOlderKernelsShorterStructLeavesTheNewFieldsZero() {
        MptcpInfo i = MptcpInfo.decode(sample(), 43); // Linux 5.x: up to csum_enabled
        assertThat(i.token()).isEqualTo(0xdeadbeefL);
        assertThat(i.checksumEnabled()).isTrue();
        assertThat(i.retransmits()).isZero();
        assertThat(i.bytesSent()).isZero();
        assertThat(i.lastAckRecvMs()).isZero();
        assertThat(i.kernelLength()).isEqualTo(43);
    }

    @Test
    void fallbackFlag() {
        byte[] raw = new byte[96];
        raw[8] = MptcpInfo.FLAG_FALLBACK;
        assertThat(MptcpInfo.decode(raw, 96).isFallback()).isTrue();
    }
}
