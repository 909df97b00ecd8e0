package io.mptcp4j.nio;

import java.io.IOException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.IllegalSelectorException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.spi.AbstractSelectableChannel;
import java.nio.channels.spi.AbstractSelector;
import java.util.AbstractSet;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The mptcp4j {@link Selector}: one selector for the channels of the userspace stack and for those of the
 * platform behind this provider's channels.
 *
 * <p>Every platform channel is registered with a platform selector inside this one, its key's attachment being
 * ours. A selection asks each MPTCP channel for its readiness; if one is ready it only polls the platform selector
 * ({@code selectNow}), else it blocks in the platform selector, which the MPTCP channels wake (through
 * {@link #readinessChanged()}) when a readiness bit appears. The flag {@link #blocked} is set before the
 * readiness is read and read by the channels after they changed it, so a change is either seen by the selection
 * or wakes it.
 *
 * <p>Those wake-ups are the selector's own business: a blocking selection that wakes with nothing selected goes
 * back to waiting (with what is left of its timeout) unless the application called {@link #wakeup()}, the thread
 * was interrupted or the selector closed. Without that, a wake-up for a bit nobody is interested in, or one that
 * came between two selections and stayed pending in the platform selector, would end a selection early with 0,
 * which {@link Selector#select(long)} does not allow.
 */
final class MptcpSelectorImpl extends AbstractSelector {

    private final Selector platform;
    private final Set<MptcpSelectionKey> keys = ConcurrentHashMap.newKeySet();
    private final Set<SelectionKey> publicKeys = Collections.unmodifiableSet(keys);
    private final Set<SelectionKey> selected = new HashSet<>();
    private final Set<SelectionKey> publicSelected = new UngrowableSet(selected);
    private volatile boolean blocked;
    /** The application called {@link #wakeup()}: the selection in progress, or else the next one, returns. */
    private volatile boolean wakeupPending;

    MptcpSelectorImpl(MptcpSelectorProvider provider, Selector platform) {
        super(provider);
        this.platform = platform;
    }

    @Override
    public Set<SelectionKey> keys() {
        ensureOpen();
        return publicKeys;
    }

    @Override
    public Set<SelectionKey> selectedKeys() {
        ensureOpen();
        return publicSelected;
    }

    @Override
    public int selectNow() throws IOException {
        return doSelect(-1);
    }

    @Override
    public int select(long timeout) throws IOException {
        if (timeout < 0) {
            throw new IllegalArgumentException("Negative timeout");
        }
        return doSelect(timeout);
    }

    @Override
    public int select() throws IOException {
        return doSelect(0);
    }

    @Override
    public Selector wakeup() {
        wakeupPending = true;
        platform.wakeup();
        return this;
    }

    @Override
    protected SelectionKey register(AbstractSelectableChannel ch, int ops, Object attachment) {
        if (!(ch instanceof SelectableMptcp)) {
            throw new IllegalSelectorException();
        }
        ensureOpen();
        MptcpSelectionKey key = new MptcpSelectionKey(ch, this, ops);
        key.attach(attachment);
        keys.add(key);
        ((SelectableMptcp) ch).addSelector(this);
        if (!isOpen()) { // closed meanwhile: the close may have missed the key
            keys.remove(key);
            throw new ClosedSelectorException();
        }
        interestChanged(key);
        return key;
    }

    @Override
    protected void implCloseSelector() throws IOException {
        platform.wakeup();
        synchronized (this) {
            synchronized (publicSelected) {
                for (MptcpSelectionKey k : keys) {
                    k.mptcpChannel().removeSelector(this);
                    dropPlatformKey(k);
                    deregister(k);
                }
                keys.clear();
                selected.clear();
                platform.close();
            }
        }
    }

    /** A channel says a readiness bit may have appeared: wakes a blocked selection. */
    void readinessChanged() {
        if (blocked) {
            platform.wakeup();
        }
    }

    /** A channel got or lost its platform channel: the next selection must see it, so wake one in progress. */
    void channelChanged() {
        platform.wakeup();
    }

    /** A key's interest set changed: a platform key follows at the next selection; a ready MPTCP key wakes it. */
    void interestChanged(MptcpSelectionKey key) {
        if (blocked && (key.mptcpChannel().userspaceReadyOps() & key.rawInterestOps()) != 0) {
            platform.wakeup();
        } else if (blocked && key.mptcpChannel().platformChannel() != null) {
            platform.wakeup();
        }
    }

    /** A selection: {@code timeout} -1 for selectNow, 0 for no limit, else milliseconds. */
    private int doSelect(long timeout) throws IOException {
        ensureOpen();
        synchronized (this) {
            synchronized (publicSelected) {
                ensureOpen();
                processCancelled();
                if (timeout < 0) {
                    wakeupPending = false; // selectNow clears the effect of earlier wakeups
                    syncPlatformKeys();
                    platform.selectNow();
                    int updated = collect();
                    processCancelled();
                    return updated;
                }
                long deadline = timeout == 0 ? Long.MAX_VALUE
                        : System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeout);
                int updated;
                try {
                    begin();
                    while (true) {
                        long wait = waitMillis(timeout, deadline);
                        boolean sawReady;
                        try {
                            blocked = true;
                            syncPlatformKeys();
                            boolean userspace = userspaceReady();
                            int platformReady = wait < 0 || wakeupPending || userspace ? platform.selectNow()
                                    : platform.select(wait);
                            sawReady = userspace || platformReady > 0;
                        } finally {
                            blocked = false;
                        }
                        updated = collect();
                        processCancelled();
                        // A ready key ends the selection even if it was selected already and gained nothing (then
                        // 0 is returned, as by the JDK, whose level-triggered poll does the same): waiting on would
                        // spin on that readiness.
                        if (updated > 0 || sawReady || wait < 0 || wakeupPending
                                || Thread.currentThread().isInterrupted() || !isOpen()) {
                            break;
                        }
                        // Woken for the selector's own reasons (see the class comment): wait again.
                    }
                } finally {
                    end();
                }
                wakeupPending = false; // consumed by this selection
                return updated;
            }
        }
    }

    /** How long the platform selector may block: 0 without a limit, -1 when the time is up. */
    private static long waitMillis(long timeout, long deadline) {
        if (timeout == 0) {
            return 0;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            return -1;
        }
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(left + 999_999)); // rounded up, never 0 (no limit)
    }

    /** Whether an MPTCP key is ready for its interest set now. */
    private boolean userspaceReady() {
        for (MptcpSelectionKey k : keys) {
            if (k.isValid() && (k.mptcpChannel().userspaceReadyOps() & k.rawInterestOps()) != 0) {
                return true;
            }
        }
        return false;
    }

    /** Registers new platform channels with the platform selector and brings their interest sets up to date. */
    private void syncPlatformKeys() throws IOException {
        for (MptcpSelectionKey k : keys) {
            if (!k.isValid()) {
                continue;
            }
            SelectableChannel pc = k.mptcpChannel().platformChannel();
            if (pc != k.platformKeyChannel) {
                dropPlatformKey(k);
            }
            if (pc == null || !pc.isOpen()) {
                continue;
            }
            int ops = k.rawInterestOps() & pc.validOps();
            if (k.platformKey == null) {
                if (pc.isBlocking()) {
                    continue; // cannot happen for a registered channel: ours mirrors its mode
                }
                k.platformKey = pc.register(platform, ops, k);
                k.platformKeyChannel = pc;
            } else if (k.platformKey.isValid() && k.platformKey.interestOps() != ops) {
                k.platformKey.interestOps(ops);
            }
        }
    }

    /** Updates the ready sets and the selected-key set; returns how many keys were updated. */
    private int collect() {
        int updated = 0;
        Set<MptcpSelectionKey> seen = new HashSet<>();
        for (SelectionKey pk : platform.selectedKeys()) {
            MptcpSelectionKey k = (MptcpSelectionKey) pk.attachment();
            if (!pk.isValid() || !k.isValid()) {
                continue;
            }
            int ready = pk.readyOps() | (k.mptcpChannel().userspaceReadyOps() & k.rawInterestOps());
            seen.add(k);
            if (update(k, ready)) {
                updated++;
            }
        }
        platform.selectedKeys().clear();
        for (MptcpSelectionKey k : keys) {
            if (!k.isValid() || seen.contains(k)) {
                continue;
            }
            int ready = k.mptcpChannel().userspaceReadyOps() & k.rawInterestOps();
            if (ready != 0 && update(k, ready)) {
                updated++;
            }
        }
        return updated;
    }

    /** The JDK's rule: a key not yet selected gets the ready set; a selected one has it added. */
    private boolean update(MptcpSelectionKey k, int ready) {
        if (ready == 0) {
            return false;
        }
        if (selected.contains(k)) {
            int before = k.readyOps();
            k.readyOps(before | ready);
            return (before | ready) != before;
        }
        k.readyOps(ready);
        selected.add(k);
        return true;
    }

    private void processCancelled() {
        Set<SelectionKey> cancelled = cancelledKeys();
        synchronized (cancelled) {
            for (SelectionKey key : cancelled) {
                MptcpSelectionKey k = (MptcpSelectionKey) key;
                keys.remove(k);
                selected.remove(k);
                dropPlatformKey(k);
                deregister(k);
                k.mptcpChannel().removeSelector(this);
            }
            cancelled.clear();
        }
    }

    private static void dropPlatformKey(MptcpSelectionKey k) {
        if (k.platformKey != null) {
            k.platformKey.cancel();
            k.platformKey = null;
            k.platformKeyChannel = null;
        }
    }

    private void ensureOpen() {
        if (!isOpen()) {
            throw new ClosedSelectorException();
        }
    }

    /** The selected-key set as the JDK hands it out: elements can be removed, never added. */
    private static final class UngrowableSet extends AbstractSet<SelectionKey> {
        private final Set<SelectionKey> set;

        UngrowableSet(Set<SelectionKey> set) {
            this.set = set;
        }

        @Override
        public int size() {
            return set.size();
        }

        @Override
        public boolean isEmpty() {
            return set.isEmpty();
        }

        @Override
        public boolean contains(Object o) {
            return set.contains(o);
        }

        @Override
        public Iterator<SelectionKey> iterator() {
            return set.iterator();
        }

        @Override
        public boolean remove(Object o) {
            return set.remove(o);
        }

        @Override
        public void clear() {
            set.clear();
        }

        @Override
        public boolean add(SelectionKey key) {
            throw new UnsupportedOperationException();
        }
    }
}
