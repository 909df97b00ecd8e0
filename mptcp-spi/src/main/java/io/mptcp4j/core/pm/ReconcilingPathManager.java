package io.mptcp4j.core.pm;

import io.mptcp4j.core.sched.SubflowView;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The common machinery of path managers that keep a set of subflows open: a subclass says which paths it wants
 * ({@link #desiredPaths}), and this class opens what is missing, within the connection's subflow limit, after every
 * change. A path whose subflow failed (its handshake, or later) is tried again after a backoff that doubles from
 * {@value #INITIAL_BACKOFF_MILLIS} ms to {@value #MAX_BACKOFF_MILLIS} ms and starts over once a subflow on it
 * works, or when the link of its local address comes back up — so a link that returns is used again at once.
 * When the link of a client's address goes down, the server is told with REMOVE_ADDR, so that it moves its data
 * to the other subflows without waiting for its retransmission timeouts.
 *
 * <p>Subflows are opened by the client only (the MP_CAPABLE initiator), as Linux's in-kernel path manager does
 * by default; servers are usually behind no NAT and announce instead ({@link AnnouncePathManager}).
 */
public abstract class ReconcilingPathManager implements PathManager {

    static final long INITIAL_BACKOFF_MILLIS = 500;
    static final long MAX_BACKOFF_MILLIS = 30_000;

    /** A path: from a local address to a remote address and port. */
    protected record Path(InetAddress local, RemoteAddress remote) {
        InetSocketAddress remoteSocket() {
            return remote.address();
        }
    }

    private record Key(InetAddress local, InetSocketAddress remote) {
    }

    private record Backoff(long notBefore, long delayNanos) {
    }

    private final Map<Key, Backoff> backoffs = new HashMap<>();

    /**
     * The paths wanted now, each with the number of subflows it should have; the initial subflow counts for its
     * own path. Called after every change; iteration order is the order subflows are opened in.
     */
    protected abstract Map<Path, Integer> desiredPaths(PathContext context);

    @Override
    public void onEstablished(PathContext context) {
        reconcile(context);
    }

    @Override
    public void onSubflowEstablished(PathContext context, SubflowView subflow) {
        backoffs.remove(key(subflow));
        reconcile(context);
    }

    @Override
    public void onSubflowClosed(PathContext context, SubflowView subflow, boolean wasEstablished) {
        Key key = key(subflow);
        Backoff previous = backoffs.get(key);
        long delay = previous == null ? INITIAL_BACKOFF_MILLIS * 1_000_000L
                : Math.min(previous.delayNanos() * 2, MAX_BACKOFF_MILLIS * 1_000_000L);
        backoffs.put(key, new Backoff(context.now() + delay, delay));
        reconcile(context);
    }

    @Override
    public void onAddressAnnounced(PathContext context, RemoteAddress address) {
        reconcile(context);
    }

    @Override
    public void onAddressRemoved(PathContext context, RemoteAddress address) {
        backoffs.keySet().removeIf(k -> k.remote().equals(address.address()));
        reconcile(context);
    }

    @Override
    public void onLocalAddressDown(PathContext context, InetAddress address) {
        if (!context.isServerSide()) {
            // The client's address is gone: the peer should stop sending to it now. A server's stays reachable
            // through its other links (the weak host model), and clients would stop joining it.
            context.withdraw(address);
        }
        reconcile(context);
    }

    @Override
    public void onLocalAddressUp(PathContext context, InetAddress address) {
        backoffs.keySet().removeIf(k -> k.local().equals(address));
        reconcile(context);
    }

    @Override
    public void onTimer(PathContext context) {
        reconcile(context);
    }

    /** Opens the subflows that are wanted and missing, as far as limits and backoffs allow. */
    protected final void reconcile(PathContext context) {
        if (context.isServerSide()) {
            return;
        }
        Map<Key, Integer> open = new HashMap<>();
        for (SubflowView s : context.subflows()) {
            open.merge(key(s), 1, Integer::sum);
        }
        int total = context.subflows().size();
        long wake = Long.MAX_VALUE;
        for (Map.Entry<Path, Integer> wanted : new LinkedHashMap<>(desiredPaths(context)).entrySet()) {
            Path path = wanted.getKey();
            Key key = new Key(path.local(), path.remoteSocket());
            int have = open.getOrDefault(key, 0);
            while (have < wanted.getValue() && total < context.maxSubflows()) {
                Backoff backoff = backoffs.get(key);
                if (backoff != null && backoff.notBefore() - context.now() > 0) {
                    wake = Math.min(wake, backoff.notBefore());
                    break;
                }
                SubflowView opened = context.openSubflow(path.local(), path.remote(),
                        context.isBackupAddress(path.local()));
                if (opened == null) {
                    long delay = INITIAL_BACKOFF_MILLIS * 1_000_000L;
                    backoffs.put(key, new Backoff(context.now() + delay, delay));
                    wake = Math.min(wake, context.now() + delay);
                    break;
                }
                have++;
                total++;
            }
        }
        if (wake != Long.MAX_VALUE) {
            context.wakeAt(wake);
        }
    }

    private static Key key(SubflowView s) {
        return new Key(s.local().address(), new InetSocketAddress(s.remote().address(), s.remote().port()));
    }
}
