package io.mptcp4j.driver;

import io.mptcp4j.core.mptcp.MptcpConnection;
import io.mptcp4j.core.sched.SubflowView;
import io.mptcp4j.core.tcp.TcpConnection;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * What the blocking sockets need of a connection engine, so that the same request machinery ({@link BlockingStream})
 * serves a {@link TcpConnection} and an {@link MptcpConnection}. Loop thread only.
 */
interface StreamConnection {

    int read(ByteBuffer dst);

    int write(ByteBuffer src);

    boolean isReadable();

    boolean isWritable();

    boolean isConnected();

    boolean isClosed();

    boolean isOutputShutdown();

    void shutdownOutput();

    void close();

    void abort();

    int sendBufferLimit();

    int bufferedSendBytes();

    /** The connection's failure as the sockets report it, or null. */
    IOException failure();

    /** The failure of the handshake as {@code connect} reports it, or null. */
    IOException connectFailure();

    InetSocketAddress localAddress();

    InetSocketAddress remoteAddress();

    static StreamConnection of(TcpConnection c) {
        return new StreamConnection() {
            @Override public int read(ByteBuffer dst) { return c.read(dst); }
            @Override public int write(ByteBuffer src) { return c.write(src); }
            @Override public boolean isReadable() { return c.isReadable(); }
            @Override public boolean isWritable() { return c.isWritable(); }
            @Override public boolean isConnected() { return c.isConnected(); }
            @Override public boolean isClosed() { return c.isClosed(); }
            @Override public boolean isOutputShutdown() { return c.isOutputShutdown(); }
            @Override public void shutdownOutput() { c.shutdownOutput(); }
            @Override public void close() { c.close(); }
            @Override public void abort() { c.abort(); }
            @Override public int sendBufferLimit() { return c.sendBufferLimit(); }
            @Override public int bufferedSendBytes() { return c.bufferedSendBytes(); }
            @Override public IOException failure() { return c.error() == null ? null : TcpErrors.of(c.error()); }
            @Override public IOException connectFailure() {
                return c.error() == null ? null : TcpErrors.ofConnect(c.error());
            }
            @Override public InetSocketAddress localAddress() {
                return new InetSocketAddress(c.local().address(), c.local().port());
            }
            @Override public InetSocketAddress remoteAddress() {
                return new InetSocketAddress(c.remote().address(), c.remote().port());
            }
        };
    }

    /** Over an MPTCP connection; the addresses are those of its initial subflow, {@code local} and {@code remote}. */
    static StreamConnection of(MptcpConnection c, InetSocketAddress local, InetSocketAddress remote) {
        return new StreamConnection() {
            @Override public int read(ByteBuffer dst) { return c.read(dst); }
            @Override public int write(ByteBuffer src) { return c.write(src); }
            @Override public boolean isReadable() { return c.isReadable(); }
            @Override public boolean isWritable() { return c.isWritable(); }
            @Override public boolean isConnected() { return c.isConnected(); }
            @Override public boolean isClosed() { return c.isClosed(); }
            @Override public boolean isOutputShutdown() { return c.isOutputShutdown(); }
            @Override public void shutdownOutput() { c.shutdownOutput(); }
            @Override public void close() { c.close(); }
            @Override public void abort() { c.abort(); }
            @Override public int sendBufferLimit() { return c.config().sendBufferSize(); }
            @Override public int bufferedSendBytes() { return c.bufferedSendBytes(); }
            @Override public IOException failure() { return c.error() == null ? null : TcpErrors.of(c.error()); }
            @Override public IOException connectFailure() {
                return c.error() == null ? null : TcpErrors.ofConnect(c.error());
            }
            @Override public InetSocketAddress localAddress() { return local; }
            @Override public InetSocketAddress remoteAddress() { return remote; }
        };
    }

    /** The initial subflow's ends of {@code c} (the first subflow if the initial one is gone). */
    static StreamConnection of(MptcpConnection c) {
        SubflowView first = null;
        for (SubflowView s : c.subflows()) {
            if (first == null || s.isInitial()) {
                first = s;
            }
        }
        if (first == null) {
            throw new IllegalStateException("connection without subflows: " + c);
        }
        return of(c, new InetSocketAddress(first.local().address(), first.local().port()),
                new InetSocketAddress(first.remote().address(), first.remote().port()));
    }
}
