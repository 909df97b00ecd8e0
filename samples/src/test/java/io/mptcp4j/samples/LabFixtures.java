package io.mptcp4j.samples;

import io.mptcp4j.testing.DaemonTasks;
import io.mptcp4j.io.linux.LinkMonitor;
import io.mptcp4j.lab.Host;
import io.mptcp4j.lab.NamespaceLab;
import io.mptcp4j.lab.NamespaceLabBuilder;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** What the samples' namespace-lab tests share: a lab whose links are up, and tasks on threads of their own. */
final class LabFixtures {

    private LabFixtures() {
    }

    /**
     * Builds the lab and waits until every veth is operationally up on both hosts, as a host whose network is up
     * (the kernel's link watch reports a new veth running some 0.6-0.8 s after it carries traffic; until then the
     * stack, told by its link monitor, treats the path as down). A lab that does not settle is removed.
     */
    static NamespaceLab settled(NamespaceLabBuilder builder) throws IOException {
        NamespaceLab lab = builder.build();
        try {
            for (Host h : Host.values()) {
                try (LinkMonitor links = LinkMonitor.open(lab.namespace(h), null)) {
                    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    while (!links.links().stream().filter(l -> l.name().startsWith("veth"))
                            .allMatch(LinkMonitor.Link::usable)) {
                        if (System.nanoTime() > end) {
                            throw new IOException("the lab's links never came up: " + links.links());
                        }
                        Thread.sleep(5);
                    }
                }
            }
            return lab;
        } catch (IOException | RuntimeException | Error e) {
            lab.close();
            throw e;
        } catch (InterruptedException e) {
            lab.close();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted");
        }
    }

    /** Runs {@code task} on a daemon thread of its own ({@link DaemonTasks#async}). */
    static <T> CompletableFuture<T> async(String name, Callable<T> task) {
        return DaemonTasks.async(name, task);
    }
}
