package io.mptcp4j.sim.scenarios;

import io.mptcp4j.core.tcp.TcpConnection;
import io.mptcp4j.core.tcp.TcpConnectionException;
import java.nio.ByteBuffer;

/** A {@link TcpConnection} as a {@link StreamConnection}; {@link #tcp()} gives its counters and state. */
public record TcpStream(TcpConnection tcp) implements StreamConnection {

    @Override
    public int write(ByteBuffer src) {
        return tcp.write(src);
    }

    @Override
    public int read(ByteBuffer dst) {
        return tcp.read(dst);
    }

    @Override
    public void shutdownOutput() {
        tcp.shutdownOutput();
    }

    @Override
    public void close() {
        tcp.close();
    }

    @Override
    public void abort() {
        tcp.abort();
    }

    @Override
    public boolean isConnected() {
        return tcp.isConnected();
    }

    @Override
    public boolean isClosed() {
        return tcp.isClosed();
    }

    @Override
    public TcpConnectionException error() {
        return tcp.error();
    }

    /** Segments received and the state: 11 states fit in the low 4 bits. */
    @Override
    public long activity() {
        return tcp.segmentsIn() << 4 | tcp.state().ordinal();
    }

    @Override
    public String toString() {
        return tcp.toString();
    }
}
