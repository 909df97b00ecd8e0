package io.mptcp4j.core.wire;

import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.random.RandomGenerator;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * MPTCP v1 key material (RFC 8684 sections 3.1, 3.2 and 3.4.1), laid out byte for byte as Linux does
 * ({@code net/mptcp/crypto.c}, {@code options.c}, {@code subflow.c}).
 *
 * <ul>
 *   <li>Keys are 64 bits, hashed as 8 big-endian bytes: the token is the most significant 32 bits of SHA-256(key),
 *       the initial data sequence number (IDSN) the least significant 64 bits.</li>
 *   <li>Every HMAC is HMAC-SHA256 keyed with two 64-bit keys, each as 8 big-endian bytes, first then second.</li>
 *   <li>MP_JOIN's message is two 32-bit randoms, big-endian, in the same order as the keys. The responder B sends
 *       the leftmost 64 bits of HMAC(Key-B||Key-A, R-B||R-A); the initiator A answers with the leftmost 160 bits of
 *       HMAC(Key-A||Key-B, R-A||R-B).</li>
 *   <li>ADD_ADDR's message is the address ID, the address bytes and the port as 2 big-endian bytes, zero when the
 *       option carries no port; the option carries the rightmost 64 bits, keyed with the sender's key first.</li>
 * </ul>
 *
 * <p>Tokens and 32-bit randoms are unsigned values in a {@code long}, as elsewhere in this package. The
 * {@link MessageDigest} and {@link Mac} instances, which are costly to look up, are cached per thread together with
 * scratch buffers: token and IDSN allocate nothing, an HMAC only its key object (and its result when that is an
 * array). Every use re-initialises the cached instance, so an earlier failure cannot leave it dirty.
 */
public final class MptcpCrypto {

    /** Bytes of a full HMAC-SHA256. */
    public static final int HMAC_LENGTH = 32;

    private static final String HMAC_ALGORITHM = "HmacSHA256";
    private static final int KEY_BYTES = 8;
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);
    private static final SecureRandom SECURE_RANDOM = new SecureRandom();

    private MptcpCrypto() {
    }

    /** The token (unsigned 32-bit) that names the connection of this key in MP_JOIN: SHA-256 bits 255..224. */
    public static long token(long key) {
        Scratch s = keyDigest(key);
        return readLong(s.digest, 0) >>> 32;
    }

    /** The initial data sequence number of the sender of this key: SHA-256 bits 63..0. */
    public static long idsn(long key) {
        Scratch s = keyDigest(key);
        return readLong(s.digest, HMAC_LENGTH - 8);
    }

    /**
     * The full HMAC-SHA256 with Key=(key1||key2) and Msg=(random1||random2), each key as 8 big-endian bytes and each
     * random (unsigned 32-bit) as 4 — the shape of every MP_JOIN HMAC, and of Linux's crypto kunit vectors.
     */
    public static byte[] joinHmac(long key1, long key2, long random1, long random2) {
        Scratch s = joinDigest(key1, key2, random1, random2);
        return s.digest.clone();
    }

    /**
     * The truncated HMAC of an MP_JOIN SYN/ACK: the leftmost 64 bits of HMAC(Key=Key-B||Key-A, Msg=R-B||R-A), B being
     * the responder. The responder computes it to send; the initiator, to check what it received.
     */
    public static long synAckHmac(long responderKey, long initiatorKey, long responderRandom, long initiatorRandom) {
        Scratch s = joinDigest(responderKey, initiatorKey, responderRandom, initiatorRandom);
        return readLong(s.digest, 0);
    }

    /**
     * The HMAC of an MP_JOIN third ACK: the leftmost 160 bits of HMAC(Key=Key-A||Key-B, Msg=R-A||R-B), A being the
     * initiator. Compare a received one with {@link MessageDigest#isEqual}, which takes constant time.
     */
    public static byte[] ackHmac(long initiatorKey, long responderKey, long initiatorRandom, long responderRandom) {
        Scratch s = joinDigest(initiatorKey, responderKey, initiatorRandom, responderRandom);
        return Arrays.copyOf(s.digest, MpJoin.ACK_HMAC_LENGTH);
    }

    /**
     * The truncated HMAC of an ADD_ADDR: the rightmost 64 bits of HMAC(Key=sender's key||receiver's key,
     * Msg=address ID||address||port), with the port as 2 zero bytes when the option carries none (RFC 8684 section
     * 3.4.1; Linux {@code add_addr_generate_hmac}). The receiver checks an announcement by calling this with the
     * peer's key as {@code senderKey} and its own as {@code receiverKey}.
     *
     * @param port the port the option carries, or 0 when it carries none
     */
    public static long addAddrHmac(long senderKey, long receiverKey, int addressId, InetAddress address, int port) {
        MptcpOptions.checkU8("addressId", addressId);
        MptcpOptions.checkU16("port", port);
        Scratch s = SCRATCH.get();
        byte[] raw = address.getAddress();
        s.message[0] = (byte) addressId;
        System.arraycopy(raw, 0, s.message, 1, raw.length);
        s.message[1 + raw.length] = (byte) (port >>> 8);
        s.message[2 + raw.length] = (byte) port;
        s.hmac(senderKey, receiverKey, 3 + raw.length);
        return readLong(s.digest, HMAC_LENGTH - 8);
    }

    /** The truncated HMAC an ADD_ADDR announcement must carry, for the address and port it holds. */
    public static long addAddrHmac(long senderKey, long receiverKey, AddAddr option) {
        return addAddrHmac(senderKey, receiverKey, option.addressId(), option.address(), option.port().orElse(0));
    }

    /** A new 64-bit key from a shared {@link SecureRandom}. */
    public static long newKey() {
        return newKey(SECURE_RANDOM);
    }

    /** A new 64-bit key from {@code random}, which tests may make deterministic. */
    public static long newKey(RandomGenerator random) {
        return random.nextLong();
    }

    /** A new MP_JOIN random number (unsigned 32-bit) from {@code random}; non-zero, as Linux draws it. */
    public static long newJoinRandom(RandomGenerator random) {
        long r;
        do {
            r = random.nextInt() & 0xFFFF_FFFFL;
        } while (r == 0);
        return r;
    }

    /** A new MP_JOIN random number from a shared {@link SecureRandom}. */
    public static long newJoinRandom() {
        return newJoinRandom(SECURE_RANDOM);
    }

    private static Scratch keyDigest(long key) {
        Scratch s = SCRATCH.get();
        writeLong(s.keys, 0, key);
        s.sha256.update(s.keys, 0, KEY_BYTES);
        s.finish(s.sha256);
        return s;
    }

    private static Scratch joinDigest(long key1, long key2, long random1, long random2) {
        Scratch s = SCRATCH.get();
        writeInt(s.message, 0, random1);
        writeInt(s.message, 4, random2);
        s.hmac(key1, key2, 8);
        return s;
    }

    private static void writeLong(byte[] to, int at, long value) {
        for (int i = 0; i < 8; i++) to[at + i] = (byte) (value >>> (56 - 8 * i));
    }

    private static void writeInt(byte[] to, int at, long value) {
        for (int i = 0; i < 4; i++) to[at + i] = (byte) (value >>> (24 - 8 * i));
    }

    private static long readLong(byte[] from, int at) {
        long v = 0;
        for (int i = 0; i < 8; i++) v = v << 8 | (from[at + i] & 0xFF);
        return v;
    }

    /** Per-thread instances and buffers; the largest message is ADD_ADDR for IPv6: 1 + 16 + 2 bytes. */
    private static final class Scratch {
        final MessageDigest sha256;
        final Mac hmacSha256;
        final byte[] keys = new byte[2 * KEY_BYTES];
        final byte[] message = new byte[19];
        final byte[] digest = new byte[HMAC_LENGTH];

        Scratch() {
            try {
                sha256 = MessageDigest.getInstance("SHA-256");
                hmacSha256 = Mac.getInstance(HMAC_ALGORITHM);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("every Java platform provides SHA-256 and HmacSHA256", e);
            }
        }

        void hmac(long key1, long key2, int messageLength) {
            writeLong(keys, 0, key1);
            writeLong(keys, KEY_BYTES, key2);
            try {
                hmacSha256.init(new SecretKeySpec(keys, HMAC_ALGORITHM));
                hmacSha256.update(message, 0, messageLength);
                hmacSha256.doFinal(digest, 0);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 refused a 16-byte key", e);
            }
        }

        void finish(MessageDigest md) {
            try {
                md.digest(digest, 0, HMAC_LENGTH);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("SHA-256 output is 32 bytes", e);
            }
        }
    }
}
