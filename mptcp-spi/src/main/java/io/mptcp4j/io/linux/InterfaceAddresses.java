package io.mptcp4j.io.linux;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An immutable snapshot of which interface (by index) owns each local address, for choosing the outgoing
 * interface of a packet by its source address. Lookups read the packet's IP header in place and allocate
 * nothing: the addresses are kept as plain integers in small arrays and scanned (a host has a handful).
 *
 * <p>{@link LinkMonitor#interfaceAddresses()} keeps one current; it leaves out addresses on loopback interfaces
 * (packets from such an address are routed by destination, like a "service address" on {@code lo}) and IPv6
 * link-local addresses.
 */
public final class InterfaceAddresses {

    /** No address known: every lookup answers 0. */
    public static final InterfaceAddresses EMPTY = new InterfaceAddresses(Map.of());

    private final Map<InetAddress, Integer> map;
    private final int[] v4Addresses;
    private final int[] v4Indexes;
    private final long[] v6High;
    private final long[] v6Low;
    private final int[] v6Indexes;

    private InterfaceAddresses(Map<InetAddress, Integer> map) {
        this.map = map;
        int v4 = 0;
        for (InetAddress a : map.keySet()) {
            if (a instanceof Inet4Address) {
                v4++;
            }
        }
        v4Addresses = new int[v4];
        v4Indexes = new int[v4];
        v6High = new long[map.size() - v4];
        v6Low = new long[map.size() - v4];
        v6Indexes = new int[map.size() - v4];
        int i = 0;
        int j = 0;
        for (Map.Entry<InetAddress, Integer> e : map.entrySet()) {
            ByteBuffer bytes = ByteBuffer.wrap(e.getKey().getAddress()); // network order, big-endian
            if (e.getKey() instanceof Inet4Address) {
                v4Addresses[i] = bytes.getInt(0);
                v4Indexes[i++] = e.getValue();
            } else {
                v6High[j] = bytes.getLong(0);
                v6Low[j] = bytes.getLong(8);
                v6Indexes[j++] = e.getValue();
            }
        }
    }

    /** A snapshot of {@code addressToIndex} (indexes must be positive). */
    public static InterfaceAddresses of(Map<InetAddress, Integer> addressToIndex) {
        Map<InetAddress, Integer> copy = new LinkedHashMap<>();
        addressToIndex.forEach((address, index) -> {
            if (index == null || index <= 0) {
                throw new IllegalArgumentException("bad interface index " + index + " for " + address);
            }
            copy.put(address, index);
        });
        return copy.isEmpty() ? EMPTY : new InterfaceAddresses(Collections.unmodifiableMap(copy));
    }

    /** The interface that owns {@code address}, or 0 if none does. */
    public int interfaceOf(InetAddress address) {
        Integer index = map.get(address);
        return index == null ? 0 : index;
    }

    /**
     * The interface an IP packet (IPv4 or IPv6 header at {@code packet}'s position) should leave through: the one
     * that owns its source address. 0 — route by destination — if no interface owns the source, if the
     * destination is itself a local address (the kernel delivers it locally whatever the source), or if the
     * buffer does not start with an IP header. Position, limit and byte order are not changed.
     */
    public int egressInterface(ByteBuffer packet) {
        int at = packet.position();
        int length = packet.remaining();
        if (length < 1) {
            return 0;
        }
        boolean bigEndian = packet.order() == ByteOrder.BIG_ENDIAN;
        int version = (packet.get(at) & 0xf0) >>> 4;
        if (version == 4 && length >= 20) {
            int source = int32(packet, at + 12, bigEndian);
            int destination = int32(packet, at + 16, bigEndian);
            if (find4(destination) >= 0) {
                return 0;
            }
            int k = find4(source);
            return k < 0 ? 0 : v4Indexes[k];
        }
        if (version == 6 && length >= 40) {
            if (find6(int64(packet, at + 24, bigEndian), int64(packet, at + 32, bigEndian)) >= 0) {
                return 0;
            }
            int k = find6(int64(packet, at + 8, bigEndian), int64(packet, at + 16, bigEndian));
            return k < 0 ? 0 : v6Indexes[k];
        }
        return 0;
    }

    /** The snapshot as an unmodifiable map. */
    public Map<InetAddress, Integer> asMap() {
        return map;
    }

    /** Number of addresses. */
    public int size() {
        return map.size();
    }

    @Override
    public String toString() {
        return "InterfaceAddresses" + map;
    }

    private int find4(int address) {
        for (int i = 0; i < v4Addresses.length; i++) {
            if (v4Addresses[i] == address) {
                return i;
            }
        }
        return -1;
    }

    private int find6(long high, long low) {
        for (int i = 0; i < v6High.length; i++) {
            if (v6High[i] == high && v6Low[i] == low) {
                return i;
            }
        }
        return -1;
    }

    /** The 4 bytes at {@code at} in network order, whatever the buffer's byte order ({@code bigEndian}). */
    public static int int32(ByteBuffer b, int at, boolean bigEndian) {
        int v = b.getInt(at);
        return bigEndian ? v : Integer.reverseBytes(v);
    }

    /** The 8 bytes at {@code at} in network order, whatever the buffer's byte order ({@code bigEndian}). */
    public static long int64(ByteBuffer b, int at, boolean bigEndian) {
        long v = b.getLong(at);
        return bigEndian ? v : Long.reverseBytes(v);
    }
}
