package io.mptcp4j.io.linux;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A classic BPF socket filter ({@code struct sock_filter[]}), as attached with {@code SO_ATTACH_FILTER}. The
 * program returns how many bytes of the packet to keep; 0 drops it.
 *
 * <p>What offset 0 is depends on the socket: for an IPv4 raw socket the program sees the IPv4 header first, for
 * an IPv6 raw socket it sees the transport (TCP) header first (the kernel has already pulled the IPv6 header),
 * and for a TCP socket it sees the TCP header. {@link #tcpDestinationPorts} accounts for this.
 */
public final class BpfProgram {

    /** The kernel's limit on instructions per classic program ({@code BPF_MAXINSNS}). */
    public static final int MAX_INSTRUCTIONS = 4096;

    /** Keep-everything return value: larger than any packet. */
    public static final int ACCEPT_WHOLE_PACKET = 0x40000;

    // Opcode parts from linux/filter.h (classic BPF).
    static final int LD = 0x00;
    static final int LDX = 0x01;
    static final int ALU = 0x04;
    static final int JMP = 0x05;
    static final int RET = 0x06;
    static final int MISC = 0x07;
    static final int W = 0x00;
    static final int H = 0x08;
    static final int B = 0x10;
    static final int IMM = 0x00;
    static final int ABS = 0x20;
    static final int IND = 0x40;
    static final int LEN = 0x80;
    static final int MSH = 0xa0;
    static final int JA = 0x00;
    static final int JEQ = 0x10;
    static final int JGT = 0x20;
    static final int JGE = 0x30;
    static final int JSET = 0x40;
    static final int AND = 0x50;
    static final int K = 0x00;
    static final int A = 0x10;
    static final int TAX = 0x00;

    /** One {@code struct sock_filter}: 16-bit opcode, two 8-bit relative jump targets, 32-bit constant. */
    public record Instruction(int code, int jumpIfTrue, int jumpIfFalse, int k) {
        /** Validates the field ranges. */
        public Instruction {
            if (code < 0 || code > 0xffff || jumpIfTrue < 0 || jumpIfTrue > 0xff || jumpIfFalse < 0
                    || jumpIfFalse > 0xff) {
                throw new IllegalArgumentException("field out of range in " + this);
            }
        }
    }

    private final List<Instruction> instructions;

    private BpfProgram(List<Instruction> instructions) {
        if (instructions.isEmpty() || instructions.size() > MAX_INSTRUCTIONS) {
            throw new IllegalArgumentException("a BPF program has 1.." + MAX_INSTRUCTIONS + " instructions");
        }
        this.instructions = List.copyOf(instructions);
    }

    /** A program from ready-made instructions. */
    public static BpfProgram of(List<Instruction> instructions) {
        return new BpfProgram(instructions);
    }

    /** A builder with symbolic jump labels. */
    public static Builder builder() {
        return new Builder();
    }

    /** Drops every packet. */
    public static BpfProgram dropAll() {
        return builder().returnConstant(0).build();
    }

    /** Keeps every packet whole. */
    public static BpfProgram acceptAll() {
        return builder().returnConstant(ACCEPT_WHOLE_PACKET).build();
    }

    /**
     * Keeps only TCP segments whose destination port is one of {@code ports}, for a raw {@code IPPROTO_TCP}
     * socket of {@code family}: on IPv4 it skips the IP header by its IHL and drops non-first fragments; on
     * IPv6 the TCP header is at offset 0. Truncated packets are dropped (an out-of-range load ends the program
     * with 0).
     */
    public static BpfProgram tcpDestinationPorts(AddressFamily family, Collection<Integer> ports) {
        SortedSet<Integer> distinct = new TreeSet<>(ports);
        if (distinct.isEmpty() || distinct.size() > 250) {
            throw new IllegalArgumentException("between 1 and 250 ports, got " + distinct.size());
        }
        Builder b = builder();
        if (family == AddressFamily.IPV4) {
            b.loadHalfAbsolute(6).jumpIfSet(0x1fff, "drop", null) // fragment offset != 0: no TCP header here
                    .loadIpv4HeaderLengthIntoX(0)
                    .loadHalfIndirect(2);
        } else {
            b.loadHalfAbsolute(2);
        }
        for (int port : distinct) {
            if (port < 0 || port > 0xffff) {
                throw new IllegalArgumentException("bad port " + port);
            }
            b.jumpIfEqual(port, "accept", null);
        }
        return b.label("drop").returnConstant(0)
                .label("accept").returnConstant(ACCEPT_WHOLE_PACKET)
                .build();
    }

    /** The instructions in order. */
    public List<Instruction> instructions() {
        return instructions;
    }

    /** Number of instructions. */
    public int length() {
        return instructions.size();
    }

    /** The instructions as the kernel reads them: 8 bytes each, host byte order. */
    byte[] toNativeBytes() {
        byte[] out = new byte[instructions.size() * 8];
        int at = 0;
        for (Instruction i : instructions) {
            out[at] = (byte) i.code();
            out[at + 1] = (byte) (i.code() >>> 8);
            out[at + 2] = (byte) i.jumpIfTrue();
            out[at + 3] = (byte) i.jumpIfFalse();
            for (int s = 0; s < 4; s++) {
                out[at + 4 + s] = (byte) (i.k() >>> (8 * s));
            }
            at += 8;
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BpfProgram other && instructions.equals(other.instructions);
    }

    @Override
    public int hashCode() {
        return instructions.hashCode();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("BpfProgram[");
        for (int n = 0; n < instructions.size(); n++) {
            Instruction i = instructions.get(n);
            sb.append(n == 0 ? "" : ", ").append(String.format("{0x%02x, %d, %d, 0x%08x}",
                    i.code(), i.jumpIfTrue(), i.jumpIfFalse(), i.k()));
        }
        return sb.append(']').toString();
    }

    /**
     * Assembles a program. Jumps name a label (or null to fall through to the next instruction); labels are
     * resolved to the relative offsets classic BPF wants when {@link #build()} runs. Jumps go forward only.
     */
    public static final class Builder {
        private final List<Instruction> code = new ArrayList<>();
        private final List<String[]> targets = new ArrayList<>();
        private final Map<String, Integer> labels = new HashMap<>();

        private Builder() {
        }

        /** Appends a raw instruction without jump labels. */
        public Builder instruction(int opcode, int k) {
            return add(opcode, k, null, null);
        }

        /** {@code A = packet[offset]} (byte). */
        public Builder loadByteAbsolute(int offset) {
            return instruction(LD | B | ABS, offset);
        }

        /** {@code A = packet[offset..offset+2)} (big-endian half word). */
        public Builder loadHalfAbsolute(int offset) {
            return instruction(LD | H | ABS, offset);
        }

        /** {@code A = packet[offset..offset+4)} (big-endian word). */
        public Builder loadWordAbsolute(int offset) {
            return instruction(LD | W | ABS, offset);
        }

        /** {@code A = packet[X+offset..X+offset+2)}. */
        public Builder loadHalfIndirect(int offset) {
            return instruction(LD | H | IND, offset);
        }

        /** {@code A = packet[X+offset]}. */
        public Builder loadByteIndirect(int offset) {
            return instruction(LD | B | IND, offset);
        }

        /** {@code X = 4 * (packet[offset] & 0xf)}: the IPv4 header length when {@code offset} is the header. */
        public Builder loadIpv4HeaderLengthIntoX(int offset) {
            return instruction(LDX | B | MSH, offset);
        }

        /** {@code A = packet length}. */
        public Builder loadLength() {
            return instruction(LD | W | LEN, 0);
        }

        /** {@code A &= mask}. */
        public Builder and(int mask) {
            return instruction(ALU | AND | K, mask);
        }

        /** {@code X = A}. */
        public Builder copyAToX() {
            return instruction(MISC | TAX, 0);
        }

        /** Jumps to {@code ifTrue} when {@code A == value}, else to {@code ifFalse} (null: next instruction). */
        public Builder jumpIfEqual(int value, String ifTrue, String ifFalse) {
            return add(JMP | JEQ | K, value, ifTrue, ifFalse);
        }

        /** Jumps when {@code A > value}. */
        public Builder jumpIfGreater(int value, String ifTrue, String ifFalse) {
            return add(JMP | JGT | K, value, ifTrue, ifFalse);
        }

        /** Jumps when {@code A >= value}. */
        public Builder jumpIfGreaterOrEqual(int value, String ifTrue, String ifFalse) {
            return add(JMP | JGE | K, value, ifTrue, ifFalse);
        }

        /** Jumps when {@code (A & mask) != 0}. */
        public Builder jumpIfSet(int mask, String ifTrue, String ifFalse) {
            return add(JMP | JSET | K, mask, ifTrue, ifFalse);
        }

        /** Ends the program keeping {@code bytes} bytes of the packet (0 drops it). */
        public Builder returnConstant(int bytes) {
            return instruction(RET | K, bytes);
        }

        /** Ends the program keeping {@code A} bytes. */
        public Builder returnA() {
            return instruction(RET | A, 0);
        }

        /** Names the position of the next instruction. */
        public Builder label(String name) {
            if (labels.putIfAbsent(Objects.requireNonNull(name), code.size()) != null) {
                throw new IllegalArgumentException("duplicate label " + name);
            }
            return this;
        }

        /** Resolves labels and checks that every jump is forward and within 255 instructions. */
        public BpfProgram build() {
            List<Instruction> resolved = new ArrayList<>(code.size());
            for (int n = 0; n < code.size(); n++) {
                Instruction i = code.get(n);
                String[] t = targets.get(n);
                resolved.add(new Instruction(i.code(), offset(n, t[0]), offset(n, t[1]), i.k()));
            }
            return new BpfProgram(resolved);
        }

        private int offset(int from, String label) {
            if (label == null) {
                return 0;
            }
            Integer to = labels.get(label);
            if (to == null) {
                throw new IllegalStateException("undefined label " + label);
            }
            int distance = to - from - 1;
            if (distance < 0 || distance > 0xff) {
                throw new IllegalStateException("jump to " + label + " is not 0..255 instructions forward");
            }
            return distance;
        }

        private Builder add(int opcode, int k, String ifTrue, String ifFalse) {
            code.add(new Instruction(opcode, 0, 0, k));
            targets.add(new String[] {ifTrue, ifFalse});
            return this;
        }
    }
}
