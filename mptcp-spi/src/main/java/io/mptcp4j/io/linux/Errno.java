package io.mptcp4j.io.linux;

import java.util.Map;

/** Linux errno values this package reacts to, and the mapping of a failed call to an exception. */
final class Errno {

    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int EINTR = 4;
    static final int EBADF = 9;
    static final int EAGAIN = 11;
    static final int EACCES = 13;
    static final int EFAULT = 14;
    static final int EBUSY = 16;
    static final int ENODEV = 19;
    static final int EINVAL = 22;
    static final int EPIPE = 32;
    static final int ENOTSOCK = 88;
    static final int ENOPROTOOPT = 92;
    static final int EPROTONOSUPPORT = 93;
    static final int EOPNOTSUPP = 95;
    static final int EADDRINUSE = 98;
    static final int ENETUNREACH = 101;
    static final int ENOBUFS = 105;
    static final int ECONNRESET = 104;
    static final int ETIMEDOUT = 110;
    static final int ECONNREFUSED = 111;
    static final int EALREADY = 114;
    static final int EINPROGRESS = 115;

    /** Capability names used in privilege messages. */
    static final String CAP_NET_RAW = "CAP_NET_RAW";
    static final String CAP_SYS_ADMIN = "CAP_SYS_ADMIN";
    static final String CAP_NET_ADMIN = "CAP_NET_ADMIN";
    static final String CAP_NET_BIND_SERVICE = "CAP_NET_BIND_SERVICE";

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(EPERM, "EPERM"), Map.entry(ENOENT, "ENOENT"), Map.entry(EINTR, "EINTR"),
            Map.entry(EBADF, "EBADF"), Map.entry(EAGAIN, "EAGAIN"), Map.entry(EACCES, "EACCES"),
            Map.entry(EINVAL, "EINVAL"), Map.entry(EPIPE, "EPIPE"), Map.entry(ENOPROTOOPT, "ENOPROTOOPT"),
            Map.entry(EFAULT, "EFAULT"), Map.entry(ENOTSOCK, "ENOTSOCK"), Map.entry(EBUSY, "EBUSY"),
            Map.entry(ENODEV, "ENODEV"), Map.entry(ENETUNREACH, "ENETUNREACH"),
            Map.entry(EPROTONOSUPPORT, "EPROTONOSUPPORT"), Map.entry(EOPNOTSUPP, "EOPNOTSUPP"),
            Map.entry(EADDRINUSE, "EADDRINUSE"), Map.entry(ENOBUFS, "ENOBUFS"),
            Map.entry(ECONNRESET, "ECONNRESET"), Map.entry(ETIMEDOUT, "ETIMEDOUT"),
            Map.entry(ECONNREFUSED, "ECONNREFUSED"), Map.entry(EALREADY, "EALREADY"),
            Map.entry(EINPROGRESS, "EINPROGRESS"));

    private Errno() {
    }

    /** The symbolic name, or {@code "errno N"} for values not listed here. */
    static String name(int errno) {
        return NAMES.getOrDefault(errno, "errno " + errno);
    }

    /** The libc description of {@code errno}. */
    static String describe(int errno) {
        String text = LibC.INSTANCE.strerror(errno);
        return text == null ? "Unknown error" : text;
    }

    /** The exception for {@code call} having failed with the errno saved on this thread. */
    static NativeCallException lastFailure(String call) {
        return failure(call, LibC.errno(), null);
    }

    /** Like {@link #lastFailure(String)}, naming {@code capability} if errno says a privilege is missing. */
    static NativeCallException lastFailure(String call, String capability) {
        return failure(call, LibC.errno(), capability);
    }

    /**
     * Maps a failure to an exception: {@code EPERM}/{@code EACCES} with a known {@code capability} become an
     * {@link InsufficientPrivilegesException} saying "needs root or CAP_...", anything else a
     * {@link NativeCallException} naming the call and the error text.
     */
    static NativeCallException failure(String call, int errno, String capability) {
        String text = call + " failed: " + describe(errno) + " (" + name(errno) + ")";
        if (capability != null && (errno == EPERM || errno == EACCES)) {
            return new InsufficientPrivilegesException(call, errno, text + "; needs root or " + capability,
                    capability);
        }
        return new NativeCallException(call, errno, text);
    }
}
