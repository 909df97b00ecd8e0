package io.mptcp4j.sim.scenarios;

import io.mptcp4j.sim.ByteStreamChecker;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The application at one end of a connection: it writes its outgoing stream as fast as the connection takes it
 * and then shuts down output, reads and verifies the incoming stream up to the end of stream, and then closes.
 * A {@link SimApplications} gives it a turn at every round of the simulation; a connection that fails, or an
 * application call that throws, finishes it with a {@link #failure()}.
 *
 * @param <C> the kind of connection it runs on
 */
public final class StreamApp<C extends StreamConnection> {

    /** Instants not reached yet. */
    public static final long NOT_YET = Long.MIN_VALUE;

    private static final int CHUNK = 16 * 1024;

    private final String name;
    private final ByteStreamChecker outgoing;
    private final ByteStreamChecker incoming;
    private C connection;
    /** Bytes taken from the outgoing stream that the connection has not taken yet. */
    private ByteBuffer pending;
    private boolean outputShutDown;
    private boolean endOfInput;
    private long inputCompletedAt = NOT_YET;
    private boolean readingPaused;
    /** The connection's {@link StreamConnection#activity()} after the last turn. */
    private long activitySeen = -1;
    private boolean closed;
    private Exception failure;

    /** An application that sends {@code outgoing}'s stream and expects {@code incoming}'s. */
    public StreamApp(String name, ByteStreamChecker outgoing, ByteStreamChecker incoming) {
        this.name = Objects.requireNonNull(name, "name");
        this.outgoing = Objects.requireNonNull(outgoing, "outgoing");
        this.incoming = Objects.requireNonNull(incoming, "incoming");
    }

    /**
     * Gives the application its connection (at connect, or when accepted); it starts at its next turn.
     *
     * @throws IllegalStateException if it already has one
     */
    public void attach(C connection) {
        if (this.connection != null) {
            throw new IllegalStateException(name + " already runs on " + this.connection);
        }
        this.connection = Objects.requireNonNull(connection, "connection");
    }

    public String name() {
        return name;
    }

    /** The connection, or null before {@link #attach}. */
    public C connection() {
        return connection;
    }

    public ByteStreamChecker outgoing() {
        return outgoing;
    }

    public ByteStreamChecker incoming() {
        return incoming;
    }

    /** When the end of the incoming stream was read, or {@link #NOT_YET}. */
    public long inputCompletedAt() {
        return inputCompletedAt;
    }

    /** Stops reading, so the receive buffer fills and the peer meets a zero window. */
    public void pauseReading() {
        readingPaused = true;
    }

    /** Reads again from the next turn on. */
    public void resumeReading() {
        readingPaused = false;
        activitySeen = -1;
    }

    /** Whether the application is done: both streams finished and the connection closed, or it failed. */
    public boolean isFinished() {
        return closed || failure != null;
    }

    /** What ended the application early: the connection's error, or an application call that threw; or null. */
    public Exception failure() {
        return failure;
    }

    /** "transfer 3 client: sent 1024/4096, received 4096/4096+FIN, closed", for failure messages. */
    public String progress() {
        String state;
        if (failure != null) {
            state = "failed: " + failure.getMessage();
        } else if (closed) {
            state = "closed";
        } else {
            state = connection == null ? "no connection yet" : connection.toString();
        }
        return name + ": sent " + outgoing.source().position() + "/" + outgoing.length()
                + (outputShutDown ? "+FIN" : "") + ", received " + incoming.verifier().received() + "/"
                + incoming.length() + (endOfInput ? "+FIN" : "") + (readingPaused ? " (reading paused)" : "")
                + ", " + state;
    }

    /** One turn at {@code now}: write, shut down output, read, close; {@code scratch} is a reusable buffer. */
    void step(long now, ByteBuffer scratch) {
        if (connection == null || isFinished() || connection.activity() == activitySeen) {
            return;
        }
        IOException error = connection.error();
        if (error != null) {
            failure = error;
            return;
        }
        if (connection.isClosed()) {
            failure = new IllegalStateException("the connection closed before the streams were done");
            return;
        }
        if (!connection.isConnected()) {
            return;
        }
        try {
            send();
            receive(now, scratch);
            if (outputShutDown && endOfInput) {
                connection.close();
                closed = true;
            }
        } catch (RuntimeException e) {
            failure = e;
        }
        activitySeen = connection.activity();
    }

    private void send() {
        while (true) {
            if (pending == null || !pending.hasRemaining()) {
                if (outgoing.source().finished()) {
                    break;
                }
                if (pending == null) {
                    pending = ByteBuffer.allocate((int) Math.min(CHUNK, outgoing.length()));
                }
                outgoing.source().read(pending.clear());
                pending.flip();
            }
            if (connection.write(pending) == 0) {
                return;
            }
        }
        pending = null;
        if (!outputShutDown) {
            connection.shutdownOutput();
            outputShutDown = true;
        }
    }

    private void receive(long now, ByteBuffer scratch) {
        while (!readingPaused && !endOfInput) {
            int n = connection.read(scratch.clear());
            if (n > 0) {
                incoming.verifier().accept(scratch.flip());
            } else {
                if (n < 0) {
                    endOfInput = true;
                    inputCompletedAt = now;
                }
                return;
            }
        }
    }
}
