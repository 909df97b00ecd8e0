package io.mptcp4j.sim;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Checks a byte stream end to end without keeping it: the sender reads a deterministic pseudo-random pattern of
 * {@code length} bytes from {@link #source()}, the receiver feeds what arrives to {@link #verifier()}, and
 * {@link #assertTransferred()} checks that every byte arrived, in order, once. Both sides compute SHA-256 as the
 * bytes pass, for comparison with a peer outside the JVM; the verifier also compares every byte with the pattern,
 * so a failure names the first wrong offset.
 *
 * <p>The pattern is a function of the seed and the offset only (a SplitMix64 hash of each 8-byte word index).
 */
public final class ByteStreamChecker {

    private static final int CHUNK = 16 * 1024;
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private final long seed;
    private final long length;
    private final Source source = new Source();
    private final Verifier verifier = new Verifier();

    /** A stream of {@code length} bytes of the pattern of {@code seed}. */
    public ByteStreamChecker(long seed, long length) {
        if (length < 0) {
            throw new IllegalArgumentException("negative length: " + length);
        }
        this.seed = seed;
        this.length = length;
    }

    public long length() {
        return length;
    }

    /** The sending side. */
    public Source source() {
        return source;
    }

    /** The receiving side. */
    public Verifier verifier() {
        return verifier;
    }

    /** The byte of the pattern at {@code offset}. */
    public byte expectedByte(long offset) {
        return (byte) (word(offset >>> 3) >>> ((offset & 7) << 3));
    }

    /**
     * Checks that the whole stream was read from the source and arrived intact, and only once.
     *
     * @throws AssertionError naming the first difference, what is missing or what is extra
     */
    public void assertTransferred() {
        String problem = null;
        if (verifier.firstMismatch >= 0) {
            problem = "byte " + verifier.firstMismatch + " differs from what was sent";
        } else if (source.position < length) {
            problem = "the sender read only " + source.position + " bytes";
        } else if (verifier.receivedCount < length) {
            problem = "only " + verifier.receivedCount + " bytes arrived";
        } else if (verifier.receivedCount > length) {
            problem = (verifier.receivedCount - length) + " bytes more than were sent arrived";
        } else if (!source.sha256().equals(verifier.sha256())) {
            problem = "the SHA-256 of the received bytes, " + verifier.sha256() + ", differs from the sent "
                    + source.sha256();
        }
        if (problem != null) {
            throw new AssertionError("stream of " + length + " bytes (pattern seed " + seed + "): " + problem);
        }
    }

    private long word(long index) {
        long z = seed + (index + 1) * GOLDEN_GAMMA;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Writes {@code count} pattern bytes from stream offset {@code offset} into {@code target}. */
    private void fill(byte[] target, int count, long offset) {
        int i = 0;
        while (i < count) {
            long position = offset + i;
            long word = word(position >>> 3);
            int first = (int) (position & 7);
            int take = Math.min(8 - first, count - i);
            for (int k = 0; k < take; k++) {
                target[i + k] = (byte) (word >>> ((first + k) << 3));
            }
            i += take;
        }
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** Produces the pattern for the sender and hashes what it produced. */
    public final class Source {

        private final byte[] chunk = new byte[CHUNK];
        private final MessageDigest digest = newSha256();
        private long position;
        private String sha256;

        private Source() {
        }

        /**
         * Puts the next bytes of the stream into {@code target}, as many as fit.
         *
         * @return how many bytes were put, or -1 once the whole stream has been read
         */
        public int read(ByteBuffer target) {
            if (position == length) {
                return -1;
            }
            int total = 0;
            while (target.hasRemaining() && position < length) {
                int count = (int) Math.min(Math.min(target.remaining(), CHUNK), length - position);
                fill(chunk, count, position);
                digest.update(chunk, 0, count);
                target.put(chunk, 0, count);
                position += count;
                total += count;
            }
            return total;
        }

        /** Bytes read so far. */
        public long position() {
            return position;
        }

        /** Bytes still to read. */
        public long remaining() {
            return length - position;
        }

        public boolean finished() {
            return position == length;
        }

        /**
         * The SHA-256 of the whole stream, in lower-case hex.
         *
         * @throws IllegalStateException before the whole stream has been read
         */
        public String sha256() {
            if (!finished()) {
                throw new IllegalStateException("the stream is not fully read: " + position + " of " + length);
            }
            if (sha256 == null) {
                sha256 = HexFormat.of().formatHex(digest.digest());
            }
            return sha256;
        }
    }

    /** Compares what the receiver gets with the pattern and hashes it. */
    public final class Verifier {

        private final byte[] actualChunk = new byte[CHUNK];
        private final byte[] expectedChunk = new byte[CHUNK];
        private final MessageDigest digest = newSha256();
        private long receivedCount;
        private long firstMismatch = -1;
        private String sha256;

        private Verifier() {
        }

        /** Consumes every byte of {@code data} (its position moves to its limit). */
        public void accept(ByteBuffer data) {
            if (sha256 != null) {
                throw new IllegalStateException("the digest was already taken after " + receivedCount + " bytes");
            }
            while (data.hasRemaining()) {
                int count = Math.min(data.remaining(), CHUNK);
                data.get(actualChunk, 0, count);
                digest.update(actualChunk, 0, count);
                compare(count);
                receivedCount += count;
            }
        }

        /** Bytes received so far. */
        public long received() {
            return receivedCount;
        }

        /** Whether exactly the stream's length has arrived. */
        public boolean complete() {
            return receivedCount == length;
        }

        /** The offset of the first byte that differs from the pattern, or -1. */
        public long firstMismatch() {
            return firstMismatch;
        }

        /** The SHA-256 of everything received, in lower-case hex; no more bytes may be accepted after. */
        public String sha256() {
            if (sha256 == null) {
                sha256 = HexFormat.of().formatHex(digest.digest());
            }
            return sha256;
        }

        private void compare(int count) {
            if (firstMismatch >= 0) {
                return;
            }
            int inStream = (int) Math.max(0, Math.min(count, length - receivedCount));
            fill(expectedChunk, inStream, receivedCount);
            int differs = Arrays.mismatch(actualChunk, 0, inStream, expectedChunk, 0, inStream);
            if (differs >= 0) {
                firstMismatch = receivedCount + differs;
            }
        }
    }
}
