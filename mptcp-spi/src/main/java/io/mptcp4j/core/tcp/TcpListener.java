package io.mptcp4j.core.tcp;

import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A passive open (RFC 9293 LISTEN state) on a {@link TcpStack}: SYNs to its address and port create connections
 * in SYN_RECEIVED; once their handshake completes they wait in the accept queue for {@link #accept()}.
 *
 * <p>The backlog bounds the handshakes in progress and the established connections not yet accepted together:
 * a SYN that would exceed it is dropped (the peer retransmits), as Linux drops SYNs on a full accept queue.
 */
public final class TcpListener {

    private final TcpStack stack;
    private final InetAddress address;
    private final int port;
    private final int backlog;
    private final TcpConfig config;
    private final ArrayDeque<TcpConnection> acceptQueue = new ArrayDeque<>();
    private final Set<TcpConnection> handshakes = new HashSet<>();
    private TcpExtension.Factory extensionFactory;
    private boolean closed;

    TcpListener(TcpStack stack, InetAddress address, int port, int backlog, TcpConfig config) {
        this.stack = stack;
        this.address = address;
        this.port = port;
        this.backlog = backlog;
        this.config = config;
    }

    /** The address listened on, or null for every address of the stack. */
    public InetAddress address() {
        return address;
    }

    public int port() {
        return port;
    }

    public int backlog() {
        return backlog;
    }

    /** The configuration of the connections this listener accepts. */
    public TcpConfig config() {
        return config;
    }

    /** Sets what makes the {@link TcpExtension} of each new connection (MPTCP's MP_CAPABLE handling); null for none. */
    public void extensionFactory(TcpExtension.Factory factory) {
        this.extensionFactory = factory;
    }

    TcpExtension.Factory extensionFactory() {
        return extensionFactory;
    }

    /** The next established connection, or null if none is waiting. */
    public TcpConnection accept() {
        TcpConnection c = acceptQueue.poll();
        if (c != null) {
            c.listener = null;
        }
        return c;
    }

    /** Whether {@link #accept()} would return a connection. */
    public boolean isAcceptable() {
        return !acceptQueue.isEmpty();
    }

    /** Handshakes in progress (connections in SYN_RECEIVED). */
    public int pendingHandshakes() {
        return handshakes.size();
    }

    /** Established connections waiting for {@link #accept()}. */
    public int acceptQueueLength() {
        return acceptQueue.size();
    }

    public boolean isClosed() {
        return closed;
    }

    /** Stops listening; connections not yet accepted are reset. */
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        stack.removeListener(this);
        List<TcpConnection> orphans = new ArrayList<>(handshakes);
        orphans.addAll(acceptQueue);
        handshakes.clear();
        acceptQueue.clear();
        for (TcpConnection c : orphans) {
            c.listener = null;
            c.abort();
        }
    }

    boolean hasRoom() {
        return !closed && handshakes.size() + acceptQueue.size() < backlog;
    }

    void handshakeStarted(TcpConnection c) {
        c.listener = this;
        handshakes.add(c);
    }

    /** A child changed state: established ones move to the accept queue, failed ones are forgotten. */
    void childStateChanged(TcpConnection c, TcpState to) {
        if (to == TcpState.SYN_RECEIVED) {
            return;
        }
        if (handshakes.remove(c) && to != TcpState.CLOSED) {
            acceptQueue.add(c);
        } else if (to == TcpState.CLOSED) {
            acceptQueue.remove(c);
            c.listener = null;
        }
    }

    @Override
    public String toString() {
        return "TcpListener[" + (address == null ? "*" : address.getHostAddress()) + ":" + port + ", backlog "
                + backlog + ", " + handshakes.size() + " handshaking, " + acceptQueue.size() + " to accept]";
    }
}
