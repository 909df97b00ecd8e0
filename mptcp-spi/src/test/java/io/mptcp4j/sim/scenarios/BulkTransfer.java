package io.mptcp4j.sim.scenarios;

import io.mptcp4j.sim.ByteStreamChecker;
import java.util.List;

/**
 * One connection's two applications: the client uploads one checked stream while the server downloads another
 * to it (either may be empty), then both close. Goodput counts from the connect call to the end of each stream.
 *
 * @param <C> the kind of connection the applications run on
 */
public final class BulkTransfer<C extends StreamConnection> {

    private final String name;
    private final long startedAt;
    private final StreamApp<C> client;
    private final StreamApp<C> server;

    /** A transfer started at {@code startedAt} (the connect call) of these two streams. */
    public BulkTransfer(String name, long startedAt, ByteStreamChecker upload, ByteStreamChecker download) {
        this.name = name;
        this.startedAt = startedAt;
        this.client = new StreamApp<>(name + " client", upload, download);
        this.server = new StreamApp<>(name + " server", download, upload);
    }

    public String name() {
        return name;
    }

    /** The application on the connecting side. */
    public StreamApp<C> client() {
        return client;
    }

    /** The application on the accepting side. */
    public StreamApp<C> server() {
        return server;
    }

    /** Whether both applications finished, well or not. */
    public boolean isFinished() {
        return client.isFinished() && server.isFinished();
    }

    /** Client-to-server goodput in bit/s, from the connect call to the server reading the end of stream. */
    public double uploadBitsPerSecond() {
        return bitsPerSecond(client.outgoing().length(), server.inputCompletedAt());
    }

    /** Server-to-client goodput in bit/s, from the connect call to the client reading the end of stream. */
    public double downloadBitsPerSecond() {
        return bitsPerSecond(server.outgoing().length(), client.inputCompletedAt());
    }

    /** From the connect call to the later end of stream; {@link StreamApp#NOT_YET} while one is missing. */
    public long durationNanos() {
        if (client.inputCompletedAt() == StreamApp.NOT_YET || server.inputCompletedAt() == StreamApp.NOT_YET) {
            return StreamApp.NOT_YET;
        }
        return Math.max(client.inputCompletedAt(), server.inputCompletedAt()) - startedAt;
    }

    /**
     * Checks that both applications finished without failure and both streams arrived intact (SHA-256 and every
     * byte).
     *
     * @throws AssertionError naming the transfer and what went wrong
     */
    public void assertDelivered() {
        for (StreamApp<C> app : List.of(client, server)) {
            if (app.failure() != null) {
                throw new AssertionError(progress(), app.failure());
            }
            if (!app.isFinished()) {
                throw new AssertionError("not finished: " + progress());
            }
        }
        client.outgoing().assertTransferred();
        server.outgoing().assertTransferred();
    }

    /**
     * Checks that both connections are closed without an error.
     *
     * @throws AssertionError naming the transfer and its state
     */
    public void assertClosedCleanly() {
        for (StreamApp<C> app : List.of(client, server)) {
            C connection = app.connection();
            if (connection == null || !connection.isClosed() || connection.error() != null) {
                throw new AssertionError("not closed cleanly: " + progress());
            }
        }
    }

    /** Both applications' progress, one per line. */
    public String progress() {
        return client.progress() + "\n" + server.progress();
    }

    private double bitsPerSecond(long bytes, long completedAt) {
        if (completedAt == StreamApp.NOT_YET || completedAt == startedAt) {
            return 0;
        }
        return bytes * 8e9 / (completedAt - startedAt);
    }
}
