package io.mptcp4j.core.tcp;

import io.mptcp4j.core.time.Deadlines;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.BooleanSupplier;

/**
 * Two stacks wired back to back in memory: every packet one sends is handed to the other at once (no latency,
 * no loss unless a filter drops it). When neither has anything to send, virtual time jumps to the earliest
 * timer. Not a link simulator, only a pump.
 */
final class BackToBack {

    /** Decides whether a packet is delivered. */
    interface Filter {
        boolean deliver(boolean fromA, ByteBuffer packet);
    }

    final TcpStack a;
    final TcpStack b;
    long now;
    long packetsAtoB;
    long packetsBtoA;
    private Filter filter = (fromA, packet) -> true;
    private Random chaos;
    private final List<ByteBuffer> batch = new ArrayList<>();

    BackToBack(TcpStack a, TcpStack b, long start) {
        this.a = a;
        this.b = b;
        this.now = start;
    }

    void filter(Filter filter) {
        this.filter = filter;
    }

    /** Delivers each batch of packets in a random order, some of them twice. */
    void reorderAndDuplicate(Random random) {
        this.chaos = random;
    }

    /** Moves packets both ways until neither stack sends anything; returns how many moved. */
    int exchange() {
        int moved = 0;
        while (true) {
            int n = move(a, b, true) + move(b, a, false);
            if (n == 0) {
                return moved;
            }
            moved += n;
        }
    }

    /**
     * Runs until {@code done} holds, calling {@code step} between exchanges (the applications' turn), jumping
     * time to the next timer when idle.
     *
     * @throws AssertionError if virtual time passes {@code limitNanos} from the start of the call
     */
    void runUntil(BooleanSupplier done, Runnable step, long limitNanos) {
        long deadline = now + limitNanos;
        while (!done.getAsBoolean()) {
            step.run();
            int moved = exchange();
            step.run();
            if (done.getAsBoolean()) {
                return;
            }
            if (moved == 0) {
                long next = Deadlines.earliest(a.nextTimeout(), b.nextTimeout());
                if (next == Deadlines.NEVER) {
                    step.run();
                    if (exchange() == 0 && !done.getAsBoolean()) {
                        throw new AssertionError("stuck: no packets and no timers at " + now);
                    }
                    continue;
                }
                if (next - now > 0) {
                    now = next;
                }
                a.handleTimeout(now);
                b.handleTimeout(now);
            }
            if (now - deadline > 0) {
                throw new AssertionError("not done after " + limitNanos + " ns of virtual time");
            }
        }
    }

    private int move(TcpStack from, TcpStack to, boolean fromA) {
        batch.clear();
        from.pollTransmit(now, packet -> {
            ByteBuffer copy = ByteBuffer.allocate(packet.remaining());
            copy.put(packet).flip();
            batch.add(copy);
            return true;
        });
        if (chaos != null) {
            Collections.shuffle(batch, chaos);
            for (int i = 0, n = batch.size(); i < n; i++) {
                if (chaos.nextInt(50) == 0) {
                    batch.add(batch.get(i).duplicate());
                }
            }
        }
        int delivered = 0;
        for (ByteBuffer p : batch) {
            if (filter.deliver(fromA, p.duplicate())) {
                to.handlePacket(now, p.duplicate());
                delivered++;
            }
        }
        if (fromA) {
            packetsAtoB += batch.size();
        } else {
            packetsBtoA += batch.size();
        }
        return batch.size();
    }
}
