/**
 * Per-subflow TCP machinery of the sans-IO core. So far: round-trip time estimation and the retransmission
 * timeout of RFC 6298 ({@link io.mptcp4j.core.tcp.RttEstimator}), read by congestion control and by the
 * MPTCP packet schedulers through the read-only {@link io.mptcp4j.core.tcp.RttStats}.
 *
 * <p>All durations and instants are nanoseconds on the caller's monotonic clock (see
 * {@code io.mptcp4j.core.time}).
 */
package io.mptcp4j.core.tcp;
