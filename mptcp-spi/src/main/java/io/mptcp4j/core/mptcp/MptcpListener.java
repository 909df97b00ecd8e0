package io.mptcp4j.core.mptcp;

import io.mptcp4j.core.tcp.TcpConnection;
import io.mptcp4j.core.tcp.TcpExtension;
import io.mptcp4j.core.tcp.TcpListener;
import io.mptcp4j.core.wire.TcpSegment;

import java.net.InetAddress;

/**
 * A passive open for MPTCP connections on an {@link MptcpStack}: SYNs with MP_CAPABLE start MPTCP connections,
 * plain SYNs plain TCP ones behind the same API ({@link MptcpConnection#isFallback()}), unless the configuration
 * refuses fallback. Established connections wait for {@link #accept()}.
 */
public final class MptcpListener {

    private final MptcpStack stack;
    private final TcpListener tcp;
    private final MptcpConfig config;

    MptcpListener(MptcpStack stack, TcpListener tcp, MptcpConfig config) {
        this.stack = stack;
        this.tcp = tcp;
        this.config = config;
        tcp.extensionFactory(this::newSubflow);
    }

    /** Called for every SYN: the initial subflow of a new connection. */
    private TcpExtension newSubflow(TcpConnection connection, TcpSegment syn) {
        MptcpConnection c = stack.newConnection(config, true);
        c.congestion(connection.connectionCongestion()); // the listener's, shared with the joins to come
        Subflow initial = new Subflow(c, true, true, 0, 0, false);
        c.addSubflow(initial);
        return initial;
    }

    /** The next established connection, or null if none is waiting. */
    public MptcpConnection accept() {
        TcpConnection c;
        while ((c = tcp.accept()) != null) {
            if (c.extension() instanceof Subflow s && s.isInitial() && !s.owner().isClosed()) {
                return s.owner();
            }
        }
        return null;
    }

    /** Whether {@link #accept()} may return a connection. */
    public boolean isAcceptable() {
        return tcp.isAcceptable();
    }

    /** The address listened on, or null for every address of the stack. */
    public InetAddress address() {
        return tcp.address();
    }

    public int port() {
        return tcp.port();
    }

    public MptcpConfig config() {
        return config;
    }

    public boolean isClosed() {
        return tcp.isClosed();
    }

    /** Stops listening; connections not yet accepted are reset. */
    public void close() {
        tcp.close();
    }

    @Override
    public String toString() {
        return "MptcpListener[" + tcp + "]";
    }
}
