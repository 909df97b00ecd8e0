/**
 * Publication of the core's {@link io.mptcp4j.core.event.SubflowEvent}s to other threads, through
 * {@link java.util.concurrent.Flow}: the sans-IO core only queues events; the driver drains them into a
 * {@link io.mptcp4j.event.SubflowEventPublisher}, which hands them to subscribers on their executor with bounded
 * buffers and Reactive Streams semantics.
 */
package io.mptcp4j.event;
