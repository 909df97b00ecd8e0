package io.mptcp4j.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.mptcp4j.core.time.ManualClock;
import io.mptcp4j.testing.Tshark;
import java.io.File;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PcapDeviceTest {

    private static final long EPOCH_START = 1_700_000_000_123_456_789L;

    @TempDir
    Path temp;

    private final ManualClock clock = new ManualClock(EPOCH_START);
    private final MemoryDevice wire = new MemoryDevice();

    private record Record(long timeNanos, int originalLength, byte[] bytes) {
    }

    @Test
    void everyPacketInAndOutIsWrittenAndTheFileReadsBack() throws Exception {
        InetAddress a4 = InetAddress.getByName("10.0.0.1");
        InetAddress b4 = InetAddress.getByName("10.0.0.2");
        InetAddress a6 = InetAddress.getByName("fd00::1");
        InetAddress b6 = InetAddress.getByName("fd00::2");
        byte[] out4 = TestPackets.bytes(TestPackets.syn(a4, b4, 40_000, 80, 1));
        byte[] out6 = TestPackets.bytes(TestPackets.syn(a6, b6, 40_001, 443, 2));
        byte[] in4 = TestPackets.bytes(TestPackets.syn(b4, a4, 80, 40_000, 3));
        byte[] in6 = TestPackets.bytes(TestPackets.syn(b6, a6, 443, 40_001, 4));
        Path file = temp.resolve("capture.pcap");

        try (PcapDevice pcap = PcapDevice.open(wire, file, clock, PcapWriter.DEFAULT_SNAP_LENGTH)) {
            assertThat(pcap.send(ByteBuffer.wrap(out4))).isTrue();
            clock.advance(1_000);
            ByteBuffer direct = ByteBuffer.allocateDirect(100).put(out6).flip();
            assertThat(pcap.send(direct)).isTrue();
            assertThat(direct.remaining()).as("send leaves the buffer as it was").isEqualTo(out6.length);
            clock.advance(1_000_000_000L);
            wire.inject(in4);
            wire.inject(in6);
            ByteBuffer[] buffers = {ByteBuffer.allocate(2048), ByteBuffer.allocateDirect(2048)};
            assertThat(pcap.receive(buffers)).isEqualTo(2);
            assertThat(TestPackets.bytes(buffers[1])).isEqualTo(in6);
            assertThat(pcap.packetsWritten()).isEqualTo(4);
            assertThat(pcap.captureFailure()).isNull();
        }
        assertThat(wire.isOpen()).as("closing the capture closes the wrapped device").isFalse();

        List<Record> records = read(file);
        assertThat(records).extracting(Record::bytes).containsExactly(out4, out6, in4, in6);
        assertThat(records).extracting(Record::timeNanos).containsExactly(EPOCH_START, EPOCH_START + 1_000,
                EPOCH_START + 1_000_001_000L, EPOCH_START + 1_000_001_000L);
        assertThat(records).extracting(Record::originalLength)
                .containsExactly(out4.length, out6.length, in4.length, in6.length);

        Optional<File> tshark = Tshark.find();
        if (tshark.isPresent()) {
            assertThat(Tshark.fields(tshark.get(), file, "", "ip.src", "ipv6.src", "tcp.srcport", "tcp.dstport"))
                    .containsExactly("10.0.0.1\t\t40000\t80", "\tfd00::1\t40001\t443", "10.0.0.2\t\t80\t40000",
                            "\tfd00::2\t443\t40001");
        }
    }

    @Test
    void theSnapLengthCutsRecordsButKeepsTheirLength() throws Exception {
        Path file = temp.resolve("snap.pcap");
        byte[] packet = TestPackets.bytes(TestPackets.syn(InetAddress.getByName("10.0.0.1"),
                InetAddress.getByName("10.0.0.2"), 1, 2, 3));
        try (PcapDevice pcap = PcapDevice.open(wire, file, clock, 20)) {
            pcap.send(ByteBuffer.wrap(packet));
        }
        Record r = read(file).get(0);
        assertThat(r.bytes()).hasSize(20);
        assertThat(r.originalLength()).isEqualTo(packet.length);
    }

    @Test
    void aRefusedSendIsNotRecorded() throws Exception {
        wire.sendCapacity(0);
        Path file = temp.resolve("refused.pcap");
        try (PcapDevice pcap = PcapDevice.open(wire, file)) {
            assertThat(pcap.send(ByteBuffer.wrap(FaultInjectingDeviceTest.ipv4(1)))).isFalse();
            assertThat(pcap.packetsWritten()).isZero();
        }
        assertThat(read(file)).isEmpty();
    }

    /** Parses a nanosecond, little-endian, LINKTYPE_RAW pcap file. */
    private static List<Record> read(Path file) throws Exception {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.getInt()).as("magic: nanosecond timestamps").isEqualTo(0xa1b23c4d);
        assertThat(b.getShort()).isEqualTo((short) 2);
        assertThat(b.getShort()).isEqualTo((short) 4);
        b.getInt();
        b.getInt();
        b.getInt(); // snap length
        assertThat(b.getInt()).as("LINKTYPE_RAW").isEqualTo(101);
        List<Record> records = new ArrayList<>();
        while (b.hasRemaining()) {
            long seconds = Integer.toUnsignedLong(b.getInt());
            long nanos = b.getInt();
            int captured = b.getInt();
            int original = b.getInt();
            byte[] bytes = new byte[captured];
            b.get(bytes);
            records.add(new Record(seconds * 1_000_000_000L + nanos, original, bytes));
        }
        return records;
    }
}
