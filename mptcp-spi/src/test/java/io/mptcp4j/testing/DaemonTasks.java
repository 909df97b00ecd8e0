package io.mptcp4j.testing;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

/**
 * Test tasks on daemon threads of their own: not the common pool, whose few threads (two on a 2-core machine) a
 * socket call blocked on one side of a test could take from the other side.
 */
public final class DaemonTasks {

    private DaemonTasks() {
    }

    /** Runs {@code task} on a new daemon thread called {@code name}; the future completes with its outcome. */
    public static <T> CompletableFuture<T> async(String name, Callable<T> task) {
        CompletableFuture<T> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                f.complete(task.call());
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return f;
    }
}
