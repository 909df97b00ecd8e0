package io.mptcp4j.testing;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * Runs code on a thread that lacks a capability, so a test running as root can see what an unprivileged caller
 * gets. Linux capabilities belong to threads: {@code capset(2)} on a fresh thread lowers its effective set only,
 * and threads it starts inherit the lowered set.
 */
public final class ThreadCapabilities {

    private static final int LINUX_CAPABILITY_VERSION_3 = 0x20080522;
    private static final LibCap LIBC = LibraryLoader.create(LibCap.class).load("c");

    private ThreadCapabilities() {
    }

    /** The two calls, bound by jnr-ffi; public because jnr implements it in a class loader of its own. */
    public interface LibCap {
        int capget(Pointer header, Pointer data);

        int capset(Pointer header, Pointer data);
    }

    /**
     * Calls {@code task} on a new thread whose effective capabilities lack {@code capability} (a
     * {@code CAP_*} number below 32) and returns its result or rethrows its exception.
     *
     * @throws IllegalStateException if the capability could not be dropped
     */
    public static <T> T callWithout(int capability, Callable<T> task) throws Exception {
        FutureTask<T> future = new FutureTask<>(() -> {
            drop(capability);
            return task.call();
        });
        Thread thread = new Thread(future, "without-cap-" + capability);
        thread.start();
        try {
            return future.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    private static void drop(int capability) {
        if (capability < 0 || capability >= 32) {
            throw new IllegalArgumentException("capability " + capability + " is not in the first word");
        }
        Runtime runtime = Runtime.getRuntime(LIBC);
        Pointer header = Memory.allocateDirect(runtime, 8, true); // version, pid (0: this thread)
        header.putInt(0, LINUX_CAPABILITY_VERSION_3);
        Pointer data = Memory.allocateDirect(runtime, 24, true); // two {effective, permitted, inheritable}
        if (LIBC.capget(header, data) != 0) {
            throw new IllegalStateException("capget failed, errno " + runtime.getLastError());
        }
        data.putInt(0, data.getInt(0) & ~(1 << capability));
        if (LIBC.capset(header, data) != 0) {
            throw new IllegalStateException("capset failed, errno " + runtime.getLastError());
        }
    }
}
