package io.mptcp4j.io;

import io.mptcp4j.core.time.Clock;
import io.mptcp4j.core.time.Deadlines;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Comparator;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.random.RandomGenerator;
import java.util.random.RandomGenerator.SplittableGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * A decorator that impairs the packets between a driver and the device it wraps: random loss, bit corruption,
 * duplication, delay with jitter, reordering, each with its own {@link Impairments} for the receive and the
 * transmit direction, and a link that can be taken down (everything lost, held packets included) and up again.
 * It emulates a bad network where the kernel has no netem.
 *
 * <p>Decisions come from a generator seeded by the caller, one stream per direction, so a run with the same
 * seed and the same traffic makes the same decisions. Time comes from the {@link Clock} given (a manual clock
 * in tests); a received packet's delay starts when {@link #receive} takes it from the wrapped device. Delayed
 * packets are copied and held, ordered by due time (first in, first out among equals), and
 * released by {@link #receive} or {@link #flush()} once due; {@link #nextDeadline} tells the driver when.
 * At most {@code holdLimit} packets are held per direction: beyond it received packets are dropped, and
 * {@link #send} refuses packets until some leave.
 *
 * <p>{@link #setLinkUp}, the impairment setters and the counters may be used from any thread, everything else
 * from the driver's.
 */
public final class FaultInjectingDevice implements Device {

    private final Device inner;
    private final Clock clock;
    private final int holdLimit;
    private final Lane receive;
    private final Lane transmit;
    private final int[] starts = new int[MAX_BATCH];
    private final int[] limits = new int[MAX_BATCH];
    private volatile boolean linkUp = true;

    private FaultInjectingDevice(Builder b) {
        this.inner = b.inner;
        this.clock = b.clock;
        this.holdLimit = b.holdLimit;
        SplittableGenerator root = RandomGeneratorFactory.<SplittableGenerator>of("L64X128MixRandom").create(b.seed);
        this.receive = new Lane(b.receive, root.split());
        this.transmit = new Lane(b.transmit, root.split());
    }

    /** A builder wrapping {@code inner}, drawing decisions from {@code seed}. */
    public static Builder wrap(Device inner, long seed) {
        return new Builder(inner, seed);
    }

    /** Takes the link down (every packet lost, held ones too) or brings it back up. Any thread. */
    public void setLinkUp(boolean up) {
        linkUp = up;
    }

    /** Whether the link is up. */
    public boolean isLinkUp() {
        return linkUp;
    }

    /** Replaces the impairments of received packets; later packets see the new ones. Any thread. */
    public void setReceiveImpairments(Impairments impairments) {
        receive.impairments = Objects.requireNonNull(impairments);
    }

    /** Replaces the impairments of sent packets; later packets see the new ones. Any thread. */
    public void setTransmitImpairments(Impairments impairments) {
        transmit.impairments = Objects.requireNonNull(impairments);
    }

    /** What happened to received packets so far. */
    public FaultCounters receiveCounters() {
        return receive.counters();
    }

    /** What happened to sent packets so far. */
    public FaultCounters transmitCounters() {
        return transmit.counters();
    }

    @Override
    public int receive(ByteBuffer[] packets) throws IOException {
        long now = clock.nanos();
        int wanted = Math.min(packets.length, MAX_BATCH);
        purgeIfDown();
        for (int i = 0; i < wanted; i++) {
            starts[i] = packets[i].position();
            limits[i] = packets[i].limit();
        }
        int arrived = inner.receive(packets);
        for (int i = 0; i < arrived; i++) {
            ByteBuffer packet = packets[i];
            if (!linkUp) {
                receive.packets++;
                receive.droppedLinkDown++;
            } else {
                receive.admit(now, packet, holdLimit);
            }
            packet.limit(limits[i]).position(starts[i]);
        }
        int out = 0;
        while (out < wanted && receive.isDue(now)) {
            byte[] bytes = receive.held.poll().bytes;
            ByteBuffer target = packets[out];
            if (bytes.length > target.remaining()) {
                receive.droppedOverflow++; // does not fit the caller's buffer
                continue;
            }
            target.put(starts[out], bytes).limit(starts[out] + bytes.length).position(starts[out]);
            receive.delivered++;
            out++;
        }
        return out;
    }

    @Override
    public boolean send(ByteBuffer packet) throws IOException {
        purgeIfDown();
        if (!linkUp) {
            transmit.packets++;
            transmit.droppedLinkDown++;
            return true;
        }
        if (transmit.held.size() >= holdLimit) {
            return false;
        }
        transmit.admit(clock.nanos(), packet, Integer.MAX_VALUE);
        return true;
    }

    @Override
    public void flush() throws IOException {
        purgeIfDown();
        long now = clock.nanos();
        while (transmit.isDue(now)) {
            if (!inner.send(ByteBuffer.wrap(transmit.held.peek().bytes))) {
                break;
            }
            transmit.held.poll();
            transmit.delivered++;
        }
        inner.flush();
    }

    @Override
    public void awaitReadable(long timeoutNanos) throws IOException {
        inner.awaitReadable(timeoutNanos);
    }

    @Override
    public void wakeup() {
        inner.wakeup();
    }

    @Override
    public long nextDeadline(long now) {
        return Deadlines.earliest(Deadlines.earliest(receive.nextDue(), transmit.nextDue()), inner.nextDeadline(now));
    }

    @Override
    public boolean isOpen() {
        return inner.isOpen();
    }

    /** Closes the wrapped device; held packets are lost. */
    @Override
    public void close() throws IOException {
        inner.close();
    }

    /** Packets held now in the receive direction (driver thread). */
    public int heldReceived() {
        return receive.held.size();
    }

    /** Packets held now in the transmit direction (driver thread). */
    public int heldForSending() {
        return transmit.held.size();
    }

    @Override
    public String toString() {
        return "FaultInjectingDevice[" + inner + (linkUp ? "" : ", link down") + "]";
    }

    private void purgeIfDown() {
        if (!linkUp) {
            receive.purge();
            transmit.purge();
        }
    }

    /** A copy of a packet waiting to be released. */
    private record Held(long due, long order, byte[] bytes) {
    }

    /** One direction: its impairments, random stream, held packets and counters (written by the driver only). */
    private static final class Lane {
        private static final Comparator<Held> BY_DUE = (a, b) -> a.due != b.due
                ? (Deadlines.isBefore(a.due, b.due) ? -1 : 1)
                : Long.compare(a.order, b.order);

        volatile Impairments impairments;
        final RandomGenerator random;
        final PriorityQueue<Held> held = new PriorityQueue<>(BY_DUE);
        long nextOrder;
        volatile long packets;
        volatile long dropped;
        volatile long droppedLinkDown;
        volatile long droppedOverflow;
        volatile long corrupted;
        volatile long duplicated;
        volatile long delayed;
        volatile long reordered;
        volatile long delivered;

        Lane(Impairments impairments, RandomGenerator random) {
            this.impairments = impairments;
            this.random = random;
        }

        /** Applies the impairments to one packet at {@code now} and holds its surviving copies. */
        void admit(long now, ByteBuffer packet, int limit) {
            Impairments imp = impairments;
            packets++;
            if (chance(imp.dropRate())) {
                dropped++;
                return;
            }
            byte[] bytes = new byte[packet.remaining()];
            packet.get(packet.position(), bytes);
            if (chance(imp.corruptRate()) && flipBitAfterIpHeader(bytes)) {
                corrupted++;
            }
            int copies = 1;
            if (chance(imp.duplicateRate())) {
                duplicated++;
                copies = 2;
            }
            for (int c = 0; c < copies; c++) {
                if (held.size() >= limit) {
                    droppedOverflow++;
                    continue;
                }
                long delay = imp.delay().toNanos();
                long jitter = imp.jitter().toNanos();
                if (jitter > 0) {
                    delay += random.nextLong(jitter + 1);
                }
                if (chance(imp.reorderRate())) {
                    reordered++;
                    delay += imp.reorderDelay().toNanos();
                }
                if (delay > 0) {
                    delayed++;
                }
                held.add(new Held(Deadlines.after(now, delay), nextOrder++, c == 0 ? bytes : bytes.clone()));
            }
        }

        boolean isDue(long now) {
            Held head = held.peek();
            return head != null && Deadlines.isDue(head.due, now);
        }

        long nextDue() {
            Held head = held.peek();
            return head == null ? Deadlines.NEVER : head.due;
        }

        void purge() {
            droppedLinkDown += held.size();
            held.clear();
        }

        FaultCounters counters() {
            return new FaultCounters(packets, dropped, droppedLinkDown, droppedOverflow, corrupted, duplicated,
                    delayed, reordered, delivered);
        }

        private boolean chance(double rate) {
            return rate > 0 && random.nextDouble() < rate;
        }

        /** Flips one random bit past the IPv4 or IPv6 header; false if there is nothing past it. */
        private boolean flipBitAfterIpHeader(byte[] bytes) {
            if (bytes.length == 0) {
                return false;
            }
            int version = (bytes[0] & 0xf0) >>> 4;
            int header = version == 4 ? (bytes[0] & 0x0f) * 4 : version == 6 ? 40 : 0;
            if (bytes.length <= header) {
                return false;
            }
            int index = header + random.nextInt(bytes.length - header);
            bytes[index] ^= (byte) (1 << random.nextInt(8));
            return true;
        }
    }

    /** Configures a {@link FaultInjectingDevice}. */
    public static final class Builder {
        private final Device inner;
        private final long seed;
        private Clock clock = System::nanoTime;
        private Impairments receive = Impairments.NONE;
        private Impairments transmit = Impairments.NONE;
        private int holdLimit = 100_000;

        private Builder(Device inner, long seed) {
            this.inner = Objects.requireNonNull(inner);
            this.seed = seed;
        }

        /** The time source for delays; {@link System#nanoTime()} by default. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock);
            return this;
        }

        /** Impairments of received packets; none by default. */
        public Builder receive(Impairments impairments) {
            this.receive = Objects.requireNonNull(impairments);
            return this;
        }

        /** Impairments of sent packets; none by default. */
        public Builder transmit(Impairments impairments) {
            this.transmit = Objects.requireNonNull(impairments);
            return this;
        }

        /** The same impairments both ways. */
        public Builder both(Impairments impairments) {
            return receive(impairments).transmit(impairments);
        }

        /** The most packets held per direction; 100,000 by default. */
        public Builder holdLimit(int packets) {
            if (packets <= 0) {
                throw new IllegalArgumentException("hold limit must be positive: " + packets);
            }
            this.holdLimit = packets;
            return this;
        }

        /** The device. */
        public FaultInjectingDevice build() {
            return new FaultInjectingDevice(this);
        }
    }
}
