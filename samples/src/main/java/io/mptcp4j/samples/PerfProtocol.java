package io.mptcp4j.samples;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.Locale;

/**
 * {@code mptcp perf}'s messages, all big-endian, on one connection:
 *
 * <ol>
 *   <li>the client's {@link Header} (24 bytes): who sends, how much or for how long, and the pattern's seed;</li>
 *   <li>the sender's data ({@link PerfPattern}) followed by its {@link SenderTrailer} (48 bytes) and the end of
 *       its stream (FIN; DATA_FIN for MPTCP). The trailer is the last 48 bytes before the end, so the stream's
 *       length needs no announcing and a time-limited sender can stop whenever its time is up;</li>
 *   <li>the receiver's {@link Report} (64 bytes), then the end of its stream. The sender waits for it, then for
 *       that end, so both closes are clean.</li>
 * </ol>
 *
 * <p>Both trailers carry a byte count and a SHA-256, so each side knows what the other saw: the sender learns
 * whether its bytes arrived intact, the receiver whether it got all of them.
 */
final class PerfProtocol {

    /** "M4jP": a perf client's header. */
    static final int HEADER_MAGIC = 0x4D346A50;
    /** "M4jS": the sender's trailer. */
    static final int SENDER_MAGIC = 0x4D346A53;
    /** "M4jR": the receiver's report. */
    static final int REPORT_MAGIC = 0x4D346A52;
    static final int VERSION = 1;
    static final int HEADER_LENGTH = 24;
    static final int SENDER_TRAILER_LENGTH = 48;
    static final int REPORT_LENGTH = 64;
    private static final int SHA256_LENGTH = 32;
    private static final int FLAG_REVERSE = 1;
    private static final HexFormat HEX = HexFormat.of();

    private PerfProtocol() {
    }

    /** A message that is not what this version of the protocol sends. */
    static final class ProtocolException extends IOException {
        private static final long serialVersionUID = 1L;

        ProtocolException(String message) {
            super(message);
        }
    }

    /** How much the sender sends: exactly {@code bytes}, or for {@code millis} (one of them is 0). */
    record Limit(long bytes, long millis) {
        Limit {
            if ((bytes > 0) == (millis > 0) || bytes < 0 || millis < 0) {
                throw new IllegalArgumentException("a limit is a byte count or a duration, got " + bytes + " bytes, "
                        + millis + " ms");
            }
        }

        static Limit ofBytes(long bytes) {
            return new Limit(bytes, 0);
        }

        static Limit ofMillis(long millis) {
            return new Limit(0, millis);
        }

        boolean timed() {
            return millis > 0;
        }

        @Override
        public String toString() {
            return timed() ? String.format(Locale.ROOT, "%.1f s", millis / 1000.0) : bytes + " bytes";
        }
    }

    /**
     * What the client asks for: layout {@code magic u32, version u8, flags u8 (1: reverse), limit kind u8
     * (0: bytes, 1: milliseconds), reserved u8, limit u64, seed u64}.
     *
     * @param reverse whether the server sends (else the client does)
     * @param seed    the pattern's seed, new for every test so that no stale data can pass the check
     */
    record Header(boolean reverse, Limit limit, long seed) {

        ByteBuffer encode() {
            ByteBuffer b = ByteBuffer.allocate(HEADER_LENGTH);
            b.putInt(HEADER_MAGIC).put((byte) VERSION).put((byte) (reverse ? FLAG_REVERSE : 0))
                    .put((byte) (limit.timed() ? 1 : 0)).put((byte) 0)
                    .putLong(limit.timed() ? limit.millis() : limit.bytes()).putLong(seed);
            return b.flip();
        }

        /** Reads a header from the next {@value #HEADER_LENGTH} bytes of {@code b}. */
        static Header decode(ByteBuffer b) throws ProtocolException {
            int magic = b.getInt();
            if (magic != HEADER_MAGIC) {
                throw new ProtocolException(String.format("not an mptcp perf client (magic 0x%08x)", magic));
            }
            int version = b.get() & 0xFF;
            if (version != VERSION) {
                throw new ProtocolException("mptcp perf protocol version " + version + ", this side speaks "
                        + VERSION);
            }
            int flags = b.get() & 0xFF;
            int kind = b.get() & 0xFF;
            b.get(); // reserved
            long value = b.getLong();
            long seed = b.getLong();
            if ((flags & ~FLAG_REVERSE) != 0 || kind > 1 || value <= 0) {
                throw new ProtocolException("bad perf header: flags " + flags + ", limit kind " + kind
                        + ", limit " + value);
            }
            return new Header((flags & FLAG_REVERSE) != 0, kind == 1 ? Limit.ofMillis(value) : Limit.ofBytes(value),
                    seed);
        }
    }

    /**
     * The last bytes of the sender's stream: {@code magic u32, reserved u32, bytes u64, sha256[32]}.
     *
     * @param bytes  data bytes sent before this trailer
     * @param sha256 their SHA-256, in hex
     */
    record SenderTrailer(long bytes, String sha256) {

        ByteBuffer encode() {
            ByteBuffer b = ByteBuffer.allocate(SENDER_TRAILER_LENGTH);
            b.putInt(SENDER_MAGIC).putInt(0).putLong(bytes).put(HEX.parseHex(sha256));
            return b.flip();
        }

        static SenderTrailer decode(ByteBuffer b) throws ProtocolException {
            int magic = b.getInt();
            if (magic != SENDER_MAGIC) {
                throw new ProtocolException(String.format("the sender's stream did not end with its trailer "
                        + "(magic 0x%08x): data lost or out of place at the end", magic));
            }
            b.getInt();
            long bytes = b.getLong();
            return new SenderTrailer(bytes, readSha256(b));
        }
    }

    /**
     * The receiver's answer: {@code magic u32, reserved u32, bytes u64, nanos u64, first bad offset i64 (-1:
     * none), sha256[32]}.
     *
     * @param bytes     data bytes received (the sender's trailer not counted)
     * @param nanos     from the first data byte to the end of the stream
     * @param firstBad  the stream offset of the first byte that was not the pattern's, or -1
     * @param sha256    the SHA-256 of the data bytes received, in hex
     */
    record Report(long bytes, long nanos, long firstBad, String sha256) {

        ByteBuffer encode() {
            ByteBuffer b = ByteBuffer.allocate(REPORT_LENGTH);
            b.putInt(REPORT_MAGIC).putInt(0).putLong(bytes).putLong(nanos).putLong(firstBad)
                    .put(HEX.parseHex(sha256));
            return b.flip();
        }

        static Report decode(ByteBuffer b) throws ProtocolException {
            int magic = b.getInt();
            if (magic != REPORT_MAGIC) {
                throw new ProtocolException(String.format("not a perf receiver's report (magic 0x%08x)", magic));
            }
            b.getInt();
            long bytes = b.getLong();
            long nanos = b.getLong();
            long firstBad = b.getLong();
            return new Report(bytes, nanos, firstBad, readSha256(b));
        }
    }

    private static String readSha256(ByteBuffer b) {
        byte[] hash = new byte[SHA256_LENGTH];
        b.get(hash);
        return HEX.formatHex(hash);
    }
}
