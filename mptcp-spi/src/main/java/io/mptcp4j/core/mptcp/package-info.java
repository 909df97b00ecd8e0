/**
 * The MPTCP connection level (RFC 8684): the "meta socket" over TCP subflows, sans-IO.
 *
 * <ul>
 *   <li>{@link io.mptcp4j.core.mptcp.MptcpStack}: a {@link io.mptcp4j.core.stack.NetworkStack} over a
 *       {@link io.mptcp4j.core.tcp.TcpStack}; connects, listens ({@link io.mptcp4j.core.mptcp.MptcpListener}),
 *       takes MP_JOIN SYNs for its tokens, keeps the token table, the connection-level timers, the event queue
 *       and the state of the host's links.</li>
 *   <li>{@link io.mptcp4j.core.mptcp.MptcpConnection}: keys and tokens, the 64-bit data sequence space, the
 *       send queue with reinjection, data-level reassembly and window, DATA_FIN, fallback, MP_FAIL,
 *       MP_FASTCLOSE and MP_TCPRST; configured by {@link io.mptcp4j.core.mptcp.MptcpConfig}.</li>
 *   <li>A subflow is a TCP connection with the connection's {@link io.mptcp4j.core.tcp.TcpExtension} on it:
 *       MP_CAPABLE or MP_JOIN on the handshake, a DSS option on every segment, mappings and checksums both ways,
 *       path-management signals on pure ACKs. Applications see it through
 *       {@link io.mptcp4j.core.sched.SubflowView}.</li>
 *   <li>{@code ConnectionPaths}: address ids, the peer's addresses, ADD_ADDR and REMOVE_ADDR, and the
 *       connection's {@link io.mptcp4j.core.pm.PathManager}; {@link io.mptcp4j.core.sched.PacketScheduler}
 *       decides which subflow carries the next chunk of data.</li>
 *   <li>{@link io.mptcp4j.core.mptcp.MptcpStatistics}: the MIB, with Linux's counter names.</li>
 * </ul>
 *
 * <p>See {@code docs/mptcp.md} for how the pieces fit, fallback, and the event model.
 */
package io.mptcp4j.core.mptcp;
