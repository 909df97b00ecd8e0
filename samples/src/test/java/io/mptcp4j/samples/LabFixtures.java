package io.mptcp4j.samples;

import io.mptcp4j.lab.NamespaceLab;
import io.mptcp4j.lab.NamespaceLabBuilder;
import io.mptcp4j.testing.DaemonTasks;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

/** What the samples' namespace-lab tests share: a lab whose links are up, and tasks on threads of their own. */
final class LabFixtures {

    private LabFixtures() {
    }

    /**
     * Builds the lab and waits until its links are up ({@link NamespaceLab#awaitLinksUp}); a lab that does not
     * settle is removed.
     */
    static NamespaceLab settled(NamespaceLabBuilder builder) throws IOException {
        NamespaceLab lab = builder.build();
        try {
            return lab.awaitLinksUp(Duration.ofSeconds(10));
        } catch (IOException | RuntimeException | Error e) {
            lab.close();
            throw e;
        }
    }

    /** Runs {@code task} on a daemon thread of its own ({@link DaemonTasks#async}). */
    static <T> CompletableFuture<T> async(String name, Callable<T> task) {
        return DaemonTasks.async(name, task);
    }
}
