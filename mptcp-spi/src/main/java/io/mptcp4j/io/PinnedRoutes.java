package io.mptcp4j.io;

import io.mptcp4j.io.linux.InterfaceAddresses;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The (local, remote) address pairs whose packets must leave through the local address's interface, counted: each
 * {@link #pin} is undone by one {@link #unpin}. Pins change rarely and are read per packet, so the set is
 * copy-on-write: writers (any thread) replace an immutable snapshot under a lock, readers look a packet's header
 * up in the current snapshot without locking or allocating.
 */
final class PinnedRoutes {

    private static final long IPV4_HIGH = -1L;

    private final Object lock = new Object();
    private volatile Snapshot snapshot = new Snapshot(new long[0], new int[0]);

    /**
     * One snapshot: for pair i, {@code keys[4i..4i+3]} hold (local high, local low, remote high, remote low) of the
     * two addresses and {@code counts[i]} its pin count. An IPv6 address is its two halves; an IPv4 address is
     * (-1, the address): an IPv6 address starting {@code ffff:ffff:ffff:ffff} is multicast (RFC 4291 section
     * 2.7), never a packet's source, so the families cannot be confused.
     */
    private record Snapshot(long[] keys, int[] counts) {
    }

    /** Pins {@code local} → {@code remote} once more. */
    void pin(InetAddress local, InetAddress remote) {
        checkPair(local, remote);
        long[] key = key(local, remote);
        synchronized (lock) {
            Snapshot s = snapshot;
            int i = find(s.keys, key[0], key[1], key[2], key[3]);
            if (i >= 0) {
                int[] counts = s.counts.clone();
                counts[i]++;
                snapshot = new Snapshot(s.keys, counts);
                return;
            }
            long[] keys = Arrays.copyOf(s.keys, s.keys.length + 4);
            System.arraycopy(key, 0, keys, s.keys.length, 4);
            int[] counts = Arrays.copyOf(s.counts, s.counts.length + 1);
            counts[counts.length - 1] = 1;
            snapshot = new Snapshot(keys, counts);
        }
    }

    /** Takes one pin of {@code local} → {@code remote} back; false if the pair was not pinned. */
    boolean unpin(InetAddress local, InetAddress remote) {
        checkPair(local, remote);
        long[] key = key(local, remote);
        synchronized (lock) {
            Snapshot s = snapshot;
            int i = find(s.keys, key[0], key[1], key[2], key[3]);
            if (i < 0) {
                return false;
            }
            if (s.counts[i] > 1) {
                int[] counts = s.counts.clone();
                counts[i]--;
                snapshot = new Snapshot(s.keys, counts);
                return true;
            }
            int last = s.counts.length - 1;
            long[] keys = Arrays.copyOf(s.keys, last * 4);
            int[] counts = Arrays.copyOf(s.counts, last);
            if (i != last) { // the last pair takes the removed one's place
                System.arraycopy(s.keys, last * 4, keys, i * 4, 4);
                counts[i] = s.counts[last];
            }
            snapshot = new Snapshot(keys, counts);
            return true;
        }
    }

    /** Whether the IP packet at {@code packet}'s position belongs to a pinned pair. Position and order kept. */
    boolean isPinned(ByteBuffer packet) {
        long[] keys = snapshot.keys;
        if (keys.length == 0 || packet.remaining() < 1) {
            return false;
        }
        int at = packet.position();
        boolean bigEndian = packet.order() == ByteOrder.BIG_ENDIAN;
        int version = (packet.get(at) & 0xf0) >>> 4;
        if (version == 4 && packet.remaining() >= 20) {
            return find(keys, IPV4_HIGH, InterfaceAddresses.int32(packet, at + 12, bigEndian) & 0xffffffffL, IPV4_HIGH,
                    InterfaceAddresses.int32(packet, at + 16, bigEndian) & 0xffffffffL) >= 0;
        }
        if (version == 6 && packet.remaining() >= 40) {
            return find(keys, InterfaceAddresses.int64(packet, at + 8, bigEndian), InterfaceAddresses.int64(packet, at + 16, bigEndian),
                    InterfaceAddresses.int64(packet, at + 24, bigEndian), InterfaceAddresses.int64(packet, at + 32, bigEndian)) >= 0;
        }
        return false;
    }

    /** Number of distinct pinned pairs. */
    int size() {
        return snapshot.counts.length;
    }

    private static int find(long[] keys, long localHigh, long localLow, long remoteHigh, long remoteLow) {
        for (int i = 0; i < keys.length; i += 4) {
            if (keys[i + 1] == localLow && keys[i + 3] == remoteLow && keys[i] == localHigh
                    && keys[i + 2] == remoteHigh) {
                return i / 4;
            }
        }
        return -1;
    }

    private static long[] key(InetAddress local, InetAddress remote) {
        long[] key = new long[4];
        halves(local, key, 0);
        halves(remote, key, 2);
        return key;
    }

    private static void halves(InetAddress address, long[] into, int at) {
        ByteBuffer raw = ByteBuffer.wrap(address.getAddress()); // network order
        if (raw.capacity() == 4) {
            into[at] = IPV4_HIGH;
            into[at + 1] = raw.getInt(0) & 0xffffffffL;
        } else {
            into[at] = raw.getLong(0);
            into[at + 1] = raw.getLong(8);
        }
    }

    private static void checkPair(InetAddress local, InetAddress remote) {
        if (local instanceof Inet4Address != remote instanceof Inet4Address) {
            throw new IllegalArgumentException("mixed families: " + local + " → " + remote);
        }
    }
}
