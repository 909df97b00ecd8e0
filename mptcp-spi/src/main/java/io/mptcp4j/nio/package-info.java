/**
 * The java.nio adapter: {@link io.mptcp4j.nio.MptcpSelectorProvider}, whose socket channels speak MPTCP over the
 * userspace stack and whose selectors serve them together with the channels it leaves to the platform
 * ({@link io.mptcp4j.nio.ExclusionPolicy}). {@link io.mptcp4j.nio.MptcpChannel} reaches a channel's subflows and
 * events; {@link io.mptcp4j.nio.MptcpSocketOptions} are its MPTCP options.
 */
package io.mptcp4j.nio;
