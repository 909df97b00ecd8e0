package io.mptcp4j.driver;

import io.mptcp4j.core.stack.NetworkStack;
import io.mptcp4j.core.stack.PacketSink;
import io.mptcp4j.core.time.Deadlines;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A trivial {@link NetworkStack} for driver tests: it records what arrives and on which thread, echoes packets
 * when asked to, sends what it is told, has one timer, and throws on a packet whose first byte is
 * {@link #POISON}. State changes other than through the stack interface must run on the loop thread (as tasks).
 */
final class ScriptedStack implements NetworkStack {

    /** A packet starting with this byte makes {@link #handlePacket} throw. */
    static final byte POISON = (byte) 0xEE;

    final List<byte[]> received = new CopyOnWriteArrayList<>();
    final List<Long> timeoutsHandled = new CopyOnWriteArrayList<>();
    final List<Thread> callingThreads = new CopyOnWriteArrayList<>();
    private final ArrayDeque<byte[]> outbox = new ArrayDeque<>();
    private boolean echo;
    private long timer = Deadlines.NEVER;
    private boolean timerStuck;

    void echo(boolean on) {
        echo = on;
    }

    void queue(byte[] packet) {
        outbox.addLast(packet);
    }

    void armTimer(long deadline) {
        timer = deadline;
    }

    /** A timer due at {@code at} that {@link #handleTimeout} never clears: a broken stack. */
    void stickTimer(long at) {
        timerStuck = true;
        timer = at;
    }

    @Override
    public void handlePacket(long now, ByteBuffer packet) {
        callingThreads.add(Thread.currentThread());
        byte[] bytes = new byte[packet.remaining()];
        packet.get(packet.position(), bytes);
        if (bytes.length > 0 && bytes[0] == POISON) {
            throw new IllegalStateException("poisoned packet");
        }
        received.add(bytes);
        if (echo) {
            outbox.addLast(bytes);
        }
    }

    @Override
    public int pollTransmit(long now, PacketSink sink) {
        int sent = 0;
        while (!outbox.isEmpty() && sink.accept(ByteBuffer.wrap(outbox.peekFirst()))) {
            outbox.removeFirst();
            sent++;
        }
        return sent;
    }

    @Override
    public long nextTimeout() {
        return timer;
    }

    @Override
    public void handleTimeout(long now) {
        callingThreads.add(Thread.currentThread());
        if (timerStuck) {
            return;
        }
        if (Deadlines.isDue(timer, now)) {
            timeoutsHandled.add(now);
            timer = Deadlines.NEVER;
        }
    }
}
