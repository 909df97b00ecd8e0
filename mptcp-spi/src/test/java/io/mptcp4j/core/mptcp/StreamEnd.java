package io.mptcp4j.core.mptcp;

import io.mptcp4j.core.tcp.TcpConnection;
import io.mptcp4j.sim.ByteStreamChecker;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/**
 * One application end of a simulated transfer: writes its outgoing pattern stream into a connection as fast as it
 * takes it, reads everything that arrives into a verifier, shuts output down after the last byte and closes once
 * both directions ended. Works over an {@link MptcpConnection} or, for fallback tests, a plain
 * {@link TcpConnection}.
 */
final class StreamEnd {

    /** What the application end needs of a connection. */
    interface Socket {
        int write(ByteBuffer src);

        int read(ByteBuffer dst);

        void shutdownOutput();

        void close();

        boolean isOutputShutdown();

        /** Whether writing makes sense now (connected, not closed). */
        boolean canWrite();

        /** Whether the connection failed, so there is nothing more to do. */
        boolean failed();
    }

    static Socket of(MptcpConnection c) {
        return new Socket() {
            public int write(ByteBuffer src) {
                return c.write(src);
            }

            public int read(ByteBuffer dst) {
                return c.read(dst);
            }

            public void shutdownOutput() {
                c.shutdownOutput();
            }

            public void close() {
                c.close();
            }

            public boolean isOutputShutdown() {
                return c.isOutputShutdown();
            }

            public boolean canWrite() {
                return c.isConnected();
            }

            public boolean failed() {
                return c.isClosed() && c.error() != null;
            }
        };
    }

    static Socket of(TcpConnection c) {
        return new Socket() {
            public int write(ByteBuffer src) {
                return c.write(src);
            }

            public int read(ByteBuffer dst) {
                return c.read(dst);
            }

            public void shutdownOutput() {
                c.shutdownOutput();
            }

            public void close() {
                c.close();
            }

            public boolean isOutputShutdown() {
                return c.isOutputShutdown();
            }

            public boolean canWrite() {
                return c.isConnected() && !c.isClosed();
            }

            public boolean failed() {
                return c.isClosed() && c.error() != null;
            }
        };
    }

    private final ByteStreamChecker outgoing;
    private final ByteStreamChecker incoming;
    private final ByteBuffer pending = ByteBuffer.allocate(64 * 1024).flip();
    private final ByteBuffer readBuffer = ByteBuffer.allocate(64 * 1024);
    private Socket connection;
    private boolean endOfStream;
    private boolean closeWhenDone = true;
    private boolean reading = true;
    private boolean closed;
    private ByteArrayOutputStream capture;

    /** Sends {@code outgoing} (null: nothing) and expects {@code incoming} (null: nothing). */
    StreamEnd(ByteStreamChecker outgoing, ByteStreamChecker incoming) {
        this.outgoing = outgoing;
        this.incoming = incoming;
    }

    /** Also keeps every received byte, for tests that expect a damaged stream. */
    StreamEnd capture(ByteArrayOutputStream into) {
        this.capture = into;
        return this;
    }

    /** Never shuts output down nor closes: the connection stays open in this direction. */
    StreamEnd keepOpen() {
        closeWhenDone = false;
        return this;
    }

    /** Stops or resumes reading: the application leaves what arrives in the receive buffer meanwhile. */
    StreamEnd reading(boolean on) {
        this.reading = on;
        return this;
    }

    void attach(MptcpConnection connection) {
        this.connection = of(connection);
    }

    void attach(TcpConnection connection) {
        this.connection = of(connection);
    }

    boolean endOfStream() {
        return endOfStream;
    }

    /** Whether everything was sent and everything expected arrived, up to the peer's end of stream. */
    boolean done() {
        return endOfStream && (outgoing == null || outgoing.source().finished() && !pending.hasRemaining());
    }

    /** Moves what it can in both directions. */
    void pump() {
        if (connection == null || connection.failed()) {
            return;
        }
        if (connection.canWrite()) {
            write();
        }
        if (reading) {
            read();
        }
        if (closeWhenDone && done() && !closed) {
            closed = true;
            connection.close();
        }
    }

    private void write() {
        if (connection.isOutputShutdown()) {
            return;
        }
        while (true) {
            if (!pending.hasRemaining()) {
                if (outgoing == null || outgoing.source().finished()) {
                    if (closeWhenDone) {
                        connection.shutdownOutput();
                    }
                    return;
                }
                pending.clear();
                outgoing.source().read(pending);
                pending.flip();
            }
            if (connection.write(pending) == 0) {
                return;
            }
        }
    }

    private void read() {
        while (true) {
            readBuffer.clear();
            int n = connection.read(readBuffer);
            if (n < 0) {
                endOfStream = true;
                return;
            }
            if (n == 0) {
                return;
            }
            readBuffer.flip();
            if (incoming == null) {
                throw new AssertionError(n + " unexpected bytes arrived on " + connection);
            }
            if (capture != null) {
                capture.write(readBuffer.array(), 0, readBuffer.limit());
            }
            incoming.verifier().accept(readBuffer);
        }
    }
}
