package io.mptcp4j.samples.webflux;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;

import reactor.core.publisher.Flux;

/**
 * The content of a "file": byte i is {@code i % 251}. A prime period keeps chunk and segment boundaries from lining
 * up with it, so a reordered or duplicated block changes the hash. Nothing is stored: chunks are made on demand.
 */
final class PatternContent {

    /** Bytes per chunk: large enough to keep per-buffer overhead low, small enough to stay off the heap's mind. */
    static final int CHUNK = 64 * 1024;

    private static final int PERIOD = 251;
    /** The largest size served: 64 GiB, far beyond any lab run, and far from long overflow. */
    static final long MAX_SIZE = 64L << 30;

    private static final Pattern SIZE = Pattern.compile("(\\d{1,12})([kmg]?)");

    /** The pattern from offset 0, one period longer than a chunk, so any chunk is one slice of it. */
    private static final byte[] TABLE = new byte[CHUNK + PERIOD];

    static {
        for (int i = 0; i < TABLE.length; i++) {
            TABLE[i] = (byte) (i % PERIOD);
        }
    }

    private PatternContent() {
    }

    /**
     * Parses {@code 123}, {@code 10K}, {@code 10M}, {@code 1G} (binary multiples, case-insensitive).
     *
     * @throws IllegalArgumentException for anything else or a size above {@link #MAX_SIZE}
     */
    static long parseSize(String text) {
        Matcher m = SIZE.matcher(text.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("size must be a number with an optional K, M or G suffix, got '"
                    + text + "'");
        }
        long n = Long.parseLong(m.group(1));
        int shift;
        switch (m.group(2)) {
            case "k":
                shift = 10;
                break;
            case "m":
                shift = 20;
                break;
            case "g":
                shift = 30;
                break;
            default:
                shift = 0;
        }
        // Compare before shifting: n has at most 12 digits, so n << 30 could overflow.
        if (n > MAX_SIZE >> shift) {
            throw new IllegalArgumentException("size must be at most 64G, got '" + text + "'");
        }
        return n << shift;
    }

    /** The content as chunks, each made when the subscriber asks for it (so backpressure bounds the memory). */
    static Flux<DataBuffer> chunks(long size, DataBufferFactory factory) {
        return Flux.generate(() -> 0L, (offset, sink) -> {
            if (offset >= size) {
                sink.complete();
                return offset;
            }
            int n = (int) Math.min(CHUNK, size - offset);
            sink.next(factory.wrap(slice(offset, n)));
            return offset + n;
        });
    }

    /** The hex SHA-256 of the content, computed chunk by chunk as a downloading client would. */
    static String sha256(long size) {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        for (long offset = 0; offset < size; offset += CHUNK) {
            int n = (int) Math.min(CHUNK, size - offset);
            digest.update(TABLE, (int) (offset % PERIOD), n);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** A copy, because a written buffer leaves our hands; the shared table must stay unchanged. */
    private static byte[] slice(long offset, int n) {
        byte[] chunk = new byte[n];
        System.arraycopy(TABLE, (int) (offset % PERIOD), chunk, 0, n);
        return chunk;
    }
}
