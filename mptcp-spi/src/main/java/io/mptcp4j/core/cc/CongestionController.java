package io.mptcp4j.core.cc;

/**
 * The congestion controller of one subflow: the TCP engine reports what happens on the subflow and asks how
 * much it may have in flight.
 *
 * <h2>Contract with the engine</h2>
 * <ul>
 *   <li>The engine may have at most {@link #cwnd()} bytes in flight, except during loss recovery, where it
 *       paces retransmissions and new data itself (RFC 6675's pipe, or PRR of RFC 6937, aiming at
 *       {@link #ssthresh()}); the controller's window stays put until {@link #onRecoveryEnd(long)}.</li>
 *   <li>It updates the subflow's {@link io.mptcp4j.core.tcp.RttEstimator} before calling
 *       {@link #onAck(long, long, long, long)}, so a controller reading the RTT sees this ACK's sample.</li>
 *   <li>{@code bytesInFlight} is always the value before the reported event is applied: before the ACKed bytes
 *       leave the flight, before the sent bytes join it, before anything is marked lost.</li>
 *   <li>It reports every loss it detects through {@link #onCongestionEvent(long, long, long)}; the controller,
 *       not the engine, folds the losses of one episode into one reduction.</li>
 * </ul>
 */
public interface CongestionController {

    /** The algorithm's registered name, for example {@code "cubic"}. */
    String name();

    /** The congestion window in bytes. */
    long cwnd();

    /** The slow-start threshold in bytes; {@link Long#MAX_VALUE} until the first congestion event. */
    long ssthresh();

    /** Whether the controller is in slow start: {@code cwnd < ssthresh} (RFC 5681 section 3.1). */
    default boolean inSlowStart() {
        return cwnd() < ssthresh();
    }

    /** Whether a loss recovery episode is under way: between a congestion event and its recovery end. */
    boolean inRecovery();

    /**
     * A segment carrying {@code bytes} bytes was sent at {@code now} (first transmission or retransmission);
     * {@code bytesInFlight} is the flight before it, so 0 means the subflow restarts from idle.
     */
    default void onPacketSent(long now, long bytes, long bytesInFlight) {
    }

    /**
     * An ACK arrived that cumulatively or selectively acknowledged {@code ackedBytes} bytes not acknowledged
     * before. Duplicate ACKs that acknowledge nothing new need not be reported; {@code ackedBytes} 0 is ignored.
     *
     * @param now             when the ACK arrived
     * @param ackedBytes      bytes newly acknowledged
     * @param rttSampleNanos  the valid RTT sample this ACK produced (see the RTT estimator about Karn's rule), or
     *                        -1 if none; for delay-based algorithms and HyStart++
     * @param bytesInFlight   bytes in flight when the ACK arrived, the newly ACKed ones included
     */
    void onAck(long now, long ackedBytes, long rttSampleNanos, long bytesInFlight);

    /**
     * Loss of a packet was detected (fast retransmit, SACK or RACK loss detection) at {@code now}. The engine may
     * call this for every lost packet: the first call of an episode reduces the window and enters recovery, and
     * a later call is part of the same episode, and ignored, if the lost packet was sent at or before the
     * episode started (the rule QUIC uses, RFC 9002 section 7.3.2 and appendix B.6).
     *
     * @param lostPacketSentTime when the lost packet was (last) sent
     * @param bytesInFlight      bytes in flight when the loss was detected (the FlightSize of RFC 5681)
     */
    void onCongestionEvent(long now, long lostPacketSentTime, long bytesInFlight);

    /**
     * The recovery episode ended: the engine saw the ACK of its recovery point (RFC 6582 section 3.2, RFC 6675
     * section 5). The window is set to the post-recovery value. Ignored when not in recovery.
     */
    void onRecoveryEnd(long now);

    /**
     * The congestion event of the episode in progress proved spurious: the packets were reordered, not lost
     * (RFC 3522 detection). The controller may restore the state it had before the event and leave recovery
     * (RFC 4015's response, RFC 9438 section 4.9); by default nothing changes.
     */
    default void onSpuriousCongestionEvent(long now) {
    }

    /**
     * The retransmission timer fired. The window collapses to one segment and slow start resumes
     * (RFC 5681 section 3.1); a recovery episode in progress is abandoned. Losses of packets sent before
     * {@code now} count as part of this event.
     *
     * @param bytesInFlight the FlightSize when the timer fired: data sent and not cumulatively acknowledged
     *                      (RFC 5681), SACKed or deemed lost included
     */
    void onRetransmitTimeout(long now, long bytesInFlight);

    /** The subflow's sender maximum segment size (SMSS, payload bytes) changed, for example by path MTU discovery. */
    void onMssChanged(int mss);
}
