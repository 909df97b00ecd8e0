package io.mptcp4j.sim;

import static io.mptcp4j.sim.TwoHostNetwork.clientIpv4;
import static io.mptcp4j.sim.TwoHostNetwork.serverIpv4;
import static org.assertj.core.api.Assertions.assertThat;

import io.mptcp4j.core.stack.NetworkStack;
import io.mptcp4j.core.stack.PacketSink;
import io.mptcp4j.core.time.Deadlines;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A long window-clocked transfer: the simulator keeps link timing exact and the payload intact at scale. */
class SimThroughputTest {

    private static final int HEADER = IpHeaders.IPV4_HEADER + Long.BYTES;
    private static final int PAYLOAD = 1452;

    @Test
    void aHundredMegabytesCrossAGigabitLinkAtLineRate() {
        long length = 100L * 1024 * 1024;
        LinkConfig gigabit = LinkConfig.builder().rateBitsPerSecond(1_000_000_000).delay(Duration.ofMillis(5))
                .build();
        TwoHostNetwork net = SimNetwork.twoHosts(3, gigabit);
        ByteStreamChecker stream = new ByteStreamChecker(3, length);
        WindowSender sender = new WindowSender(stream.source(), 1000);
        WindowReceiver receiver = new WindowReceiver(stream.verifier());
        net.client().install(sender);
        net.server().install(receiver);

        long doneAt = net.network().runUntil(() -> stream.verifier().received() == length, Duration.ofSeconds(10));

        stream.assertTransferred();
        long packets = (length + PAYLOAD - 1) / PAYLOAD;
        long wireBits = (packets * HEADER + length) * 8;
        long lineRateNanos = wireBits; // one bit per nanosecond at 1 Gbit/s
        assertThat(doneAt - SimNetwork.ORIGIN_NANOS).as(net.network().context())
                .isBetween(lineRateNanos, lineRateNanos + Duration.ofMillis(11).toNanos());
        assertThat(net.path(0).aToB().counters().droppedPackets()).isZero();
    }

    /** Sends the stream in tagged packets with at most {@code window} unacknowledged. */
    private static final class WindowSender implements NetworkStack {

        private final ByteStreamChecker.Source source;
        private final int window;
        private final ByteBuffer packet = ByteBuffer.allocate(HEADER + PAYLOAD);
        private final byte[] template = ProbeStack.packet(clientIpv4(0), serverIpv4(0), 0, HEADER + PAYLOAD);
        private int outstanding;
        private long nextTag;

        WindowSender(ByteStreamChecker.Source source, int window) {
            this.source = source;
            this.window = window;
        }

        @Override
        public void handlePacket(long now, ByteBuffer ack) {
            outstanding--;
        }

        @Override
        public int pollTransmit(long now, PacketSink sink) {
            int sent = 0;
            while (outstanding < window && !source.finished()) {
                int size = HEADER + (int) Math.min(PAYLOAD, source.remaining());
                packet.clear().put(template, 0, IpHeaders.IPV4_HEADER).putLong(nextTag).limit(size);
                packet.putShort(2, (short) size).putShort(10, (short) ProbeStack.ipv4HeaderChecksum(packet.array()));
                source.read(packet);
                packet.flip();
                if (!sink.accept(packet)) {
                    throw new AssertionError("the simulator refused a packet on its first offer");
                }
                nextTag++;
                outstanding++;
                sent++;
            }
            return sent;
        }

        @Override
        public long nextTimeout() {
            return Deadlines.NEVER;
        }

        @Override
        public void handleTimeout(long now) {
        }
    }

    /** Checks each packet's tag is the next one, feeds its payload to the verifier and acknowledges it. */
    private static final class WindowReceiver implements NetworkStack {

        private final ByteStreamChecker.Verifier verifier;
        private final byte[] ack = ProbeStack.packet(serverIpv4(0), clientIpv4(0), 0, HEADER);
        private long expectedTag;
        private int acksOwed;

        WindowReceiver(ByteStreamChecker.Verifier verifier) {
            this.verifier = verifier;
        }

        @Override
        public void handlePacket(long now, ByteBuffer packet) {
            long tag = packet.getLong(packet.position() + IpHeaders.IPV4_HEADER);
            if (tag != expectedTag) {
                throw new AssertionError("packet " + tag + " arrived when " + expectedTag + " was due");
            }
            expectedTag++;
            verifier.accept(packet.position(packet.position() + HEADER));
            acksOwed++;
        }

        @Override
        public int pollTransmit(long now, PacketSink sink) {
            int sent = 0;
            while (acksOwed > 0 && sink.accept(ByteBuffer.wrap(ack))) {
                acksOwed--;
                sent++;
            }
            return sent;
        }

        @Override
        public long nextTimeout() {
            return Deadlines.NEVER;
        }

        @Override
        public void handleTimeout(long now) {
        }
    }
}
