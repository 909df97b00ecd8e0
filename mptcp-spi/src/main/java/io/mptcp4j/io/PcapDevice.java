package io.mptcp4j.io;

import io.mptcp4j.core.time.Clock;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;

/**
 * A decorator that writes every packet received from and sent to the device it wraps into a pcap file
 * ({@link PcapWriter}: nanosecond timestamps, raw IP records) that Wireshark, tshark and tcpdump open.
 *
 * <p>Received packets are recorded when {@link #receive} hands them out, sent ones when the wrapped device takes
 * them; put the decorator next to the wire (outermost) to record what really went out. The file is complete once
 * {@link #close()} has flushed it. If writing fails (a full disk), capturing stops, the failure is logged once
 * and traffic goes on. Calls are synchronized, so another thread may close the capture safely.
 */
public final class PcapDevice implements Device {

    private static final System.Logger LOG = System.getLogger(PcapDevice.class.getName());

    private final Device inner;
    private final PcapWriter writer;
    private final Clock epochClock;
    private long packetsWritten;
    private IOException captureFailure;
    private boolean closed;

    private PcapDevice(Device inner, PcapWriter writer, Clock epochClock) {
        this.inner = inner;
        this.writer = writer;
        this.epochClock = epochClock;
    }

    /** Captures {@code inner} into {@code file}, timestamped by the system clock. */
    public static PcapDevice open(Device inner, Path file) throws IOException {
        return open(inner, file, wallClock(), PcapWriter.DEFAULT_SNAP_LENGTH);
    }

    /**
     * Captures {@code inner} into {@code file} (created or truncated).
     *
     * @param epochClock timestamps: nanoseconds since the Unix epoch (a test may pass a manual clock)
     * @param snapLength the most bytes kept of each packet
     */
    public static PcapDevice open(Device inner, Path file, Clock epochClock, int snapLength) throws IOException {
        return new PcapDevice(inner, PcapWriter.create(file, snapLength), epochClock);
    }

    /** {@link System#nanoTime()} anchored once to the wall clock: monotonic, and close to the epoch time. */
    static Clock wallClock() {
        Instant now = Instant.now();
        long offset = now.getEpochSecond() * 1_000_000_000L + now.getNano() - System.nanoTime();
        return () -> System.nanoTime() + offset;
    }

    @Override
    public synchronized int receive(ByteBuffer[] packets) throws IOException {
        int n = inner.receive(packets);
        if (n > 0) {
            long now = epochClock.nanos();
            for (int i = 0; i < n; i++) {
                record(now, packets[i]);
            }
        }
        return n;
    }

    @Override
    public synchronized boolean send(ByteBuffer packet) throws IOException {
        if (!inner.send(packet)) {
            return false;
        }
        record(epochClock.nanos(), packet);
        return true;
    }

    @Override
    public void flush() throws IOException {
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
        return inner.nextDeadline(now);
    }

    @Override
    public boolean isOpen() {
        return inner.isOpen();
    }

    /** Records written so far. */
    public synchronized long packetsWritten() {
        return packetsWritten;
    }

    /** Why capturing stopped, or null while it goes on. */
    public synchronized IOException captureFailure() {
        return captureFailure;
    }

    /** Flushes and closes the file, then closes the wrapped device. */
    @Override
    public void close() throws IOException {
        IOException failure = null;
        synchronized (this) {
            if (!closed) {
                closed = true;
                try {
                    writer.close();
                } catch (IOException e) {
                    failure = e;
                }
            }
        }
        try {
            inner.close();
        } catch (IOException e) {
            if (failure != null) {
                e.addSuppressed(failure);
            }
            throw e;
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public String toString() {
        return "PcapDevice[" + inner + "]";
    }

    private void record(long now, ByteBuffer packet) {
        if (closed || captureFailure != null) {
            return;
        }
        try {
            writer.write(now, packet);
            packetsWritten++;
        } catch (IOException e) {
            captureFailure = e;
            LOG.log(Level.ERROR, "pcap capture stopped after " + packetsWritten + " packets", e);
        }
    }
}
