package io.mptcp4j.driver;

import io.mptcp4j.core.mptcp.MptcpStack;
import io.mptcp4j.core.stack.LocalLink;
import io.mptcp4j.io.linux.LinkMonitor;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Carries what a {@link LinkMonitor} sees to an {@link MptcpStack}: every change becomes the whole interface list
 * ({@link LocalLink}s: name, usable or not, addresses with prefixes) handed to {@link MptcpStack#updateLinks} on
 * the loop thread. Changes in a burst are coalesced: at most one task is queued, and it delivers the newest list
 * (unless the stack has it already).
 *
 * <p>Listening starts at once (at {@link LinkMonitor#open}); delivering starts with {@link #attach}, which also
 * delivers the state as it is then, so nothing seen in between is lost.
 */
final class LinkUpdates implements LinkMonitor.Listener {

    private final AtomicReference<List<LocalLink>> latest = new AtomicReference<>();
    private final AtomicBoolean queued = new AtomicBoolean();
    private volatile BlockingLoop blocking;
    private volatile MptcpStack stack;
    private List<LocalLink> delivered; // loop thread only

    /** Starts delivering to {@code stack} on {@code blocking}'s loop, beginning with {@code monitor}'s state. */
    void attach(BlockingLoop blocking, MptcpStack stack, LinkMonitor monitor) {
        this.stack = stack;
        this.blocking = blocking;
        latest.compareAndSet(null, localLinks(monitor.links())); // a change seen since is newer: keep that
        schedule();
    }

    @Override
    public void addressUsable(InetAddress address, int interfaceIndex) {
        // carried by linksChanged, which follows
    }

    @Override
    public void addressUnusable(InetAddress address, int interfaceIndex) {
        // carried by linksChanged, which follows
    }

    @Override
    public void linksChanged(List<LinkMonitor.Link> links) {
        latest.set(localLinks(links));
        schedule();
    }

    /** The monitor's interfaces as the stack's {@link LocalLink}s: "up" is the monitor's "usable". */
    static List<LocalLink> localLinks(List<LinkMonitor.Link> links) {
        List<LocalLink> list = new ArrayList<>(links.size());
        for (LinkMonitor.Link l : links) {
            List<LocalLink.Prefix> prefixes = new ArrayList<>(l.addresses().size());
            for (LinkMonitor.LinkAddress a : l.addresses()) {
                int bits = a.address().getAddress().length * 8;
                prefixes.add(new LocalLink.Prefix(a.address(), Math.min(a.prefixLength(), bits)));
            }
            list.add(new LocalLink(l.name(), l.usable(), prefixes));
        }
        return List.copyOf(list);
    }

    private void schedule() {
        BlockingLoop b = blocking;
        if (b == null || !queued.compareAndSet(false, true)) {
            return;
        }
        try {
            b.loop().execute(this::deliver);
        } catch (RejectedExecutionException e) {
            queued.set(false); // the loop is closed: nothing to tell any more
        }
    }

    /** On the loop thread. */
    private void deliver() {
        queued.set(false); // a change from now on queues another delivery
        List<LocalLink> links = latest.get();
        if (links == null || links.equals(delivered)) {
            return;
        }
        delivered = links;
        stack.updateLinks(blocking.loop().clock().nanos(), links);
    }
}
