/**
 * The MPTCP connection level (RFC 8684): the "meta socket" over TCP subflows, sans-IO.
 *
 * <ul>
 *   <li>{@link io.mptcp4j.core.mptcp.MptcpStack}: a {@link io.mptcp4j.core.stack.NetworkStack} over a
 *       {@link io.mptcp4j.core.tcp.TcpStack}; connects, listens ({@link io.mptcp4j.core.mptcp.MptcpListener}),
 *       keeps the token table, the connection-level timers and the event queue.</li>
 *   <li>{@link io.mptcp4j.core.mptcp.MptcpConnection}: keys and tokens, the 64-bit data sequence space, the
 *       send queue with reinjection, data-level reassembly and window, DATA_FIN, fallback, MP_FAIL,
 *       MP_FASTCLOSE and MP_TCPRST; configured by {@link io.mptcp4j.core.mptcp.MptcpConfig}.</li>
 *   <li>A subflow is a TCP connection with the connection's {@link io.mptcp4j.core.tcp.TcpExtension} on it:
 *       MP_CAPABLE on the handshake, a DSS option on every segment, mappings and checksums both ways. Applications
 *       see it through {@link io.mptcp4j.core.mptcp.SubflowView}.</li>
 *   <li>{@link io.mptcp4j.core.mptcp.SubflowScheduler}: which subflow carries the next chunk of data.</li>
 *   <li>{@link io.mptcp4j.core.mptcp.MptcpStatistics}: the MIB, with Linux's counter names.</li>
 * </ul>
 *
 * <p>See {@code docs/mptcp.md} for how the pieces fit, fallback, and the event model.
 */
package io.mptcp4j.core.mptcp;
