package io.mptcp4j.core.wire;

import static io.mptcp4j.core.wire.MptcpOptionAssertions.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.random.RandomGenerator;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MptcpCryptoTest {

    private static final long KEY_A = 0x0123456789ABCDEFL;
    private static final long KEY_B = 0xFEDCBA9876543210L;
    private static final long RANDOM_A = 0x11223344L;
    private static final long RANDOM_B = 0xAABBCCDDL;

    /** Token and IDSN computed outside this project (SHA-256 of the key's 8 big-endian bytes). */
    @ParameterizedTest
    @CsvSource({
        "0000000000000000, af5570f5, e5b2328de0e83dfc",
        "0000000000000001, cd266215, 19ec509083d00a50",
        "0123456789abcdef, 55c53f5d, 570762cd38be9818",
        "fedcba9876543210, 18f9781b, 280818bf0fa7e28e",
        "ffffffffffffffff, 12a3ae44, 57fb595bbbacf0ca"})
    void tokenAndIdsnVectors(String key, String token, String idsn) {
        long k = Long.parseUnsignedLong(key, 16);
        assertThat(MptcpCrypto.token(k)).isEqualTo(Long.parseLong(token, 16));
        assertThat(MptcpCrypto.idsn(k)).isEqualTo(Long.parseUnsignedLong(idsn, 16));
    }

    @Test
    void tokenAndIdsnMatchAStraightforwardDigest() throws Exception {
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < 1_000; i++) {
            long key = random.nextLong();
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(ByteBuffer.allocate(8).putLong(key).array());
            ByteBuffer d = ByteBuffer.wrap(digest);
            assertThat(MptcpCrypto.token(key)).isEqualTo(Integer.toUnsignedLong(d.getInt(0)));
            assertThat(MptcpCrypto.idsn(key)).isEqualTo(d.getLong(24));
        }
    }

    /**
     * The vectors of Linux's net/mptcp/crypto_test.c. Its key and message strings are not hex-decoded: their ASCII
     * characters are the bytes (key1 is the first 8 characters, read big-endian, key2 the next 8; each nonce 4).
     */
    @ParameterizedTest
    @CsvSource({
        "0b0b0b0b0b0b0b0b, 48692054, 8385e24fb4235ac37556b6b886db106284a1da671699f46db1f235ec622dcafa",
        "aaaaaaaaaaaaaaaa, dddddddd, 2c5e219164ff1dca1c4a92318d847bb6b9d44492984e1eb71aff9022f71046e9",
        "0102030405060708, cdcdcdcd, e73b9ba9969969cefb04aa0d6df18ec2fcc075b6f23b4d8c4da736a5dbbc6e7d"})
    void linuxKunitHmacVectors(String key, String message, String expected) {
        ByteBuffer k = ByteBuffer.wrap(key.getBytes(StandardCharsets.US_ASCII));
        ByteBuffer m = ByteBuffer.wrap(message.getBytes(StandardCharsets.US_ASCII));
        byte[] hmac = MptcpCrypto.joinHmac(k.getLong(0), k.getLong(8), Integer.toUnsignedLong(m.getInt(0)),
                Integer.toUnsignedLong(m.getInt(4)));
        assertThat(hex(hmac)).isEqualTo(expected);
    }

    /** Values computed outside this project for the keys and randoms above. */
    @Test
    void joinHandshakeVectors() {
        assertThat(MptcpCrypto.synAckHmac(KEY_B, KEY_A, RANDOM_B, RANDOM_A)).isEqualTo(0x3BAE5ABC810A33C2L);
        assertThat(hex(MptcpCrypto.ackHmac(KEY_A, KEY_B, RANDOM_A, RANDOM_B)))
                .isEqualTo("f61753d6b8ac227764b9d1b17a6f5ceeec9d1a8a");
    }

    /** The roles of RFC 8684 section 3.2, checked against the JDK's HMAC on hand-laid bytes. */
    @Test
    void joinHmacsPutTheSendersKeyAndRandomFirst() throws Exception {
        SplittableRandom random = new SplittableRandom(2);
        for (int i = 0; i < 200; i++) {
            long keyA = random.nextLong();
            long keyB = random.nextLong();
            long randomA = random.nextLong() & 0xFFFF_FFFFL;
            long randomB = random.nextLong() & 0xFFFF_FFFFL;
            byte[] fromB = jdkHmac(ByteBuffer.allocate(16).putLong(keyB).putLong(keyA).array(),
                    ByteBuffer.allocate(8).putInt((int) randomB).putInt((int) randomA).array());
            byte[] fromA = jdkHmac(ByteBuffer.allocate(16).putLong(keyA).putLong(keyB).array(),
                    ByteBuffer.allocate(8).putInt((int) randomA).putInt((int) randomB).array());
            assertThat(MptcpCrypto.synAckHmac(keyB, keyA, randomB, randomA))
                    .isEqualTo(ByteBuffer.wrap(fromB).getLong());
            assertThat(MptcpCrypto.ackHmac(keyA, keyB, randomA, randomB)).isEqualTo(Arrays.copyOf(fromA, 20));
            assertThat(MptcpCrypto.joinHmac(keyA, keyB, randomA, randomB)).isEqualTo(fromA);
        }
    }

    /** Values computed outside this project: rightmost 64 bits, port as two bytes, zero when absent. */
    @ParameterizedTest
    @CsvSource({
        "5, 192.0.2.7, 0, e36ce1f7c2f780d9",
        "5, 192.0.2.7, 8080, fe3892cbc7345e49",
        "9, 2001:db8::42, 0, a354d71170eb8526",
        "9, 2001:db8::42, 443, 3d847c5ee3189607"})
    void addAddrVectors(int id, String address, int port, String expected) throws Exception {
        long hmac = MptcpCrypto.addAddrHmac(KEY_A, KEY_B, id, InetAddress.getByName(address), port);
        assertThat(hmac).isEqualTo(Long.parseUnsignedLong(expected, 16));
    }

    @Test
    void addAddrHmacOfAnOptionUsesItsPortOrZero() throws Exception {
        InetAddress address = InetAddress.getByName("192.0.2.7");
        AddAddr withoutPort = AddAddr.announce(5, address, OptionalInt.empty(), 0);
        AddAddr withPort = AddAddr.announce(5, address, OptionalInt.of(8080), 0);
        assertThat(MptcpCrypto.addAddrHmac(KEY_A, KEY_B, withoutPort)).isEqualTo(0xE36CE1F7C2F780D9L);
        assertThat(MptcpCrypto.addAddrHmac(KEY_A, KEY_B, withPort)).isEqualTo(0xFE3892CBC7345E49L);
    }

    @Test
    void addAddrHmacMatchesTheJdkOnHandLaidBytes() throws Exception {
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < 200; i++) {
            byte[] raw = new byte[random.nextBoolean() ? 4 : 16];
            random.nextBytes(raw);
            InetAddress address = InetAddress.getByAddress(raw);
            byte[] wireAddress = address.getAddress();
            int id = random.nextInt(256);
            int port = random.nextInt(0x10000);
            long sender = random.nextLong();
            long receiver = random.nextLong();
            ByteBuffer message = ByteBuffer.allocate(3 + wireAddress.length).put((byte) id).put(wireAddress)
                    .putShort((short) port);
            byte[] full = jdkHmac(ByteBuffer.allocate(16).putLong(sender).putLong(receiver).array(), message.array());
            assertThat(MptcpCrypto.addAddrHmac(sender, receiver, id, address, port))
                    .isEqualTo(ByteBuffer.wrap(full).getLong(24));
        }
    }

    @Test
    void addAddrHmacChecksItsArguments() throws Exception {
        InetAddress address = InetAddress.getByName("192.0.2.7");
        assertThatIllegalArgumentException().isThrownBy(() -> MptcpCrypto.addAddrHmac(0, 0, 256, address, 0));
        assertThatIllegalArgumentException().isThrownBy(() -> MptcpCrypto.addAddrHmac(0, 0, 0, address, 65536));
    }

    @Test
    void keysAndRandomsComeFromTheGivenGenerator() {
        assertThat(MptcpCrypto.newKey(new SplittableRandom(7))).isEqualTo(new SplittableRandom(7).nextLong());
        SplittableRandom random = new SplittableRandom(9);
        for (int i = 0; i < 1_000; i++) {
            assertThat(MptcpCrypto.newJoinRandom(random)).isBetween(1L, 0xFFFF_FFFFL);
        }
        assertThat(MptcpCrypto.newKey()).isNotEqualTo(MptcpCrypto.newKey());
        assertThat(MptcpCrypto.newJoinRandom()).isBetween(1L, 0xFFFF_FFFFL);
    }

    @Test
    void zeroIsNeverAJoinRandom() {
        RandomGenerator zeroThenOne = new RandomGenerator() {
            private int calls;

            @Override
            public long nextLong() {
                return calls++ == 0 ? 0 : 1;
            }

            @Override
            public int nextInt() {
                return (int) nextLong();
            }
        };
        assertThat(MptcpCrypto.newJoinRandom(zeroThenOne)).isEqualTo(1);
    }

    /** Per-thread state: many threads at once get the answers one thread gets. */
    @Test
    void threadsDoNotShareScratchState() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Boolean>> tasks = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                long seed = t;
                tasks.add(() -> {
                    SplittableRandom random = new SplittableRandom(seed);
                    for (int i = 0; i < 2_000; i++) {
                        long key = random.nextLong();
                        byte[] digest = MessageDigest.getInstance("SHA-256")
                                .digest(ByteBuffer.allocate(8).putLong(key).array());
                        if (MptcpCrypto.idsn(key) != ByteBuffer.wrap(digest).getLong(24)) return false;
                        long other = random.nextLong();
                        byte[] hmac = jdkHmac(ByteBuffer.allocate(16).putLong(key).putLong(other).array(),
                                ByteBuffer.allocate(8).putInt(1).putInt(2).array());
                        if (MptcpCrypto.synAckHmac(key, other, 1, 2) != ByteBuffer.wrap(hmac).getLong()) return false;
                    }
                    return true;
                });
            }
            for (Future<Boolean> result : pool.invokeAll(tasks)) assertThat(result.get()).isTrue();
        } finally {
            pool.shutdownNow();
        }
    }

    private static byte[] jdkHmac(byte[] key, byte[] message) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(message);
    }
}
