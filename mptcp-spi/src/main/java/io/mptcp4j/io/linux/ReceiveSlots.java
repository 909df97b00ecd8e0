package io.mptcp4j.io.linux;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * Native memory for {@code recvmsg(2)}/{@code recvmmsg(2)}: an array of {@code struct mmsghdr}, each with one
 * {@code struct iovec}, a sockaddr buffer and a control buffer for the packet-info message. The iovec points
 * straight into the caller's buffer when it is direct, else into a scratch area copied out afterwards.
 * Not thread-safe: the owning socket serialises receives.
 */
final class ReceiveSlots {

    /** Largest IP packet; more than any single segment the kernel hands a raw socket. */
    static final int MAX_PACKET = 65_536;

    // struct msghdr (64-bit): name 0, namelen 8, iov 16, iovlen 24, control 32, controllen 40, flags 48.
    private static final int MMSGHDR_SIZE = 64; // msghdr (56) + msg_len (4) + padding (4)
    private static final int MSG_LEN = 56;
    private static final int IOVEC_SIZE = 16;
    private static final int NAME_SIZE = SocketAddresses.STORAGE_LENGTH;
    private static final int CONTROL_SIZE = 128;

    private final int count;
    private final Pointer meta;
    private final long iovecs;
    private final long names;
    private final long controls;
    private Pointer scratch;
    private final boolean[] usesScratch;
    /** The direct buffer each slot last pointed into and its base address: callers reuse their buffers. */
    private final ByteBuffer[] lastTarget;
    private final long[] lastAddress;

    ReceiveSlots(int count) {
        this.count = count;
        int total = count * (MMSGHDR_SIZE + IOVEC_SIZE + NAME_SIZE + CONTROL_SIZE);
        this.meta = Memory.allocateDirect(LibC.runtime(), total, true);
        long base = meta.address();
        this.iovecs = base + (long) count * MMSGHDR_SIZE;
        this.names = iovecs + (long) count * IOVEC_SIZE;
        this.controls = names + (long) count * NAME_SIZE;
        this.usesScratch = new boolean[count];
        this.lastTarget = new ByteBuffer[count];
        this.lastAddress = new long[count];
    }

    int count() {
        return count;
    }

    /** The mmsghdr vector, for recvmmsg. */
    Pointer vector() {
        return meta;
    }

    /** The msghdr of {@code slot}, for recvmsg. */
    Pointer header(int slot) {
        return meta.slice((long) slot * MMSGHDR_SIZE, MMSGHDR_SIZE);
    }

    /** Points {@code slot} at {@code target}'s remaining space (capped at {@link #MAX_PACKET}). */
    void prepare(int slot, ByteBuffer target) {
        int capacity = Math.min(target.remaining(), MAX_PACKET);
        long buffer;
        if (target.isDirect()) {
            if (lastTarget[slot] != target) {
                lastAddress[slot] = DirectBuffers.address(target);
                lastTarget[slot] = target;
            }
            buffer = lastAddress[slot] + target.position();
            usesScratch[slot] = false;
        } else {
            buffer = scratchAddress(slot);
            usesScratch[slot] = true;
        }
        long header = (long) slot * MMSGHDR_SIZE;
        long iovec = iovecs + (long) slot * IOVEC_SIZE;
        Pointer io = Pointer.wrap(LibC.runtime(), iovec);
        io.putAddress(0, buffer);
        io.putLong(8, capacity);
        meta.putAddress(header, names + (long) slot * NAME_SIZE);
        meta.putInt(header + 8, NAME_SIZE);
        meta.putAddress(header + 16, iovec);
        meta.putLong(header + 24, 1);
        meta.putAddress(header + 32, controls + (long) slot * CONTROL_SIZE);
        meta.putLong(header + 40, CONTROL_SIZE);
        meta.putInt(header + 48, 0);
        meta.putInt(header + MSG_LEN, 0);
    }

    /** The msg_len recvmmsg stored for {@code slot}. */
    int messageLength(int slot) {
        return meta.getInt((long) slot * MMSGHDR_SIZE + MSG_LEN);
    }

    /**
     * Copies the packet of {@code slot} into {@code target} if it went to scratch, advances the target's
     * position and decodes the addresses. {@code fullLength} is what the kernel reported with MSG_TRUNC.
     */
    ReceivedPacket complete(int slot, ByteBuffer target, int fullLength, AddressFamily family) {
        int capacity = Math.min(target.remaining(), MAX_PACKET);
        int stored = Math.min(fullLength, capacity);
        if (usesScratch[slot]) {
            scratch.get((long) slot * MAX_PACKET, target.array(), target.arrayOffset() + target.position(),
                    stored);
        }
        int start = target.position();
        target.position(start + stored);
        long header = (long) slot * MMSGHDR_SIZE;
        int nameLength = meta.getInt(header + 8);
        byte[] name = new byte[Math.min(nameLength, NAME_SIZE)];
        meta.get(names - meta.address() + (long) slot * NAME_SIZE, name, 0, name.length);
        var from = SocketAddresses.decode(name, name.length);
        InetAddress source = from == null ? null : from.getAddress();

        long controlLength = meta.getLong(header + 40);
        long controlOffset = controls - meta.address() + (long) slot * CONTROL_SIZE;
        InetAddress destination = null;
        int ifIndex = 0;
        for (long at = 0; at + 16 <= controlLength; ) {
            long length = meta.getLong(controlOffset + at);
            int level = meta.getInt(controlOffset + at + 8);
            int type = meta.getInt(controlOffset + at + 12);
            long data = controlOffset + at + 16;
            if (level == LinuxConstants.IPPROTO_IP && type == LinuxConstants.IP_PKTINFO && length >= 16 + 12) {
                ifIndex = meta.getInt(data); // struct in_pktinfo: ifindex, spec_dst, addr
                byte[] ip = new byte[4];
                meta.get(data + 8, ip, 0, 4);
                destination = SocketAddresses.addressOf(ip);
            } else if (level == LinuxConstants.IPPROTO_IPV6 && type == LinuxConstants.IPV6_PKTINFO
                    && length >= 16 + 20) {
                byte[] ip = new byte[16]; // struct in6_pktinfo: addr, ifindex
                meta.get(data, ip, 0, 16);
                destination = SocketAddresses.addressOf(ip);
                ifIndex = meta.getInt(data + 16);
            }
            if (length < 16) {
                break;
            }
            at += (length + 7) & ~7L;
        }
        int transportOffset = 0;
        if (family == AddressFamily.IPV4 && stored > 0) {
            transportOffset = (target.get(start) & 0x0f) * 4;
            if (destination == null && stored >= 20) {
                byte[] ip = new byte[4];
                for (int i = 0; i < 4; i++) {
                    ip[i] = target.get(start + 16 + i);
                }
                destination = SocketAddresses.addressOf(ip);
            }
        }
        return new ReceivedPacket(stored, source, destination, ifIndex, transportOffset, fullLength > capacity);
    }

    private long scratchAddress(int slot) {
        if (scratch == null) {
            scratch = Memory.allocateDirect(LibC.runtime(), (long) count * MAX_PACKET);
        }
        return scratch.address() + (long) slot * MAX_PACKET;
    }
}
