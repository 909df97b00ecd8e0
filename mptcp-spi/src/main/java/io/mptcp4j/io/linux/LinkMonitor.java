package io.mptcp4j.io.linux;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Watches a network namespace's interfaces and addresses over rtnetlink and says which local addresses are
 * usable: on an interface that is up, has carrier and is operationally up (the rule is in {@link LinkTable}; a
 * veth whose peer is down counts as down). The tables are also what {@link io.mptcp4j.io.RawSocketDevice} pins
 * outgoing packets with ({@link #interfaceAddresses()}).
 *
 * <p>How: one {@code NETLINK_ROUTE} socket, opened in the namespace and subscribed to {@code RTMGRP_LINK},
 * {@code RTMGRP_IPV4_IFADDR} and {@code RTMGRP_IPV6_IFADDR} before the state is dumped ({@code RTM_GETLINK},
 * then {@code RTM_GETADDR}, {@code NLM_F_REQUEST | NLM_F_DUMP}), so no change falls between dump and
 * notifications. {@link #open} returns once the dump is in; after that one daemon thread applies notifications
 * as they come (a {@code poll(2)} over the socket and an {@code eventfd(2)} that {@link #close()} signals) and
 * calls the {@link Listener}. Dump answers are told from notifications by sequence number and port id.
 *
 * <p>Robustness: a datagram with a bad length is parsed up to the damage and counted
 * ({@link #malformedDatagrams()}); datagrams not sent by the kernel are ignored; when the kernel reports that
 * the socket overflowed ({@code ENOBUFS}: notifications were lost) or that a dump was interrupted by changes
 * ({@code NLM_F_DUMP_INTR}), everything is dumped again. Nothing thrown by the listener stops the thread.
 *
 * <p>Events are edge-triggered per address and interface: {@link Listener#addressUsable} when an address
 * becomes usable (a new address on a usable interface, or its interface came up), {@link
 * Listener#addressUnusable} when it stops being usable (its interface went down or lost carrier, or the address
 * was removed). The state {@link #open} found is not reported; read it with {@link #usableAddresses()}.
 */
public final class LinkMonitor implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(LinkMonitor.class.getName());

    private static final int GROUPS = LinuxConstants.RTMGRP_LINK | LinuxConstants.RTMGRP_IPV4_IFADDR
            | LinuxConstants.RTMGRP_IPV6_IFADDR;
    /** The kernel receive buffer; bursts of address changes (hundreds of addresses) fit. */
    private static final int KERNEL_RECEIVE_BUFFER = 1 << 20;
    private static final long OPEN_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** Wait before asking again for a dump the kernel could not start. */
    private static final int RETRY_MILLIS = 100;
    /** Datagrams taken per wake-up before the thread looks at close() again. */
    private static final int DATAGRAMS_PER_ROUND = 256;
    private static final long CLOSE_JOIN_MILLIS = 5_000;
    private static final AtomicInteger THREAD_IDS = new AtomicInteger();

    private final NetlinkRouteSocket socket;
    private final EventFdWakeup wakeup;
    private final Listener listener;
    private final String description;
    private final ByteBuffer datagram = ByteBuffer.allocateDirect(NetlinkRouteSocket.RECEIVE_BUFFER);
    private final byte[] pollFds = new byte[16]; // two struct pollfd
    private final Parser parser = new Parser();

    // Owned by the thread that runs the monitor (the opener until open returns).
    private LinkTable table = new LinkTable();
    private LinkTable fresh; // the table a running dump fills; null when no dump runs
    private int dumpType; // RTM_GETLINK or RTM_GETADDR while a dump runs, else 0
    private int dumpSequence;
    private boolean dumpInterrupted;
    private boolean dumpWanted;
    private long dumpNotBefore;
    private boolean changed;
    private Map<InetAddress, Integer> reported = Map.of();

    private volatile Snapshot snapshot = new Snapshot(List.of(), Map.of(), Map.of(), InterfaceAddresses.EMPTY);
    private final AtomicLong malformed = new AtomicLong();
    private final AtomicLong overruns = new AtomicLong();
    private final AtomicLong dumps = new AtomicLong();
    private final AtomicLong listenerFailures = new AtomicLong();
    private volatile boolean closing;
    private volatile boolean dumpRequested;
    private volatile Thread thread;

    /** Receives usability changes on the monitor's thread; should return quickly (queue work elsewhere). */
    public interface Listener {
        /** {@code address} on interface {@code interfaceIndex} became usable. */
        void addressUsable(InetAddress address, int interfaceIndex);

        /** {@code address} on interface {@code interfaceIndex} is no longer usable (down, no carrier, removed). */
        void addressUnusable(InetAddress address, int interfaceIndex);

        /**
         * Something changed in the interfaces or their addresses (also what does not change usability, such as a
         * name); {@code links} is the whole new list, as {@link #links()} returns it. Called after the address
         * events of the same change.
         */
        default void linksChanged(List<Link> links) {
        }
    }

    /**
     * An interface: its index, name, {@code IFF_*} flags, whether it is usable (up, carrier, operationally up;
     * see {@link LinkTable}) and its addresses (IPv6 link-local ones aside).
     */
    public record Link(int index, String name, int flags, boolean usable, List<LinkAddress> addresses) {
        public Link {
            addresses = List.copyOf(addresses);
        }
    }

    /** An address of a {@link Link}, its prefix length and whether it is usable. */
    public record LinkAddress(InetAddress address, int prefixLength, boolean usable) {
    }

    private LinkMonitor(NetlinkRouteSocket socket, EventFdWakeup wakeup, Listener listener, String description) {
        this.socket = socket;
        this.wakeup = wakeup;
        this.listener = listener;
        this.description = description;
    }

    /**
     * Opens a monitor of {@code namespace} (null: the calling thread's), dumps the current links and addresses
     * and starts the thread that reports changes to {@code listener} (may be null: tables only).
     *
     * @throws InsufficientPrivilegesException if entering {@code namespace} is not allowed (CAP_SYS_ADMIN)
     * @throws IOException                     if the socket cannot be opened or the dump does not complete
     */
    public static LinkMonitor open(NetworkNamespace namespace, Listener listener) throws IOException {
        NetlinkRouteSocket socket = namespace == null ? NetlinkRouteSocket.open(GROUPS, KERNEL_RECEIVE_BUFFER)
                : namespace.call(() -> NetlinkRouteSocket.open(GROUPS, KERNEL_RECEIVE_BUFFER));
        EventFdWakeup wakeup = null;
        try {
            wakeup = EventFdWakeup.open();
            LinkMonitor monitor = new LinkMonitor(socket, wakeup, listener,
                    namespace == null ? "this namespace" : namespace.toString());
            monitor.initialDump();
            monitor.start();
            return monitor;
        } catch (IOException | RuntimeException | Error e) {
            socket.close();
            if (wakeup != null) {
                wakeup.close();
            }
            throw e;
        }
    }

    /** Every known local address (IPv6 link-local ones aside) and the index of the interface holding it. */
    public Map<InetAddress, Integer> addressIndexes() {
        return snapshot.indexes;
    }

    /** Every interface now, by index. */
    public List<Link> links() {
        return snapshot.links;
    }

    /** The addresses that are usable now (see the class comment). */
    public Set<InetAddress> usableAddresses() {
        return snapshot.usable.keySet();
    }

    /** Whether {@code address} is usable now. */
    public boolean isUsable(InetAddress address) {
        return snapshot.usable.containsKey(address);
    }

    /**
     * The current address-to-interface snapshot for choosing outgoing interfaces, without addresses on loopback
     * interfaces; replaced (never changed) as notifications come, so it can be read on any thread per packet.
     */
    public InterfaceAddresses interfaceAddresses() {
        return snapshot.egress;
    }

    /** Datagrams whose parse stopped at a bad length. */
    public long malformedDatagrams() {
        return malformed.get();
    }

    /** Times the kernel said notifications were lost ({@code ENOBUFS}). */
    public long overruns() {
        return overruns.get();
    }

    /** Full dumps made, the one {@link #open} made included. */
    public long dumps() {
        return dumps.get();
    }

    /** Exceptions thrown by the listener (logged and otherwise ignored). */
    public long listenerFailures() {
        return listenerFailures.get();
    }

    /** True while the monitor's thread runs. */
    public boolean isRunning() {
        Thread t = thread;
        return t != null && t.isAlive();
    }

    /**
     * Stops the thread, which closes the socket and the eventfd on its way out, and waits for it (unless called
     * from the listener, on the thread itself). Idempotent.
     */
    @Override
    public void close() {
        closing = true;
        Thread t = thread;
        if (t == null) {
            return;
        }
        wakeup.signal();
        if (t == Thread.currentThread()) {
            return;
        }
        boolean interrupted = false;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_JOIN_MILLIS);
        while (t.isAlive()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                LOG.log(Level.WARNING, "link monitor of {0}: thread still busy (in the listener?) after close",
                        description);
                break;
            }
            try {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Makes the thread dump everything again, as it does after an overrun; for tests. */
    void requestDump() {
        dumpRequested = true;
        wakeup.signal();
    }

    @Override
    public String toString() {
        return "LinkMonitor[" + description + ", usable " + usableAddresses() + (closing ? ", closed" : "") + "]";
    }

    // --- the monitor's work

    /** On the opener's thread: dumps and waits for the answers; no events for what is found. */
    private void initialDump() throws IOException {
        long deadline = System.nanoTime() + OPEN_TIMEOUT_NANOS;
        startDump();
        while (dumpType != 0 || dumpWanted) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new IOException("rtnetlink dump of " + description + " did not complete within "
                        + TimeUnit.NANOSECONDS.toSeconds(OPEN_TIMEOUT_NANOS) + " s");
            }
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedIOException("interrupted while dumping links of " + description);
            }
            poll(false, (int) Math.min(RETRY_MILLIS, TimeUnit.NANOSECONDS.toMillis(left) + 1));
            drain();
            if (dumpWanted && dumpType == 0 && System.nanoTime() - dumpNotBefore >= 0) {
                startDump();
            }
        }
        publish(false);
    }

    private void start() {
        Thread t = new Thread(this::run, "mptcp4j-link-monitor-" + THREAD_IDS.incrementAndGet());
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    private void run() {
        try {
            while (!closing) {
                int timeout = dumpWanted ? RETRY_MILLIS : -1;
                boolean woken = poll(true, timeout);
                if (closing) {
                    break;
                }
                if (woken) {
                    wakeup.consume();
                }
                drain();
                if (dumpRequested) {
                    dumpRequested = false;
                    dumpWanted = true;
                }
                if (dumpWanted && dumpType == 0 && System.nanoTime() - dumpNotBefore >= 0) {
                    startDump();
                }
                publish(true);
            }
        } catch (IOException | RuntimeException | Error e) {
            if (!closing) {
                LOG.log(Level.ERROR, "link monitor of " + description + " stopped", e);
            }
        } finally {
            closing = true;
            socket.close();
            wakeup.close();
        }
    }

    /**
     * Waits until the socket is readable, the eventfd signalled ({@code withWakeup}) or {@code timeoutMillis}
     * (-1: no limit) passed. Returns true if the eventfd is readable.
     */
    private boolean poll(boolean withWakeup, int timeoutMillis) throws IOException {
        NativeFd fd = socket.nativeFd();
        int f = fd.acquire();
        try {
            putPollFd(0, f);
            putPollFd(1, withWakeup ? wakeup.fd() : -1); // poll(2) ignores negative descriptors
            while (true) {
                int ready = LibC.INSTANCE.poll(pollFds, 2, timeoutMillis);
                if (ready >= 0) {
                    return withWakeup && (pollFds[14] | pollFds[15]) != 0;
                }
                int errno = LibC.errno();
                if (errno != Errno.EINTR) {
                    throw Errno.failure("poll(netlink)", errno, null);
                }
            }
        } finally {
            fd.release();
        }
    }

    private void putPollFd(int index, int fd) {
        int at = index * 8;
        for (int b = 0; b < 4; b++) {
            pollFds[at + b] = (byte) (fd >>> (8 * b));
        }
        pollFds[at + 4] = (byte) LinuxConstants.POLLIN;
        pollFds[at + 5] = 0;
        pollFds[at + 6] = 0;
        pollFds[at + 7] = 0;
    }

    /** Takes what is queued on the socket (a bounded number of datagrams) and applies it. */
    private void drain() throws IOException {
        for (int i = 0; i < DATAGRAMS_PER_ROUND; i++) {
            int n = socket.receive(datagram);
            if (n == 0) {
                return;
            }
            if (n == NetlinkRouteSocket.OVERRUN) {
                overruns.incrementAndGet();
                LOG.log(Level.DEBUG, "link monitor of {0}: notifications lost (ENOBUFS), dumping again",
                        description);
                dumpWanted = true; // after the dump that may be running now
                continue;
            }
            if (!Rtnetlink.parse(datagram, parser)) {
                malformed.incrementAndGet();
            }
        }
    }

    /** Asks for the link dump (the address dump follows its end); on refusal tries again later. */
    private void startDump() throws IOException {
        dumpSequence = nextSequence(dumpSequence);
        if (!socket.send(Rtnetlink.dumpRequest(Rtnetlink.RTM_GETLINK, dumpSequence))) {
            retryDumpLater();
            return;
        }
        dumps.incrementAndGet();
        fresh = new LinkTable();
        dumpType = Rtnetlink.RTM_GETLINK;
        dumpInterrupted = false;
        dumpWanted = false;
    }

    private void retryDumpLater() {
        fresh = null;
        dumpType = 0;
        dumpWanted = true;
        dumpNotBefore = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RETRY_MILLIS);
    }

    private static int nextSequence(int sequence) {
        int next = sequence + 1;
        return next == 0 ? 1 : next; // 0 is what most notifications carry
    }

    /** Publishes new snapshots if the table changed and, with {@code report}, tells the listener the edges. */
    private void publish(boolean report) {
        if (!changed) {
            return;
        }
        changed = false;
        Map<InetAddress, Integer> usable = table.usable();
        Snapshot now = new Snapshot(List.copyOf(table.links()), Collections.unmodifiableMap(table.addressIndexes()),
                Collections.unmodifiableMap(usable), InterfaceAddresses.of(table.egressIndexes()));
        snapshot = now;
        Map<InetAddress, Integer> before = reported;
        reported = usable;
        if (!report || listener == null) {
            return;
        }
        before.forEach((address, index) -> {
            if (!index.equals(usable.get(address))) {
                notifyListener(address, index, false);
            }
        });
        usable.forEach((address, index) -> {
            if (!index.equals(before.get(address))) {
                notifyListener(address, index, true);
            }
        });
        try {
            listener.linksChanged(now.links);
        } catch (RuntimeException e) {
            listenerFailed(e);
        }
    }

    private void notifyListener(InetAddress address, int index, boolean usable) {
        try {
            if (usable) {
                listener.addressUsable(address, index);
            } else {
                listener.addressUnusable(address, index);
            }
        } catch (RuntimeException e) {
            listenerFailed(e);
        }
    }

    private void listenerFailed(RuntimeException e) {
        if (listenerFailures.getAndIncrement() == 0) {
            LOG.log(Level.ERROR, "link monitor listener failed (further failures at DEBUG)", e);
        } else {
            LOG.log(Level.DEBUG, "link monitor listener failed", e);
        }
    }

    /** Applies parsed messages: dump answers go to the table being dumped, notifications to both. */
    private final class Parser implements Rtnetlink.Handler {

        @Override
        public void link(Rtnetlink.Header header, Rtnetlink.Link link) {
            if (isDumpAnswer(header)) {
                noteInterrupted(header);
                fresh.apply(link);
                return;
            }
            changed |= table.apply(link);
            if (fresh != null) {
                fresh.apply(link);
            }
        }

        @Override
        public void address(Rtnetlink.Header header, Rtnetlink.Address address) {
            if (isDumpAnswer(header)) {
                noteInterrupted(header);
                fresh.apply(address);
                return;
            }
            changed |= table.apply(address);
            if (fresh != null) {
                fresh.apply(address);
            }
        }

        @Override
        public void done(Rtnetlink.Header header) {
            if (!isDumpAnswer(header)) {
                return;
            }
            noteInterrupted(header);
            if (dumpType == Rtnetlink.RTM_GETLINK) {
                dumpSequence = nextSequence(dumpSequence);
                try {
                    if (socket.send(Rtnetlink.dumpRequest(Rtnetlink.RTM_GETADDR, dumpSequence))) {
                        dumpType = Rtnetlink.RTM_GETADDR;
                        return;
                    }
                } catch (IOException e) {
                    LOG.log(Level.DEBUG, "link monitor: address dump request failed", e);
                }
                retryDumpLater();
                return;
            }
            table = fresh; // the dump is complete; notifications since were applied to it as well
            fresh = null;
            dumpType = 0;
            changed = true;
            if (dumpInterrupted) {
                dumpWanted = true; // NLM_F_DUMP_INTR: the tables changed while being dumped
            }
        }

        @Override
        public void error(Rtnetlink.Header header, int errno) {
            if (header.type() == Rtnetlink.NLMSG_OVERRUN) {
                overruns.incrementAndGet();
                dumpWanted = true;
                return;
            }
            if (isDumpAnswer(header)) {
                LOG.log(Level.DEBUG, "link monitor of {0}: dump refused ({1}), retrying", description,
                        Errno.name(errno));
                retryDumpLater();
            }
        }

        private boolean isDumpAnswer(Rtnetlink.Header header) {
            return dumpType != 0 && header.sequence() == dumpSequence && header.portId() == socket.portId();
        }

        private void noteInterrupted(Rtnetlink.Header header) {
            if ((header.flags() & Rtnetlink.NLM_F_DUMP_INTR) != 0) {
                dumpInterrupted = true;
            }
        }
    }

    /** What readers see: replaced as a whole. */
    private record Snapshot(List<Link> links, Map<InetAddress, Integer> indexes, Map<InetAddress, Integer> usable,
                            InterfaceAddresses egress) {
    }
}
