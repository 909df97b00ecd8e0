package io.mptcp4j.sim;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * One direction of a simulated point-to-point link, from one {@link SimInterface} to another.
 *
 * <p>A packet offered to the link waits in a drop-tail queue behind the packet being serialized (the one on
 * the wire does not count against the queue limits), takes {@code ceil(size * 8 / rate)} ns to serialize, then
 * the propagation delay to arrive. After serialization it may be lost; otherwise it may be duplicated, and each
 * copy may independently be held back (reordered) or have one bit flipped (corrupted). Corruption flips a bit
 * after the fixed IP header when there is one, so it reaches the transport, whose checksum always detects a
 * single flipped bit.
 *
 * <p>Each link draws from its own random generator, split from the network's seed when the link is created, and
 * draws only for impairments whose probability is not zero.
 */
public final class SimLink {

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final SimNetwork network;
    private final String name;
    private final SimInterface from;
    private final SimInterface to;
    private final SplittableRandom random;
    private final LinkCounters counters = new LinkCounters();
    private LinkConfig config;
    private boolean up = true;
    private PacketMutator mutator;

    /** When the transmitter finishes the last packet it accepted. */
    private long busyUntil = Long.MIN_VALUE;

    /** Packets waiting to be serialized, oldest first: a ring of their start times and sizes. */
    private long[] waitingStarts = new long[64];
    private int[] waitingSizes = new int[64];
    private int waitingHead;
    private int waitingCount;
    private long waitingBytes;

    /** Packets whose delivery event is pending, oldest first, in a doubly linked list. */
    private InFlightPacket inFlightHead;
    private InFlightPacket inFlightTail;
    private int inFlightCount;

    SimLink(SimNetwork network, SimInterface from, SimInterface to, LinkConfig config, SplittableRandom random) {
        this.network = network;
        this.from = from;
        this.to = to;
        this.config = Objects.requireNonNull(config, "config");
        this.random = random;
        this.name = from + ">" + to;
    }

    /** "host:interface>host:interface". */
    public String name() {
        return name;
    }

    /** The interface the link leaves from. */
    public SimInterface from() {
        return from;
    }

    /** The interface the link delivers to. */
    public SimInterface to() {
        return to;
    }

    public LinkConfig config() {
        return config;
    }

    /** Applies {@code config} to packets offered from now on; packets in the queue or in flight keep theirs. */
    public void reconfigure(LinkConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    /** Puts a middlebox on the link: every packet offered from now on passes through it; null removes it. */
    public void mutator(PacketMutator mutator) {
        this.mutator = mutator;
    }

    public boolean isUp() {
        return up;
    }

    /**
     * Takes the link down or brings it back. Going down drops every packet queued or in flight, counted and
     * traced as {@link DropReason#LINK_DOWN} at the current instant; while down, every offered packet is dropped.
     */
    public void setUp(boolean up) {
        if (this.up == up) {
            return;
        }
        this.up = up;
        if (!up) {
            dropAllInFlight();
        }
    }

    public LinkCounters counters() {
        return counters;
    }

    /** Packets waiting behind the one being serialized, now. */
    public int queuedPackets() {
        releaseStarted(network.now());
        return waitingCount;
    }

    /** Bytes waiting behind the packet being serialized, now. */
    public long queuedBytes() {
        releaseStarted(network.now());
        return waitingBytes;
    }

    /** Copies offered and not yet delivered or dropped, the queued ones included. */
    public int inFlightPackets() {
        return inFlightCount;
    }

    @Override
    public String toString() {
        return name + (up ? "" : " (down)");
    }

    /** Offers a packet from the sending host; the bytes are copied before this returns. */
    void transmit(long now, ByteBuffer packet) {
        if (mutator != null) {
            ByteBuffer changed = mutator.mutate(packet);
            if (changed == null) {
                counters.offered(packet.remaining());
                network.trace(now, TraceKind.SENT, name, null, packet);
                drop(now, DropReason.FILTERED, packet);
                return;
            }
            packet = changed;
        }
        int size = packet.remaining();
        counters.offered(size);
        network.trace(now, TraceKind.SENT, name, null, packet);
        if (!up) {
            drop(now, DropReason.LINK_DOWN, packet);
            return;
        }
        releaseStarted(now);
        long start = Math.max(now, busyUntil);
        if (start > now) {
            if (waitingCount >= config.queueLimitPackets() || waitingBytes + size > config.queueLimitBytes()) {
                drop(now, DropReason.QUEUE_FULL, packet);
                return;
            }
            enqueueWaiting(start, size);
        }
        long serialized = start + serializationNanos(size);
        busyUntil = serialized;
        if (chance(config.lossProbability())) {
            drop(now, DropReason.RANDOM_LOSS, packet);
            return;
        }
        int copies = 1;
        if (chance(config.duplicationProbability())) {
            counters.duplicated();
            copies = 2;
        }
        for (int i = 0; i < copies; i++) {
            launch(packet, serialized + config.delayNanos());
        }
    }

    /** Delivers a copy whose event fired, unless the link dropped it when it went down. */
    void arrive(InFlightPacket packet) {
        if (!packet.cancelled) {
            unlink(packet);
            counters.delivered(packet.length());
            long now = network.now();
            network.trace(now, TraceKind.DELIVERED, name, null, packet.buffer());
            to.host().receive(now, packet.buffer());
        }
        network.pool().give(packet);
    }

    private void launch(ByteBuffer packet, long arrival) {
        InFlightPacket copy = network.pool().take();
        copy.load(packet);
        copy.link = this;
        if (chance(config.reorderProbability())) {
            counters.reordered();
            arrival += config.reorderExtraDelayNanos();
        }
        if (chance(config.corruptionProbability())) {
            counters.corrupted();
            flipOneBit(copy);
        }
        link(copy);
        network.schedule(copy, arrival);
    }

    private long serializationNanos(int size) {
        long rate = config.rateBitsPerSecond();
        if (rate == LinkConfig.UNLIMITED_RATE) {
            return 0;
        }
        long bitNanos = size * 8L * NANOS_PER_SECOND;
        return (bitNanos + rate - 1) / rate;
    }

    private boolean chance(double probability) {
        return probability > 0 && random.nextDouble() < probability;
    }

    /** Flips one bit after the IP header, or anywhere outside the version nibble of a header-only packet. */
    private void flipOneBit(InFlightPacket packet) {
        byte[] data = packet.data();
        int length = packet.length();
        int from = IpHeaders.headerLength(data);
        long bit;
        if (from < length) {
            bit = from * 8L + random.nextLong((length - from) * 8L);
        } else {
            bit = random.nextLong(length * 8L - 4);
            if (bit >= 4) {
                bit += 4; // skips the version nibble, bits 4 to 7 of byte 0
            }
        }
        data[(int) (bit >>> 3)] ^= (byte) (1 << (bit & 7));
    }

    private void drop(long now, DropReason reason, ByteBuffer packet) {
        counters.dropped(reason, packet.remaining());
        network.trace(now, TraceKind.DROPPED, name, reason, packet);
    }

    private void dropAllInFlight() {
        long now = network.now();
        for (InFlightPacket packet = inFlightHead; packet != null; packet = packet.next) {
            packet.cancelled = true;
            drop(now, DropReason.LINK_DOWN, packet.buffer());
        }
        inFlightHead = null;
        inFlightTail = null;
        inFlightCount = 0;
        waitingCount = 0;
        waitingBytes = 0;
        busyUntil = now;
    }

    /** Forgets the waiting packets whose serialization has started by {@code now}. */
    private void releaseStarted(long now) {
        while (waitingCount > 0 && waitingStarts[waitingHead] <= now) {
            waitingBytes -= waitingSizes[waitingHead];
            waitingHead = (waitingHead + 1) % waitingStarts.length;
            waitingCount--;
        }
    }

    private void enqueueWaiting(long start, int size) {
        if (waitingCount == waitingStarts.length) {
            growWaiting();
        }
        int tail = (waitingHead + waitingCount) % waitingStarts.length;
        waitingStarts[tail] = start;
        waitingSizes[tail] = size;
        waitingCount++;
        waitingBytes += size;
    }

    private void growWaiting() {
        int capacity = waitingStarts.length;
        long[] starts = new long[capacity * 2];
        int[] sizes = new int[capacity * 2];
        for (int i = 0; i < waitingCount; i++) {
            int index = (waitingHead + i) % capacity;
            starts[i] = waitingStarts[index];
            sizes[i] = waitingSizes[index];
        }
        waitingStarts = starts;
        waitingSizes = sizes;
        waitingHead = 0;
    }

    private void link(InFlightPacket packet) {
        packet.previous = inFlightTail;
        if (inFlightTail != null) {
            inFlightTail.next = packet;
        } else {
            inFlightHead = packet;
        }
        inFlightTail = packet;
        inFlightCount++;
    }

    private void unlink(InFlightPacket packet) {
        if (packet.previous != null) {
            packet.previous.next = packet.next;
        } else {
            inFlightHead = packet.next;
        }
        if (packet.next != null) {
            packet.next.previous = packet.previous;
        } else {
            inFlightTail = packet.previous;
        }
        packet.previous = null;
        packet.next = null;
        inFlightCount--;
    }
}
