/**
 * The userspace TCP engine of the sans-IO core, which also carries MPTCP subflows.
 *
 * <ul>
 *   <li>{@link io.mptcp4j.core.tcp.TcpStack}: a {@link io.mptcp4j.core.stack.NetworkStack} of IP packets in and
 *       out, with local addresses, {@link io.mptcp4j.core.tcp.TcpListener}s, demultiplexing, timers and a
 *       {@link io.mptcp4j.core.tcp.TcpStatistics} MIB.</li>
 *   <li>{@link io.mptcp4j.core.tcp.TcpConnection}: one connection's RFC 9293 state machine, with window scaling
 *       and timestamps (RFC 7323), SACK (RFC 2018, 2883), RFC 6298 timers, RFC 6675 and RFC 6582 loss recovery,
 *       driven by segments, timeouts and polls; configured by {@link io.mptcp4j.core.tcp.TcpConfig}.</li>
 *   <li>{@link io.mptcp4j.core.tcp.TcpExtension}: the hook MPTCP runs on a subflow through.</li>
 *   <li>Round-trip time estimation and the retransmission timeout of RFC 6298
 *       ({@link io.mptcp4j.core.tcp.RttEstimator}), read by congestion control and by the MPTCP packet schedulers
 *       through the read-only {@link io.mptcp4j.core.tcp.RttStats}.</li>
 * </ul>
 *
 * <p>All durations and instants are nanoseconds on the caller's monotonic clock (see
 * {@code io.mptcp4j.core.time}); nothing here reads a clock, opens a socket or starts a thread.
 */
package io.mptcp4j.core.tcp;
