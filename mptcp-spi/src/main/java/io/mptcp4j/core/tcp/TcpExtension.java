package io.mptcp4j.core.tcp;

import io.mptcp4j.core.wire.TcpOption;
import io.mptcp4j.core.wire.TcpSegment;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * A protocol layered on one TCP connection through its options and its byte stream: the hook MPTCP (RFC 8684)
 * uses to run its subflows on this engine. A connection has at most one, installed when it is created
 * ({@link TcpStack#connect(long, java.net.InetAddress, int, java.net.InetAddress, int, TcpConfig, TcpExtension)},
 * {@link TcpListener#extensionFactory(Factory)}, or {@link TcpConnection.Builder#extension}). Without one the
 * engine takes none of these paths. Every method has a do-nothing default.
 *
 * <p>All calls happen on the thread driving the connection, from inside its methods, with the connection in a
 * consistent state. An extension may call the connection's application methods ({@link TcpConnection#read},
 * {@link TcpConnection#write}, {@link TcpConnection#requestAck()}) and may refuse the connection with
 * {@link TcpConnection#abort(List)}, which sends a RST carrying the options it gives (MP_TCPRST, say); the
 * engine notices and stops processing the segment at hand.
 *
 * <h2>Sequence of calls</h2>
 * <ul>
 *   <li>Outgoing, for every segment but RSTs (SYN and SYN-ACK included): {@link #planSegment} before the
 *       payload is sized, then {@link #addOptions} with the final segment.</li>
 *   <li>Incoming, for every segment the engine accepts: {@link #onSegment} once the segment passed the
 *       sequence, RST, SYN and ACK checks of RFC 9293 section 3.10.7.4 (for a SYN-ACK in SYN_SENT, once its
 *       ACK was found acceptable; for the SYN of a passive open, right after the connection was created), and
 *       before its data is queued. Then {@link #onData} for the bytes that became in order. An acceptable RST
 *       goes to {@link #onReset} instead.</li>
 *   <li>{@link #onStateChanged} after every state transition.</li>
 * </ul>
 */
public interface TcpExtension {

    /**
     * Called before an outgoing segment is sized. The extension may reserve option space for what it will add
     * ({@link SegmentPlan#reserveOptionSpace}) and cap the payload ({@link SegmentPlan#limitPayload}), for
     * example to keep a segment within one DSS mapping; the engine then shrinks the payload so header, options
     * and data fit the MSS. The engine may still decide not to send the segment (Nagle, windows): a plan is not
     * a promise, only {@link #addOptions} is.
     */
    default void planSegment(TcpConnection connection, SegmentPlan plan) {
    }

    /**
     * Adds this extension's options to the segment just sized: at most the bytes it reserved in
     * {@link #planSegment} (a larger addition is an {@link IllegalStateException}).
     *
     * @param segment the final segment: its payload length is now exact
     * @param options where to add them; the engine's own options (MSS, window scale, SACK, timestamps) are not in
     *                this list
     */
    default void addOptions(TcpConnection connection, SegmentPlan segment, List<TcpOption> options) {
    }

    /**
     * An incoming segment was accepted (see the class comment for exactly when). The extension reads its options
     * here: MP_CAPABLE or MP_JOIN on a SYN or SYN-ACK, DSS mappings and DATA_ACKs later. To refuse the
     * connection it calls {@link TcpConnection#abort(List)}.
     */
    default void onSegment(TcpConnection connection, TcpSegment segment) {
    }

    /**
     * An acceptable RST arrived (RFC 9293 section 3.10.7.3 and 3.10.7.4, RFC 5961 section 3.2); the connection
     * closes right after this call. The extension reads the reasons the RST carries here: MP_TCPRST, MP_FASTCLOSE
     * (RFC 8684 sections 3.5 and 3.6). {@link #onSegment} does not see RSTs.
     */
    default void onReset(TcpConnection connection, TcpSegment reset) {
    }

    /**
     * Bytes of the stream became available in order. The extension may take them right here, straight from the
     * received segment or the reassembly buffer, by consuming them from {@code data} (advancing its position);
     * what it leaves stays in the connection's receive buffer, readable with {@link TcpConnection#read} later.
     * Offered only when no earlier byte is waiting in the buffer, so the stream stays in order.
     *
     * @param streamOffset the offset of {@code data}'s first byte in the received stream (0 is the byte after
     *                     the peer's SYN, so the RFC 8684 relative subflow sequence number is {@code streamOffset
     *                     + 1})
     * @param data         a read-only view, valid only during the call
     */
    default void onData(TcpConnection connection, long streamOffset, ByteBuffer data) {
    }

    /**
     * The receive window to advertise, in bytes, before scaling; {@code subflowWindow} is the connection's own
     * (the free space of its receive buffer). MPTCP returns the connection-level window (RFC 8684 section
     * 3.3.4). Sequence acceptance still uses the connection's own window.
     */
    default long advertisedWindow(TcpConnection connection, long subflowWindow) {
        return subflowWindow;
    }

    /**
     * The retransmission timer expired with data outstanding (RFC 6298 section 5.4): the path may have failed.
     * MPTCP moves the subflow's data to the others here. Called after the engine marked its data lost.
     *
     * @param consecutive timeouts in a row without an acknowledgment, this one included
     */
    default void onRetransmissionTimeout(TcpConnection connection, int consecutive) {
    }

    /**
     * The send window room beyond SND.NXT to use, given the connection's own ({@code own}: SND.UNA + SND.WND -
     * SND.NXT, RFC 9293 section 3.8.6). MPTCP widens it: the window its peer announces is relative to the data-level
     * acknowledgment and shared by all subflows (RFC 8684 section 3.3.4), so a subflow may send whatever the
     * connection handed it, which lay within that window when it did (as Linux's {@code mptcp_check_allowed_size}
     * raises the subflow's window). By default {@code own}.
     */
    default long usableSendWindow(TcpConnection connection, long own) {
        return own;
    }

    /** The connection moved from {@code from} to {@code to}. */
    default void onStateChanged(TcpConnection connection, TcpState from, TcpState to) {
    }

    /** Makes the extension of each connection a {@link TcpListener} accepts. */
    @FunctionalInterface
    interface Factory {

        /**
         * Called when a SYN creates a connection, before the SYN-ACK is built; {@link #onSegment} then sees the
         * SYN. Returns the extension, or null for plain TCP.
         */
        TcpExtension create(TcpConnection connection, TcpSegment syn);
    }

    /**
     * An outgoing segment as the engine plans it. The same object is handed to {@link #planSegment} and then to
     * {@link #addOptions} for the same segment; it is reused for the next one, so an extension must not keep it.
     */
    interface SegmentPlan {

        /** The control bits ({@link TcpSegment#SYN}, {@link TcpSegment#ACK}, {@link TcpSegment#FIN}...). */
        int flags();

        /** The segment's sequence number, unsigned 32-bit. */
        long sequenceNumber();

        /** The send-stream offset of the first payload byte (0 is the byte after the SYN). */
        long streamOffset();

        /**
         * The payload length: in {@link #planSegment}, the most the engine would send (it may still shrink);
         * in {@link #addOptions}, the exact length.
         */
        int payloadLength();

        /** Whether this segment resends data or control already sent once. */
        boolean isRetransmission();

        /** Option bytes still free after the engine's own options (what {@link #reserveOptionSpace} may take). */
        int optionBudget();

        /** Option bytes this extension reserved. */
        int reservedOptionSpace();

        /**
         * Reserves {@code bytes} of option space for {@link #addOptions} (replacing an earlier reservation).
         *
         * @throws IllegalArgumentException if more than {@link #optionBudget()} or negative
         */
        void reserveOptionSpace(int bytes);

        /** Caps the payload at {@code maxBytes} (0 sends the segment without data, if it has another reason to go). */
        void limitPayload(int maxBytes);
    }
}
