package io.mptcp4j.core.mptcp;

/**
 * Event counters in the spirit of Linux's MPTCP MIB ({@code nstat -az | grep MPTcpExt}): one instance per
 * connection, and one per stack that sums its connections'.
 *
 * <p>Written by the thread that drives the stack; reading from another thread may see slightly stale values.
 */
public final class MptcpStatistics {

    /** What is counted; {@link #mibName()} is Linux's name where Linux counts the same thing. */
    public enum Counter {
        /** MP_CAPABLE SYNs received. */
        MP_CAPABLE_SYN_RX("MPCapableSYNRX"),
        /** MP_CAPABLE SYNs sent (first transmissions). */
        MP_CAPABLE_SYN_TX("MPCapableSYNTX"),
        /** SYN-ACKs received with a valid MP_CAPABLE. */
        MP_CAPABLE_SYNACK_RX("MPCapableSYNACKRX"),
        /** Third ACKs received with a valid MP_CAPABLE. */
        MP_CAPABLE_ACK_RX("MPCapableACKRX"),
        /** Servers that fell back: the third ACK lacked MP_CAPABLE. */
        MP_CAPABLE_FALLBACK_ACK("MPCapableFallbackACK"),
        /** Clients that fell back: the SYN-ACK lacked MP_CAPABLE. */
        MP_CAPABLE_FALLBACK_SYNACK("MPCapableFallbackSYNACK"),
        /** Connections that fell back to TCP, for any reason. */
        FALLBACKS("MPTCPFallback"),
        /** Fallbacks because data arrived without a mapping (or the first reply without DSS). */
        DSS_FALLBACK("DSSFallback"),
        /** A DSS mapping disagreed with an earlier one for the same subflow bytes. */
        DSS_NOT_MATCHING("DSSNotMatching"),
        /** A DSS mapping did not cover the segment it came with. */
        DSS_NO_MATCH_TCP("DSSNoMatchTCP"),
        /** DSS checksums that failed (RFC 8684 section 3.3.1). */
        DATA_CSUM_ERR("DataCsumErr"),
        /** Checksum failures handled by falling back to TCP (section 3.7). */
        DSS_CORRUPTION_FALLBACK("DSSCorruptionFallback"),
        /** Checksum failures handled by resetting the subflow (section 3.7). */
        DSS_CORRUPTION_RESET("DSSCorruptionReset"),
        /** Infinite mappings sent. */
        INFINITE_MAP_TX("InfiniteMapTx"),
        /** Infinite mappings received. */
        INFINITE_MAP_RX("InfiniteMapRx"),
        /** Data whose data sequence numbers lay beyond the receive window, discarded. */
        NO_DSS_IN_WINDOW("NoDSSInWindow"),
        /** Data received at the connection level a second time, discarded. */
        DUPLICATE_DATA("DuplicateData"),
        /** Data held out of order at the connection level. */
        OFO_QUEUE("OFOQueue"),
        /** Connection-level retransmissions (reinjections) of data. */
        RETRANSMISSIONS("MPTCPRetrans"),
        /** MP_FAIL options sent and received. */
        MP_FAIL_TX("MPFailTx"),
        MP_FAIL_RX("MPFailRx"),
        /** MP_FASTCLOSE options sent and received (with a valid key). */
        MP_FASTCLOSE_TX("MPFastcloseTx"),
        MP_FASTCLOSE_RX("MPFastcloseRx"),
        /** MP_TCPRST options sent and received. */
        MP_RST_TX("MPRstTx"),
        MP_RST_RX("MPRstRx"),
        /** MP_JOIN SYNs sent (section 3.2). */
        MP_JOIN_SYN_TX("MPJoinSynTx"),
        /** MP_JOIN SYNs received. */
        MP_JOIN_SYN_RX("JoinSynRx"),
        /** MP_JOIN SYNs whose token names no connection: answered with a RST, nothing kept. */
        MP_JOIN_NO_TOKEN("JoinNoTokenFound"),
        /** MP_JOIN SYNs refused: the connection is closing, fell back, or at its subflow limit. */
        MP_JOIN_REJECTED("MPJoinRejected"),
        /** MP_JOIN SYN-ACKs received with a valid HMAC. */
        MP_JOIN_SYNACK_RX("JoinSynAckRx"),
        /** MP_JOIN SYN-ACKs whose HMAC was wrong, or that lacked MP_JOIN: the subflow was reset. */
        MP_JOIN_SYNACK_HMAC_FAILURE("JoinSynAckHMacFailure"),
        /** Third ACKs of MP_JOIN received with a valid HMAC. */
        MP_JOIN_ACK_RX("JoinAckRx"),
        /** Third ACKs of MP_JOIN whose HMAC was wrong or missing: the subflow was reset, nothing kept. */
        MP_JOIN_ACK_HMAC_FAILURE("JoinAckHMacFailure"),
        /** ADD_ADDR announcements received with a valid HMAC (section 3.4.1). */
        ADD_ADDR_RX("AddAddr"),
        /** ADD_ADDR announcements sent, retransmissions included. */
        ADD_ADDR_TX("AddAddrTx"),
        /** ADD_ADDR echoes received. */
        ECHO_ADD_RX("EchoAdd"),
        /** ADD_ADDR echoes sent. */
        ECHO_ADD_TX("EchoAddTx"),
        /** ADD_ADDR announcements dropped: a wrong HMAC, or beyond the accepted-address limit. */
        ADD_ADDR_DROP("AddAddrDrop"),
        /** REMOVE_ADDR options received (section 3.4.2). */
        RM_ADDR_RX("RmAddr"),
        /** REMOVE_ADDR options sent. */
        RM_ADDR_TX("RmAddrTx"),
        /** Subflows closed because the peer removed their address. */
        RM_SUBFLOW("RmSubflow"),
        /** MP_PRIO options sent (section 3.3.8). */
        MP_PRIO_TX("MPPrioTx"),
        /** MP_PRIO options received. */
        MP_PRIO_RX("MPPrioRx"),
        /** Subflows marked stale: their retransmission timer expired while another subflow worked. */
        SUBFLOW_STALE("SubflowStale"),
        /** Stale subflows that were acknowledged again. */
        SUBFLOW_RECOVER("SubflowRecover"),
        /** Subflows given up because the link of their local address went down (not a Linux counter). */
        SUBFLOW_LINK_DOWN("MPTCPSubflowLinkDown"),
        /** Chunks a redundant scheduler copied onto another subflow (not a Linux counter). */
        REDUNDANT_COPIES("MPTCPRedundantCopies"),
        /**
         * Data segments sent without a mapping because an earlier segment of the subflow carried the mapping that
         * covers them (RFC 8684 section 3.3.1; not a Linux counter).
         */
        MAPPING_CONTINUATIONS_TX("MPTCPMappingContinuationTx"),
        /**
         * Times the data holding the left edge of the peer's full window was sent again on a faster subflow, and
         * the slower one's window reduced (opportunistic retransmission and penalisation; not a Linux counter).
         */
        OPPORTUNISTIC_REINJECTIONS("MPTCPOpportunisticReinject"),
        /** MPTCP options that did not decode, ignored as if absent (not a Linux counter). */
        MALFORMED_OPTIONS("MPTCPMalformedOption"),
        /** Well-formed MPTCP options that made no sense where they came, ignored (not a Linux counter). */
        IGNORED_OPTIONS("MPTCPIgnoredOption");

        private final String mibName;

        Counter(String mibName) {
            this.mibName = mibName;
        }

        /** The counter's name as {@code nstat} shows it, without the {@code MPTcpExt} prefix. */
        public String mibName() {
            return mibName;
        }
    }

    private final long[] counters = new long[Counter.values().length];
    private final MptcpStatistics parent;

    /** Counters of their own; {@code parent}, when not null, counts everything these count. */
    MptcpStatistics(MptcpStatistics parent) {
        this.parent = parent;
    }

    public long get(Counter counter) {
        return counters[counter.ordinal()];
    }

    void increment(Counter counter) {
        counters[counter.ordinal()]++;
        if (parent != null) {
            parent.increment(counter);
        }
    }

    /** Non-zero counters with their Linux names, for logs. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("MptcpStatistics[");
        boolean first = true;
        for (Counter c : Counter.values()) {
            if (counters[c.ordinal()] != 0) {
                s.append(first ? "" : ", ").append(c.mibName()).append('=').append(counters[c.ordinal()]);
                first = false;
            }
        }
        return s.append(']').toString();
    }
}
