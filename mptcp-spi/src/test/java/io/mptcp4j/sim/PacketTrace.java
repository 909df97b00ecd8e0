package io.mptcp4j.sim;

import io.mptcp4j.io.PcapWriter;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.Predicate;

/**
 * An in-memory record of packet events, for assertions and for pcap or text files when a test fails. It keeps
 * the first {@code snapLength} bytes of each packet and the latest {@code maxRecords} records, so a long
 * transfer can be traced in bounded memory.
 */
public final class PacketTrace implements PacketObserver {

    private final int snapLength;
    private final int maxRecords;
    private final ArrayDeque<TraceRecord> records = new ArrayDeque<>();
    private long evicted;

    /** A trace of whole packets, without limit. */
    public PacketTrace() {
        this(Integer.MAX_VALUE, Integer.MAX_VALUE);
    }

    /** A trace of the first {@code snapLength} bytes of the latest {@code maxRecords} events. */
    public PacketTrace(int snapLength, int maxRecords) {
        if (snapLength <= 0 || maxRecords <= 0) {
            throw new IllegalArgumentException("snap length and record limit must be positive: " + snapLength
                    + ", " + maxRecords);
        }
        this.snapLength = snapLength;
        this.maxRecords = maxRecords;
    }

    @Override
    public void onPacket(long time, TraceKind kind, String location, DropReason reason, ByteBuffer packet) {
        byte[] bytes = new byte[Math.min(packet.remaining(), snapLength)];
        packet.get(packet.position(), bytes);
        if (records.size() == maxRecords) {
            records.removeFirst();
            evicted++;
        }
        records.addLast(new TraceRecord(time, kind, location, reason, packet.remaining(), bytes));
    }

    /** The records kept, oldest first. */
    public List<TraceRecord> records() {
        return List.copyOf(records);
    }

    /** Records dropped to stay within the limit. */
    public long evicted() {
        return evicted;
    }

    /** Writes the records that pass {@code filter} as a pcap file, creating parent directories. */
    public void writePcap(Path file, Predicate<TraceRecord> filter) throws IOException {
        int fileSnapLength = snapLength == Integer.MAX_VALUE ? PcapWriter.DEFAULT_SNAP_LENGTH : snapLength;
        try (PcapWriter pcap = PcapWriter.create(file, fileSnapLength)) {
            for (TraceRecord record : records) {
                if (filter.test(record)) {
                    pcap.write(record.time(), record.bytes(), record.originalLength());
                }
            }
        }
    }

    /** Writes one line per record ({@link TraceRecord#toString()}), creating parent directories. */
    public void writeText(Path file) throws IOException {
        createParent(file);
        try (BufferedWriter out = Files.newBufferedWriter(file)) {
            if (evicted > 0) {
                out.write("(" + evicted + " earlier records not kept)\n");
            }
            for (TraceRecord record : records) {
                out.write(record.toString());
                out.write('\n');
            }
        }
    }

    private static void createParent(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
    }
}
