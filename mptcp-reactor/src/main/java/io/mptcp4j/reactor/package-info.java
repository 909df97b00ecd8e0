/**
 * Reactor and Reactor Netty over mptcp4j: {@link io.mptcp4j.reactor.MptcpEvents} turns the SPI's subflow events into
 * {@link reactor.core.publisher.Flux}es; {@link io.mptcp4j.reactor.MptcpLoopResources} runs Reactor Netty's servers
 * and clients on the mptcp4j {@link java.nio.channels.spi.SelectorProvider}; {@link io.mptcp4j.reactor.MptcpConnections}
 * reaches a connection's MPTCP side.
 */
package io.mptcp4j.reactor;
