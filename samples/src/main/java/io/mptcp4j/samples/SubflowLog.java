package io.mptcp4j.samples;

import io.mptcp4j.core.pm.PathContext;
import io.mptcp4j.core.pm.PathManager;
import io.mptcp4j.core.pm.RemoteAddress;
import io.mptcp4j.core.sched.SubflowView;
import io.mptcp4j.driver.MptcpSocketInfo;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Every subflow the connections of one stack had, for {@code mptcp cat --stats}: each connection's path manager is
 * wrapped in a recorder that passes every call on and notes, on the stack's thread, when a subflow came up, when
 * it went down and why, and what it had carried by then (the subflow's own counters at its close, which no later
 * snapshot can give, since a closed subflow leaves the connection's list).
 *
 * <p>Why a subflow went down is what the path manager's callbacks tell apart: {@code link down} (the link of its
 * local address went down: the stack closes the subflows first, then calls {@code onLocalAddressDown} at the same
 * instant), {@code address removed} (the peer's REMOVE_ADDR, RFC 8684 section 3.4.2, likewise), {@code handshake
 * failed} (it closed before it was established, e.g. a refused MP_JOIN, section 3.2), and {@code closed} for the
 * rest (FINs, a reset or a timeout). Subflows still open at the end close with their connection and are reported
 * from the last snapshot instead.
 *
 * <p>Nothing is recorded before the connection is fully established (section 3.1), when the path manager starts;
 * a connection that fell back (section 3.7) is reported from the snapshot alone.
 */
final class SubflowLog {

    private static final long UNKNOWN = Long.MIN_VALUE;

    /** Why a subflow went down, as {@code --stats} spells it. */
    static final String CLOSED = "closed";
    static final String LINK_DOWN = "link down";
    static final String ADDRESS_REMOVED = "address removed";
    static final String HANDSHAKE_FAILED = "handshake failed";

    private final List<Connection> connections = new ArrayList<>();

    /** {@code factory}'s path managers, each recording into a new connection of this log. */
    Supplier<PathManager> recording(Supplier<? extends PathManager> factory) {
        Objects.requireNonNull(factory, "factory");
        return () -> {
            Connection c = new Connection();
            synchronized (this) {
                connections.add(c);
            }
            return new Recorder(Objects.requireNonNull(factory.get(), "the path manager factory returned null"),
                    c);
        };
    }

    /**
     * The subflows of the connection whose initial subflow is {@code local -> remote}, merged with
     * {@code snapshot} (the connection's subflows near its end): those recorded closed with their counters at the
     * close, those still open with the snapshot's, and any the log never saw (a fallback) from the snapshot.
     */
    synchronized List<Row> rows(InetSocketAddress local, InetSocketAddress remote, MptcpSocketInfo snapshot) {
        Connection c = connection(local, remote);
        List<Row> rows = new ArrayList<>();
        List<MptcpSocketInfo.Subflow> unmatched = new ArrayList<>(snapshot.subflows());
        if (c != null) {
            for (Entry e : c.entries) {
                MptcpSocketInfo.Subflow live = null;
                if (e.downAt == UNKNOWN) {
                    for (MptcpSocketInfo.Subflow f : unmatched) {
                        if (f.local().equals(e.local) && f.remote().equals(e.remote)) {
                            live = f;
                            break;
                        }
                    }
                    unmatched.remove(live);
                }
                rows.add(live != null
                        ? new Row(e.local, e.remote, e.localId, e.remoteId, e.initial, live.backup(),
                        live.state().name(), millis(e.upAt, c.establishedAt), null, null, live.bytesSent(),
                        live.bytesReceived())
                        : new Row(e.local, e.remote, e.localId, e.remoteId, e.initial, e.backup,
                        e.downAt == UNKNOWN ? null : "CLOSED", millis(e.upAt, c.establishedAt),
                        millis(e.downAt, c.establishedAt), e.reason, e.bytesSent, e.bytesReceived));
            }
        }
        for (MptcpSocketInfo.Subflow f : unmatched) {
            rows.add(new Row(f.local(), f.remote(), f.localId(), f.remoteId(), f.initial(), f.backup(),
                    f.state().name(), null, null, null, f.bytesSent(), f.bytesReceived()));
        }
        return rows;
    }

    /** The addresses the peer announced (ADD_ADDR) on that connection, in order. */
    synchronized List<RemoteAddress> announced(InetSocketAddress local, InetSocketAddress remote) {
        for (Connection c : connections) {
            if (c.isInitial(local, remote)) {
                return List.copyOf(c.announced);
            }
        }
        return List.of();
    }

    /** A subflow's two ends. */
    record Ends(InetSocketAddress local, InetSocketAddress remote) {
    }

    /** A subflow's counters read from the subflow itself; {@code smoothedRttNanos} is 0 before the first sample. */
    record Live(String state, boolean backup, long bytesSent, long bytesReceived, long smoothedRttNanos) {
    }

    /**
     * Every subflow of that connection that no path manager callback reported closed, read from the subflow
     * itself: its state, backup flag, counters and smoothed RTT (RFC 6298), which {@link MptcpSocketInfo} does
     * not carry. This includes the subflows a connection took off its list when it closed as a whole (it tells the
     * path manager nothing then), with their final counters. Call it on the stack's thread, e.g. through
     * {@code UserspaceMptcp.eventLoop().submit}: the subflow views are live and confined to that thread.
     */
    synchronized Map<Ends, Live> live(InetSocketAddress local, InetSocketAddress remote) {
        Map<Ends, Live> live = new LinkedHashMap<>();
        Connection c = connection(local, remote);
        if (c != null) {
            for (Entry e : c.entries) {
                if (e.downAt == UNKNOWN) {
                    SubflowView v = e.view;
                    live.put(new Ends(e.local, e.remote), new Live(v.state().name(), v.isBackup(), v.bytesSent(),
                            v.bytesReceived(), v.smoothedRttNanos()));
                }
            }
        }
        return live;
    }

    /**
     * Like {@link #rows}, but every subflow the log saw with the counters of the subflow itself, so that it is
     * right after the connection closed too (see {@link #live}); empty for a connection the log never saw (a
     * fallback). On the stack's thread only.
     */
    synchronized List<Row> finalRows(InetSocketAddress local, InetSocketAddress remote) {
        List<Row> rows = new ArrayList<>();
        Connection c = connection(local, remote);
        if (c != null) {
            for (Entry e : c.entries) {
                SubflowView v = e.view;
                rows.add(new Row(e.local, e.remote, e.localId, e.remoteId, e.initial, v.isBackup(),
                        v.state().name(), millis(e.upAt, c.establishedAt), millis(e.downAt, c.establishedAt),
                        e.reason, v.bytesSent(), v.bytesReceived()));
            }
        }
        return rows;
    }

    /** The last connection whose initial subflow is {@code local -> remote} (ports are reused only much later). */
    private Connection connection(InetSocketAddress local, InetSocketAddress remote) {
        Connection c = null;
        for (Connection candidate : connections) {
            if (candidate.isInitial(local, remote)) {
                c = candidate;
            }
        }
        return c;
    }

    private static Long millis(long at, long origin) {
        return at == UNKNOWN || origin == UNKNOWN ? null : (at - origin) / 1_000_000;
    }

    /**
     * One subflow as {@code --stats} reports it. Times are milliseconds after the connection became fully
     * established; null when unknown ({@code downMillis} null: open until the connection closed).
     */
    record Row(InetSocketAddress local, InetSocketAddress remote, int localId, int remoteId, boolean initial,
               boolean backup, String state, Long upMillis, Long downMillis, String downReason, long bytesSent,
               long bytesReceived) {
    }

    /** One connection's record; guarded by the log. */
    private static final class Connection {
        long establishedAt = UNKNOWN;
        final List<Entry> entries = new ArrayList<>();
        final List<RemoteAddress> announced = new ArrayList<>();

        boolean isInitial(InetSocketAddress local, InetSocketAddress remote) {
            for (Entry e : entries) {
                if (e.initial) {
                    return e.local.equals(local) && e.remote.equals(remote);
                }
            }
            return false;
        }
    }

    /** One subflow's record; guarded by the log. {@code view} is touched on the stack's thread only. */
    private static final class Entry {
        final SubflowView view;
        final InetSocketAddress local;
        final InetSocketAddress remote;
        final int localId;
        final int remoteId;
        final boolean initial;
        boolean backup;
        long upAt = UNKNOWN;
        long downAt = UNKNOWN;
        String reason;
        long bytesSent;
        long bytesReceived;

        Entry(SubflowView view) {
            this.view = view;
            this.local = new InetSocketAddress(view.local().address(), view.local().port());
            this.remote = new InetSocketAddress(view.remote().address(), view.remote().port());
            this.localId = view.localId();
            this.remoteId = view.remoteId();
            this.initial = view.isInitial();
            this.backup = view.isBackup();
        }
    }

    /** Passes every call to the real path manager, after noting what it says about subflows. */
    private final class Recorder implements PathManager {
        private final PathManager delegate;
        private final Connection connection;

        Recorder(PathManager delegate, Connection connection) {
            this.delegate = delegate;
            this.connection = connection;
        }

        private Entry entry(SubflowView view) {
            for (Entry e : connection.entries) {
                if (e.view == view) {
                    return e;
                }
            }
            Entry e = new Entry(view);
            connection.entries.add(e);
            return e;
        }

        @Override
        public void onEstablished(PathContext context) {
            synchronized (SubflowLog.this) {
                connection.establishedAt = context.now();
                for (SubflowView s : context.subflows()) {
                    entry(s).upAt = context.now();
                }
            }
            delegate.onEstablished(context);
        }

        @Override
        public void onSubflowEstablished(PathContext context, SubflowView subflow) {
            synchronized (SubflowLog.this) {
                Entry e = entry(subflow);
                e.upAt = context.now();
                e.backup = subflow.isBackup();
            }
            delegate.onSubflowEstablished(context, subflow);
        }

        @Override
        public void onSubflowClosed(PathContext context, SubflowView subflow, boolean wasEstablished) {
            synchronized (SubflowLog.this) {
                Entry e = entry(subflow);
                e.downAt = context.now();
                e.reason = wasEstablished ? CLOSED : HANDSHAKE_FAILED;
                e.backup = subflow.isBackup();
                e.bytesSent = subflow.bytesSent();
                e.bytesReceived = subflow.bytesReceived();
            }
            delegate.onSubflowClosed(context, subflow, wasEstablished);
        }

        @Override
        public void onAddressAnnounced(PathContext context, RemoteAddress address) {
            synchronized (SubflowLog.this) {
                connection.announced.add(address);
            }
            delegate.onAddressAnnounced(context, address);
        }

        @Override
        public void onAddressRemoved(PathContext context, RemoteAddress address) {
            // the subflows to that address were closed just before, at the same instant (section 3.4.2)
            relabel(context.now(), e -> e.remote.getAddress().equals(address.address().getAddress()),
                    ADDRESS_REMOVED);
            delegate.onAddressRemoved(context, address);
        }

        @Override
        public void onLocalAddressDown(PathContext context, InetAddress address) {
            // the subflows from that address were closed just before, at the same instant
            relabel(context.now(), e -> e.local.getAddress().equals(address), LINK_DOWN);
            delegate.onLocalAddressDown(context, address);
        }

        @Override
        public void onLocalAddressUp(PathContext context, InetAddress address) {
            delegate.onLocalAddressUp(context, address);
        }

        @Override
        public void onTimer(PathContext context) {
            delegate.onTimer(context);
        }

        private void relabel(long now, java.util.function.Predicate<Entry> which, String reason) {
            synchronized (SubflowLog.this) {
                for (Entry e : connection.entries) {
                    if (e.downAt == now && CLOSED.equals(e.reason) && which.test(e)) {
                        e.reason = reason;
                    }
                }
            }
        }

        @Override
        public String toString() {
            return delegate.toString();
        }
    }
}
