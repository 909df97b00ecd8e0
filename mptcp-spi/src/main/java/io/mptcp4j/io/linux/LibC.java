package io.mptcp4j.io.linux;

import jnr.ffi.LibraryLoader;
import jnr.ffi.LibraryOption;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.byref.IntByReference;

/**
 * The libc calls this package needs, bound at run time by jnr-ffi. Package-private: the typed socket classes
 * are the public API. Every call saves errno; read it with {@link #errno()} right after a failing call on the
 * same thread.
 *
 * <p>Struct arguments are passed either as {@code byte[]} (copied in or out by jnr) or as a {@link Pointer} to
 * native memory the caller owns. Layouts assume a 64-bit little-endian Linux ABI (x86_64, aarch64), checked
 * on load.
 */
final class LibC {

    /** The loaded library; loading fails fast on a non-Linux or 32-bit platform. */
    static final Functions INSTANCE = load();

    private static final Runtime RUNTIME = checkedRuntime(INSTANCE);

    private LibC() {
    }

    /**
     * The bound functions. Public only because jnr-ffi implements it in a class loader of its own, which needs
     * a JVM-public interface; the enclosing class keeps it out of the package's API.
     */
    public interface Functions {
        int socket(int domain, int type, int protocol);

        int bind(int fd, @In byte[] address, int addressLength);

        int listen(int fd, int backlog);

        int connect(int fd, @In byte[] address, int addressLength);

        int accept4(int fd, @Out byte[] address, IntByReference addressLength, int flags);

        int close(int fd);

        int shutdown(int fd, int how);

        long sendto(int fd, Pointer buffer, long length, int flags, @In byte[] address, int addressLength);

        long recvfrom(int fd, Pointer buffer, long length, int flags, @Out byte[] address, IntByReference addressLength);

        long recvmsg(int fd, Pointer messageHeader, int flags);

        int recvmmsg(int fd, Pointer messageVector, int vectorLength, int flags, Pointer timeout);

        int sendmmsg(int fd, Pointer messageVector, int vectorLength, int flags);

        long read(int fd, Pointer buffer, long length);

        long write(int fd, Pointer buffer, long length);

        int setsockopt(int fd, int level, int option, @In byte[] value, int valueLength);

        int setsockopt(int fd, int level, int option, Pointer value, int valueLength);

        int getsockopt(int fd, int level, int option, @Out byte[] value, IntByReference valueLength);

        int getsockname(int fd, @Out byte[] address, IntByReference addressLength);

        int getpeername(int fd, @Out byte[] address, IntByReference addressLength);

        int poll(byte[] fds, long count, int timeoutMillis);

        int fcntl(int fd, int command, int argument);

        int open(String path, int flags);

        int setns(int fd, int namespaceType);

        int eventfd(int initialValue, int flags);

        int if_nametoindex(String name);

        String strerror(int errno);
    }

    /** errno saved by the last call on this thread. */
    static int errno() {
        return RUNTIME.getLastError();
    }

    /** The jnr runtime the library was bound with (memory allocation, address size). */
    static Runtime runtime() {
        return RUNTIME;
    }

    private static Functions load() {
        if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
            throw new UnsupportedOperationException("io.mptcp4j.io.linux needs Linux");
        }
        return LibraryLoader.create(Functions.class).option(LibraryOption.SaveError, Boolean.TRUE).load("c");
    }

    private static Runtime checkedRuntime(Functions libc) {
        Runtime runtime = Runtime.getRuntime(libc);
        if (runtime.addressSize() != 8 || runtime.byteOrder() != java.nio.ByteOrder.LITTLE_ENDIAN) {
            throw new UnsupportedOperationException("io.mptcp4j.io.linux assumes a 64-bit little-endian ABI");
        }
        return runtime;
    }
}
