package io.mptcp4j.io.linux;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A named network namespace ({@code /run/netns/NAME}, as made by {@code ip netns add}) that code can run in.
 *
 * <p>Each call starts a fresh thread, moves it into the namespace with {@code setns(fd, CLONE_NEWNET)} (a
 * per-thread operation, so the rest of the JVM is untouched), runs the task there and lets the thread die.
 * Sockets the task creates — this package's and {@code java.net}'s alike — belong to that namespace for their
 * whole life, whichever thread uses them later. That is how one JVM drives hosts in several namespaces.
 * Entering needs root or {@code CAP_SYS_ADMIN}.
 */
public final class NetworkNamespace {

    /** Where {@code ip netns} keeps its named namespaces. */
    public static final Path NETNS_DIRECTORY = Path.of("/run/netns");

    private static final AtomicInteger THREAD_IDS = new AtomicInteger();

    private final String name;
    private final Path path;

    private NetworkNamespace(String name) {
        if (name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("bad namespace name: " + name);
        }
        this.name = name;
        this.path = NETNS_DIRECTORY.resolve(name);
    }

    /** The namespace {@code ip netns} knows as {@code name}; existence is checked when entering. */
    public static NetworkNamespace named(String name) {
        return new NetworkNamespace(Objects.requireNonNull(name));
    }

    /** The name. */
    public String name() {
        return name;
    }

    /** True if {@code /run/netns/NAME} exists. */
    public boolean exists() {
        return Files.exists(path);
    }

    /** A task run inside a namespace; its checked exception type passes through {@link #call}. */
    @FunctionalInterface
    public interface Task<T, E extends Exception> {
        /** Runs inside the namespace. */
        T run() throws E;
    }

    /**
     * Runs {@code task} on a fresh thread inside this namespace and returns its result. An exception from the
     * task is rethrown as is (unchecked ones too); failing to enter the namespace throws
     * {@link IOException} ({@link InsufficientPrivilegesException} without {@code CAP_SYS_ADMIN}).
     * Interrupting the caller interrupts the task thread and throws {@link InterruptedIOException} once the
     * task has ended.
     */
    public <T, E extends Exception> T call(Task<T, E> task) throws E, IOException {
        Objects.requireNonNull(task);
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread thread = new Thread(() -> {
            try {
                enterOnCurrentThread();
                result.set(task.run());
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "netns-" + name + "-" + THREAD_IDS.incrementAndGet());
        thread.setDaemon(true);
        thread.start();
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
                thread.interrupt();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        Throwable t = failure.get();
        if (t == null) {
            if (interrupted) {
                throw new InterruptedIOException("interrupted while running in netns " + name);
            }
            return result.get();
        }
        if (t instanceof NamespaceEntryFailure entry) {
            throw entry.cause;
        }
        if (t instanceof Error error) {
            throw error;
        }
        if (t instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (t instanceof IOException io) {
            throw io;
        }
        @SuppressWarnings("unchecked")
        E checked = (E) t; // the task's only checked exception type
        throw checked;
    }

    /** Runs {@code task} inside this namespace. */
    public <E extends Exception> void run(Task<Void, E> task) throws E, IOException {
        call(task);
    }

    /**
     * Starts a long-lived daemon thread that runs {@code body} inside this namespace (a server loop, say). If
     * entering fails, {@code body} does not run and the failure goes to the thread's uncaught-exception
     * handler.
     */
    public Thread startThread(String threadName, Runnable body) {
        Objects.requireNonNull(body);
        Thread thread = new Thread(() -> {
            try {
                enterOnCurrentThread();
            } catch (NamespaceEntryFailure e) {
                throw new java.io.UncheckedIOException(e.cause);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            body.run();
        }, threadName);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    @Override
    public String toString() {
        return "netns " + name;
    }

    /** Moves the calling thread into this namespace; only for threads about to end or dedicated to it. */
    private void enterOnCurrentThread() throws IOException {
        String call = "open(" + path + ")";
        int fd = LibC.INSTANCE.open(path.toString(), LinuxConstants.O_RDONLY | LinuxConstants.O_CLOEXEC);
        if (fd < 0) {
            int errno = LibC.errno();
            if (errno == Errno.ENOENT) {
                throw new NamespaceEntryFailure(new IOException("network namespace " + name + " does not exist ("
                        + path + " missing)"));
            }
            throw new NamespaceEntryFailure(Errno.failure(call, errno, Errno.CAP_SYS_ADMIN));
        }
        try {
            if (LibC.INSTANCE.setns(fd, LinuxConstants.CLONE_NEWNET) != 0) {
                throw new NamespaceEntryFailure(Errno.lastFailure("setns(" + path + ", CLONE_NEWNET)",
                        Errno.CAP_SYS_ADMIN));
            }
        } finally {
            LibC.INSTANCE.close(fd);
        }
    }

    /** Marks a failure to enter, so {@link #call} can unwrap it whatever the task's exception type. */
    private static final class NamespaceEntryFailure extends IOException {
        private static final long serialVersionUID = 1L;
        private final IOException cause;

        NamespaceEntryFailure(IOException cause) {
            super(cause.getMessage(), cause);
            this.cause = cause;
        }
    }
}
