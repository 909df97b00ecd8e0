package io.mptcp4j.sim;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Writes IP packets in the classic pcap format with nanosecond timestamps (magic {@code 0xa1b23c4d}) and
 * LINKTYPE_RAW (101): each record is a bare IPv4 or IPv6 packet, which Wireshark and tcpdump read as they are.
 */
public final class PcapWriter implements Closeable {

    private static final int MAGIC_NANOSECONDS = 0xa1b23c4d;
    private static final int LINKTYPE_RAW = 101;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final OutputStream out;
    private final ByteBuffer header = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);

    /** Writes the file header; {@code snapLength} is the most bytes any record will capture. */
    public PcapWriter(OutputStream out, int snapLength) throws IOException {
        this.out = out;
        header.putInt(MAGIC_NANOSECONDS)
                .putShort((short) 2)
                .putShort((short) 4)
                .putInt(0) // GMT offset
                .putInt(0) // timestamp accuracy
                .putInt(snapLength)
                .putInt(LINKTYPE_RAW);
        out.write(header.array(), 0, 24);
    }

    /**
     * Writes one record.
     *
     * @param timeNanos      the capture instant, nanoseconds since the epoch (not negative)
     * @param captured       the captured bytes, at most the snap length
     * @param originalLength the length of the whole packet
     */
    public void write(long timeNanos, byte[] captured, int originalLength) throws IOException {
        header.clear();
        header.putInt((int) (timeNanos / NANOS_PER_SECOND))
                .putInt((int) (timeNanos % NANOS_PER_SECOND))
                .putInt(captured.length)
                .putInt(originalLength);
        out.write(header.array(), 0, 16);
        out.write(captured);
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
