package io.mptcp4j.spring;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.mptcp4j.core.event.SubflowEvent;
import io.mptcp4j.core.mptcp.MptcpStatistics;
import io.mptcp4j.driver.MptcpSocketInfo;
import io.mptcp4j.nio.MptcpChannel;
import io.mptcp4j.nio.MptcpSelectorProvider;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Micrometer meters of an {@link MptcpSelectorProvider}:
 *
 * <table>
 * <caption>Meters</caption>
 * <tr><th>name</th><th>type</th><th>tags</th><th>what</th></tr>
 * <tr><td>{@code mptcp.connections.active}</td><td>gauge</td><td></td><td>connections on the stack now</td></tr>
 * <tr><td>{@code mptcp.subflows.active}</td><td>gauge</td><td></td><td>established subflows of those</td></tr>
 * <tr><td>{@code mptcp.reinjections}</td><td>counter</td><td></td>
 *     <td>connection-level retransmissions: data sent again on another subflow (MPTCPRetrans)</td></tr>
 * <tr><td>{@code mptcp.fallbacks}</td><td>counter</td><td></td>
 *     <td>connections that fell back to plain TCP (MPTCPFallback)</td></tr>
 * <tr><td>{@code mptcp.stack.events}</td><td>counter</td><td>{@code counter}</td>
 *     <td>every counter of the stack by its Linux nstat name (MPJoinSynTx, JoinAckRx, AddAddr, ...)</td></tr>
 * <tr><td>{@code mptcp.subflow.bytes}</td><td>counter</td><td>{@code local, remote, direction}</td>
 *     <td>data bytes sent or received on one subflow</td></tr>
 * <tr><td>{@code mptcp.subflow.rtt}</td><td>gauge (seconds)</td><td>{@code local, remote}</td>
 *     <td>smoothed round-trip time of one subflow</td></tr>
 * <tr><td>{@code mptcp.subflow.cwnd}</td><td>gauge (bytes)</td><td>{@code local, remote}</td>
 *     <td>congestion window of one subflow</td></tr>
 * </table>
 *
 * <p>Subflow meters come when a subflow is established and go when it closes ({@code local} and {@code remote} are
 * {@code address:port}). Values are read from one snapshot of all connections, taken at most once a second.
 */
public class MptcpMetrics implements MeterBinder, AutoCloseable {

    private static final long SNAPSHOT_TTL_NANOS = 1_000_000_000L;

    private final MptcpSelectorProvider provider;
    private final Executor executor;
    private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();
    /** Subflows by "local remote", with their latest values. */
    private final Map<String, SubflowCell> subflows = new ConcurrentHashMap<>();
    /** The subflow meters of each registry, by subflow key. */
    private final Map<MeterRegistry, Map<String, List<Meter>>> subflowMeters = new ConcurrentHashMap<>();
    private final AtomicBoolean subscribed = new AtomicBoolean();
    private volatile Flow.Subscription subscription;
    private volatile boolean closed;

    private final Object snapshotLock = new Object();
    private long snapshotAt = Long.MIN_VALUE;
    private volatile int connections;
    private volatile int activeSubflows;

    public MptcpMetrics(MptcpSelectorProvider provider) {
        this(provider, ForkJoinPool.commonPool());
    }

    /** @param executor where subflow meters are added and removed after a snapshot sees subflows come or go */
    MptcpMetrics(MptcpSelectorProvider provider, Executor executor) {
        this.provider = Objects.requireNonNull(provider, "provider");
        this.executor = Objects.requireNonNull(executor, "executor");
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("mptcp.connections.active", this, m -> m.snapshot().connections)
                .description("MPTCP connections on the mptcp4j stack now").baseUnit("connections")
                .register(registry);
        Gauge.builder("mptcp.subflows.active", this, m -> m.snapshot().activeSubflows)
                .description("Established subflows of the MPTCP connections now").baseUnit("subflows")
                .register(registry);
        FunctionCounter.builder("mptcp.reinjections", this, m -> m.counter(MptcpStatistics.Counter.RETRANSMISSIONS))
                .description("Connection-level retransmissions: data sent again, on another subflow if one works")
                .register(registry);
        FunctionCounter.builder("mptcp.fallbacks", this, m -> m.counter(MptcpStatistics.Counter.FALLBACKS))
                .description("Connections that fell back to plain TCP").register(registry);
        for (MptcpStatistics.Counter c : MptcpStatistics.Counter.values()) {
            FunctionCounter.builder("mptcp.stack.events", this, m -> m.counter(c))
                    .tag("counter", c.mibName())
                    .description("Counters of the mptcp4j stack by their Linux nstat names")
                    .register(registry);
        }
        registries.add(registry);
        subflowMeters.putIfAbsent(registry, new ConcurrentHashMap<>());
        subscribe();
        refresh();
    }

    /** Takes a fresh snapshot and adds or removes subflow meters to match. */
    public void refresh() {
        takeSnapshot(true);
        updateSubflowMeters();
    }

    @Override
    public void close() {
        closed = true;
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
    }

    private double counter(MptcpStatistics.Counter counter) {
        return provider.stackIfOpen().map(s -> (double) s.statistics().get(counter)).orElse(0.0);
    }

    /** This, after taking a snapshot if the last one is older than a second. */
    private MptcpMetrics snapshot() {
        takeSnapshot(false);
        return this;
    }

    /** Reads every connection (unless the last snapshot is younger than a second and {@code force} is false). */
    private void takeSnapshot(boolean force) {
        boolean changed;
        synchronized (snapshotLock) {
            long now = System.nanoTime();
            if (!force && snapshotAt != Long.MIN_VALUE && now - snapshotAt < SNAPSHOT_TTL_NANOS) {
                return;
            }
            snapshotAt = now;
            int count = 0;
            int active = 0;
            Map<String, MptcpSocketInfo.Subflow> seen = new HashMap<>();
            for (MptcpChannel channel : provider.connections()) {
                MptcpSocketInfo info;
                try {
                    info = channel.info();
                } catch (IOException | IllegalStateException e) { // not connected (any more), or the stack closed
                    continue;
                }
                count++;
                active += info.subflowsEstablished();
                for (MptcpSocketInfo.Subflow s : info.subflows()) {
                    if (isLive(s)) {
                        seen.put(key(s), s);
                    }
                }
            }
            connections = count;
            activeSubflows = active;
            changed = subflows.keySet().retainAll(seen.keySet());
            for (Map.Entry<String, MptcpSocketInfo.Subflow> e : seen.entrySet()) {
                SubflowCell cell = subflows.get(e.getKey());
                if (cell == null) {
                    cell = new SubflowCell(MptcpEndpoint.format(e.getValue().local()),
                            MptcpEndpoint.format(e.getValue().remote()));
                    subflows.put(e.getKey(), cell);
                    changed = true;
                }
                cell.update(e.getValue());
            }
        }
        if (changed && !force) {
            // Not while a registry is being read (this runs inside a gauge): add and remove meters later.
            executor.execute(this::updateSubflowMeters);
        }
    }

    private static boolean isLive(MptcpSocketInfo.Subflow s) {
        switch (s.state()) {
            case CLOSED:
            case LISTEN:
            case SYN_SENT:
            case SYN_RECEIVED:
            case TIME_WAIT:
                return false;
            default:
                return true;
        }
    }

    private static String key(MptcpSocketInfo.Subflow s) {
        return MptcpEndpoint.format(s.local()) + " " + MptcpEndpoint.format(s.remote());
    }

    private synchronized void updateSubflowMeters() {
        for (MeterRegistry registry : registries) {
            Map<String, List<Meter>> meters = subflowMeters.get(registry);
            for (Map.Entry<String, SubflowCell> e : subflows.entrySet()) {
                if (!meters.containsKey(e.getKey())) {
                    meters.put(e.getKey(), register(registry, e.getValue()));
                }
            }
            for (String key : new ArrayList<>(meters.keySet())) {
                if (!subflows.containsKey(key)) {
                    for (Meter m : meters.remove(key)) {
                        registry.remove(m);
                    }
                }
            }
        }
    }

    private List<Meter> register(MeterRegistry registry, SubflowCell cell) {
        Tags tags = Tags.of("local", cell.local, "remote", cell.remote);
        List<Meter> meters = new ArrayList<>();
        meters.add(FunctionCounter.builder("mptcp.subflow.bytes", cell, c -> c.read(this).bytesSent)
                .tags(tags).tag("direction", "sent").baseUnit("bytes")
                .description("Data bytes sent or received on one subflow").register(registry));
        meters.add(FunctionCounter.builder("mptcp.subflow.bytes", cell, c -> c.read(this).bytesReceived)
                .tags(tags).tag("direction", "received").baseUnit("bytes")
                .description("Data bytes sent or received on one subflow").register(registry));
        meters.add(Gauge.builder("mptcp.subflow.rtt", cell, c -> c.read(this).rttNanos / 1e9)
                .tags(tags).baseUnit("seconds").description("Smoothed round-trip time of one subflow")
                .strongReference(true).register(registry));
        meters.add(Gauge.builder("mptcp.subflow.cwnd", cell, c -> c.read(this).congestionWindow)
                .tags(tags).baseUnit("bytes").description("Congestion window of one subflow")
                .strongReference(true).register(registry));
        return meters;
    }

    /** Refreshes subflow meters when subflows come and go; subscribes again after falling behind. */
    private void subscribe() {
        if (closed || !subscribed.compareAndSet(false, true)) {
            return;
        }
        provider.events().subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                subscription = s;
                if (closed) {
                    s.cancel();
                } else {
                    s.request(Long.MAX_VALUE);
                }
            }

            @Override
            public void onNext(SubflowEvent event) {
                if (event instanceof SubflowEvent.SubflowEstablished || event instanceof SubflowEvent.SubflowClosed
                        || event instanceof SubflowEvent.ConnectionEstablished
                        || event instanceof SubflowEvent.ConnectionClosed) {
                    refresh();
                }
            }

            @Override
            public void onError(Throwable error) {
                subscribed.set(false);
                if (!closed) {
                    subscribe(); // fell behind (EventOverflowException): catch up from a fresh snapshot
                    refresh();
                }
            }

            @Override
            public void onComplete() {
                // the provider closed
            }
        });
    }

    /** One subflow's latest values. */
    private static final class SubflowCell {
        final String local;
        final String remote;
        volatile double bytesSent;
        volatile double bytesReceived;
        volatile double rttNanos;
        volatile double congestionWindow;

        SubflowCell(String local, String remote) {
            this.local = local;
            this.remote = remote;
        }

        void update(MptcpSocketInfo.Subflow s) {
            bytesSent = s.bytesSent();
            bytesReceived = s.bytesReceived();
            rttNanos = s.rttNanos();
            congestionWindow = s.congestionWindow();
        }

        SubflowCell read(MptcpMetrics metrics) {
            metrics.snapshot();
            return this;
        }
    }
}
