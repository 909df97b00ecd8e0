package io.mptcp4j.core.tcp;

import io.mptcp4j.core.cc.ConnectionCongestion;
import io.mptcp4j.core.wire.TcpSegment;

import java.util.Objects;

/**
 * Decides about a SYN that no connection owns before any listener sees it: how MPTCP takes the MP_JOIN SYNs that
 * open additional subflows of its connections (RFC 8684 section 3.2), which belong to a connection rather than to
 * a listener. Installed with {@link TcpStack#synInterceptor}; called on the thread that drives the stack.
 */
@FunctionalInterface
public interface SynInterceptor {

    /**
     * Looks at a SYN (no ACK, no RST) for which no connection exists.
     *
     * @return null to leave the SYN to the listeners, as without an interceptor; otherwise what to do
     */
    Decision intercept(long now, TcpSegment syn, TcpEndpoint local, TcpEndpoint remote);

    /** What becomes of an intercepted SYN. */
    sealed interface Decision {

        /** Answers with a RST (RFC 9293 section 3.10.7.1), counted as a drop for lack of a socket. */
        Decision RESET = new Reset();
        /** Drops the SYN silently (the peer retransmits), counted. */
        Decision DROP = new Drop();

        /**
         * Opens a connection for the SYN (SYN_RECEIVED, its SYN-ACK due) that belongs to no listener: nobody
         * accepts it. The extension sees the SYN right after the connection was created, as for a listener's.
         *
         * @param congestion the connection-level congestion state to share, or null for a new one
         */
        static Decision accept(TcpConfig config, TcpExtension extension, ConnectionCongestion congestion) {
            return new Accept(config, extension, congestion);
        }
    }

    /** See {@link Decision#RESET}. */
    record Reset() implements Decision {
    }

    /** See {@link Decision#DROP}. */
    record Drop() implements Decision {
    }

    /** See {@link Decision#accept}. */
    record Accept(TcpConfig config, TcpExtension extension, ConnectionCongestion congestion) implements Decision {
        public Accept {
            Objects.requireNonNull(config, "config");
            Objects.requireNonNull(extension, "extension");
        }
    }
}
