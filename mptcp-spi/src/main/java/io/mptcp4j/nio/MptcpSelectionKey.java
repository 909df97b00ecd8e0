package io.mptcp4j.nio;

import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.spi.AbstractSelectionKey;

/**
 * A registration with an {@link MptcpSelectorImpl}: the interest set, the ready set of the last selection, and,
 * while the channel has a platform channel, that channel's key with the selector's platform selector.
 */
final class MptcpSelectionKey extends AbstractSelectionKey {

    private final SelectableChannel channel;
    private final MptcpSelectorImpl selector;
    private volatile int interestOps;
    private volatile int readyOps;
    /** The key of the channel's platform channel with the platform selector; touched under the selector's lock. */
    SelectionKey platformKey;
    SelectableChannel platformKeyChannel;

    MptcpSelectionKey(SelectableChannel channel, MptcpSelectorImpl selector, int ops) {
        this.channel = channel;
        this.selector = selector;
        this.interestOps = ops;
    }

    @Override
    public SelectableChannel channel() {
        return channel;
    }

    @Override
    public Selector selector() {
        return selector;
    }

    @Override
    public int interestOps() {
        ensureValid();
        return interestOps;
    }

    @Override
    public SelectionKey interestOps(int ops) {
        ensureValid();
        if ((ops & ~channel.validOps()) != 0) {
            throw new IllegalArgumentException("invalid interest set " + ops + " for " + channel);
        }
        interestOps = ops;
        selector.interestChanged(this);
        return this;
    }

    @Override
    public int readyOps() {
        ensureValid();
        return readyOps;
    }

    /** The interest set, even after cancellation (for the selector). */
    int rawInterestOps() {
        return interestOps;
    }

    void readyOps(int ops) {
        readyOps = ops;
    }

    SelectableMptcp mptcpChannel() {
        return (SelectableMptcp) channel;
    }

    private void ensureValid() {
        if (!isValid()) {
            throw new CancelledKeyException();
        }
    }

    @Override
    public String toString() {
        return "MptcpSelectionKey[" + channel + (isValid() ? ", interest=" + interestOps + ", ready=" + readyOps
                : ", cancelled") + "]";
    }
}
