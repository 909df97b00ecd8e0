package io.mptcp4j.core.tcp;

/**
 * Event counters in the spirit of Linux's TCP MIB ({@code /proc/net/snmp} and {@code netstat -s}): one instance
 * per stack, shared by its connections, or one per stand-alone connection.
 *
 * <p>Written by the thread that drives the stack; reading from another thread may see slightly stale values.
 */
public final class TcpStatistics {

    /** What is counted. Names follow Linux's MIB (RFC 4022 for the first group). */
    public enum Counter {
        /** Connections that went to SYN_SENT (RFC 4022 tcpActiveOpens). */
        ACTIVE_OPENS,
        /** Connections that went to SYN_RECEIVED from a listener (tcpPassiveOpens). */
        PASSIVE_OPENS,
        /** Opens that failed: SYN_SENT or SYN_RECEIVED to CLOSED (tcpAttemptFails). */
        ATTEMPT_FAILS,
        /** ESTABLISHED or CLOSE_WAIT connections that were reset (tcpEstabResets). */
        ESTABLISHED_RESETS,
        /** Segments received, errors included (tcpInSegs). */
        SEGMENTS_IN,
        /** Segments sent, retransmissions excluded (tcpOutSegs). */
        SEGMENTS_OUT,
        /** Segments retransmitted (tcpRetransSegs). */
        RETRANSMITTED_SEGMENTS,
        /** Segments received with errors: malformed or bad checksum (tcpInErrs). */
        IN_ERRORS,
        /** RST segments sent (tcpOutRsts). */
        RESETS_OUT,
        /** Retransmission timeouts (TCPTimeouts). */
        TIMEOUTS,
        /** Fast retransmissions (TCPFastRetrans). */
        FAST_RETRANSMITS,
        /** Loss recovery episodes entered with SACK (TCPSackRecovery) ... */
        SACK_RECOVERIES,
        /** ... and without, NewReno (TCPRenoRecovery). */
        RENO_RECOVERIES,
        /** Retransmissions found lost by a later segment's delivery, sent again without a timeout (TCPLostRetransmit). */
        LOST_RETRANSMISSIONS,
        /** Fast recoveries undone: timestamps showed the original arrived, reordered, not lost (TCPPartialUndo). */
        SPURIOUS_RECOVERIES,
        /** SYN or SYN-ACK retransmissions (TCPSynRetrans). */
        SYN_RETRANSMITS,
        /** Delayed ACKs sent when their timer fired (DelayedACKs). */
        DELAYED_ACKS,
        /** Challenge ACKs sent, RFC 5961 (TCPChallengeACK). */
        CHALLENGE_ACKS,
        /** Segments queued out of order (TCPOFOQueue). */
        OUT_OF_ORDER_SEGMENTS,
        /** Zero-window probes sent. */
        WINDOW_PROBES,
        /** Keepalive probes sent. */
        KEEPALIVE_PROBES,
        /** Connections that timed out: retransmissions, probes or keepalives (TCPAbortOnTimeout). */
        TIMEOUT_ABORTS,
        /** SYNs dropped because the listen queue was full (ListenOverflows). */
        LISTEN_OVERFLOWS,
        /** Connections that reached ESTABLISHED. */
        ESTABLISHED
    }

    /** Why an incoming segment was dropped. */
    public enum DropReason {
        /** The IP or TCP header did not decode. */
        MALFORMED,
        /** A checksum did not verify. */
        BAD_CHECKSUM,
        /** The destination is not one of the stack's addresses. */
        NOT_LOCAL_ADDRESS,
        /** No connection or listener matched (answered with a RST unless it was one). */
        NO_SOCKET,
        /** A listener's queue was full. */
        LISTEN_OVERFLOW,
        /** Not acceptable by the sequence number test of RFC 9293 section 3.10.7.4. */
        OUT_OF_WINDOW,
        /** Rejected by PAWS, RFC 7323 section 5. */
        PAWS,
        /** An ACK outside the acceptable range (RFC 5961 section 5.2, RFC 9293 section 3.10.7). */
        BAD_ACK,
        /** A RST that was not acceptable. */
        BAD_RST,
        /** A SYN on a synchronized connection (RFC 5961 section 4). */
        UNEXPECTED_SYN,
        /** A segment without ACK in a state that needs one, or one this state ignores. */
        IGNORED
    }

    private final long[] counters = new long[Counter.values().length];
    private final long[] drops = new long[DropReason.values().length];

    public long get(Counter counter) {
        return counters[counter.ordinal()];
    }

    /** How many segments were dropped for {@code reason}. */
    public long drops(DropReason reason) {
        return drops[reason.ordinal()];
    }

    /** Segments dropped for any reason. */
    public long totalDrops() {
        long total = 0;
        for (long d : drops) {
            total += d;
        }
        return total;
    }

    void increment(Counter counter) {
        counters[counter.ordinal()]++;
    }

    void add(Counter counter, long n) {
        counters[counter.ordinal()] += n;
    }

    void drop(DropReason reason) {
        drops[reason.ordinal()]++;
    }

    /** Non-zero counters, for logs. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("TcpStatistics[");
        boolean first = true;
        for (Counter c : Counter.values()) {
            if (counters[c.ordinal()] != 0) {
                s.append(first ? "" : ", ").append(c).append('=').append(counters[c.ordinal()]);
                first = false;
            }
        }
        for (DropReason r : DropReason.values()) {
            if (drops[r.ordinal()] != 0) {
                s.append(first ? "" : ", ").append("drop ").append(r).append('=').append(drops[r.ordinal()]);
                first = false;
            }
        }
        return s.append(']').toString();
    }
}
