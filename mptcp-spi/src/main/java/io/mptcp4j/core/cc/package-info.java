/**
 * Congestion control: the SPI that the TCP engine drives, the registry that finds algorithms by name, and the
 * built-in algorithms {@code "reno"} (RFC 5681), {@code "cubic"} (RFC 9438, the default) and the coupled MPTCP
 * algorithms {@code "lia"} (RFC 6356), {@code "olia"} (Khalili et al.) and {@code "balia"} (Peng et al.), whose
 * subflows share one connection-level state.
 *
 * <h2>Shape</h2>
 * <ul>
 *   <li>{@link io.mptcp4j.core.cc.CongestionControlAlgorithm}: a named factory, found through
 *       {@link io.mptcp4j.core.cc.CongestionControlRegistry}.</li>
 *   <li>{@link io.mptcp4j.core.cc.ConnectionCongestion}: one per MPTCP connection; creates and forgets the
 *       controllers of its subflows. Coupled algorithms (LIA of RFC 6356, OLIA, BALIA) keep their shared state
 *       here: they create every subflow's controller, so they can read each one's window, and each controller
 *       gets its subflow's live {@link io.mptcp4j.core.tcp.RttStats}.</li>
 *   <li>{@link io.mptcp4j.core.cc.CongestionController}: one per subflow, told about sends, ACKs, losses and
 *       timeouts, asked for {@code cwnd} and {@code ssthresh}.</li>
 *   <li>{@link io.mptcp4j.core.cc.LossBasedController}: the slow start, recovery and timeout rules that every
 *       loss-based algorithm shares, so that an algorithm only writes its congestion-avoidance increase and its
 *       multiplicative decrease.</li>
 * </ul>
 *
 * <p>Windows are in bytes, times in nanoseconds on the caller's monotonic clock. Controllers are not
 * thread-safe: a connection and its subflows are driven by one thread at a time.
 */
package io.mptcp4j.core.cc;
