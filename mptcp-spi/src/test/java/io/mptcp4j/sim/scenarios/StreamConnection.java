package io.mptcp4j.sim.scenarios;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * What a simulated application needs of one connection, whatever carries it (a TCP connection, an MPTCP
 * connection): the non-blocking calls of a socket and its readiness. An adapter per protocol implements it.
 */
public interface StreamConnection {

    /**
     * Takes bytes from {@code src} into the send buffer.
     *
     * @return the bytes taken, 0 when the buffer is full
     * @throws IllegalStateException once output is shut down or the connection is closed
     */
    int write(ByteBuffer src);

    /**
     * Copies received bytes into {@code dst}.
     *
     * @return the bytes copied, 0 if none are ready, -1 at the end of the stream or once the connection is closed
     */
    int read(ByteBuffer dst);

    /** Sends a FIN after the data written so far (half-close). */
    void shutdownOutput();

    /** Closes gracefully: output is shut down and nothing more is read. */
    void close();

    /** Resets the connection. */
    void abort();

    /** Whether the handshake completed and the connection is not closed. */
    boolean isConnected();

    boolean isClosed();

    /** Why the connection failed, or null. */
    IOException error();

    /**
     * A count that moves whenever the connection may have become readable, writable, connected or closed: an
     * application that finds it where its last turn left it has nothing new to do.
     */
    long activity();
}
