package io.mptcp4j.core.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.mptcp4j.core.wire.MalformedPacketException.Reason;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Random and mutated MPTCP options, from fixed seeds: only {@link MalformedPacketException} may escape the
 * decoder, the position and limit never move, and whatever decodes re-encodes to the very same bytes.
 */
class MptcpOptionFuzzTest {

    private static final int RUNS = 1_000_000;
    private static final long SEED = 0x8684_2020L;

    private final SplittableRandom random = new SplittableRandom(SEED);
    private final ByteBuffer heap = ByteBuffer.allocate(300);
    private final ByteBuffer direct = ByteBuffer.allocateDirect(300);
    private final Map<Reason, Integer> refusals = new EnumMap<>(Reason.class);
    private int accepted;

    @Test
    void onlyTypedFailuresEscapeAndAcceptedOptionsRoundTrip() {
        for (int run = 0; run < RUNS; run++) {
            byte[] candidate = switch (run % 4) {
                case 0 -> randomBytes();
                case 1 -> validShape();
                default -> mutate(validShape());
            };
            check(candidate);
        }
        assertThat(accepted).as("accepted options").isGreaterThan(RUNS / 4);
        assertThat(refusals.keySet()).as("refusal reasons seen").containsExactlyInAnyOrder(Reason.TRUNCATED,
                Reason.BAD_LENGTH, Reason.BAD_OPTION_LENGTH, Reason.BAD_VERSION, Reason.BAD_FIELD);
    }

    private void check(byte[] candidate) {
        ByteBuffer buf = random.nextBoolean() ? heap : direct;
        buf.clear().order(random.nextBoolean() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        int offset = random.nextInt(0, 300 - candidate.length + 1);
        buf.put(offset, candidate);
        buf.position(offset).limit(offset + candidate.length);
        MptcpOption option;
        try {
            option = MptcpOption.parse(buf);
        } catch (MalformedPacketException e) {
            refusals.merge(e.reason(), 1, Integer::sum);
            assertUnmoved(buf, offset, candidate);
            return;
        } catch (RuntimeException | Error e) {
            throw new AssertionError("unchecked failure on " + HexFormat.of().formatHex(candidate), e);
        }
        assertUnmoved(buf, offset, candidate);
        accepted++;
        ByteBuffer out = ByteBuffer.allocate(option.encodedLength());
        option.encode(out);
        if (out.position() != candidate.length || !Arrays.equals(out.array(), candidate)) {
            fail("%s from %s re-encodes to %s", option, HexFormat.of().formatHex(candidate),
                    HexFormat.of().formatHex(out.array(), 0, out.position()));
        }
    }

    private static void assertUnmoved(ByteBuffer buf, int offset, byte[] candidate) {
        if (buf.position() != offset || buf.limit() != offset + candidate.length) {
            fail("buffer moved on %s", HexFormat.of().formatHex(candidate));
        }
    }

    /** Anything from 0 to 260 bytes, usually with kind 30 and a length byte that may or may not fit. */
    private byte[] randomBytes() {
        byte[] bytes = new byte[random.nextInt(0, 261)];
        random.nextBytes(bytes);
        if (bytes.length > 0 && random.nextInt(8) != 0) bytes[0] = (byte) TcpOption.KIND_MPTCP;
        if (bytes.length > 1 && random.nextBoolean()) bytes[1] = (byte) Math.min(bytes.length, 255);
        return bytes;
    }

    /** An option whose length suits its subtype and flags, with random field contents. */
    private byte[] validShape() {
        int subtype = random.nextInt(16);
        int lowNibble = random.nextInt(16);
        int flags = random.nextInt(256);
        int length = switch (subtype) {
            case MptcpOption.SUBTYPE_MP_CAPABLE -> {
                int[] lengths = {4, 12, 20, 22, 24};
                int l = lengths[random.nextInt(lengths.length)];
                lowNibble = l == 4 && random.nextBoolean() ? random.nextInt(1, 16) : 1;
                flags |= random.nextInt(1, 32);
                yield l;
            }
            case MptcpOption.SUBTYPE_MP_JOIN -> new int[] {12, 16, 24}[random.nextInt(3)];
            case MptcpOption.SUBTYPE_DSS -> dssLength(flags);
            case MptcpOption.SUBTYPE_ADD_ADDR -> addAddrLength((lowNibble & 1) == 1);
            case MptcpOption.SUBTYPE_REMOVE_ADDR -> random.nextInt(4, 256);
            case MptcpOption.SUBTYPE_MP_PRIO -> 3;
            case MptcpOption.SUBTYPE_MP_FAIL, MptcpOption.SUBTYPE_MP_FASTCLOSE -> 12;
            case MptcpOption.SUBTYPE_MP_TCPRST -> 4;
            default -> random.nextInt(3, 256);
        };
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        bytes[0] = (byte) TcpOption.KIND_MPTCP;
        bytes[1] = (byte) length;
        bytes[2] = (byte) (subtype << 4 | lowNibble);
        if (length > 3) bytes[3] = (byte) flags;
        return bytes;
    }

    private int dssLength(int flags) {
        int length = 4;
        if ((flags & Dss.FLAG_DATA_ACK) != 0) length += (flags & Dss.FLAG_DATA_ACK_64) != 0 ? 8 : 4;
        if ((flags & Dss.FLAG_MAPPING) != 0) {
            length += ((flags & Dss.FLAG_DSN_64) != 0 ? 8 : 4) + 6 + (random.nextBoolean() ? 2 : 0);
        }
        return length;
    }

    private int addAddrLength(boolean echo) {
        int[] lengths = echo ? new int[] {8, 10, 20, 22} : new int[] {16, 18, 28, 30};
        return lengths[random.nextInt(lengths.length)];
    }

    /** One to three mutations: byte flips, bit flips, a new length byte, truncation, extension, a new subtype. */
    private byte[] mutate(byte[] bytes) {
        byte[] out = bytes;
        int mutations = random.nextInt(1, 4);
        for (int i = 0; i < mutations; i++) {
            switch (random.nextInt(7)) {
                case 0 -> {
                    if (out.length > 0) out[random.nextInt(out.length)] = (byte) random.nextInt(256);
                }
                case 1 -> {
                    if (out.length > 0) out[random.nextInt(out.length)] ^= (byte) (1 << random.nextInt(8));
                }
                case 2 -> {
                    if (out.length > 1) out[1] = (byte) random.nextInt(256);
                }
                case 3 -> out = Arrays.copyOf(out, random.nextInt(0, out.length + 1));
                case 4 -> {
                    int grown = Math.min(255, out.length + random.nextInt(1, 9));
                    byte[] longer = Arrays.copyOf(out, grown);
                    for (int j = out.length; j < grown; j++) longer[j] = (byte) random.nextInt(256);
                    out = longer;
                }
                case 5 -> {
                    if (out.length > 1) out[1] = (byte) out.length;
                }
                default -> {
                    if (out.length > 2) out[2] = (byte) (random.nextInt(16) << 4 | (out[2] & 0x0F));
                }
            }
        }
        return out;
    }
}
