/**
 * What happens to MPTCP connections and their subflows, as values: the sealed
 * {@link io.mptcp4j.core.event.SubflowEvent} and its records, modelled on the Linux kernel's
 * {@code MPTCP_EVENT_*} netlink events.
 *
 * <p>The sans-IO core only queues events (see {@code MptcpStack.pollEvent}); whoever drives the stack drains
 * the queue after every call, as it drains packets, and publishes the events outside the core.
 */
package io.mptcp4j.core.event;
