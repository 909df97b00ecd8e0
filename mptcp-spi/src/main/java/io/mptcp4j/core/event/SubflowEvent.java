package io.mptcp4j.core.event;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * Something that happened to an MPTCP connection or one of its subflows, modelled on the Linux kernel's
 * {@code MPTCP_EVENT_*} netlink events ({@code include/uapi/linux/mptcp.h}).
 *
 * <p>Every event names its connection by the local token (unsigned 32-bit, RFC 8684 section 3.1; 0 for a
 * connection that never exchanged keys) and carries the {@code now} of the call that produced it. Addresses are
 * the subflow's own: {@code local} is this host's end. Address ids are those of RFC 8684 section 3.4 (0 for the
 * addresses of the initial subflow).
 */
public sealed interface SubflowEvent {

    /** The connection's local token, unsigned 32-bit; 0 when no keys were exchanged. */
    long token();

    /** The {@code now} (nanoseconds, the driver's monotonic clock) at which it happened. */
    long timestamp();

    /**
     * The MP_CAPABLE handshake exchanged keys: the client got the SYN-ACK, the server the third ACK
     * ({@code MPTCP_EVENT_CREATED}).
     */
    record ConnectionCreated(long token, long timestamp, InetSocketAddress local, InetSocketAddress remote,
            boolean serverSide) implements SubflowEvent {
        public ConnectionCreated {
            Objects.requireNonNull(local, "local");
            Objects.requireNonNull(remote, "remote");
        }
    }

    /**
     * The connection is fully established: both sides know both keys, and the peer confirmed it speaks MPTCP
     * (RFC 8684 section 3.1; {@code MPTCP_EVENT_ESTABLISHED}).
     */
    record ConnectionEstablished(long token, long timestamp, InetSocketAddress local, InetSocketAddress remote,
            boolean serverSide) implements SubflowEvent {
        public ConnectionEstablished {
            Objects.requireNonNull(local, "local");
            Objects.requireNonNull(remote, "remote");
        }
    }

    /**
     * The connection is closed ({@code MPTCP_EVENT_CLOSED}).
     *
     * @param error why it failed, or null after an orderly close
     */
    record ConnectionClosed(long token, long timestamp, String error) implements SubflowEvent {
    }

    /** An additional subflow completed its MP_JOIN handshake ({@code MPTCP_EVENT_SUB_ESTABLISHED}). */
    record SubflowEstablished(long token, long timestamp, InetSocketAddress local, InetSocketAddress remote,
            int localId, int remoteId, boolean backup) implements SubflowEvent {
        public SubflowEstablished {
            Objects.requireNonNull(local, "local");
            Objects.requireNonNull(remote, "remote");
        }
    }

    /**
     * A subflow closed while its connection lives on ({@code MPTCP_EVENT_SUB_CLOSED}).
     *
     * @param resetReason the MP_TCPRST reason code (RFC 8684 section 3.6) of the RST that ended it, or -1
     */
    record SubflowClosed(long token, long timestamp, InetSocketAddress local, InetSocketAddress remote,
            int localId, int remoteId, boolean backup, SubflowCloseReason reason, int resetReason)
            implements SubflowEvent {
        public SubflowClosed {
            Objects.requireNonNull(local, "local");
            Objects.requireNonNull(remote, "remote");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** The connection continues as plain TCP (RFC 8684 section 3.7). */
    record Fallback(long token, long timestamp, InetSocketAddress local, InetSocketAddress remote,
            FallbackReason reason) implements SubflowEvent {
        public Fallback {
            Objects.requireNonNull(local, "local");
            Objects.requireNonNull(remote, "remote");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** The peer announced an address with ADD_ADDR (RFC 8684 section 3.4.1; {@code MPTCP_EVENT_ANNOUNCED}). */
    record AddressAnnounced(long token, long timestamp, int remoteId, InetSocketAddress address)
            implements SubflowEvent {
        public AddressAnnounced {
            Objects.requireNonNull(address, "address");
        }
    }

    /** The peer withdrew an address with REMOVE_ADDR (section 3.4.2; {@code MPTCP_EVENT_REMOVED}). */
    record AddressRemoved(long token, long timestamp, int remoteId) implements SubflowEvent {
    }

    /** A subflow's backup priority changed, by MP_PRIO or locally (section 3.3.8; {@code MPTCP_EVENT_SUB_PRIORITY}). */
    record PriorityChanged(long token, long timestamp, InetSocketAddress local, InetSocketAddress remote,
            int localId, int remoteId, boolean backup) implements SubflowEvent {
        public PriorityChanged {
            Objects.requireNonNull(local, "local");
            Objects.requireNonNull(remote, "remote");
        }
    }
}
