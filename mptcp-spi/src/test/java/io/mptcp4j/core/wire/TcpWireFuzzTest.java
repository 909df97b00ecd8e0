package io.mptcp4j.core.wire;

import static io.mptcp4j.core.wire.WireFixtures.DST4;
import static io.mptcp4j.core.wire.WireFixtures.DST6;
import static io.mptcp4j.core.wire.WireFixtures.LINUX_SYN_IPV4;
import static io.mptcp4j.core.wire.WireFixtures.LINUX_SYN_TCP;
import static io.mptcp4j.core.wire.WireFixtures.SRC4;
import static io.mptcp4j.core.wire.WireFixtures.SRC6;
import static io.mptcp4j.core.wire.WireFixtures.hex;
import static io.mptcp4j.core.wire.WireFixtures.ipv4Int;
import static io.mptcp4j.core.wire.WireFixtures.ipv6;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet6Address;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Feeds random and mutated bytes to the IPv4/TCP and option decoders. Whatever the bytes, a decoder either
 * returns a value that re-encodes, or throws {@link MalformedPacketException}; it never throws anything else and
 * never moves the buffer's position. Seeds are fixed and a failure reports the iteration and the input in hex.
 */
class TcpWireFuzzTest {

    private static final long PACKET_SEED = 0x6d707463_70347769L;
    private static final long OPTIONS_SEED = 0x7463706f_70747321L;
    private static final int PACKETS = 700_000;
    private static final int OPTION_AREAS = 400_000;

    private static final int[] KNOWN_KINDS = {0, 1, 2, 3, 4, 5, 8, 30};
    private static final int[] KNOWN_LENGTHS = {0, 1, 2, 3, 4, 10, 12, 18, 20, 26, 34, 40, 255};

    private static final int SOURCE = ipv4Int(SRC4);
    private static final int DESTINATION = ipv4Int(DST4);
    private static final Inet6Address SOURCE6 = ipv6(SRC6);
    private static final Inet6Address DESTINATION6 = ipv6(DST6);

    private final ByteBuffer direct = ByteBuffer.allocateDirect(4096);
    private final ByteBuffer scratch = ByteBuffer.allocate(4096);
    private final Map<MalformedPacketException.Reason, Integer> rejections =
            new EnumMap<>(MalformedPacketException.Reason.class);
    private int accepted;

    @Test
    void ipv4TcpDecodingThrowsOnlyMalformedPacketException() {
        List<byte[]> corpus = validPackets();
        SplittableRandom random = new SplittableRandom(PACKET_SEED);
        for (int i = 0; i < PACKETS; i++) {
            byte[] input = random.nextInt(8) == 0 ? randomPacket(random) : mutate(random, pick(random, corpus));
            checkPacket(i, input, random);
        }
        // The mix must reach both outcomes and the deep checks, or the fuzzing proves little.
        assertThat(accepted).isGreaterThan(PACKETS / 20);
        assertThat(rejections).containsKeys(MalformedPacketException.Reason.values());
    }

    @Test
    void optionAreaDecodingThrowsOnlyMalformedPacketException() {
        SplittableRandom random = new SplittableRandom(OPTIONS_SEED);
        List<byte[]> corpus = validOptionAreas();
        for (int i = 0; i < OPTION_AREAS; i++) {
            byte[] area = switch (random.nextInt(3)) {
                case 0 -> randomBytes(random, random.nextInt(45));
                case 1 -> plausibleOptions(random);
                default -> mutate(random, pick(random, corpus));
            };
            checkOptionArea(i, area, random);
        }
        assertThat(accepted).isGreaterThan(OPTION_AREAS / 20);
        assertThat(rejections).containsKeys(MalformedPacketException.Reason.BAD_OPTION_LENGTH,
                MalformedPacketException.Reason.BAD_LENGTH);
    }

    private void checkPacket(int iteration, byte[] input, SplittableRandom random) {
        ByteBuffer buf = place(input, random);
        int position = buf.position();
        int limit = buf.limit();
        try {
            try {
                reencode(IpPacket.decodeIpv4Tcp(buf, false), iteration);
                accepted++;
            } catch (MalformedPacketException e) {
                rejections.merge(e.reason(), 1, Integer::sum);
            }
            assertUnmoved(buf, position, limit, iteration, input);
            // Each further decode costs as much again: a quarter of the inputs is enough for these paths.
            if (iteration % 4 == 0) {
                try {
                    IpPacket.decodeIpv4Tcp(buf, true);
                } catch (MalformedPacketException e) {
                    rejections.merge(e.reason(), 1, Integer::sum);
                }
                assertUnmoved(buf, position, limit, iteration, input);
            }
            if (iteration % 4 == 1 && input.length > 20) {
                // The IPv6 raw-socket path, on whatever follows a 20-byte IP header.
                ByteBuffer tcp = buf.duplicate().position(position + 20);
                try {
                    IpPacket.decodeIpv6Tcp(SOURCE6, DESTINATION6, tcp, random.nextBoolean());
                } catch (MalformedPacketException e) {
                    rejections.merge(e.reason(), 1, Integer::sum);
                }
                assertUnmoved(tcp, position + 20, limit, iteration, input);
            }
        } catch (RuntimeException | Error e) {
            throw new AssertionError(failure("packet", iteration, input), e);
        }
    }

    /** Re-encodes every decoded packet; every fourth also decodes again and compares. */
    private void reencode(IpPacket.Ipv4Tcp decoded, int iteration) {
        Ipv4Header header = decoded.header();
        TcpSegment segment = decoded.segment();
        scratch.clear();
        header.encode(scratch);
        segment.encodeIpv4(scratch, header.source(), header.destination());
        check(scratch.position() == header.totalLength(), () -> "re-encoded length differs from the total length");
        if (iteration % 64 == 0) {
            check(!header.toString().isEmpty() && !segment.toString().isEmpty(), () -> "empty toString");
        }
        if (iteration % 4 != 0 || !segment.mptcpOptions().isEmpty()) {
            return; // MPTCP option round trips are the MPTCP codec's own tests
        }
        IpPacket.Ipv4Tcp again;
        try {
            again = IpPacket.decodeIpv4Tcp(scratch.flip(), true);
        } catch (MalformedPacketException e) {
            throw new AssertionError("re-encoded packet does not decode", e);
        }
        check(Arrays.equals(again.header().options(), header.options())
                && again.header().totalLength() == header.totalLength(), () -> "IPv4 header changed in a round trip");
        TcpSegment redecoded = again.segment();
        check(redecoded.options().equals(segment.options()) && redecoded.payload().equals(segment.payload())
                && redecoded.flags() == segment.flags() && redecoded.dataOffset() == segment.dataOffset(),
                () -> "segment changed in a round trip: " + segment + " became " + redecoded);
    }

    private void checkOptionArea(int iteration, byte[] area, SplittableRandom random) {
        ByteBuffer buf = place(area, random);
        int position = buf.position();
        int limit = buf.limit();
        try {
            try {
                List<TcpOption> options = TcpOptions.parse(buf);
                accepted++;
                scratch.clear();
                TcpOptions.encode(options, scratch);
                check(scratch.position() == TcpOptions.encodedLength(options) && scratch.position() <= 40,
                        () -> "encoded length " + scratch.position());
                if (options.stream().noneMatch(MptcpOption.class::isInstance)) {
                    List<TcpOption> again = TcpOptions.parse(scratch.flip());
                    check(again.equals(options),
                            () -> "options changed in a round trip: " + options + " became " + again);
                }
            } catch (MalformedPacketException e) {
                rejections.merge(e.reason(), 1, Integer::sum);
            }
            assertUnmoved(buf, position, limit, iteration, area);
        } catch (RuntimeException | Error e) {
            throw new AssertionError(failure("option area", iteration, area), e);
        }
    }

    /** A plain check: AssertJ's per-call cost adds up over a million inputs. */
    private static void check(boolean condition, Supplier<String> message) {
        if (!condition) {
            throw new AssertionError(message.get());
        }
    }

    private static void assertUnmoved(ByteBuffer buf, int position, int limit, int iteration, byte[] input) {
        if (buf.position() != position || buf.limit() != limit) {
            throw new AssertionError("decoder moved the buffer: " + failure("input", iteration, input));
        }
    }

    private static String failure(String what, int iteration, byte[] input) {
        return what + " #" + iteration + " (" + input.length + " bytes): " + HexFormat.of().formatHex(input);
    }

    /** Puts the input in a heap or direct buffer, at an offset, in either byte order. */
    private ByteBuffer place(byte[] input, SplittableRandom random) {
        int offset = random.nextInt(8);
        ByteBuffer buf = random.nextInt(4) == 0 ? direct.clear() : ByteBuffer.allocate(input.length + offset + 8);
        buf.order(random.nextBoolean() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        buf.position(offset);
        buf.put(input);
        buf.limit(offset + input.length).position(offset);
        return buf;
    }

    private static byte[] pick(SplittableRandom random, List<byte[]> corpus) {
        return corpus.get(random.nextInt(corpus.size()));
    }

    private static byte[] randomBytes(SplittableRandom random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    /** Random bytes, often shaped enough (version, IHL, length, protocol) to reach the TCP decoder. */
    private static byte[] randomPacket(SplittableRandom random) {
        byte[] bytes = randomBytes(random, random.nextInt(100));
        if (bytes.length >= 20 && random.nextBoolean()) {
            bytes[0] = (byte) (0x40 | (random.nextBoolean() ? 5 : random.nextInt(16)));
            bytes[2] = (byte) (bytes.length >>> 8);
            bytes[3] = (byte) bytes.length;
            bytes[6] &= 0x40; // no fragment
            bytes[7] = 0;
            bytes[9] = 6;
        }
        return bytes;
    }

    /** One to three mutations of a valid input: byte flips, truncation, length bytes set at random, growth. */
    private static byte[] mutate(SplittableRandom random, byte[] valid) {
        byte[] bytes = valid.clone();
        int mutations = 1 + random.nextInt(3);
        for (int m = 0; m < mutations && bytes.length > 0; m++) {
            switch (random.nextInt(6)) {
                case 0 -> bytes[random.nextInt(bytes.length)] ^= (byte) (1 << random.nextInt(8));
                case 1 -> bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
                case 2 -> bytes = Arrays.copyOf(bytes, random.nextInt(bytes.length + 1));
                case 3 -> bytes[lengthByteIndex(random, bytes)] = (byte) pickLength(random);
                case 4 -> bytes = Arrays.copyOf(bytes, bytes.length + 1 + random.nextInt(16));
                default -> bytes[random.nextInt(bytes.length)] = (byte) KNOWN_KINDS[random.nextInt(KNOWN_KINDS.length)];
            }
        }
        return bytes;
    }

    /** An index that is likely a length: IHL/version, total length, data offset, or a byte of the option area. */
    private static int lengthByteIndex(SplittableRandom random, byte[] bytes) {
        int[] likely = {0, 2, 3, 32, 41, 45, 33 + random.nextInt(40)};
        int index = likely[random.nextInt(likely.length)];
        return index < bytes.length ? index : random.nextInt(bytes.length);
    }

    private static int pickLength(SplittableRandom random) {
        return random.nextBoolean() ? KNOWN_LENGTHS[random.nextInt(KNOWN_LENGTHS.length)] : random.nextInt(256);
    }

    /** Options with known kinds and lengths that are sometimes right, sometimes not. */
    private static byte[] plausibleOptions(SplittableRandom random) {
        ByteBuffer area = ByteBuffer.allocate(48);
        int target = random.nextInt(42);
        while (area.position() < target) {
            int kind = random.nextInt(4) == 0 ? random.nextInt(256) : KNOWN_KINDS[random.nextInt(KNOWN_KINDS.length)];
            int length = random.nextInt(3) == 0 ? pickLength(random) : canonicalLength(kind, random);
            area.put((byte) kind);
            if (kind > 1 && area.hasRemaining()) {
                area.put((byte) length);
                for (int k = 2; k < length && area.hasRemaining(); k++) {
                    area.put((byte) random.nextInt(256));
                }
            }
        }
        return Arrays.copyOf(area.array(), Math.min(area.position(), 40 + random.nextInt(3)));
    }

    private static int canonicalLength(int kind, SplittableRandom random) {
        return switch (kind) {
            case TcpOption.KIND_MSS -> 4;
            case TcpOption.KIND_WINDOW_SCALE -> 3;
            case TcpOption.KIND_SACK_PERMITTED -> 2;
            case TcpOption.KIND_SACK -> 2 + 8 * (1 + random.nextInt(4));
            case TcpOption.KIND_TIMESTAMPS -> 10;
            case TcpOption.KIND_MPTCP -> new int[] {4, 8, 12, 16, 20, 24}[random.nextInt(6)];
            default -> 2 + random.nextInt(8);
        };
    }

    /** Well-formed IPv4 packets carrying TCP, checksums right, covering every option kind. */
    private static List<byte[]> validPackets() {
        List<byte[]> packets = new ArrayList<>();
        packets.add(hex(LINUX_SYN_IPV4 + LINUX_SYN_TCP));
        packets.add(packet("", 0x12, "020405b4" + "0402" + "080a0000000100000002" + "01" + "030307"
                + "1e0c0181" + "0102030405060708", 0));
        packets.add(packet("", 0x10, "0101080a0000000300000004" + "1e142005" + "0000000100000002" + "00000003"
                + "0010" + "abcd", 0));
        packets.add(packet("", 0x18, "0101" + "051a" + "0000000100000002" + "0000000300000004" + "0000000500000006"
                + "080a0000000500000006", 700));
        packets.add(packet("94040000", 0x10, "fe04abcd" + "2202" + "1e03f0" + "00", 12));
        packets.add(packet("01010101", 0x11, "", 1));
        packets.add(packet("", 0x04, "", 0));
        packets.add(packet("", 0xC2, "0204ffff" + "030300", 0));
        return packets;
    }

    private static byte[] packet(String ipOptions, int flags, String tcpOptions, int payloadLength) {
        byte[] options = hex(tcpOptions);
        int optionArea = (options.length + 3) & ~3;
        int tcpLength = 20 + optionArea + payloadLength;
        byte[] ipOpts = hex(ipOptions);
        Ipv4Header header = new Ipv4Header(0, 20 + ipOpts.length + tcpLength, 99, Ipv4Header.FLAG_DONT_FRAGMENT, 0,
                64, 6, 0, SOURCE, DESTINATION, ipOpts);
        ByteBuffer buf = ByteBuffer.allocate(header.totalLength());
        header.encode(buf);
        int tcpStart = buf.position();
        buf.putShort((short) 443).putShort((short) 51000).putInt(0x01020304).putInt(0x0a0b0c0d)
                .put((byte) ((5 + optionArea / 4) << 4)).put((byte) flags).putShort((short) 1000)
                .putShort((short) 0).putShort((short) 0).put(options);
        buf.position(tcpStart + 20 + optionArea);
        for (int k = 0; k < payloadLength; k++) {
            buf.put((byte) k);
        }
        int checksum = InternetChecksum.computeTcpIpv4(SOURCE, DESTINATION, buf, tcpStart, tcpLength);
        buf.putShort(tcpStart + 16, (short) checksum);
        return buf.array();
    }

    private static List<byte[]> validOptionAreas() {
        return List.of(
                hex("020405b4" + "0402" + "080a009c273400000000" + "01" + "030307"),
                hex("0101080a0000000100000002"),
                hex("0101" + "0522" + "0000000100000002" + "0000000300000004" + "0000000500000006"
                        + "0000000700000008"),
                hex("1e0c0181" + "0102030405060708" + "0101080a0000000100000002"),
                hex("1e082001" + "00000001" + "fe06aabbccdd" + "00"),
                hex("0402" + "2204abcd" + "1e03f0" + "01" + "030300"));
    }
}
