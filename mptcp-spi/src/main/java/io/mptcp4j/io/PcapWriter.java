package io.mptcp4j.io;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.Flushable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes IP packets in the classic pcap format with nanosecond timestamps (magic {@code 0xa1b23c4d}, little
 * endian, version 2.4) and {@link #LINKTYPE_RAW}: each record is a bare IPv4 or IPv6 packet, as Wireshark,
 * tshark and tcpdump read them.
 *
 * <p>Timestamps are nanoseconds since the Unix epoch (a simulator may pass its virtual time). Records longer than
 * the snap length are cut to it, keeping their original length. Not thread-safe; {@link #close()} flushes and
 * closes the stream.
 */
public final class PcapWriter implements Closeable, Flushable {

    /** The pcap link type of records that start with an IPv4 or IPv6 header. */
    public static final int LINKTYPE_RAW = 101;

    /** The snap length that keeps every packet whole, as tcpdump uses. */
    public static final int DEFAULT_SNAP_LENGTH = 262_144;

    private static final int MAGIC_NANOSECONDS = 0xa1b23c4d;
    private static final int FILE_HEADER_LENGTH = 24;
    private static final int RECORD_HEADER_LENGTH = 16;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final OutputStream out;
    private final int snapLength;
    private final ByteBuffer header = ByteBuffer.allocate(FILE_HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
    private byte[] copy = new byte[2048];

    /** Writes the file header to {@code out}; {@code snapLength} is the most bytes a record keeps. */
    public PcapWriter(OutputStream out, int snapLength) throws IOException {
        if (snapLength <= 0) {
            throw new IllegalArgumentException("snap length must be positive: " + snapLength);
        }
        this.out = out;
        this.snapLength = snapLength;
        header.putInt(MAGIC_NANOSECONDS)
                .putShort((short) 2)
                .putShort((short) 4)
                .putInt(0) // GMT offset
                .putInt(0) // timestamp accuracy
                .putInt(snapLength)
                .putInt(LINKTYPE_RAW);
        out.write(header.array(), 0, FILE_HEADER_LENGTH);
    }

    /** Creates (or truncates) {@code file}, with its parent directories, and writes the file header. */
    public static PcapWriter create(Path file, int snapLength) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        OutputStream stream = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
        try {
            return new PcapWriter(stream, snapLength);
        } catch (IOException | RuntimeException e) {
            stream.close();
            throw e;
        }
    }

    /** The most bytes a record keeps. */
    public int snapLength() {
        return snapLength;
    }

    /**
     * Writes one record of already captured bytes.
     *
     * @param timeNanos      the capture instant, nanoseconds since the epoch (not negative)
     * @param captured       the captured bytes; more than the snap length are cut
     * @param originalLength the length of the whole packet
     */
    public void write(long timeNanos, byte[] captured, int originalLength) throws IOException {
        int length = Math.min(captured.length, snapLength);
        writeRecordHeader(timeNanos, length, originalLength);
        out.write(captured, 0, length);
    }

    /**
     * Writes the packet between {@code packet}'s position and limit as one record, cut to the snap length. The
     * buffer's position is not changed.
     */
    public void write(long timeNanos, ByteBuffer packet) throws IOException {
        int original = packet.remaining();
        int length = Math.min(original, snapLength);
        writeRecordHeader(timeNanos, length, original);
        if (packet.hasArray()) {
            out.write(packet.array(), packet.arrayOffset() + packet.position(), length);
            return;
        }
        if (copy.length < length) {
            copy = new byte[Math.max(length, copy.length * 2)];
        }
        packet.get(packet.position(), copy, 0, length);
        out.write(copy, 0, length);
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }

    private void writeRecordHeader(long timeNanos, int capturedLength, int originalLength) throws IOException {
        if (timeNanos < 0) {
            throw new IllegalArgumentException("negative timestamp: " + timeNanos);
        }
        header.clear();
        header.putInt((int) (timeNanos / NANOS_PER_SECOND))
                .putInt((int) (timeNanos % NANOS_PER_SECOND))
                .putInt(capturedLength)
                .putInt(originalLength);
        out.write(header.array(), 0, RECORD_HEADER_LENGTH);
    }
}
