package io.mptcp4j.nio;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which TCP destinations stay with the platform's own provider instead of going over MPTCP: loopback by default
 * (a userspace stack on raw sockets cannot serve the loopback interface), plus any CIDR blocks and ports given.
 * Immutable and thread-safe.
 *
 * <p>A client channel is judged by the address it connects to; a server channel by the address it binds (a
 * loopback or excluded bind address, or an excluded port, gives a platform listener).
 */
public final class ExclusionPolicy {

    private static final ExclusionPolicy DEFAULT = new ExclusionPolicy(true, List.of(), Set.of());

    private final boolean loopback;
    private final List<Cidr> cidrs;
    private final Set<Integer> ports;

    private ExclusionPolicy(boolean loopback, List<Cidr> cidrs, Set<Integer> ports) {
        this.loopback = loopback;
        this.cidrs = List.copyOf(cidrs);
        this.ports = Set.copyOf(ports);
    }

    /** Loopback excluded, nothing else. */
    public static ExclusionPolicy defaults() {
        return DEFAULT;
    }

    /**
     * A policy.
     *
     * @param loopback whether loopback destinations (127.0.0.0/8, ::1) go through the platform
     * @param cidrs    blocks such as {@code 10.1.0.0/16} or {@code fd00::/8}
     * @param ports    destination (or bind) ports that go through the platform
     * @throws IllegalArgumentException naming the first malformed block or out-of-range port
     */
    public static ExclusionPolicy of(boolean loopback, List<String> cidrs, Set<Integer> ports) {
        List<Cidr> parsed = new ArrayList<>();
        for (String c : Objects.requireNonNull(cidrs, "cidrs")) {
            parsed.add(Cidr.parse(c));
        }
        for (Integer p : Objects.requireNonNull(ports, "ports")) {
            if (p == null || p < 1 || p > 0xFFFF) {
                throw new IllegalArgumentException("excluded port out of range 1..65535: " + p);
            }
        }
        return new ExclusionPolicy(loopback, parsed, ports);
    }

    /** Whether loopback destinations go through the platform. */
    public boolean loopback() {
        return loopback;
    }

    /** The excluded blocks, as given (normalized to their network address). */
    public List<String> cidrs() {
        List<String> out = new ArrayList<>();
        for (Cidr c : cidrs) {
            out.add(c.toString());
        }
        return out;
    }

    /** The excluded ports, sorted. */
    public Set<Integer> ports() {
        return new TreeSet<>(ports);
    }

    /** Whether a connection to (or a listener on) {@code address} goes through the platform's provider. */
    public boolean excludes(InetSocketAddress address) {
        if (ports.contains(address.getPort())) {
            return true;
        }
        InetAddress ip = address.getAddress();
        if (ip == null) {
            return false;
        }
        if (loopback && ip.isLoopbackAddress()) {
            return true;
        }
        for (Cidr c : cidrs) {
            if (c.contains(ip)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ExclusionPolicy p && p.loopback == loopback && p.cidrs.equals(cidrs)
                && p.ports.equals(ports);
    }

    @Override
    public int hashCode() {
        return Objects.hash(loopback, cidrs, ports);
    }

    @Override
    public String toString() {
        return "ExclusionPolicy[loopback=" + loopback + ", cidrs=" + cidrs + ", ports=" + ports() + "]";
    }

    /** An address block: the first {@code bits} bits of {@code network}. */
    private record Cidr(byte[] network, int bits) {

        static Cidr parse(String text) {
            String s = Objects.requireNonNull(text, "cidr").trim();
            int slash = s.indexOf('/');
            String host = slash < 0 ? s : s.substring(0, slash);
            if (host.isEmpty() || !(host.indexOf(':') >= 0 || host.chars().allMatch(ch -> ch == '.'
                    || Character.isDigit(ch)))) {
                throw new IllegalArgumentException("not an address block (want e.g. 10.0.0.0/8 or fd00::/8): " + s);
            }
            byte[] address;
            try {
                address = InetAddress.getByName(host).getAddress(); // a literal: no lookup happens
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("not an address block: " + s, e);
            }
            int bits = address.length * 8;
            if (slash >= 0) {
                try {
                    bits = Integer.parseInt(s.substring(slash + 1));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("bad prefix length in " + s, e);
                }
                if (bits < 0 || bits > address.length * 8) {
                    throw new IllegalArgumentException("prefix length out of range in " + s);
                }
            }
            for (int i = 0; i < address.length; i++) {
                int keep = Math.max(0, Math.min(8, bits - i * 8));
                address[i] &= (byte) (0xFF << (8 - keep));
            }
            return new Cidr(address, bits);
        }

        boolean contains(InetAddress ip) {
            byte[] a = ip.getAddress();
            if (a.length != network.length) {
                return false;
            }
            for (int i = 0; i < a.length; i++) {
                int keep = Math.max(0, Math.min(8, bits - i * 8));
                int mask = (0xFF << (8 - keep)) & 0xFF;
                if ((a[i] & mask) != (network[i] & 0xFF)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Cidr c && c.bits == bits && java.util.Arrays.equals(c.network, network);
        }

        @Override
        public int hashCode() {
            return 31 * java.util.Arrays.hashCode(network) + bits;
        }

        @Override
        public String toString() {
            try {
                return InetAddress.getByAddress(network).getHostAddress() + "/" + bits;
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
