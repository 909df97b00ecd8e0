package io.mptcp4j.io.linux;

import java.io.IOException;
import java.net.InetSocketAddress;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.byref.IntByReference;

/** Shared socket plumbing: creation with errno mapping, integer options, filters, addresses. */
final class Sockets {

    private Sockets() {
    }

    /**
     * {@code socket(2)} with {@code SOCK_NONBLOCK | SOCK_CLOEXEC} added to {@code type}. A privilege failure
     * names {@code capability} (may be null).
     */
    static int open(AddressFamily family, int type, int protocol, String description, String capability)
            throws NativeCallException {
        int fd = LibC.INSTANCE.socket(family.nativeValue(),
                type | LinuxConstants.SOCK_NONBLOCK | LinuxConstants.SOCK_CLOEXEC, protocol);
        if (fd < 0) {
            throw Errno.lastFailure("socket(" + family.cName() + ", " + description + ")", capability);
        }
        return fd;
    }

    /** Closes {@code fd} ignoring errors; for failure paths before a {@link NativeFd} owns it. */
    static void closeQuietly(int fd) {
        if (fd >= 0) {
            LibC.INSTANCE.close(fd);
        }
    }

    static void setInt(int fd, int level, int option, int value, String name) throws NativeCallException {
        byte[] v = {(byte) value, (byte) (value >>> 8), (byte) (value >>> 16), (byte) (value >>> 24)};
        if (LibC.INSTANCE.setsockopt(fd, level, option, v, 4) != 0) {
            throw Errno.lastFailure("setsockopt(" + name + "=" + value + ")", Errno.CAP_NET_ADMIN);
        }
    }

    /** {@code SO_LINGER}: {@code struct linger} is two native ints, on/off and seconds. */
    static void setLinger(int fd, boolean on, int seconds) throws NativeCallException {
        byte[] v = new byte[8];
        v[0] = (byte) (on ? 1 : 0);
        for (int b = 0; b < 4; b++) {
            v[4 + b] = (byte) (seconds >>> (8 * b));
        }
        if (LibC.INSTANCE.setsockopt(fd, LinuxConstants.SOL_SOCKET, LinuxConstants.SO_LINGER, v, 8) != 0) {
            throw Errno.lastFailure("setsockopt(SO_LINGER=" + on + ", " + seconds + " s)");
        }
    }

    static int getInt(int fd, int level, int option, String name) throws NativeCallException {
        byte[] v = new byte[4];
        IntByReference length = new IntByReference(4);
        if (LibC.INSTANCE.getsockopt(fd, level, option, v, length) != 0) {
            throw Errno.lastFailure("getsockopt(" + name + ")");
        }
        return SocketAddresses.hostInt(v, 0);
    }

    /** Attaches {@code program} with {@code SO_ATTACH_FILTER} (replacing any earlier classic filter). */
    static void attachFilter(int fd, BpfProgram program) throws NativeCallException {
        byte[] code = program.toNativeBytes();
        Pointer instructions = Memory.allocateDirect(LibC.runtime(), code.length);
        instructions.put(0, code, 0, code.length);
        Pointer fprog = Memory.allocateDirect(LibC.runtime(), 16, true); // struct sock_fprog
        fprog.putShort(0, (short) program.length());
        fprog.putAddress(8, instructions.address());
        int rc = LibC.INSTANCE.setsockopt(fd, LinuxConstants.SOL_SOCKET, LinuxConstants.SO_ATTACH_FILTER,
                fprog, 16);
        if (rc != 0) {
            throw Errno.lastFailure("setsockopt(SO_ATTACH_FILTER, " + program.length() + " instructions)");
        }
        // The kernel copied the program; keep the native blocks reachable until here.
        java.lang.ref.Reference.reachabilityFence(instructions);
    }

    static void detachFilter(int fd) throws NativeCallException {
        byte[] dummy = new byte[4];
        if (LibC.INSTANCE.setsockopt(fd, LinuxConstants.SOL_SOCKET, LinuxConstants.SO_DETACH_FILTER,
                dummy, 4) != 0) {
            throw Errno.lastFailure("setsockopt(SO_DETACH_FILTER)");
        }
    }

    static void bind(int fd, InetSocketAddress address) throws NativeCallException {
        byte[] sockaddr = SocketAddresses.encode(address);
        if (LibC.INSTANCE.bind(fd, sockaddr, sockaddr.length) != 0) {
            throw Errno.lastFailure("bind(" + format(address) + ")", Errno.CAP_NET_BIND_SERVICE);
        }
    }

    static InetSocketAddress localAddress(int fd) throws NativeCallException {
        byte[] buffer = new byte[SocketAddresses.STORAGE_LENGTH];
        IntByReference length = new IntByReference(buffer.length);
        if (LibC.INSTANCE.getsockname(fd, buffer, length) != 0) {
            throw Errno.lastFailure("getsockname");
        }
        return SocketAddresses.decode(buffer, length.intValue());
    }

    static InetSocketAddress remoteAddress(int fd) throws NativeCallException {
        byte[] buffer = new byte[SocketAddresses.STORAGE_LENGTH];
        IntByReference length = new IntByReference(buffer.length);
        if (LibC.INSTANCE.getpeername(fd, buffer, length) != 0) {
            throw Errno.lastFailure("getpeername");
        }
        return SocketAddresses.decode(buffer, length.intValue());
    }

    /** Sets the receive buffer, beyond {@code rmem_max} when privileged ({@code SO_RCVBUFFORCE}). */
    static void setReceiveBuffer(int fd, int bytes) throws NativeCallException {
        try {
            setInt(fd, LinuxConstants.SOL_SOCKET, LinuxConstants.SO_RCVBUFFORCE, bytes, "SO_RCVBUFFORCE");
        } catch (InsufficientPrivilegesException e) {
            setInt(fd, LinuxConstants.SOL_SOCKET, LinuxConstants.SO_RCVBUF, bytes, "SO_RCVBUF");
        }
    }

    static void setSendBuffer(int fd, int bytes) throws NativeCallException {
        try {
            setInt(fd, LinuxConstants.SOL_SOCKET, LinuxConstants.SO_SNDBUFFORCE, bytes, "SO_SNDBUFFORCE");
        } catch (InsufficientPrivilegesException e) {
            setInt(fd, LinuxConstants.SOL_SOCKET, LinuxConstants.SO_SNDBUF, bytes, "SO_SNDBUF");
        }
    }

    /** {@code host:port} with IPv6 in brackets, for messages. */
    static String format(InetSocketAddress address) {
        String host = address.getAddress() == null ? address.getHostString()
                : address.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    /** Fails with {@code IOException} if a pending error (SO_ERROR) is set; used after non-blocking connect. */
    static void throwPendingError(int fd, String call) throws IOException {
        int error = getInt(fd, LinuxConstants.SOL_SOCKET, LinuxConstants.SO_ERROR, "SO_ERROR");
        if (error != 0) {
            throw Errno.failure(call, error, null);
        }
    }
}
