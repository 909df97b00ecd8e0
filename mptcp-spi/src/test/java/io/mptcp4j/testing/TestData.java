package io.mptcp4j.testing;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;

/** Payloads, hashes and counter deltas shared by the interop tests. */
public final class TestData {

    private TestData() {
    }

    /** {@code size} pseudo-random bytes, the same for the same seed. */
    public static byte[] randomBytes(long seed, int size) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    /** A fresh SHA-256 digest, for hashing a stream piece by piece. */
    public static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    public static byte[] sha256(byte[] data) {
        return sha256Digest().digest(data);
    }

    public static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    /** How much a kernel counter (as {@code NamespaceLab.nstat} returns them) rose between two readings. */
    public static long delta(Map<String, Long> before, Map<String, Long> after, String counter) {
        return after.getOrDefault(counter, 0L) - before.getOrDefault(counter, 0L);
    }
}
