package io.mptcp4j.samples;

import io.mptcp4j.samples.PerfProtocol.Header;
import io.mptcp4j.samples.PerfProtocol.ProtocolException;
import io.mptcp4j.samples.PerfProtocol.Report;
import io.mptcp4j.samples.PerfProtocol.SenderTrailer;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The two ends of one {@code mptcp perf} test on a connected {@link ByteStream}, after the header: the sender
 * writes the pattern up to the limit, its trailer and its end of stream, then waits for the receiver's report; the
 * receiver checks every byte against the pattern, hashes them, and answers with its report (see
 * {@link PerfProtocol}). Both count the bytes they moved in a counter the live display reads.
 */
final class PerfTransfer {

    /** Bytes per write and per read buffer. */
    static final int CHUNK = LabTransfer.CHUNK;
    /** A stream that moves no byte for this long has failed. */
    static final Duration STALL = Duration.ofSeconds(30);
    /**
     * How long the sender waits for the report once it wrote everything: the receiver first drains the send
     * buffers (megabytes; seconds on a slow path).
     */
    static final Duration REPORT_WAIT = Duration.ofSeconds(120);

    private PerfTransfer() {
    }

    /**
     * What one side of a test found.
     *
     * @param bytes    data bytes the receiver got (the trailers not counted)
     * @param nanos    the receiver's time from the first data byte to the end of the stream
     * @param sha256   the SHA-256 of the data this side sent or received
     * @param verified whether the receiver got every byte the sender sent, intact: the byte counts and SHA-256s
     *                 agree and every byte was the pattern's at its offset
     * @param problem  what was wrong when not verified, else null
     */
    record Outcome(long bytes, long nanos, String sha256, boolean verified, String problem) {
    }

    /** Sends for {@code header}'s limit; {@code progress} counts the data bytes handed to the stream. */
    static Outcome send(ByteStream stream, Header header, AtomicLong progress) throws IOException {
        MessageDigest sha = sha256();
        ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK);
        long sent = 0;
        long end = System.nanoTime() + header.limit().millis() * 1_000_000L;
        boolean timed = header.limit().timed();
        while (timed ? System.nanoTime() - end < 0 : sent < header.limit().bytes()) {
            int n = timed ? CHUNK : (int) Math.min(CHUNK, header.limit().bytes() - sent);
            chunk.clear().limit(n);
            PerfPattern.fill(chunk, header.seed(), sent);
            sha.update(chunk.duplicate());
            stream.write(chunk);
            sent += n;
            progress.addAndGet(n);
        }
        String hash = HexFormat.of().formatHex(sha.digest());
        stream.write(new SenderTrailer(sent, hash).encode());
        stream.shutdownOutput();
        Report report = Report.decode(readFully(stream, PerfProtocol.REPORT_LENGTH, REPORT_WAIT));
        if (stream.read(ByteBuffer.allocate(1), STALL) >= 0) {
            throw new ProtocolException("the receiver sent more after its report");
        }
        String problem = null;
        if (report.bytes() != sent) {
            problem = "sent " + sent + " bytes, the receiver got " + report.bytes();
        } else if (report.firstBad() >= 0) {
            problem = "the receiver found a wrong byte at offset " + report.firstBad();
        } else if (!report.sha256().equals(hash)) {
            problem = "SHA-256 differs: sent " + hash + ", received " + report.sha256();
        }
        return new Outcome(report.bytes(), report.nanos(), hash, problem == null, problem);
    }

    /**
     * Receives a sender's stream seeded with {@code seed} to its end and answers with the report; {@code progress}
     * counts the bytes read.
     */
    static Outcome receive(ByteStream stream, long seed, AtomicLong progress) throws IOException {
        Verifier verifier = new Verifier(seed);
        ByteBuffer buffer = ByteBuffer.allocateDirect(CHUNK);
        long first = 0;
        boolean started = false; // System.nanoTime() may be any value, 0 included
        int n;
        while ((n = stream.read(buffer.clear(), STALL)) >= 0) {
            if (n > 0) {
                if (!started) {
                    first = System.nanoTime();
                    started = true;
                }
                verifier.accept(buffer.flip());
                progress.addAndGet(n);
            }
        }
        long nanos = started ? System.nanoTime() - first : 0;
        SenderTrailer trailer = verifier.finish();
        Report report = new Report(verifier.bytes(), nanos, verifier.firstBad(), verifier.sha256());
        stream.write(report.encode());
        stream.shutdownOutput();
        String problem = null;
        if (trailer.bytes() != report.bytes()) {
            problem = "the sender sent " + trailer.bytes() + " bytes, received " + report.bytes();
        } else if (report.firstBad() >= 0) {
            problem = "wrong byte at offset " + report.firstBad();
        } else if (!trailer.sha256().equals(report.sha256())) {
            problem = "SHA-256 differs: sent " + trailer.sha256() + ", received " + report.sha256();
        }
        return new Outcome(report.bytes(), nanos, report.sha256(), problem == null, problem);
    }

    /** The next {@code length} bytes of {@code stream}, ready to read; {@link EOFException} if it ends first. */
    static ByteBuffer readFully(ByteStream stream, int length, Duration timeout) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length);
        while (b.hasRemaining()) {
            if (stream.read(b, timeout) < 0) {
                throw new EOFException("the stream ended after " + b.position() + " of " + length + " bytes");
            }
        }
        return b.flip();
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /**
     * Checks and hashes a received stream while holding its last {@value PerfProtocol#SENDER_TRAILER_LENGTH} bytes
     * back: until the end comes they may be the sender's trailer rather than data.
     */
    static final class Verifier {
        private static final int HELD = PerfProtocol.SENDER_TRAILER_LENGTH;
        private final long seed;
        private final MessageDigest sha = PerfTransfer.sha256();
        private final byte[] held = new byte[HELD];
        private int heldLength;
        private long bytes;
        private long firstBad = -1;

        Verifier(long seed) {
            this.seed = seed;
        }

        /** Takes all of {@code src}. */
        void accept(ByteBuffer src) {
            int n = src.remaining();
            int release = heldLength + n - HELD; // what is now certainly data
            if (release <= 0) {
                src.get(held, heldLength, n);
                heldLength += n;
                return;
            }
            int fromHeld = Math.min(release, heldLength);
            data(ByteBuffer.wrap(held, 0, fromHeld));
            System.arraycopy(held, fromHeld, held, 0, heldLength - fromHeld);
            heldLength -= fromHeld;
            int fromSrc = release - fromHeld;
            ByteBuffer slice = src.duplicate();
            slice.limit(slice.position() + fromSrc);
            data(slice);
            src.position(src.position() + fromSrc);
            int rest = src.remaining();
            src.get(held, heldLength, rest);
            heldLength += rest;
        }

        private void data(ByteBuffer b) {
            if (firstBad < 0) {
                firstBad = PerfPattern.check(b, seed, bytes);
            }
            bytes += b.remaining();
            sha.update(b);
        }

        /** At the end of the stream: the sender's trailer, which the held-back bytes must be. */
        SenderTrailer finish() throws ProtocolException {
            if (heldLength < HELD) {
                throw new ProtocolException("the sender's stream ended after " + (bytes + heldLength)
                        + " bytes, before its trailer");
            }
            return SenderTrailer.decode(ByteBuffer.wrap(held));
        }

        long bytes() {
            return bytes;
        }

        long firstBad() {
            return firstBad;
        }

        String sha256() {
            return HexFormat.of().formatHex(sha.digest());
        }
    }
}
