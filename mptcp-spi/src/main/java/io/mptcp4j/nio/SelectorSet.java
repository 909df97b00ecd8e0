package io.mptcp4j.nio;

import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The selectors a hybrid channel is registered with, told when its userspace readiness gains a bit or its
 * platform channel appears or goes. Thread-safe; the loop thread calls {@link #readinessChanged()}.
 */
final class SelectorSet {

    private final CopyOnWriteArrayList<MptcpSelectorImpl> selectors = new CopyOnWriteArrayList<>();

    void add(MptcpSelectorImpl selector) {
        selectors.addIfAbsent(selector);
    }

    void remove(MptcpSelectorImpl selector) {
        selectors.remove(selector);
    }

    /** A readiness bit may have appeared: wakes the selections that wait for it. */
    void readinessChanged() {
        for (MptcpSelectorImpl s : selectors) {
            s.readinessChanged();
        }
    }

    /** The platform channel behind the channel changed: the selections must look again. */
    void channelChanged() {
        for (MptcpSelectorImpl s : selectors) {
            s.channelChanged();
        }
    }
}
