package io.mptcp4j.core.mptcp;

/**
 * What held a connection's sending back, after each pass of the scheduler: the connection-level counterpart of
 * Linux's {@code tcpi_busy_time}, {@code tcpi_rwnd_limited} and {@code tcpi_sndbuf_limited}. A link that sits
 * idle while the connection is {@link #WINDOW} limited waits for the receiver; while it is {@link #APPLICATION}
 * limited, for the writer; while it is {@link #SUBFLOWS} limited the subflows' congestion windows are full, which
 * is where a bulk transfer should spend its time.
 */
public enum SendLimit {

    /** Nothing written is left to hand to a subflow (all of it was sent, or the application wrote nothing). */
    APPLICATION,

    /** Data waits, but the peer's connection-level receive window (RFC 8684 section 3.3.4) has no room for it. */
    WINDOW,

    /** Data waits, the window has room, and no subflow can take it: their congestion windows are full. */
    SUBFLOWS
}
