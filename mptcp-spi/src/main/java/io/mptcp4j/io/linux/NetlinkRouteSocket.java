package io.mptcp4j.io.linux;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.byref.IntByReference;

/**
 * A non-blocking {@code NETLINK_ROUTE} socket (netlink(7), rtnetlink(7)) subscribed to some multicast groups:
 * sends requests to the kernel and receives whole datagrams. It lives in the network namespace of the thread
 * that opened it. Used by one thread at a time ({@link LinkMonitor}'s); no privilege is needed.
 */
final class NetlinkRouteSocket implements Closeable {

    /** Bytes of one receive: more than any datagram the kernel builds for a dump (at most 32 KiB) or event. */
    static final int RECEIVE_BUFFER = 64 * 1024;

    /** What {@link #receive} returns when the socket overflowed and notifications were lost. */
    static final int OVERRUN = -1;

    private static final int SOCKADDR_NL_LENGTH = 12; // sa_family_t nl_family, u16 pad, u32 nl_pid, u32 nl_groups

    private final NativeFd fd;
    private final int portId;
    private final byte[] sender = new byte[SOCKADDR_NL_LENGTH];
    private long foreignDatagrams;
    private long truncatedDatagrams;

    private NetlinkRouteSocket(int fd, int portId) {
        this.fd = new NativeFd(fd, false);
        this.portId = portId;
    }

    /**
     * Opens the socket in the calling thread's namespace, bound to {@code groups} (a mask of
     * {@code RTMGRP_*}), with a kernel receive buffer of {@code receiveBufferBytes}.
     */
    static NetlinkRouteSocket open(int groups, int receiveBufferBytes) throws IOException {
        int raw = LibC.INSTANCE.socket(LinuxConstants.AF_NETLINK,
                LinuxConstants.SOCK_RAW | LinuxConstants.SOCK_NONBLOCK | LinuxConstants.SOCK_CLOEXEC,
                LinuxConstants.NETLINK_ROUTE);
        if (raw < 0) {
            throw Errno.lastFailure("socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE)");
        }
        try {
            Sockets.setReceiveBuffer(raw, receiveBufferBytes);
            byte[] local = sockaddr(0, groups); // nl_pid 0: the kernel assigns a unique port id
            if (LibC.INSTANCE.bind(raw, local, local.length) != 0) {
                throw Errno.lastFailure("bind(AF_NETLINK, groups 0x" + Integer.toHexString(groups) + ")");
            }
            byte[] bound = new byte[SOCKADDR_NL_LENGTH];
            IntByReference length = new IntByReference(bound.length);
            if (LibC.INSTANCE.getsockname(raw, bound, length) != 0) {
                throw Errno.lastFailure("getsockname(AF_NETLINK)");
            }
            return new NetlinkRouteSocket(raw, SocketAddresses.hostInt(bound, 4));
        } catch (IOException | RuntimeException | Error e) {
            Sockets.closeQuietly(raw);
            throw e;
        }
    }

    /** The port id the kernel gave this socket (the {@code nlmsg_pid} of answers to its requests). */
    int portId() {
        return portId;
    }

    /**
     * Sends {@code request} (position to limit) to the kernel. Returns false if the kernel could not take it now
     * ({@code EAGAIN}, {@code ENOBUFS}, {@code EBUSY}: try again later).
     */
    boolean send(ByteBuffer request) throws IOException {
        byte[] bytes = new byte[request.remaining()];
        request.duplicate().get(bytes);
        Pointer message = Memory.allocateDirect(LibC.runtime(), bytes.length);
        message.put(0, bytes, 0, bytes.length);
        byte[] kernel = sockaddr(0, 0);
        int f = fd.acquire();
        try {
            while (true) {
                long sent = LibC.INSTANCE.sendto(f, message, bytes.length, LinuxConstants.MSG_NOSIGNAL, kernel,
                        kernel.length);
                if (sent >= 0) {
                    return true;
                }
                int errno = LibC.errno();
                if (errno == Errno.EINTR) {
                    continue;
                }
                if (errno == Errno.EAGAIN || errno == Errno.ENOBUFS || errno == Errno.EBUSY) {
                    return false;
                }
                throw Errno.failure("sendto(AF_NETLINK, " + bytes.length + " bytes)", errno, null);
            }
        } finally {
            fd.release();
        }
    }

    /**
     * Receives one datagram from the kernel into {@code target}, a direct buffer of at least
     * {@link #RECEIVE_BUFFER} bytes (cleared first, then flipped over the datagram), without waiting. Returns its
     * length, 0 if nothing is queued, or {@link #OVERRUN} if the kernel dropped messages because the socket's
     * buffer was full ({@code ENOBUFS}; what was lost must be dumped again). Datagrams from other senders than
     * the kernel and truncated ones are dropped and counted.
     */
    int receive(ByteBuffer target) throws IOException {
        if (!target.isDirect() || target.capacity() < RECEIVE_BUFFER) {
            throw new IllegalArgumentException("needs a direct buffer of " + RECEIVE_BUFFER + " bytes");
        }
        target.clear();
        Pointer into = Pointer.wrap(LibC.runtime(), DirectBuffers.address(target), RECEIVE_BUFFER);
        int f = fd.acquire();
        try {
            while (true) {
                IntByReference senderLength = new IntByReference(SOCKADDR_NL_LENGTH);
                long n = LibC.INSTANCE.recvfrom(f, into, RECEIVE_BUFFER,
                        LinuxConstants.MSG_DONTWAIT | LinuxConstants.MSG_TRUNC, sender, senderLength);
                if (n < 0) {
                    int errno = LibC.errno();
                    if (errno == Errno.EINTR) {
                        continue;
                    }
                    if (errno == Errno.EAGAIN) {
                        return 0;
                    }
                    if (errno == Errno.ENOBUFS) {
                        return OVERRUN;
                    }
                    throw Errno.failure("recvfrom(AF_NETLINK)", errno, null);
                }
                if (n > RECEIVE_BUFFER) {
                    truncatedDatagrams++;
                    continue;
                }
                if (SocketAddresses.hostInt(sender, 4) != 0) {
                    foreignDatagrams++; // netlink(7): the kernel sends with nl_pid 0; anything else is another process
                    continue;
                }
                target.limit((int) n);
                return (int) n;
            }
        } finally {
            fd.release();
        }
    }

    /** The descriptor, for poll(2); valid while the socket is open. */
    NativeFd nativeFd() {
        return fd;
    }

    /** Datagrams dropped because they did not come from the kernel. */
    long foreignDatagrams() {
        return foreignDatagrams;
    }

    /** Datagrams dropped because they were longer than {@link #RECEIVE_BUFFER}. */
    long truncatedDatagrams() {
        return truncatedDatagrams;
    }

    @Override
    public void close() {
        fd.close();
    }

    private static byte[] sockaddr(int pid, int groups) {
        byte[] a = new byte[SOCKADDR_NL_LENGTH];
        a[0] = (byte) LinuxConstants.AF_NETLINK;
        for (int b = 0; b < 4; b++) {
            a[4 + b] = (byte) (pid >>> (8 * b));
            a[8 + b] = (byte) (groups >>> (8 * b));
        }
        return a;
    }
}
