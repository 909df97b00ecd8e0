package io.mptcp4j.driver;

import io.mptcp4j.core.mptcp.MptcpException;
import io.mptcp4j.core.tcp.TcpConnectionException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.nio.channels.AsynchronousCloseException;

/**
 * The exceptions application threads see, made from the engine's {@link TcpConnectionException}s: the
 * {@code java.net} types a socket user expects, with a message that names what happened and the engine's
 * exception (and so its {@link TcpConnectionException#reason()}) as the cause.
 */
final class TcpErrors {

    private TcpErrors() {
    }

    /** The failure of an established connection (a read, write or shutdown on it). */
    static IOException of(TcpConnectionException e) {
        String message = switch (e.reason()) {
            case RESET_BY_PEER -> "connection reset by peer (" + e.getMessage() + ")";
            case TIMEOUT -> "connection timed out (" + e.getMessage() + ")";
            case REFUSED -> "connection refused (" + e.getMessage() + ")";
            case ABORTED -> "connection aborted (" + e.getMessage() + ")";
        };
        return withCause(new SocketException(message), e);
    }

    /** The failure of a connection attempt. */
    static IOException ofConnect(TcpConnectionException e) {
        return switch (e.reason()) {
            case REFUSED -> withCause(new ConnectException("connection refused (" + e.getMessage() + ")"), e);
            case TIMEOUT -> withCause(new ConnectException("connection timed out (" + e.getMessage() + ")"), e);
            case RESET_BY_PEER, ABORTED -> of(e);
        };
    }

    /** The failure of an established MPTCP connection. */
    static IOException of(MptcpException e) {
        String message = switch (e.reason()) {
            case RESET_BY_PEER -> "connection reset by peer (" + e.getMessage() + ")";
            case FASTCLOSED_BY_PEER -> "connection reset by peer with MP_FASTCLOSE (" + e.getMessage() + ")";
            case TIMEOUT -> "connection timed out (" + e.getMessage() + ")";
            case REFUSED -> "connection refused (" + e.getMessage() + ")";
            case ABORTED -> "connection aborted (" + e.getMessage() + ")";
            case FALLBACK_REFUSED -> "MPTCP not available and fallback refused (" + e.getMessage() + ")";
            case PROTOCOL_ERROR -> "MPTCP protocol error (" + e.getMessage() + ")";
        };
        return withCause(new SocketException(message), e);
    }

    /** The failure of an MPTCP connection attempt. */
    static IOException ofConnect(MptcpException e) {
        return switch (e.reason()) {
            case REFUSED -> withCause(new ConnectException("connection refused (" + e.getMessage() + ")"), e);
            case TIMEOUT -> withCause(new ConnectException("connection timed out (" + e.getMessage() + ")"), e);
            default -> of(e);
        };
    }

    /** A call on a socket this side closed, or whose close another thread started while the call waited. */
    static SocketException socketClosed() {
        return new SocketException("socket closed");
    }

    /** A call that was waiting when its socket was closed from another thread. */
    static IOException closedWhileWaiting(String what) {
        AsynchronousCloseException e = new AsynchronousCloseException();
        e.initCause(new SocketException(what + ": socket closed by another thread"));
        return e;
    }

    private static IOException withCause(IOException e, Throwable cause) {
        e.initCause(cause);
        return e;
    }
}
